import type { Action, Pending } from '../../shared/engine/actions.ts';
import type { SeatAgent } from '../../shared/engine/agent.ts';
import type { AnyGame, BaseState, GameEventBase, Outcome } from '../../shared/engine/game.ts';
import { Match, type Change } from '../../shared/engine/match.ts';
import { RngKey } from '../../shared/engine/rng.ts';
import type { Ack, LogRow, SessionStatus, StatePayload } from '../../shared/protocol/index.ts';
import { resolveAgent, type AgentResolver } from '../agents.ts';
import type { NewRow, SessionRecord, EventStore } from '../store/index.ts';
import type { StateFeed } from '../live/feed.ts';
import { AgentRunner } from './agent-runner.ts';
import { RoomClock, type AbandonRule, type StartGate } from './clock.ts';
import { Fanout, type Peer } from './fanout.ts';
import { endedText, gameRows, SessionLog, sessionRow, type AgentNotes, type SessionEvent } from './log.ts';
import { refreshSeatSlots, Seat } from './seat.ts';

export type { Peer } from './fanout.ts';
export type { SessionEvent } from './log.ts';

export interface RoomDeps {
  store: EventStore;
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
  abandon?: AbandonRule;
}

type Respond = (ack: Ack) => void;

/**
 * One live session: the only authority over its game. Every change (an action, a timeout, a
 * presence change, a takeover) runs on the room's serial queue, is committed to the store, and only
 * then is acknowledged and broadcast. Its state is always fold(reduce, game rows of the log), and a
 * room is built the same way whether the session is new or being recovered after a crash.
 *
 * Read top to bottom, this file is a session's story: create (from the log), join, play, leave,
 * end, dispose. Its parts: one Seat per seat (seat.ts), the RoomClock for everything that happens
 * by itself (clock.ts), the AgentRunner for agent-played seats (agent-runner.ts), the Fanout for
 * everything sent to connections (fanout.ts), and the SessionLog it writes to (log.ts).
 */
export class Room {
  readonly id: string;
  readonly record: SessionRecord;
  private readonly game: AnyGame;
  private readonly seats: Seat[];
  private match!: Match<BaseState, GameEventBase>;
  private readonly log: SessionLog;
  /** `${seat}:${clientActionId}` → the version its ack reported */
  private readonly acks = new Map<string, number>();
  /** numbers every request a seat is asked (Slot.epoch), so an agent's answer to an old one is stale */
  private epochs = 0;
  /** the start gate: while set, nobody is asked anything */
  private gate: StartGate | null = null;
  /** why the session was ended (from its `ended` row), else null */
  private endedFor: string | null = null;
  /** whether a participant has been seated since this room went live (for `abandon`) */
  private everSeated = false;

  private readonly clock: RoomClock;
  private readonly agents: AgentRunner;
  private readonly fanout: Fanout;

  private queue: Promise<unknown> = Promise.resolve();
  private closed = false;
  /** connections accepted but not yet seated (so an idle room is not evicted under them) */
  private joining = 0;

  private constructor(private readonly deps: RoomDeps, record: SessionRecord) {
    this.id = record.id;
    this.record = record;
    this.game = deps.game;
    this.log = new SessionLog(deps.store, record.id);
    this.seats = record.seats.map((info) => new Seat(info, (seat) => void this.enqueue(() => this.takeOver(seat))));
    const running = () => !this.closed && this.record.status === 'active';
    this.clock = new RoomClock(deps.now, running, {
      deadline: () => void this.enqueue(() => this.expireDue()),
      start: () => void this.enqueue(() => this.startWaitRanOut()),
      abandon: () => void this.enqueue(() => this.abandonIfEmpty()),
    });
    const rngKey = RngKey.fromSeed(record.seed);
    this.agents = new AgentRunner({
      id: this.id,
      game: this.game,
      rngKey,
      options: record.options,
      seats: this.seats,
      isClosed: () => this.closed,
      isActive: () => this.record.status === 'active',
      state: () => this.match.state,
      log: deps.log,
      enqueue: (task) => this.enqueue(task),
      play: (seat, action, clientActionId, notes) => this.applyAction(seat.index, action, clientActionId, () => {}, notes),
      appendSession: (events) => this.appendSession(events),
      expire: async (seat) => {
        await this.applyTimeout(seat.index, this.deps.now());
        this.afterChange();
      },
    });
    this.fanout = new Fanout({
      id: this.id,
      game: this.game,
      record,
      seats: this.seats,
      feed: deps.feed,
      state: () => this.match.state,
      events: () => this.match.log,
      version: () => this.log.version,
      gate: () => this.gate,
      now: deps.now,
    });
  }

