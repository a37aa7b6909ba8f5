import type { Action, Pending } from '../../shared/engine/actions.ts';
import { toDecision, type AgentDecision, type SeatAgent } from '../../shared/engine/agent.ts';
import type { AnyGame, BaseState } from '../../shared/engine/game.ts';
import { agentRng } from '../../shared/engine/play.ts';
import { Purpose, Rng, type RngKey } from '../../shared/engine/rng.ts';
import type { Ack } from '../../shared/protocol/index.ts';
import { visibleLength } from '../../shared/text.ts';
import type { SessionOptions } from '../store/index.ts';
import { humanThinkMs, humanTypingMs, pacingBudgetMs } from '../studies/pacing.ts';
import type { AgentNotes, SessionEvent } from './log.ts';
import type { Inflight, Seat } from './seat.ts';

/** What the runner needs of its room. */
export interface AgentHost {
  readonly id: string;
  readonly game: AnyGame;
  /** the session seed's ChaCha key: agent decisions and pacing read their own streams of it */
  readonly rngKey: RngKey;
  readonly options: SessionOptions;
  readonly seats: readonly Seat[];
  /** the room was closed (evicted, server stopping) */
  isClosed(): boolean;
  isActive(): boolean;
  state(): BaseState;
  log(message: string): void;
  enqueue<T>(task: () => T | Promise<T>): Promise<T>;
  /** On the queue: play an agent's action as a seat's own (validated, committed, broadcast). */
  play(seat: Seat, action: Action, clientActionId: string, notes: AgentNotes): Promise<Ack>;
  /** On the queue: log session rows. */
  appendSession(events: SessionEvent[]): Promise<void>;
  /** On the queue: give a seat the rule's default now, as if its deadline had passed. */
  expire(seat: Seat): Promise<void>;
}

/**
 * Plays the agent-held seats: asks each agent when its seat is asked something new, paces the
 * answer like a person would (when asked to), and plays it through the room's queue like any
 * submit. Agents think outside the queue, so a slow model never holds the room up; an answer to
 * a request that has moved on (stale) is dropped, and an agent that fails gets the rule's
 * default so the game never stalls.
 */
export class AgentRunner {
  constructor(private readonly host: AgentHost) {}

  /** Ask every agent-played seat that owes something new; never blocks the queue. */
  schedule(): void {
    const { host } = this;
    for (const seat of host.seats) {
      const { agent, slot, inflight: current } = seat;
      if (!agent || !slot || host.isClosed() || !host.isActive()) {
        if (current) current.controller.abort();
        seat.inflight = null;
        continue;
      }
      if (current?.epoch === slot.epoch) continue;
      current?.controller.abort();
      const inflight: Inflight = { epoch: slot.epoch, controller: new AbortController() };
      seat.inflight = inflight;
      void this.run(seat, agent, inflight);
    }
  }

  /** Abort every decision being worked on (the session settled, or the room closed). */
  stop(): void {
    for (const seat of this.host.seats) {
      seat.inflight?.controller.abort();
      seat.inflight = null;
    }
  }

  /** The seat's request moved on (or its agent left, or the room closed) since this decision began. */
  private isStale(seat: Seat, inflight: Inflight): boolean {
    return inflight.controller.signal.aborted || this.host.isClosed() || seat.slot?.epoch !== inflight.epoch || seat.agent === null;
  }

  private async run(seat: Seat, agent: SeatAgent, inflight: Inflight): Promise<void> {
    const { host } = this;
    const { signal } = inflight.controller;
    const decisionIndex = seat.accepted;
    try {
      // one pace stream per decision: think time first, then (human pacing) typing time
      const pace = Rng.stream(host.rngKey, Purpose.pace, seat.index, decisionIndex);
      const think = this.thinkDelay(seat, pace);
      await pause(think, signal);
      if (this.isStale(seat, inflight)) return;
      const slot = seat.slot!;
      const answer = toDecision(
        await agent.decide({
          gameId: host.game.id,
          seat: seat.index,
          view: host.game.view(host.state(), seat.index),
          pending: slot.pending,
          rng: agentRng(host.rngKey, seat.index, decisionIndex),
          signal,
        }),
      );
      if (host.options.agentPacing === 'human' && answer.action.kind === 'speak') {
        await pause(this.typingDelay(pace, slot.pending, answer.action.text, think), signal);
      }
      if (this.isStale(seat, inflight)) {
        this.discarded(seat, agent, answer);
        return;
      }
      await host.enqueue(async () => {
        // the request may have moved on while this waited for its turn
        if (this.isStale(seat, inflight)) {
          this.discarded(seat, agent, answer);
          return;
        }
        const { action, ...notes } = answer;
        const ack = await host.play(seat, action, `agent:${seat.index}:${decisionIndex}`, { agent: agent.name, ...notes });
        if (!ack.ok) await this.failed(seat, agent, `illegal action (${ack.code}: ${ack.message})`);
      });
    } catch (err) {
      if (this.isStale(seat, inflight)) return;
      const message = err instanceof Error ? err.message : String(err);
      await host.enqueue(async () => {
        if (!this.isStale(seat, inflight)) await this.failed(seat, agent, message);
      });
    } finally {
      if (seat.inflight === inflight) seat.inflight = null;
    }
  }

  /** A decision that came too late is dropped; model calls it made are still logged (they cost money). */
  private discarded(seat: Seat, agent: SeatAgent, answer: AgentDecision): void {
    if (!answer.calls?.length || this.host.isClosed()) return;
    void this.host.enqueue(() => this.host.appendSession([{ type: 'agent_discarded', seat: seat.index, agent: agent.name, calls: answer.calls! }]));
  }

  /** On the queue: an agent that cannot produce a legal action gets the rule's default, so the game never stalls. */
  private async failed(seat: Seat, agent: SeatAgent, message: string): Promise<void> {
    const { host } = this;
    host.log(`room ${host.id}: agent ${agent.name} at seat ${seat.index} failed: ${message}`);
    await host.appendSession([{ type: 'agent_error', seat: seat.index, agent: agent.name, message }]);
    await host.expire(seat);
  }

  /** Pacing for humans: about agentDelayMs (0.5×–1.5×, from the seed's pace stream so a replay paces alike). */
  private thinkDelay(seat: Seat, pace: Rng): number {
    const base = this.host.options.agentDelayMs;
    if (base <= 0) return 0;
    const pending = seat.slot?.pending;
    if (this.host.options.agentPacing === 'human' && pending) {
      // blind study arms: a person's think time (server/studies/pacing.ts), agentDelayMs 1000 = real time
      const think = humanThinkMs(pending, pace.next(), pace.next()) * (base / 1000);
      return Math.round(Math.min(think, pacingBudgetMs(pending) * (base / 1000)));
    }
    return Math.round(base * (0.5 + pace.next()));
  }

  /**
   * Human pacing: the time a person takes to type `text` (characters as seen), within what the
   * think time left of the budget. Draws from the decision's pace stream after thinkDelay's.
   */
  private typingDelay(pace: Rng, pending: Pending, text: string, think: number): number {
    const scale = this.host.options.agentDelayMs / 1000;
    if (scale <= 0) return 0;
    const typing = humanTypingMs(visibleLength(text), pace.next(), pace.next()) * scale;
    return Math.round(Math.max(0, Math.min(typing, pacingBudgetMs(pending) * scale - think)));
  }
}

/** Wait `ms` (a macrotask even for 0, so agent work never runs inside the room's queue). */
function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (ms <= 0) {
      setImmediate(resolve);
      return;
    }
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => {
      clearTimeout(timer);
      resolve();
    }, { once: true });
  });
}
