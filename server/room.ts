import { toDecision, type AgentDecision, type SeatAgent } from '../shared/engine/agent.ts';
import type { Action, Pending } from '../shared/engine/actions.ts';
import type { AnyGame, BaseState, GameEventBase, Outcome } from '../shared/engine/game.ts';
import { applyWithConsequences, decideAction, Match } from '../shared/engine/match.ts';
import { agentRng } from '../shared/engine/play.ts';
import { Purpose, Rng, RngKey } from '../shared/engine/rng.ts';
import { awaySeats, refreshSlots, type Slot } from '../shared/engine/slots.ts';
import type { Ack, LogRow, ServerToClientEvents, SessionStatus, StatePayload } from '../shared/protocol/index.ts';
import { resolveAgent, type AgentResolver } from './agents.ts';
import type { NewRow, SessionRecord, Store } from './store.ts';
import { visibleLength } from '../shared/text.ts';
import { describeTakeoverAction } from '../shared/replay/labels.ts';
import { humanThinkMs, humanTypingMs, pacingBudgetMs } from './studies/pacing.ts';
import type { FeedSend, StateFeed } from './live/feed.ts';
import { LiveMetricsCache } from './live/metrics.ts';

/** One connection as the room sees it (a socket.io Socket satisfies this). */
export interface Peer {
  /** unique per connection (the socket's id): the feed fans one encoding out by it */
  readonly id: string;
  readonly connected: boolean;
  emit<E extends keyof ServerToClientEvents>(event: E, ...args: Parameters<ServerToClientEvents[E]>): unknown;
  disconnect(close?: boolean): unknown;
}

export interface RoomDeps {
  store: Store;
  game: AnyGame;
  resolvers: readonly AgentResolver[];
  now: () => number;
  log: (message: string) => void;
  /** sends every state (full or as a patch, as each connection asked) */
  feed: StateFeed;
  /** called (outside the queue) once the session is finished or ended */
  onSettled?: (room: Room) => void;
  /** called after every commit, presence change and end (the console's live table); must be cheap */
  onChange?: (room: Room) => void;
  /**
   * End the session ("abandoned") when no human or external seat is connected: `joinMs` after the
   * start if none ever connected, `goneMs` after the last one left. Quick play only; 0 = never.
   */
  abandon?: { joinMs: number; goneMs: number };
}

interface Inflight {
  epoch: number;
  controller: AbortController;
}

/** Session rows are not game events: they record presence, takeovers and agent notes. */
export type SessionEvent =
  | { type: 'connected'; seat: number; replaced: boolean }
  | { type: 'disconnected'; seat: number }
  | { type: 'takeover'; seat: number; agent: string; goneSec: number }
  | { type: 'handback'; seat: number }
  /** the table waits for these human seats before anyone is asked anything (CreateSession waitForHumans) */
  | { type: 'waiting'; seats: number[]; maxWaitSec: number | null; then: 'timeout' | 'takeover' }
  /** the table started: every clock starts now; `absent`: awaited seats not there (the longest wait ran out) */
  | { type: 'started'; absent: number[] }
  /** the server restarted and rebuilt this session; `lastRowAt` is the last thing logged before */
  | { type: 'recovered'; lastRowAt: number }
  /** `note`: the experimenter's words, when ending from the console */
  | { type: 'ended'; reason: string; note?: string }
  | { type: 'agent_decision'; seat: number; agent: string; clientActionId: string; thoughts?: string; fallback?: boolean; calls?: unknown[] }
  | { type: 'agent_error'; seat: number; agent: string; message: string }
  | { type: 'agent_discarded'; seat: number; agent: string; calls: unknown[] };

type Respond = (ack: Ack) => void;
/** What an agent said besides its action, logged next to the event it produced. */
type AgentNotes = { agent: string } & Omit<AgentDecision, 'action'>;

const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * One live session: the only authority over its game. Every change (an action, a timeout, a
 * presence change, a takeover) runs on the room's serial queue, is committed to the store, and only
 * then is acknowledged and broadcast. Its state is always fold(reduce, game rows of the log), and a
 * room is built the same way whether the session is new or being recovered after a crash.
 */
export class Room {
  readonly id: string;
  readonly record: SessionRecord;
  private readonly game: AnyGame;
  /** the session seed's ChaCha key: agent decisions and pacing read their own streams of it */
  private readonly rngKey: RngKey;
  private match!: Match<BaseState, GameEventBase>;
  /** seq of the last log row */
  private version = 0;
  private lastRowAt = 0;
  /** why the session was ended (from its `ended` row), else null */
  private endedFor: string | null = null;
  /** per seat: actions accepted so far = the index of the seat's next agent decision */
  private readonly accepted: number[];
  /** `${seat}:${clientActionId}` → the version its ack reported */
  private readonly acks = new Map<string, number>();
  private readonly slots: (Slot | null)[];
  private epochs = 0;

