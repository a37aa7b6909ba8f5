import type { Action, SeatId } from '../../shared/engine/actions.ts';
import { applyWithConsequences, Match } from '../../shared/engine/match.ts';
import { Purpose, Rng } from '../../shared/engine/rng.ts';
import { resolveConfig } from '../../shared/games/index.ts';
import { traitors, type Role, type TraitorsConfig, type TraitorsEvent, type TraitorsState } from '../../shared/games/traitors/index.ts';

/**
 * Hand-dealt Traitors tables for the unit tests: a match with chosen roles, and short ways to
 * play its talk and its ballots through normal actions.
 */

/** Seat names, in seat order; a table of n players takes the first n. */
export const NAMES = ['Ann', 'Bob', 'Cid', 'Dee', 'Eve', 'Fay', 'Gus', 'Hal', 'Ivy', 'Jo'];

/** A faithful seat, for role lists. */
export const F: Role = 'faithful';
/** A traitor seat, for role lists. */
export const T: Role = 'traitor';

/** A Traitors match. */
export type M = Match<TraitorsState, TraitorsEvent>;

/** A compact `table` config: no introductions, no beliefs, one discussion pass, no night chat. */
export function config(players: number, traitorCount: number, overrides: Partial<TraitorsConfig> = {}): TraitorsConfig {
  return resolveConfig(traitors, 'table', {
    players,
    traitors: traitorCount,
    introductions: false,
    beliefs: 'off',
    discussionPasses: 1,
    traitorChatPasses: 0,
    ...overrides,
  }) as TraitorsConfig;
}

/** A match with this config and hand-chosen roles (the setup event is what `start` would draw). */
export function matchFrom(cfg: TraitorsConfig, roles: Role[], seed = 1): M {
  const setup: TraitorsEvent = { type: 'setup', config: cfg, seed, names: NAMES.slice(0, roles.length), roles, rng: Rng.stream(seed, Purpose.game).state };
  return Match.fromLog<TraitorsState, TraitorsEvent>(traitors, applyWithConsequences<TraitorsState, TraitorsEvent>(traitors, undefined, setup).events);
}

/** A match with hand-chosen roles on the compact config (see `config`), changed by `overrides`. */
export function matchWith(roles: Role[], overrides: Partial<TraitorsConfig> = {}, seed = 1): M {
  return matchFrom(config(roles.length, roles.filter((r) => r === T).length, overrides), roles, seed);
}

/** Submit an action that must be accepted; returns the events it appended. */
export function submitOk(m: M, seat: SeatId, action: Action): TraitorsEvent[] {
  const r = m.submit(seat, action);
  if (!r.ok) throw new Error(`seat ${seat} ${JSON.stringify(action)} rejected: ${r.code} ${r.message}`);
  return r.events;
}

/** Everybody due to speak says something short, lowest seat first, until nobody is due to speak; returns who spoke with which purpose. */
export function talkThroughWithPurposes(m: M): { seat: SeatId; purpose: string }[] {
  const spoken: { seat: SeatId; purpose: string }[] = [];
  for (;;) {
    const request = m.pendingRequests().find(([, p]) => p.kind === 'speak');
    if (!request) return spoken;
    const [seat, p] = request;
    spoken.push({ seat, purpose: p.kind === 'speak' ? p.purpose : '' });
    submitOk(m, seat, { kind: 'speak', text: `hi from ${seat}` });
  }
}

/** Everybody due to speak says something short until nobody is due to speak; returns the seats that spoke, in order. */
export function talkThrough(m: M): SeatId[] {
  return talkThroughWithPurposes(m).map((s) => s.seat);
}

/** Cast votes in this order; null = let that seat time out (abstain). Returns the events appended. */
export function castVotes(m: M, votes: [SeatId, SeatId | null][]): TraitorsEvent[] {
  const events: TraitorsEvent[] = [];
  for (const [seat, target] of votes) events.push(...(target === null ? m.timeout(seat) : submitOk(m, seat, { kind: 'vote', target })));
  return events;
}

/** The types of these events, in order. */
export const types = (events: readonly TraitorsEvent[]) => events.map((e) => e.type);
