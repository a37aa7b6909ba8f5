import type { Action, Pending, SeatId } from '../../engine/actions.ts';
import type { Rejection } from '../../engine/game.ts';
import { fitsVisible, visibleLength } from '../../text.ts';
import { Purpose, Rng, RngKey, type Seed } from '../../engine/rng.ts';
import { ruleSet, type TraitorsConfig } from './config.ts';
import { biographiesOf, tallyVotes } from './reduce.ts';
import type { CastVote, FinalElimination, Role, SpeechPurpose, Suspicion, TimeoutEvent, TraitorsEvent, TraitorsOutcome, TraitorsState, Winner } from './types.ts';
import { OFFER_OPTIONS } from './types.ts';

export { reduce } from './reduce.ts';

/**
 * The opening event: roles drawn from the seed's roles stream; the game stream (tie-breaks) starts
 * in the event, so replay continues it exactly.
 */
export function start(config: TraitorsConfig, seed: Seed, names: string[]): TraitorsEvent {
  if (names.length !== config.players) throw new Error(`traitors: ${config.players} players need ${config.players} names, got ${names.length}`);
  if (config.traitors < 1 || config.traitors * 2 >= config.players) throw new Error('traitors: need 1 ≤ traitors < players / 2');
  const key = RngKey.fromSeed(seed);
  const seats = Rng.stream(key, Purpose.roles).shuffle(Array.from({ length: config.players }, (_, i) => i));
  const roles: Role[] = new Array<Role>(config.players).fill('faithful');
  for (const s of seats.slice(0, config.traitors)) roles[s] = 'traitor';
  return { type: 'setup', config, seed, names: names.slice(), roles, rng: Rng.stream(key, Purpose.game).state };
}

/** What a seat owes right now (null: nothing). Dead seats owe nothing. */
export function pending(state: TraitorsState, seat: SeatId): Pending | null {
  if (!state.alive[seat]) return null;
  const phase = state.phase;
  const { config } = state;
  switch (phase.kind) {
    case 'introductions':
    case 'discussion':
    case 'nightChat':
    case 'postBanishment':
      if (phase.order[phase.index] !== seat) return null;
      return {
        kind: 'speak',
        maxChars: config.maxStatementChars,
        channel: phase.kind === 'nightChat' ? 'traitors' : 'public',
        purpose: speechPurpose(phase.kind),
        timeLimitSec: config.timeouts.speak,
      };
    case 'beliefs':
      if (!phase.asked.includes(seat) || phase.done.includes(seat)) return null;
      return { kind: 'beliefs', targets: livingOthers(state, seat), timeLimitSec: config.timeouts.beliefs };
    case 'vote':
      if (!phase.voters.includes(seat) || hasVoted(phase.cast, seat)) return null;
      return { kind: 'vote', options: phase.candidates.filter((c) => c !== seat), purpose: phase.ballot, timeLimitSec: config.timeouts.vote };
    case 'offer':
      // the offer names nobody: the offered seat learns the traitors only by accepting
      if (phase.seat !== seat) return null;
      return { kind: 'choose', options: [...OFFER_OPTIONS], purpose: 'recruitOffer', timeLimitSec: config.timeouts.vote };
    default:
      return null;
  }
}

function speechPurpose(kind: 'introductions' | 'discussion' | 'nightChat' | 'postBanishment'): SpeechPurpose {
  return kind === 'introductions' ? 'introduction' : kind === 'nightChat' ? 'traitorChat' : kind === 'postBanishment' ? 'postBanishment' : 'discussion';
}

function hasVoted(cast: readonly CastVote[], seat: SeatId): boolean {
  for (const v of cast) if (v.seat === seat) return true;
  return false;
}

function livingOthers(state: TraitorsState, seat: SeatId): SeatId[] {
  const out: SeatId[] = [];
  for (let s = 0; s < state.alive.length; s++) if (s !== seat && state.alive[s]) out.push(s);
  return out;
}

function reject(code: Rejection['code'], message: string): Rejection {
  return { code, message };
}

/** Null when legal. Defensive about shapes: callers may pass unparsed input. */
export function validate(state: TraitorsState, seat: SeatId, action: Action): Rejection | null {
  if (state.phase.kind === 'over') return reject('game_over', 'The game is over.');
  if (!Number.isInteger(seat) || seat < 0 || seat >= state.names.length) return reject('invalid', `There is no seat ${String(seat)}.`);
  const p = pending(state, seat);
  if (!p) return reject('not_your_turn', state.alive[seat] ? 'Nothing is asked of you right now.' : 'You are out of the game.');
  if (!action || typeof action !== 'object' || action.kind !== p.kind) {
    return reject('wrong_action', `Expected a ${p.kind} action, got ${describeKind(action)}.`);
  }
  switch (action.kind) {
    case 'speak':
      if (typeof action.text !== 'string') return reject('invalid', 'text must be a string.');
      if (p.kind === 'speak' && !fitsVisible(action.text, p.maxChars)) {
        return reject('too_long', `Statements are at most ${p.maxChars} characters (got ${visibleLength(action.text)}); send a shorter one.`);
      }
      return null;
    case 'vote': {
      if (p.kind !== 'vote') return null;
      if (action.target === seat) return reject('illegal_target', 'You cannot vote for yourself.');
      if (!p.options.includes(action.target)) {
        return reject('illegal_target', `You can vote for: ${p.options.map((s) => state.names[s]).join(', ')}.`);
      }
      return null;
    }
    case 'beliefs':
      return p.kind === 'beliefs' ? validateBeliefs(state, p.targets, action.suspicion) : null;
    case 'choose':
      if (p.kind === 'choose' && (typeof action.option !== 'string' || !p.options.includes(action.option))) {
        return reject('invalid', `Choose one of: ${p.options.join(', ')}.`);
      }
      return null;
    default:
      return reject('wrong_action', `Expected a ${p.kind} action.`);
  }
}