  /** the agent playing each seat now: agent seats always, human/external seats during a takeover */
  private readonly agents: (SeatAgent | null)[];
  private readonly takenOver: boolean[];
  /** per seat: what the takeover agent did since the current takeover began, told to the player on return */
  private readonly whileAway: GameEventBase[][];
  private readonly inflight: (Inflight | null)[];

  private readonly sockets: (Peer | null)[];
  private readonly spectators = new Set<Peer>();
  /** the spectator's live metrics, once per change of the log */
  private readonly liveMetrics = new LiveMetricsCache();
  /** when each human/external seat was last seen leaving (or the session began), for takeovers */
  private readonly goneSince: (number | null)[];
  private readonly takeoverTimers: (NodeJS.Timeout | null)[];
  private deadlineTimer: NodeJS.Timeout | null = null;
  /** the start gate (a `waiting` row and no `started` row yet): nobody is asked anything until it opens */
  private waiting: { seats: number[]; since: number; maxWaitSec: number | null; then: 'timeout' | 'takeover' } | null = null;
  private startTimer: NodeJS.Timeout | null = null;
  private abandonTimer: NodeJS.Timeout | null = null;
  /** whether a participant has been seated since this room went live (for `abandon`) */
  private everSeated = false;
  private queue: Promise<unknown> = Promise.resolve();
  private closed = false;
  /** connections accepted but not yet seated (so an idle room is not evicted under them) */
  private joining = 0;

  private constructor(private readonly deps: RoomDeps, record: SessionRecord) {
    this.id = record.id;
    this.record = record;
    this.game = deps.game;
    this.rngKey = RngKey.fromSeed(record.seed);
    const n = record.seats.length;
    this.accepted = new Array(n).fill(0);
    this.slots = new Array(n).fill(null);
    this.agents = new Array(n).fill(null);
    this.takenOver = new Array(n).fill(false);
    this.whileAway = Array.from({ length: n }, () => []);
    this.inflight = new Array(n).fill(null);
    this.sockets = new Array(n).fill(null);
    this.goneSince = new Array(n).fill(null);
    this.takeoverTimers = new Array(n).fill(null);
  }

  /**
   * Build a room from its log: fold the game rows (restoring each seat's pending request with the
   * time it began, so deadlines survive a restart), replay the session rows (takeovers), and,
   * when `live`, start the clocks and agents.
   */
  static fromLog(deps: RoomDeps, record: SessionRecord, rows: readonly LogRow[], mode: { live: boolean; recovered: boolean }): Room {
    const room = new Room(deps, record);
    room.rebuild(rows);
    if (mode.live && record.status === 'active') room.goLive(mode.recovered);
    return room;
  }

  private rebuild(rows: readonly LogRow[]): void {
    const game = this.game;
    const gameEvents: GameEventBase[] = [];
    let state: BaseState | undefined;
    let i = 0;
    while (i < rows.length) {
      const first = rows[i];
      let actedSeat: number | null = null;
      let last = first;
      let changed = false;
      let started = false;
      for (; i < rows.length && rows[i].batch === first.batch; i++) {
        const row = rows[i];
        last = row;
        if (row.kind === 'game') {
          if (!changed && row.seat !== null) actedSeat = row.seat;
          if (!changed && row.seat !== null && row.clientActionId !== null) this.accepted[row.seat]++;
          if (!changed && row.seat !== null && this.takenOver[row.seat]) this.whileAway[row.seat].push(row.event);
          changed = true;
          state = game.reduce(state, row.event);
          gameEvents.push(row.event);
        } else {
          const event = row.event as SessionEvent;
          if (event.type === 'waiting') this.waiting = { seats: event.seats, since: row.at, maxWaitSec: event.maxWaitSec, then: event.then };
          else if (event.type === 'started') {
            this.waiting = null;
            started = true;
          }
          this.replaySessionEvent(event);
        }
      }
      if (first.kind === 'game' && first.seat !== null && first.clientActionId !== null) {
        this.acks.set(`${first.seat}:${first.clientActionId}`, last.seq);
      }
      if ((changed || started) && state) this.refreshSlots(state, actedSeat, first.at);
      this.version = last.seq;
      this.lastRowAt = last.at;
    }
    if (!state) throw new Error(`session ${this.id}: its log holds no game events`);
    this.match = Match.fromLog<BaseState, GameEventBase>(game, gameEvents);
    if (this.record.status !== 'active') this.slots.fill(null);
  }

  private replaySessionEvent(event: SessionEvent): void {
    if (event.type === 'takeover') {
      this.takenOver[event.seat] = true;
      this.whileAway[event.seat] = [];
    } else if (event.type === 'handback') this.takenOver[event.seat] = false;
    else if (event.type === 'ended') this.endedFor = endedText(event.reason, event.note);
  }

  private resolve(spec: SessionRecord['options']['takeoverAgent'], seat: number): SeatAgent {
    return resolveAgent(this.deps.resolvers, {
      game: this.game,
      spec,
      seat,
      state: this.match?.state,
      config: this.record.config,
      sessionId: this.id,
    });
  }

