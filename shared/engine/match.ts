import type { Action, Pending, SeatId } from './actions.ts';
import type { AnyGame, BaseState, GameEventBase, Rejection } from './game.ts';
import type { Seed } from './rng.ts';

export type Decision<E> = { ok: true; events: E[] } | ({ ok: false } & Rejection);

/** Safety valve against a game whose settle() never settles. */
const MAX_SETTLE_STEPS = 10_000;

/**
 * Apply `first` and then every automatic consequence, returning the new state and all
 * events in order. The only way state moves forward, for live rooms and simulations alike.
 */
export function applyWithConsequences<S, E extends GameEventBase>(
  game: AnyGame,
  state: S | undefined,
  first: E,
): { state: S; events: E[] } {
  const events: E[] = [first];
  let next: S = game.reduce(state, first);
  for (let i = 0; ; i++) {
    if (i > MAX_SETTLE_STEPS) throw new Error(`${game.id}: settle() did not settle`);
    const auto = game.settle(next) as E | null;
    if (!auto) break;
    events.push(auto);
    next = game.reduce(next, auto);
  }
  return { state: next, events };
}

/** A change decided but not applied: the events it appends and the state they lead to. */
export interface Change<S, E> {
  events: E[];
  state: S;
}

/** Decide what a seat's action does, without changing anything. */
export function decideAction<S, E extends GameEventBase>(
  game: AnyGame,
  state: S,
  seat: SeatId,
  action: Action,
): ({ ok: true } & Change<S, E>) | ({ ok: false } & Rejection) {
  const rejection = game.validate(state, seat, action);
  if (rejection) return { ok: false, ...rejection };
  const { state: next, events } = applyWithConsequences<S, E>(game, state, game.actionEvent(state, seat, action));
  return { ok: true, events, state: next };
}

/** Rebuild a state from a log: state = fold(reduce, events). */
export function replay<S, E extends GameEventBase>(game: AnyGame, events: readonly E[]): S {
  let state: S | undefined;
  for (const e of events) state = game.reduce(state, e);
  if (state === undefined) throw new Error('replay of an empty log');
  return state;
}

/**
 * One game in memory: its state and its append-only log. Rooms (server) and the simulator
 * both drive games through this, so they share one submit path. A room must write a change
 * durably before it counts, so it decides first (decide, decideTimeout) and commits after the
 * write; submit and timeout are the same two steps at once.
 */
export class Match<S = unknown, E extends GameEventBase = GameEventBase> {
  readonly log: E[] = [];
  private current: S;

  private constructor(readonly game: AnyGame, initial: { state: S; events: E[] }) {
    this.current = initial.state;
    this.log.push(...initial.events);
  }

  static start<S, E extends GameEventBase>(game: AnyGame, config: unknown, seed: Seed, names: string[]): Match<S, E> {
    return new Match<S, E>(game, applyWithConsequences<S, E>(game, undefined, game.start(config, seed, names) as E));
  }

  static fromLog<S, E extends GameEventBase>(game: AnyGame, events: readonly E[]): Match<S, E> {
    return Match.fromFold<S, E>(game, events, replay<S, E>(game, events));
  }

  /**
   * A log its caller has already folded into `state` (a room recovering batch by batch needs
   * every intermediate state): adopt that state instead of folding the log a second time.
   */
  static fromFold<S, E extends GameEventBase>(game: AnyGame, events: readonly E[], state: S): Match<S, E> {
    const m = new Match<S, E>(game, { state, events: [] });
    m.log.push(...events);
    return m;
  }

  get state(): S {
    return this.current;
  }

  get isOver(): boolean {
    return this.game.outcome(this.current) !== null;
  }

  pending(seat: SeatId): Pending | null {
    return this.game.pending(this.current, seat);
  }

  /** Seats that owe an action now. */
  pendingSeats(): SeatId[] {
    return this.pendingRequests().map(([seat]) => seat);
  }

  /** Each seat that owes an action now, with what it is asked (one pending() call per seat). */
  pendingRequests(): [SeatId, Pending][] {
    const requests: [SeatId, Pending][] = [];
    const n = this.seatCount;
    for (let s = 0; s < n; s++) {
      const pending = this.game.pending(this.current, s);
      if (pending) requests.push([s, pending]);
    }
    return requests;
  }

  get seatCount(): number {
    return (this.current as unknown as BaseState).names.length;
  }

  /** What a seat's action would do (validated, with its consequences), without applying it. */
  decide(seat: SeatId, action: Action): ({ ok: true } & Change<S, E>) | ({ ok: false } & Rejection) {
    return decideAction<S, E>(this.game, this.current, seat, action);
  }

  /** What expiring a seat's pending action would do (the rule's default), without applying it; null when it owes nothing. */
  decideTimeout(seat: SeatId): Change<S, E> | null {
    if (!this.game.pending(this.current, seat)) return null;
    return applyWithConsequences<S, E>(this.game, this.current, this.game.timeoutEvent(this.current, seat));
  }

  /** Validate and apply; on rejection nothing changes. Returns the events appended. */
  submit(seat: SeatId, action: Action): Decision<E> {
    const decision = this.decide(seat, action);
    if (!decision.ok) return decision;
    this.commit(decision.events, decision.state);
    return { ok: true, events: decision.events };
  }

  /** Expire a seat's pending action, applying the rule's default. */
  timeout(seat: SeatId): E[] {
    const change = this.decideTimeout(seat);
    if (!change) return [];
    this.commit(change.events, change.state);
    return change.events;
  }

  /** Accept events decided elsewhere (e.g. after they were committed to a store). */
  commit(events: readonly E[], state: S): void {
    this.current = state;
    this.log.push(...events);
  }
}