function describeKind(action: unknown): string {
  const kind = action && typeof action === 'object' ? (action as { kind?: unknown }).kind : undefined;
  return typeof kind === 'string' ? `"${kind}"` : 'something else';
}

function validateBeliefs(state: TraitorsState, targets: readonly SeatId[], suspicion: unknown): Rejection | null {
  if (!suspicion || typeof suspicion !== 'object' || Array.isArray(suspicion)) return reject('invalid', 'suspicion must be an object of seat → 0..100.');
  const entries = Object.entries(suspicion as Record<string, unknown>);
  for (const [key, value] of entries) {
    // canonical seat numbers only ("1", not "01"), so the recorded event maps key → seat exactly
    const target = /^(0|[1-9]\d*)$/.test(key) ? Number(key) : NaN;
    if (!targets.includes(target)) return reject('illegal_target', `Suspicion is given only for living players other than yourself (not "${key}").`);
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value > 100) {
      return reject('out_of_range', `Suspicion of ${state.names[target]} must be a number from 0 to 100.`);
    }
  }
  if (entries.length !== targets.length) {
    const missing = targets.filter((t) => !(String(t) in (suspicion as object)));
    return reject('invalid', `Give a suspicion for every living player; missing: ${missing.map((s) => state.names[s]).join(', ')}.`);
  }
  return null;
}

/** The event an accepted action records. */
export function actionEvent(state: TraitorsState, seat: SeatId, action: Action): TraitorsEvent {
  const phase = state.phase;
  switch (action.kind) {
    case 'speak': {
      const p = pending(state, seat);
      if (p?.kind !== 'speak' || (phase.kind !== 'introductions' && phase.kind !== 'discussion' && phase.kind !== 'nightChat' && phase.kind !== 'postBanishment')) {
        throw new Error('traitors: speak out of turn');
      }
      return {
        type: 'statement',
        seat,
        round: state.round,
        pass: phase.kind === 'discussion' || phase.kind === 'nightChat' ? phase.pass : 1,
        channel: p.channel,
        purpose: p.purpose as SpeechPurpose,
        text: action.text,
      };
    }
    case 'vote':
      if (phase.kind !== 'vote') throw new Error('traitors: vote out of phase');
      return { type: 'vote', seat, round: state.round, ballot: phase.ballot, target: action.target };
    case 'beliefs': {
      // canonical key order (ascending seat) so logs do not depend on how a client built the object
      const suspicion: Suspicion = {};
      for (const t of livingOthers(state, seat)) suspicion[t] = action.suspicion[String(t)];
      return { type: 'beliefs', seat, round: state.round, suspicion };
    }
    case 'choose':
      if (phase.kind !== 'offer') throw new Error('traitors: choose out of phase');
      return { type: 'recruitAnswered', seat, round: state.round, accepted: action.option === 'accept' };
    default:
      throw new Error(`traitors: no event for a ${action.kind} action`);
  }
}

/** The recorded default for an expired pending action: skip, abstain, or uniform 50. */
export function timeoutEvent(state: TraitorsState, seat: SeatId): TimeoutEvent {
  const p = pending(state, seat);
  if (!p) throw new Error(`traitors: seat ${seat} has nothing pending`);
  const phase = state.phase;
  const base = { type: 'timeout' as const, seat, round: state.round };
  switch (p.kind) {
    case 'speak':
      return {
        ...base,
        pendingKind: 'speak',
        purpose: p.purpose as SpeechPurpose,
        defaultApplied: 'skip',
        pass: phase.kind === 'discussion' || phase.kind === 'nightChat' ? phase.pass : 1,
        channel: p.channel,
      };
    case 'vote':
      return { ...base, pendingKind: 'vote', purpose: p.purpose as 'banish' | 'revote' | 'murder' | 'recruit', defaultApplied: 'abstain' };
    case 'beliefs': {
      const suspicion: Suspicion = {};
      for (const t of p.targets) suspicion[t] = 50;
      return { ...base, pendingKind: 'beliefs', purpose: 'beliefs', defaultApplied: 'uniform50', suspicion };
    }
    case 'choose':
      return { ...base, pendingKind: 'choose', purpose: 'recruitOffer', defaultApplied: 'refuse' };
    default:
      throw new Error(`traitors: no timeout for ${p.kind}`);
  }
}