  private goLive(recovered: boolean): void {
    const now = this.deps.now();
    // agent seats are played by their agent from the start; taken-over seats by the takeover agent
    this.record.seats.forEach((seat) => {
      if (seat.kind === 'agent' && seat.agent !== undefined) this.agents[seat.seat] = this.resolve(seat.agent, seat.seat);
      else if (this.takenOver[seat.seat]) this.agents[seat.seat] = this.resolve(this.record.options.takeoverAgent, seat.seat);
    });
    if (recovered) {
      // the server was down: every connection was lost; clients reconnect and carry on
      void this.enqueue(() => this.appendSession([{ type: 'recovered', lastRowAt: this.lastRowAt }]));
    }
    this.record.seats.forEach((seat) => {
      if (seat.kind !== 'agent') {
        this.goneSince[seat.seat] = now;
        this.armTakeover(seat.seat);
      }
    });
    this.armAbandon();
    this.armStartTimer();
    this.armDeadlineTimer();
    this.scheduleAgents();
  }

  // ---------------------------------------------------------------------------------------------
  // the start gate: a table that waits for its humans starts when they are all connected (or its
  // longest wait runs out). The `started` row is logged, and every clock is measured from it.

  private armStartTimer(): void {
    if (this.startTimer) clearTimeout(this.startTimer);
    this.startTimer = null;
    const gate = this.waiting;
    if (!gate || gate.maxWaitSec === null || this.closed || this.record.status !== 'active') return;
    const wait = Math.min(MAX_TIMER_MS, Math.max(0, gate.since + gate.maxWaitSec * 1000 - this.deps.now()));
    this.startTimer = setTimeout(() => {
      this.startTimer = null;
      void this.enqueue(async () => {
        if (this.closed || this.record.status !== 'active' || !this.waiting) return;
        await this.startNow(this.waiting.seats.filter((seat) => !this.sockets[seat]));
      });
    }, wait);
  }

  /** Open the gate (must run on the queue): log `started`, ask everyone, start every clock now. */
  private async startNow(absent: number[]): Promise<void> {
    const gate = this.waiting!;
    await this.appendSession([{ type: 'started', absent }]);
    const at = this.lastRowAt;
    this.waiting = null;
    if (this.startTimer) clearTimeout(this.startTimer);
    this.startTimer = null;
    this.refreshSlots(this.match.state, null, at);
    for (const seat of absent) {
      // absent seats are gone from the start on: their takeover clock (if any) runs from now
      this.goneSince[seat] = at;
      if (gate.then === 'takeover') await this.takeOver(seat);
      else this.armTakeover(seat);
    }
    this.afterChange();
  }

  // ---------------------------------------------------------------------------------------------
  // the queue

  /** Run `task` after everything queued before it; one room's changes never interleave. */
  private enqueue<T>(task: () => T | Promise<T>): Promise<T> {
    const run = this.queue.then(task);
    this.queue = run.catch((err) => this.deps.log(`room ${this.id}: ${err instanceof Error ? err.stack : String(err)}`));
    return run;
  }

  /** Wait until everything queued so far has run (tests and shutdown). */
  idle(): Promise<void> {
    return this.queue.then(() => undefined);
  }

  // ---------------------------------------------------------------------------------------------
  // actions

  /** A seat's action from its connection. `respond` is called after the commit, before the broadcast. */
  submit(seat: number, action: Action, clientActionId: string, respondOnce: Respond): Promise<void> {
    let answered = false;
    const respond: Respond = (ack) => {
      if (answered) return;
      answered = true;
      respondOnce(ack);
    };
    return this.enqueue(async () => {
      if (this.closed) {
        respond({ ok: false, code: 'internal', message: 'The server is shutting down; reconnect and try again.' });
        return;
      }
      if (this.waiting) {
        respond({ ok: false, code: 'not_started', message: 'The table has not started yet: it starts when every player is here.' });
        return;
      }
      if (this.takenOver[seat]) {
        respond({ ok: false, code: 'agent_controlled', message: 'An agent is playing this seat while you were away; reconnect to take it back.' });
        return;
      }
      await this.applyAction(seat, action, clientActionId, respond);
    }).catch((err) => {
      respond({ ok: false, code: 'internal', message: 'The server failed to apply this action; it was not recorded.' });
      throw err;
    });
  }

  /** Validate, commit, acknowledge, broadcast. Must run on the queue. */
  private async applyAction(seat: number, action: Action, clientActionId: string, respond: Respond, decision?: AgentNotes): Promise<Ack> {
    const { ack, committed } = await this.decideAndCommit(seat, action, clientActionId, decision);
    respond(ack);
    if (committed) this.afterChange();
    return ack;
  }