  // ---------------------------------------------------------------------------------------------
  // create: a room is built from its log, whether the session is new or recovered after a crash

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

  /** Fold the log once, batch by batch: each batch's state is what the seats' slots are computed from. */
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
          // the batch's first game row is the acting seat's; the rest are consequences
          if (!changed && row.seat !== null) {
            const seat = this.seats[row.seat];
            actedSeat = row.seat;
            if (row.clientActionId !== null) seat.accepted++;
            if (seat.takenOver) seat.whileAway.push(row.event);
          }
          changed = true;
          state = game.reduce(state, row.event);
          gameEvents.push(row.event);
        } else if (this.replaySessionEvent(row.event as SessionEvent, row.at)) started = true;
      }
      if (first.kind === 'game' && first.seat !== null && first.clientActionId !== null) {
        this.acks.set(`${first.seat}:${first.clientActionId}`, last.seq);
      }
      if ((changed || started) && state) this.refreshSlots(state, actedSeat, first.at);
      this.log.replayed(last);
    }
    if (!state) throw new Error(`session ${this.id}: its log holds no game events`);
    this.match = Match.fromFold<BaseState, GameEventBase>(game, gameEvents, state);
    if (this.record.status !== 'active') for (const seat of this.seats) seat.slot = null;
  }

  /** Replay one session row into the room; true when it is the table's start. */
  private replaySessionEvent(event: SessionEvent, at: number): boolean {
    if (event.type === 'waiting') this.gate = { seats: event.seats, since: at, maxWaitSec: event.maxWaitSec, then: event.then };
    else if (event.type === 'started') {
      this.gate = null;
      return true;
    } else if (event.type === 'takeover') {
      const seat = this.seats[event.seat];
      seat.takenOver = true;
      seat.whileAway = [];
    } else if (event.type === 'handback') this.seats[event.seat].takenOver = false;
    else if (event.type === 'ended') this.endedFor = endedText(event.reason, event.note);
    return false;
  }

  private resolve(spec: SessionRecord['options']['takeoverAgent'], seat: number): SeatAgent {
    return resolveAgent(this.deps.resolvers, {
      game: this.game,
      spec,
      seat,
      state: this.match.state,
      config: this.record.config,
      sessionId: this.id,
    });
  }

  private goLive(recovered: boolean): void {
    const now = this.deps.now();
    // agent seats are played by their agent from the start; taken-over seats by the takeover agent
    for (const seat of this.seats) {
      const { kind, agent } = seat.record;
      if (kind === 'agent' && agent !== undefined) seat.agent = this.resolve(agent, seat.index);
      else if (seat.takenOver) seat.agent = this.resolve(this.record.options.takeoverAgent, seat.index);
    }
    if (recovered) {
      // the server was down: every connection was lost; clients reconnect and carry on
      void this.enqueue(() => this.appendSession([{ type: 'recovered', lastRowAt: this.log.lastRowAt }]));
    }
    for (const seat of this.seats) {
      if (seat.isParticipant) {
        seat.goneSince = now;
        this.armTakeover(seat);
      }
    }
    this.armAbandon();
    this.clock.armStart(this.gate);
    this.clock.armDeadline(this.seats);
    this.agents.schedule();
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
  // join: a connection takes its seat (or watches), and a waiting table starts

  /**
   * A socket joined as a seat (or as the spectator when seat is null). Resolves false when this room
   * was closed (evicted) before the socket could be seated: the transport loads the room again.
   */
  connect(peer: Peer, seatIndex: number | null): Promise<boolean> {
    this.joining++;
    return this.enqueue(async () => {
      this.joining--;
      if (this.closed) return false;
      if (!peer.connected) return true;
      if (seatIndex === null) {
        this.fanout.addSpectator(peer);
        return true;
      }
      const seat = this.seats[seatIndex];
      const previous = seat.peer;
      seat.peer = peer;
      if (previous && previous !== peer) this.fanout.replaced(previous);
      const events: SessionEvent[] = [{ type: 'connected', seat: seatIndex, replaced: Boolean(previous) }];
      if (seat.takenOver) events.push({ type: 'handback', seat: seatIndex });
      if (this.record.status === 'active') await this.appendSession(events);
      seat.goneSince = null;
      this.everSeated = true;
      seat.takeoverAlarm.clear();
      this.clock.cancelAbandon();
      const handedBack = seat.takenOver;
      if (handedBack) {
        seat.takenOver = false;
        seat.agent = null;
        this.agents.schedule();
      }
      const opened = this.gate !== null && this.gate.seats.every((awaited) => this.seats[awaited].peer !== null);
      if (opened) await this.startNow([]); // everyone, this seat included, gets the first requests
      else this.fanout.sendFirstState(peer, this.fanout.statePayload(seatIndex));
      // who is awaited or away changed: the others' `waitingFor` / `away`
      if (!opened && (this.gate || seat.slot)) this.fanout.othersSeeChange(seatIndex);
      if (handedBack) {
        this.fanout.handback(peer, seat);
        seat.whileAway = [];
        this.fanout.othersSeeChange(seatIndex);
      }
      this.fanout.broadcastPresence();
      return true;
    });
  }

  /** The start gate's longest wait ran out: start with whoever is here. */
  private async startWaitRanOut(): Promise<void> {
    if (this.closed || this.record.status !== 'active' || !this.gate) return;
    await this.startNow(this.gate.seats.filter((awaited) => !this.seats[awaited].peer));
  }

  /** Open the gate (must run on the queue): log `started`, ask everyone, start every clock now. */
  private async startNow(absent: number[]): Promise<void> {
    const gate = this.gate!;
    await this.appendSession([{ type: 'started', absent }]);
    const at = this.log.lastRowAt;
    this.gate = null;
    this.clock.cancelStart();
    this.refreshSlots(this.match.state, null, at);
    for (const index of absent) {
      const seat = this.seats[index];
      // absent seats are gone from the start on: their takeover clock (if any) runs from now
      seat.goneSince = at;
      if (gate.then === 'takeover') await this.takeOver(seat);
      else this.armTakeover(seat);
    }
    this.afterChange();
  }

  // ---------------------------------------------------------------------------------------------
  // play: actions, agents' actions and timeouts are decided by the Match, written, then adopted

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
      if (this.gate) {
        respond({ ok: false, code: 'not_started', message: 'The table has not started yet: it starts when every player is here.' });
        return;
      }
      if (this.seats[seat].takenOver) {
        respond({ ok: false, code: 'agent_controlled', message: 'An agent is playing this seat while you were away; reconnect to take it back.' });
        return;
      }
      await this.applyAction(seat, action, clientActionId, respond);
    }).catch((err) => {
      respond({ ok: false, code: 'internal', message: 'The server failed to apply this action; it was not recorded.' });
      throw err;
    });
  }

  /** Validate, commit, acknowledge, broadcast (a seat's action or an agent's). Must run on the queue. */
  private async applyAction(seat: number, action: Action, clientActionId: string, respond: Respond, notes?: AgentNotes): Promise<Ack> {
    const { ack, committed } = await this.decideAndCommit(seat, action, clientActionId, notes);
    respond(ack);
    if (committed) this.afterChange();
    return ack;
  }

  private async decideAndCommit(seat: number, action: Action, clientActionId: string, notes?: AgentNotes): Promise<{ ack: Ack; committed: boolean }> {
    const seen = this.acks.get(`${seat}:${clientActionId}`);
    // a resend of an accepted action: same answer, nothing new in the log
    if (seen !== undefined) return { ack: { ok: true, version: seen }, committed: false };
    if (this.record.status === 'ended') {
      return { ack: { ok: false, code: 'session_ended', message: 'The experimenter ended this session.' }, committed: false };
    }
    const decided = this.match.decide(seat, action);
    if (!decided.ok) return { ack: { ok: false, code: decided.code, message: decided.message }, committed: false };
    const at = this.deps.now();
    const rows = gameRows(decided.events, at, seat, clientActionId);
    if (notes && (notes.thoughts !== undefined || notes.fallback !== undefined || notes.calls !== undefined)) {
      rows.push(sessionRow({ type: 'agent_decision', seat, clientActionId, ...notes }, at));
    }
    await this.commitGame(rows, decided, seat, at);
    this.seats[seat].accepted++;
    this.acks.set(`${seat}:${clientActionId}`, this.log.version);
    return { ack: { ok: true, version: this.log.version }, committed: true };
  }

  /** Apply the rule's default for every seat whose deadline has passed, one batch each. */
  private async expireDue(): Promise<void> {
    if (this.closed || this.record.status !== 'active') return;
    for (;;) {
      const now = this.deps.now();
      const due = this.seats.find(({ slot }) => slot?.deadline != null && slot.deadline <= now);
      if (!due) break;
      await this.applyTimeout(due.index, now);
      this.fanout.broadcastState();
      if (this.record.status !== 'active') break;
    }
    this.afterChange(false);
  }

  private async applyTimeout(seat: number, at: number): Promise<void> {
    // a seat is timed out only while it owes something (its slot): nothing pending is a bug, not a no-op
    const change = this.match.decideTimeout(seat);
    if (!change) throw new Error(`room ${this.id}: seat ${seat} was timed out but owes nothing`);
    await this.commitGame(gameRows(change.events, at, seat, null), change, seat, at);
  }

  /** Persist a batch of rows holding game events, then adopt the decided change. Runs on the queue. */
  private async commitGame(rows: NewRow[], change: Change<BaseState, GameEventBase>, actedSeat: number, at: number): Promise<void> {
    const { events, state } = change;
    const outcome = this.game.outcome(state) as Outcome | null;
    const status: SessionStatus | undefined = outcome ? 'finished' : undefined;
    // durable first: if this fails, memory is untouched and the action was not accepted
    await this.log.append(rows, at, status ? { status, at, outcome } : undefined);
    this.match.commit(events, state);
    const seat = this.seats[actedSeat];
    if (seat.takenOver) seat.whileAway.push(events[0]);
    if (status) {
      this.record.status = status;
      this.record.endedAt = at;
      this.record.outcome = outcome;
    }
    this.refreshSlots(state, actedSeat, at);
    this.deps.onChange?.(this);
  }

  private async appendSession(events: SessionEvent[], status?: SessionStatus): Promise<void> {
    const at = this.deps.now();
    await this.log.append(
      events.map((e) => sessionRow(e, at)),
      at,
      status ? { status, at, outcome: this.record.outcome } : undefined,
    );
    // presence rows change what the console shows (it reads the room later, once the caller has updated it)
    this.deps.onChange?.(this);
  }

  /**
   * Recompute every seat's pending request. A seat's clock restarts when it is asked something
   * different, or when it has just acted (or timed out) and is asked again.
   */
  private refreshSlots(state: BaseState, actedSeat: number | null, at: number): void {
    const active = this.game.outcome(state) === null && this.record.status !== 'ended' && this.gate === null;
    refreshSeatSlots(this.game, state, this.seats, { actedSeat, at, active }, () => ++this.epochs);
  }

  /** After any game change: tell everyone, restart the clock, wake the agents. */
  private afterChange(broadcast = true): void {
    if (broadcast) this.fanout.broadcastState();
    this.clock.armDeadline(this.seats);
    this.agents.schedule();
    if (this.record.status !== 'active') this.settled();
  }

  // ---------------------------------------------------------------------------------------------
  // leave: a connection goes; a seat away too long is taken over, an empty table abandoned

  disconnect(peer: Peer, seatIndex: number | null): Promise<void> {
    // at once, not on the queue: nothing more is sent to a gone connection, and the payload kept for its patches is dropped
    this.deps.feed.forget(peer);
    return this.enqueue(async () => {
      if (this.closed) return;
      if (seatIndex === null) {
        this.fanout.removeSpectator(peer);
        return;
      }
      const seat = this.seats[seatIndex];
      if (seat.peer !== peer) return; // replaced by a newer connection: nothing changed
      seat.peer = null;
      if (this.record.status === 'active') await this.appendSession([{ type: 'disconnected', seat: seatIndex }]);
      seat.goneSince = this.deps.now();
      this.armTakeover(seat);
      this.armAbandon();
      this.fanout.broadcastPresence();
      if (this.gate || seat.slot) this.fanout.othersSeeChange(null);
    });
  }

  private armTakeover(seat: Seat): void {
    this.clock.armTakeover(seat, this.record.options.takeoverAfterSec, this.gate !== null);
  }

  private async takeOver(seat: Seat): Promise<void> {
    const since = seat.goneSince;
    if (this.closed || this.record.status !== 'active' || seat.peer || seat.takenOver || since === null) return;
    const agent = this.resolve(this.record.options.takeoverAgent, seat.index);
    await this.appendSession([{ type: 'takeover', seat: seat.index, agent: agent.name, goneSec: Math.round((this.deps.now() - since) / 1000) }]);
    seat.takenOver = true;
    seat.whileAway = [];
    seat.agent = agent;
    this.fanout.othersSeeChange(null);
    this.agents.schedule();
  }

  private armAbandon(): void {
    this.clock.armAbandon(this.seats, this.deps.abandon, this.everSeated);
  }

  private async abandonIfEmpty(): Promise<void> {
    // someone may have connected while this waited in the queue
    if (this.closed || this.record.status !== 'active' || this.seats.some((seat) => seat.participantConnected)) return;
    this.deps.log(`room ${this.id}: ended, abandoned (${this.everSeated ? 'the player left' : 'nobody joined'})`);
    await this.endNow('abandoned');
  }

  // ---------------------------------------------------------------------------------------------
  // end: the game finished, the experimenter ended it, or the table was abandoned

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
    for (const seat of this.seats) seat.slot = null;
    this.fanout.broadcastState();
    this.settled();
    return this.record.status;
  }

  /** Finished or ended: nothing happens by itself any more, and the registry may evict the room. */
  private settled(): void {
    this.stopClocks();
    const { onSettled } = this.deps;
    if (onSettled) setImmediate(() => onSettled(this));
  }

  private stopClocks(): void {
    this.clock.stop(this.seats);
    this.agents.stop();
  }

  // ---------------------------------------------------------------------------------------------
  // dispose

  /** Stop timers and agents (server shutdown). Connections are closed by the transport. */
  close(): void {
    this.closed = true;
    this.stopClocks();
  }

  // ---------------------------------------------------------------------------------------------
  // reading: the REST API, the console and tests

  /** The full state `seat` (null: the spectator) is shown now. */
  statePayload(seat: number | null): StatePayload {
    return this.fanout.statePayload(seat);
  }

  get currentVersion(): number {
    return this.log.version;
  }

  get state(): BaseState {
    return this.match.state;
  }

  get status(): SessionStatus {
    return this.record.status;
  }

  /** time of the last log row (epoch ms) */
  get lastActivityAt(): number {
    return this.log.lastRowAt;
  }

  /** why it was ended ("experimenter: <their note>", "abandoned", "server restart"), null unless ended */
  get endReason(): string | null {
    return this.endedFor;
  }

  get connectionCount(): number {
    return this.seats.filter((seat) => seat.peer).length + this.fanout.spectatorCount + this.joining;
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
    return this.seats.map((seat) => ({
      seat: seat.index,
      connected: seat.connected,
      controlledBy: seat.agent ? 'agent' : 'participant',
      takenOver: seat.takenOver,
      pending: seat.slot?.pending.kind ?? null,
      deadline: seat.slot?.deadline ?? null,
      awaySince: seat.isParticipant && seat.peer === null ? seat.goneSince : null,
    }));
  }
}