export function winnerOf(state: TraitorsState): { winner: Winner; reason: 'noTraitorsLeft' | 'traitorsReachedParity' } | null {
  if (state.aliveTraitors === 0) return { winner: 'faithful', reason: 'noTraitorsLeft' };
  if (state.aliveTraitors >= state.aliveFaithful) return { winner: 'traitors', reason: 'traitorsReachedParity' };
  return null;
}

/** The next automatic event: win checks first, then reveals, tie-breaks, eliminations, new rounds. */
export function settle(state: TraitorsState): TraitorsEvent | null {
  const phase = state.phase;
  if (phase.kind === 'over') return null;
  // "afterNight" (the reference loop): only once the night is over, so a banishment that reaches parity is still followed by a murder
  const win = ruleSet(state.config).winCheck === 'afterEach' || phase.kind === 'dawn' ? winnerOf(state) : null;
  if (win) return { type: 'gameOver', ...win, round: state.round, roles: state.roles.slice() };
  switch (phase.kind) {
    case 'biographies': {
      const read = biographiesOf(state.config.personas, state.names);
      return { type: 'biographiesRead', biographies: read.biographies, unknown: read.unknown };
    }
    case 'dawn':
      if (state.round >= state.config.maxRounds) {
        // safety cap: the traitors survived to the end, as in the show's final
        return { type: 'gameOver', winner: 'traitors', reason: 'maxRounds', round: state.round, roles: state.roles.slice() };
      }
      return { type: 'roundStarted', round: state.round + 1 };
    case 'breakfast':
      if (state.pendingMurder === null) throw new Error('traitors: breakfast without a murder');
      return { type: 'murderAnnounced', seat: state.pendingMurder, round: state.round - 1, role: 'faithful' };
    case 'vote': {
      if (phase.cast.length < phase.voters.length) return null;
      const { tally, top } = tallyVotes(phase.cast);
      return { type: 'votesRevealed', round: state.round, ballot: phase.ballot, votes: phase.cast.slice(), tally, top };
    }
    case 'tieBreak': {
      if (phase.mode === 'firstVote') {
        const first = phase.cast.find((v) => v.target !== null && phase.candidates.includes(v.target));
        return { type: 'tieBroken', round: state.round, ballot: phase.ballot, mode: 'firstVote', candidates: phase.candidates.slice(), chosen: first!.target! };
      }
      if (phase.mode === 'firstVoteInSeatOrder') {
        let lowest: CastVote | null = null;
        for (const v of phase.cast) if (v.target !== null && phase.candidates.includes(v.target) && (lowest === null || v.seat < lowest.seat)) lowest = v;
        return { type: 'tieBroken', round: state.round, ballot: phase.ballot, mode: 'firstVoteInSeatOrder', candidates: phase.candidates.slice(), chosen: lowest!.target! };
      }
      const rng = Rng.from(state.rng);
      const chosen = rng.pick(phase.candidates);
      return { type: 'tieBroken', round: state.round, ballot: phase.ballot, mode: 'random', candidates: phase.candidates.slice(), chosen, rng: rng.state };
    }
    case 'offering':
      return { type: 'recruitOffered', seat: phase.seat, round: state.round };
    case 'refused':
      return { type: 'murdered', seat: phase.seat, round: state.round };
    case 'eliminating':
      if (phase.ballot === 'murder') return { type: 'murdered', seat: phase.seat, round: state.round };
      return { type: 'banished', seat: phase.seat, round: state.round, role: state.config.revealRoleOnBanish ? state.roles[phase.seat] : null };
    default:
      return null;
  }
}

export function outcome(state: TraitorsState): TraitorsOutcome | null {
  const phase = state.phase;
  if (phase.kind !== 'over') return null;
  const side: Role = phase.winner === 'faithful' ? 'faithful' : 'traitor';
  const winners: SeatId[] = [];
  for (let s = 0; s < state.roles.length; s++) if (state.roles[s] === side) winners.push(s);
  return {
    summary: phase.winner === 'faithful' ? 'The faithful win' : 'The traitors win',
    winners,
    winner: phase.winner,
    reason: phase.reason,
    rounds: state.round,
    roles: state.roles.slice(),
    eliminations: eliminationOrder(state),
    recruitments: state.recruitments.slice(),
  };
}

/** Every elimination with its true role, including a murder not yet announced. */
function eliminationOrder(state: TraitorsState): FinalElimination[] {
  const list = state.eliminations.map((e) => ({ seat: e.seat, name: state.names[e.seat], role: state.roles[e.seat], cause: e.cause, round: e.round }));
  if (state.pendingMurder !== null) {
    list.push({ seat: state.pendingMurder, name: state.names[state.pendingMurder], role: state.roles[state.pendingMurder], cause: 'murdered', round: state.round });
  }
  return list;
}