  private async decideAndCommit(seat: number, action: Action, clientActionId: string, decision?: AgentNotes): Promise<{ ack: Ack; committed: boolean }> {
    const seen = this.acks.get(`${seat}:${clientActionId}`);
    // a resend of an accepted action: same answer, nothing new in the log
    if (seen !== undefined) return { ack: { ok: true, version: seen }, committed: false };
    if (this.record.status === 'ended') {
      return { ack: { ok: false, code: 'session_ended', message: 'The experimenter ended this session.' }, committed: false };
    }
    const result = decideAction<BaseState, GameEventBase>(this.game, this.match.state, seat, action);
    if (!result.ok) return { ack: { ok: false, code: result.code, message: result.message }, committed: false };
    const at = this.deps.now();
    const rows: NewRow[] = result.events.map((event, i) => ({
      at,
      kind: 'game',
      seat: i === 0 ? seat : null,
      clientActionId: i === 0 ? clientActionId : null,
      event,
    }));
    if (decision && (decision.thoughts !== undefined || decision.fallback !== undefined || decision.calls !== undefined)) {
      rows.push(this.sessionRow({ type: 'agent_decision', seat, clientActionId, ...decision }, at));
    }
    await this.commitGame(rows, result.events, result.state!, seat, at);
    this.accepted[seat]++;
    this.acks.set(`${seat}:${clientActionId}`, this.version);
    return { ack: { ok: true, version: this.version }, committed: true };
  }

  /** Persist a batch of rows holding game events, then adopt the new state. Runs on the queue. */
  private async commitGame(rows: NewRow[], events: GameEventBase[], state: BaseState, actedSeat: number | null, at: number): Promise<void> {
    const outcome = this.game.outcome(state) as Outcome | null;
    const status: SessionStatus | undefined = outcome ? 'finished' : undefined;
    // durable first: if this fails, memory is untouched and the action was not accepted
    await this.deps.store.appendDurable(this.id, this.version + 1, rows, status ? { status, at, outcome } : undefined);
    this.version += rows.length;
    this.lastRowAt = at;
    this.match.commit(events, state);
    if (actedSeat !== null && this.takenOver[actedSeat]) this.whileAway[actedSeat].push(events[0]);
    if (status) {
      this.record.status = status;
      this.record.endedAt = at;
      this.record.outcome = outcome;
    }
    this.refreshSlots(state, actedSeat, at);
    this.deps.onChange?.(this);
  }

  private sessionRow(event: SessionEvent, at: number): NewRow {
    const seat = 'seat' in event ? event.seat : null;
    return { at, kind: 'session', seat, clientActionId: null, event };
  }

  private async appendSession(events: SessionEvent[], status?: SessionStatus): Promise<void> {
    const at = this.deps.now();
    await this.deps.store.appendDurable(
      this.id,
      this.version + 1,
      events.map((e) => this.sessionRow(e, at)),
      status ? { status, at, outcome: this.record.outcome } : undefined,
    );
    this.version += events.length;
    this.lastRowAt = at;
    // presence rows change what the console shows (it reads the room later, once the caller has updated it)
    this.deps.onChange?.(this);
  }

  /**
   * Recompute every seat's pending request. A seat's clock restarts when it is asked something
   * different, or when it has just acted (or timed out) and is asked again.
   */
  private refreshSlots(state: BaseState, actedSeat: number | null, at: number): void {
    // shared/engine/slots.ts: the replay computes the same clocks from the log
    const active = this.game.outcome(state) === null && this.record.status !== 'ended' && this.waiting === null;
    refreshSlots(this.game, state, this.slots, { actedSeat, at, active }, () => ++this.epochs);
  }

  /** After any game change: tell everyone, restart the clock, wake the agents. */
  private afterChange(broadcast = true): void {
    if (broadcast) this.broadcastState();
    this.armDeadlineTimer();
    this.scheduleAgents();
    if (this.record.status !== 'active') this.settled();
  }

  private settled(): void {
    this.stopClocks();
    const { onSettled } = this.deps;
    if (onSettled) setImmediate(() => onSettled(this));
  }

  // ---------------------------------------------------------------------------------------------
  // deadlines

  private armDeadlineTimer(): void {
    if (this.deadlineTimer) clearTimeout(this.deadlineTimer);
    this.deadlineTimer = null;
    if (this.closed || this.record.status !== 'active') return;
    let next = Infinity;
    for (const slot of this.slots) if (slot?.deadline != null && slot.deadline < next) next = slot.deadline;
    if (next === Infinity) return;
    const wait = Math.min(MAX_TIMER_MS, Math.max(0, next - this.deps.now()));
    this.deadlineTimer = setTimeout(() => {
      this.deadlineTimer = null;
      void this.enqueue(() => this.expireDue());
    }, wait);
  }

  /** Apply the rule's default for every seat whose deadline has passed, one batch each. */
  private async expireDue(): Promise<void> {
    if (this.closed || this.record.status !== 'active') return;
    for (;;) {
      const now = this.deps.now();
      const seat = this.slots.findIndex((slot) => slot?.deadline != null && slot.deadline <= now);
      if (seat < 0) break;
      await this.applyTimeout(seat, now);
      this.broadcastState();
      if (this.record.status !== 'active') break;
    }
    this.afterChange(false);
  }

  private async applyTimeout(seat: number, at: number): Promise<void> {
    const state = this.match.state;
    const { state: next, events } = applyWithConsequences<BaseState, GameEventBase>(this.game, state, this.game.timeoutEvent(state, seat));
    const rows: NewRow[] = events.map((event, i) => ({ at, kind: 'game', seat: i === 0 ? seat : null, clientActionId: null, event }));
    await this.commitGame(rows, events, next, seat, at);
  }

  // ---------------------------------------------------------------------------------------------
  // agents

  /** Ask every agent-played seat that owes something new; never blocks the queue. */
  private scheduleAgents(): void {
    for (let seat = 0; seat < this.slots.length; seat++) {
      const agent = this.agents[seat];
      const slot = this.slots[seat];
      const current = this.inflight[seat];
      if (!agent || !slot || this.closed || this.record.status !== 'active') {
        if (current) current.controller.abort();
        this.inflight[seat] = null;
        continue;
      }
      if (current?.epoch === slot.epoch) continue;
      current?.controller.abort();
      const inflight: Inflight = { epoch: slot.epoch, controller: new AbortController() };
      this.inflight[seat] = inflight;
      void this.runAgent(seat, agent, inflight);
    }
  }

  private isStale(seat: number, inflight: Inflight): boolean {
    return inflight.controller.signal.aborted || this.closed || this.slots[seat]?.epoch !== inflight.epoch || this.agents[seat] === null;
  }

  private async runAgent(seat: number, agent: SeatAgent, inflight: Inflight): Promise<void> {
    const { signal } = inflight.controller;
    const decisionIndex = this.accepted[seat];
    try {
      // one pace stream per decision: think time first, then (human pacing) typing time
      const pace = Rng.stream(this.rngKey, Purpose.pace, seat, decisionIndex);
      const think = this.agentDelay(seat, pace);
      await pause(think, signal);
      if (this.isStale(seat, inflight)) return;
      const slot = this.slots[seat]!;
      const answer = toDecision(
        await agent.decide({
          gameId: this.game.id,
          seat,
          view: this.game.view(this.match.state, seat),
          pending: slot.pending,
          rng: agentRng(this.rngKey, seat, decisionIndex),
          signal,
        }),
      );
      if (this.record.options.agentPacing === 'human' && answer.action.kind === 'speak') {
        await pause(this.typingDelay(pace, slot.pending, answer.action.text, think), signal);
      }
      if (this.isStale(seat, inflight)) {
        this.discarded(seat, agent, answer);
        return;
      }
      await this.enqueue(async () => {
        if (this.isStale(seat, inflight)) {
          this.discarded(seat, agent, answer);
          return;
        }
        const { action, ...notes } = answer;
        const ack = await this.applyAction(seat, action, `agent:${seat}:${decisionIndex}`, () => {}, { agent: agent.name, ...notes });
        if (!ack.ok) await this.agentFailed(seat, agent, `illegal action (${ack.code}: ${ack.message})`);
      });
    } catch (err) {
      if (this.isStale(seat, inflight)) return;
      const message = err instanceof Error ? err.message : String(err);
      await this.enqueue(async () => {
        if (!this.isStale(seat, inflight)) await this.agentFailed(seat, agent, message);
      });
    } finally {
      if (this.inflight[seat] === inflight) this.inflight[seat] = null;
    }
  }

  /** A decision that came too late is dropped; model calls it made are still logged (they cost money). */
  private discarded(seat: number, agent: SeatAgent, answer: AgentDecision): void {
    if (!answer.calls?.length || this.closed) return;
    void this.enqueue(() => this.appendSession([{ type: 'agent_discarded', seat, agent: agent.name, calls: answer.calls! }]));
  }

  /** An agent that cannot produce a legal action gets the rule's default, so the game never stalls. */
  private async agentFailed(seat: number, agent: SeatAgent, message: string): Promise<void> {
    this.deps.log(`room ${this.id}: agent ${agent.name} at seat ${seat} failed: ${message}`);
    await this.appendSession([{ type: 'agent_error', seat, agent: agent.name, message }]);
    await this.applyTimeout(seat, this.deps.now());
    this.afterChange();
  }

  /** Pacing for humans: about agentDelayMs (0.5×–1.5×, from the seed's pace stream so a replay paces alike). */
  private agentDelay(seat: number, pace: Rng): number {
    const base = this.record.options.agentDelayMs;
    if (base <= 0) return 0;
    const pending = this.slots[seat]?.pending;
    if (this.record.options.agentPacing === 'human' && pending) {
      // blind study arms: a person's think time (server/studies/pacing.ts), agentDelayMs 1000 = real time
      const think = humanThinkMs(pending, pace.next(), pace.next()) * (base / 1000);
      return Math.round(Math.min(think, pacingBudgetMs(pending) * (base / 1000)));
    }
    return Math.round(base * (0.5 + pace.next()));
  }

  /**
   * Human pacing: the time a person takes to type `text` (characters as seen), within what the
   * think time left of the budget. Draws from the decision's pace stream after agentDelay's.
   */
  private typingDelay(pace: Rng, pending: Pending, text: string, think: number): number {
    const scale = this.record.options.agentDelayMs / 1000;
    if (scale <= 0) return 0;
    const typing = humanTypingMs(visibleLength(text), pace.next(), pace.next()) * scale;
    return Math.round(Math.max(0, Math.min(typing, pacingBudgetMs(pending) * scale - think)));
  }

  // ---------------------------------------------------------------------------------------------
  // presence and takeovers

  /**
   * A socket joined as a seat (or as the spectator when seat is null). Resolves false when this room
   * was closed (evicted) before the socket could be seated: the transport loads the room again.
   */
  connect(peer: Peer, seat: number | null): Promise<boolean> {
    this.joining++;
    return this.enqueue(async () => {
      this.joining--;
      if (this.closed) return false;
      if (!peer.connected) return true;
      if (seat === null) {
        this.spectators.add(peer);
        this.deps.feed.sendFull(peer, this.statePayload(null));
        return true;
      }
      const previous = this.sockets[seat];
      this.sockets[seat] = peer;
      if (previous && previous !== peer) {
        previous.emit('replaced', { message: 'This seat was opened somewhere else; this connection is closed.' });
        previous.disconnect(true);
      }
      const events: SessionEvent[] = [{ type: 'connected', seat, replaced: Boolean(previous) }];
      if (this.takenOver[seat]) events.push({ type: 'handback', seat });
      if (this.record.status === 'active') await this.appendSession(events);
      this.goneSince[seat] = null;
      this.everSeated = true;
      this.clearTakeoverTimer(seat);
      this.clearAbandonTimer();
      const handedBack = this.takenOver[seat];
      if (handedBack) {
        this.takenOver[seat] = false;
        this.agents[seat] = null;
        this.scheduleAgents();
      }
      const opened = this.waiting !== null && this.waiting.seats.every((awaited) => this.sockets[awaited] !== null);
      if (opened) await this.startNow([]); // everyone, this seat included, gets the first requests
      else this.deps.feed.sendFull(peer, this.statePayload(seat));
      // who is awaited or away changed: the others' `waitingFor` / `away`
      if (!opened && (this.waiting || this.slots[seat])) this.sendStates(seat);
      if (handedBack) {
        // the returning player is always told what was done in their name (their own seat, blind or not)
        const names = this.match.state.names;
        peer.emit('handback', { sessionId: this.id, actions: this.whileAway[seat].map((event) => describeTakeoverAction(event, names)) });
        this.whileAway[seat] = [];
        this.broadcastTakeovers(seat);
      }
      this.broadcastPresence();
      return true;
    });
  }

  disconnect(peer: Peer, seat: number | null): Promise<void> {
    this.deps.feed.forget(peer);
    return this.enqueue(async () => {
      if (this.closed) return;
      if (seat === null) {
        this.spectators.delete(peer);
        return;
      }
      if (this.sockets[seat] !== peer) return; // replaced by a newer connection: nothing changed
      this.sockets[seat] = null;
      if (this.record.status === 'active') await this.appendSession([{ type: 'disconnected', seat }]);
      this.goneSince[seat] = this.deps.now();
      this.armTakeover(seat);
      this.armAbandon();
      this.broadcastPresence();
      if (this.waiting || this.slots[seat]) this.sendStates(null);
    });
  }

  /**
   * Presence changed what others are shown (`waitingFor`, `away`): fresh states for every seat but
   * `skip` and the spectator. Masked presence: the spectator only, as a state would say a human came or went.
   */
  private sendStates(skip: number | null): void {
    const shared = this.sharedPayload();
    const sends: FeedSend[] = [];
    if (!this.record.options.maskPresence) {
      this.sockets.forEach((peer, seat) => {
        if (seat !== skip && peer?.connected) sends.push({ peer, payload: this.statePayload(seat, shared) });
      });
    }
    const payload = this.statePayload(null, shared);
    for (const peer of this.spectators) if (peer.connected) sends.push({ peer, payload });
    this.deps.feed.broadcast(sends);
  }

  private armTakeover(seat: number): void {
    const after = this.record.options.takeoverAfterSec;
    const since = this.goneSince[seat];
    this.clearTakeoverTimer(seat);
    // before the start nobody owes anything: the longest wait's rule decides about absent seats
    if (!after || since === null || this.takenOver[seat] || this.closed || this.record.status !== 'active' || this.waiting) return;
    const wait = Math.min(MAX_TIMER_MS, Math.max(0, since + after * 1000 - this.deps.now()));
    this.takeoverTimers[seat] = setTimeout(() => {
      this.takeoverTimers[seat] = null;
      void this.enqueue(() => this.takeOver(seat));
    }, wait);
  }

  private clearTakeoverTimer(seat: number): void {
    const timer = this.takeoverTimers[seat];
    if (timer) clearTimeout(timer);
    this.takeoverTimers[seat] = null;
  }

  private async takeOver(seat: number): Promise<void> {
    const since = this.goneSince[seat];
    if (this.closed || this.record.status !== 'active' || this.sockets[seat] || this.takenOver[seat] || since === null) return;
    const agent = this.resolve(this.record.options.takeoverAgent, seat);
    await this.appendSession([{ type: 'takeover', seat, agent: agent.name, goneSec: Math.round((this.deps.now() - since) / 1000) }]);
    this.takenOver[seat] = true;
    this.whileAway[seat] = [];
    this.agents[seat] = agent;
    this.broadcastTakeovers(null);
    this.scheduleAgents();
  }

  /**
   * A takeover began or ended: everyone who may know it gets a fresh state (except `skip`, just
   * sent one). Where presence is masked (blind arms) only the spectator: a state arriving with
   * nothing visible changed would itself say that a human came or went.
   */
  private broadcastTakeovers(skip: number | null): void {
    const shared = this.sharedPayload();
    const sends: FeedSend[] = [];
    if (!this.record.options.maskPresence) {
      this.sockets.forEach((peer, seat) => {
        if (seat !== skip && peer?.connected) sends.push({ peer, payload: this.statePayload(seat, shared) });
      });
    }
    if (this.spectators.size) {
      const payload = this.statePayload(null, shared);
      for (const peer of this.spectators) if (peer.connected) sends.push({ peer, payload });
    }
    this.deps.feed.broadcast(sends);
  }

  // ---------------------------------------------------------------------------------------------
  // abandoned tables

  private participantConnected(): boolean {
    return this.record.seats.some((seat) => seat.kind !== 'agent' && this.sockets[seat.seat] !== null);
  }

  private armAbandon(): void {
    this.clearAbandonTimer();
    const rule = this.deps.abandon;
    if (!rule || this.closed || this.record.status !== 'active' || this.participantConnected()) return;
    const after = this.everSeated ? rule.goneMs : rule.joinMs;
    if (after <= 0) return;
    let lastLeft = 0;
    for (const since of this.goneSince) if (since !== null && since > lastLeft) lastLeft = since;
    const wait = Math.min(MAX_TIMER_MS, Math.max(0, lastLeft + after - this.deps.now()));
    this.abandonTimer = setTimeout(() => {
      this.abandonTimer = null;
      void this.enqueue(async () => {
        // someone may have connected while this waited in the queue
        if (this.closed || this.record.status !== 'active' || this.participantConnected()) return;
        this.deps.log(`room ${this.id}: ended, abandoned (${this.everSeated ? 'the player left' : 'nobody joined'})`);
        await this.endNow('abandoned');
      });
    }, wait);
  }

  private clearAbandonTimer(): void {
    if (this.abandonTimer) clearTimeout(this.abandonTimer);
    this.abandonTimer = null;
  }

  // ---------------------------------------------------------------------------------------------
  // ending

  /** The experimenter (or the server) stops the session: nothing more can happen in it. `note` says why, in the experimenter's words. */
  end(reason: string, note?: string): Promise<SessionStatus> {
    return this.enqueue(() => this.endNow(reason, note));
  }

  /** Must run on the queue. */
  private async endNow(reason: string, note?: string): Promise<SessionStatus> {
    if (this.record.status !== 'active') return this.record.status;
    await this.appendSession([note === undefined ? { type: 'ended', reason } : { type: 'ended', reason, note }], 'ended');
    this.record.status = 'ended';
    this.record.endedAt = this.deps.now();
    this.endedFor = endedText(reason, note);
    this.slots.fill(null);
    this.broadcastState();
    this.settled();
    return this.record.status;
  }

  private stopClocks(): void {
    if (this.deadlineTimer) clearTimeout(this.deadlineTimer);
    this.deadlineTimer = null;
    if (this.startTimer) clearTimeout(this.startTimer);
    this.startTimer = null;
    this.clearAbandonTimer();
    for (let seat = 0; seat < this.slots.length; seat++) {
      this.clearTakeoverTimer(seat);
      this.inflight[seat]?.controller.abort();
      this.inflight[seat] = null;
    }
  }

  /** Stop timers and agents (server shutdown). Connections are closed by the transport. */
  close(): void {
    this.closed = true;
    this.stopClocks();
  }

  // ---------------------------------------------------------------------------------------------
  // what clients see

  private connectedSeats(): boolean[] {
    return this.record.seats.map((seat) => seat.kind === 'agent' || this.sockets[seat.seat] !== null);
  }

  /** What players are told about presence: the truth, or (blind study arms) everyone present. */
  private playersConnected(connected: boolean[]): boolean[] {
    return this.record.options.maskPresence ? connected.map(() => true) : connected;
  }

  /** The awaited seats not connected yet, null once started; masked presence (seats): [] while waiting. */
  private waitingFor(seat: number | null, connected: boolean[]): number[] | null {
    if (!this.waiting) return null;
    if (seat !== null && this.record.options.maskPresence) return [];
    return this.waiting.seats.filter((awaited) => !connected[awaited]);
  }

  private agentSeatList(): number[] {
    return this.record.seats.filter((seat) => seat.kind === 'agent').map((seat) => seat.seat);
  }

  private takenOverList(): number[] {
    return this.takenOver.flatMap((taken, seat) => (taken ? [seat] : []));
  }

  /** What the state payload of every receiver shares (computed once per broadcast). */
  private sharedPayload() {
    const state = this.match.state;
    return {
      state,
      outcome: (this.game.outcome(state) as Outcome | null) ?? null,
      connected: this.connectedSeats(),
      agentSeats: this.agentSeatList(),
      takenOver: this.takenOverList(),
      serverNow: this.deps.now(),
    };
  }

  statePayload(seat: number | null, shared = this.sharedPayload()): StatePayload {
    const slot = seat === null ? null : this.slots[seat];
    const connected = seat === null ? shared.connected : this.playersConnected(shared.connected);
    return {
      sessionId: this.id,
      game: this.game.id,
      version: this.version,
      seat,
      view: this.game.view(shared.state, seat ?? 'spectator'),
      pending: slot?.pending ?? null,
      deadline: slot?.deadline ?? null,
      outcome: shared.outcome,
      status: this.record.status,
      names: shared.state.names,
      connected,
      agentSeats: seat === null || this.record.options.revealAgents ? shared.agentSeats : null,
      takenOver: seat === null || !this.record.options.maskPresence ? shared.takenOver : null,
      serverNow: shared.serverNow,
      waitingFor: this.waitingFor(seat, connected),
      away: awaySeats(this.game, shared.state, this.slots, connected, seat ?? 'spectator'),
      metrics: seat === null ? this.liveMetrics.of(this.game, this.match.log) : null,
    };
  }

  private broadcastState(): void {
    const shared = this.sharedPayload();
    const sends: FeedSend[] = [];
    for (let seat = 0; seat < this.sockets.length; seat++) {
      const peer = this.sockets[seat];
      if (peer?.connected) sends.push({ peer, payload: this.statePayload(seat, shared) });
    }
    if (this.spectators.size) {
      const payload = this.statePayload(null, shared);
      for (const peer of this.spectators) if (peer.connected) sends.push({ peer, payload });
    }
    this.deps.feed.broadcast(sends);
  }

  private broadcastPresence(): void {
    const payload = { sessionId: this.id, connected: this.connectedSeats() };
    // masked presence: a presence message at all would say that a human came or went
    if (!this.record.options.maskPresence) for (const peer of this.sockets) if (peer?.connected) peer.emit('presence', payload);
    for (const peer of this.spectators) if (peer.connected) peer.emit('presence', payload);
  }

  // ---------------------------------------------------------------------------------------------
  // for the REST API and tests

  get currentVersion(): number {
    return this.version;
  }

  get state(): BaseState {
    return this.match.state;
  }

  get status(): SessionStatus {
    return this.record.status;
  }

  /** time of the last log row (epoch ms) */
  get lastActivityAt(): number {
    return this.lastRowAt;
  }

  /** why it was ended ("experimenter: <their note>", "abandoned", "server restart"), null unless ended */
  get endReason(): string | null {
    return this.endedFor;
  }

  get connectionCount(): number {
    return this.sockets.filter(Boolean).length + this.spectators.size + this.joining;
  }

  /** Per seat: who plays it now, whether it is connected, what it owes and until when. */
  seatInfo(): {
    seat: number;
    connected: boolean;
    controlledBy: 'agent' | 'participant';
    takenOver: boolean;
    pending: Pending['kind'] | null;
    deadline: number | null;
    /** a human/external seat not connected: since when (live rooms only), else null */
    awaySince: number | null;
  }[] {
    return this.record.seats.map((seat) => ({
      seat: seat.seat,
      connected: seat.kind === 'agent' || this.sockets[seat.seat] !== null,
      controlledBy: this.agents[seat.seat] ? 'agent' : 'participant',
      takenOver: this.takenOver[seat.seat],
      pending: this.slots[seat.seat]?.pending.kind ?? null,
      deadline: this.slots[seat.seat]?.deadline ?? null,
      awaySince: seat.kind !== 'agent' && this.sockets[seat.seat] === null ? this.goneSince[seat.seat] : null,
    }));
  }
}

/** An ended session's reason as people read it: the experimenter's note follows the reason. */
function endedText(reason: string, note: string | undefined): string {
  return note ? `${reason}: ${note}` : reason;
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
