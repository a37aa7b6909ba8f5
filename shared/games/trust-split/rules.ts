import type { Action, Pending, SeatId } from '../../engine/actions.ts';
import type { Outcome, Rejection } from '../../engine/game.ts';
import { fitsVisible, visibleLength } from '../../text.ts';
import { Purpose, Rng, type Seed } from '../../engine/rng.ts';
import { timeoutProposal, TrustSplitConfigSchema, type TrustSplitConfig } from './config.ts';
import type {
  DealEvent,
  GameOverEvent,
  PerSeat,
  RoundResolvedEvent,
  SetupEvent,
  TimeoutEvent,
  TrustSplitEvent,
} from './events.ts';
import { handBeatenBy, HANDS, type Hand } from './hands.ts';
import type { Phase, SeatRoundRecord, TranscriptEntry, TrustSplitState } from './state.ts';

export const SEAT_COUNT = 2;

export function otherSeat(seat: SeatId): SeatId {
  return seat === 0 ? 1 : 0;
}

/** The first speaker alternates every round, starting from the one drawn at setup. */
export function firstSpeakerOfRound(firstSpeaker: SeatId, round: number): SeatId {
  return round % 2 === 1 ? firstSpeaker : otherSeat(firstSpeaker);
}

// ---------------------------------------------------------------- start

export function start(config: TrustSplitConfig, seed: Seed, names: string[]): SetupEvent {
  if (names.length !== SEAT_COUNT) throw new Error(`Trust-and-Split needs exactly 2 players, got ${names.length}`);
  const parsed = TrustSplitConfigSchema.parse(config);
  const rng = Rng.stream(seed, Purpose.game);
  const firstSpeaker: SeatId = rng.int(2);
  return { type: 'setup', config: parsed, seed, names: names.slice(), firstSpeaker, rng: rng.state };
}

// ---------------------------------------------------------------- reduce

function fail(event: TrustSplitEvent, state: TrustSplitState | undefined): never {
  throw new Error(`trust-split: event ${event.type} does not fit phase ${state ? state.phase.kind : '(no game)'}`);
}

// Phases without data are shared constants (states are never mutated, so sharing is safe).
const DEALING: Phase = Object.freeze({ kind: 'dealing' });
const PROPOSE: Phase = Object.freeze({ kind: 'propose' });
const RESOLVING: Phase = Object.freeze({ kind: 'resolving' });
const FINISHING: Phase = Object.freeze({ kind: 'finishing' });
const OVER: Phase = Object.freeze({ kind: 'over' });

/**
 * A fresh state sharing every field with `state`; reduce changes only the copy. Written out
 * field by field because object spread was several times slower on this hot path.
 */
function copy(state: TrustSplitState): TrustSplitState {
  return {
    names: state.names,
    rng: state.rng,
    config: state.config,
    requests: state.requests,
    seed: state.seed,
    firstSpeaker: state.firstSpeaker,
    round: state.round,
    phase: state.phase,
    hands: state.hands,
    upper: state.upper,
    proposals: state.proposals,
    transcript: state.transcript,
    resolved: state.resolved,
    seatHistory: state.seatHistory,
    totals: state.totals,
    timeouts: state.timeouts,
  };
}

function append<T>(items: readonly T[], item: T): T[] {
  const out = items.slice();
  out.push(item);
  return out;
}

/** Pure: every branch copies what it changes and shares the rest. */
export function reduce(state: TrustSplitState | undefined, event: TrustSplitEvent): TrustSplitState {
  if (event.type === 'setup') {
    if (state) fail(event, state);
    return {
      names: event.names,
      rng: event.rng,
      config: event.config,
      requests: pendingRequests(event.config),
      seed: event.seed,
      firstSpeaker: event.firstSpeaker,
      round: 0,
      phase: DEALING,
      hands: null,
      upper: null,
      proposals: [null, null],
      transcript: [],
      resolved: [],
      seatHistory: [[], []],
      totals: [0, 0],
      timeouts: 0,
    };
  }
  if (!state) fail(event, state);

  switch (event.type) {
    case 'deal': {
      if (state.phase.kind !== 'dealing') fail(event, state);
      const next = copy(state);
      next.rng = event.rng;
      next.round = event.round;
      next.hands = event.hands;
      next.upper = event.upper;
      next.proposals = [null, null];
      next.phase =
        state.config.messagesPerRound > 0
          ? { kind: 'talk', speaker: firstSpeakerOfRound(state.firstSpeaker, event.round), messagesSent: 0 }
          : PROPOSE;
      return next;
    }
    case 'message':
      return recordMessage(state, event.seat, event.text, false, event);
    case 'proposal':
      return recordProposal(state, event.seat, event.coins, event);
    case 'timeout': {
      const next =
        event.action === 'speak'
          ? recordMessage(state, event.seat, event.text, true, event)
          : recordProposal(state, event.seat, event.coins, event);
      next.timeouts = state.timeouts + 1;
      return next;
    }
    case 'roundResolved': {
      if (state.phase.kind !== 'resolving') fail(event, state);
      const full = state.config.feedback === 'full';
      const next = copy(state);
      next.phase = event.round < state.config.rounds ? DEALING : FINISHING;
      next.resolved = append(state.resolved, event);
      next.seatHistory = [append(state.seatHistory[0], seatRecord(event, 0, full)), append(state.seatHistory[1], seatRecord(event, 1, full))];
      next.totals = [state.totals[0] + event.points[0], state.totals[1] + event.points[1]];
      return next;
    }
    case 'gameOver': {
      if (state.phase.kind !== 'finishing') fail(event, state);
      const next = copy(state);
      next.phase = OVER;
      return next;
    }
  }
}

function recordMessage(state: TrustSplitState, seat: SeatId, text: string, timedOut: boolean, event: TrustSplitEvent): TrustSplitState {
  const phase = state.phase;
  if (phase.kind !== 'talk' || phase.speaker !== seat) fail(event, state);
  const messagesSent = phase.messagesSent + 1;
  const next = copy(state);
  next.transcript = append<TranscriptEntry>(state.transcript, { round: state.round, seat, text, timedOut });
  next.phase = messagesSent >= 2 * state.config.messagesPerRound ? PROPOSE : { kind: 'talk', speaker: otherSeat(seat), messagesSent };
  return next;
}

function recordProposal(state: TrustSplitState, seat: SeatId, coins: number, event: TrustSplitEvent): TrustSplitState {
  if (state.phase.kind !== 'propose' || state.proposals[seat] !== null) fail(event, state);
  const next = copy(state);
  next.proposals = seat === 0 ? [coins, state.proposals[1]] : [state.proposals[0], coins];
  if (next.proposals[0] !== null && next.proposals[1] !== null) next.phase = RESOLVING;
  return next;
}

/** What `seat` is told about a resolved round; "full" feedback adds hands, values, coins, points. */
export function seatRecord(event: RoundResolvedEvent, seat: SeatId, full: boolean): SeatRoundRecord {
  const other = otherSeat(seat);
  return {
    round: event.round,
    hand: event.hands[seat],
    proposal: event.proposals[seat],
    otherPosition: event.upper === other ? 'upper' : 'lower',
    otherProposal: event.proposals[other],
    full: full
      ? {
          otherHand: event.hands[other],
          value: event.values[seat],
          otherValue: event.values[other],
          coins: event.coinsReceived[seat],
          otherCoins: event.coinsReceived[other],
          points: event.points[seat],
          otherPoints: event.points[other],
        }
      : null,
  };
}

// ---------------------------------------------------------------- settle

/**
 * The automatic next step: deal a round, resolve it once both proposals are in, or end the
 * game after the last round.
 */
export function settle(state: TrustSplitState): TrustSplitEvent | null {
  switch (state.phase.kind) {
    case 'dealing':
      return deal(state);
    case 'resolving':
      return resolveRound(state);
    case 'finishing':
      return gameOver(state);
    default:
      return null;
  }
}

/**
 * Hands for the next round. Normally a uniform draw over the 6 ordered pairs of different hands.
 * With `alternatingHands`, from round 2 on the previous round's lower seat gets the upper hand:
 * the winning hand is drawn uniformly from the three and the other seat gets the hand it beats
 * (the reference implementation's rule).
 */
export function deal(state: TrustSplitState): DealEvent {
  const rng = Rng.from(state.rng);
  const round = state.round + 1;
  let hands: PerSeat<Hand>;
  let upper: SeatId;
  if (state.config.alternatingHands && state.upper !== null) {
    const winning = HANDS[rng.int(3)];
    upper = otherSeat(state.upper);
    hands = upper === 0 ? [winning, handBeatenBy(winning)] : [handBeatenBy(winning), winning];
  } else {
    const pair = rng.int(6);
    const first = Math.floor(pair / 2);
    const second = (first + 1 + (pair % 2)) % 3;
    hands = [HANDS[first], HANDS[second]];
    upper = handBeatenBy(hands[0]) === hands[1] ? 0 : 1;
  }
  return { type: 'deal', round, hands, upper, rng: rng.state };
}

/**
 * The split: if the proposals fit in the pot each seat gets what it asked (leftover coins are
 * lost); otherwise the pot is shared in proportion to the proposals.
 */
export function splitCoins(coins: number, proposals: PerSeat<number>): PerSeat<number> {
  const asked = proposals[0] + proposals[1];
  if (asked <= coins) return [proposals[0], proposals[1]];
  return [(coins * proposals[0]) / asked, (coins * proposals[1]) / asked];
}

function resolveRound(state: TrustSplitState): RoundResolvedEvent {
  const { config, hands, upper } = state;
  const [p0, p1] = state.proposals;
  if (hands === null || upper === null || p0 === null || p1 === null) throw new Error('trust-split: resolving an incomplete round');
  const proposals: PerSeat<number> = [p0, p1];
  const coinsReceived = splitCoins(config.coins, proposals);
  const values: PerSeat<number> = upper === 0 ? [config.upperValue, config.lowerValue] : [config.lowerValue, config.upperValue];
  return {
    type: 'roundResolved',
    round: state.round,
    proposals,
    coinsReceived,
    points: [coinsReceived[0] * values[0], coinsReceived[1] * values[1]],
    hands,
    upper,
    values,
  };
}

/** Seats with the most points; both on a tie. */
export function winnersOf(points: PerSeat<number>): SeatId[] {
  if (points[0] === points[1]) return [0, 1];
  return points[0] > points[1] ? [0] : [1];
}

function gameOver(state: TrustSplitState): GameOverEvent {
  const points: PerSeat<number> = [state.totals[0], state.totals[1]];
  return { type: 'gameOver', points, winners: winnersOf(points) };
}

// ---------------------------------------------------------------- actions

/** The two requests of the game; they depend only on the config, so they are built once per game. */
export function pendingRequests(config: TrustSplitConfig): TrustSplitState['requests'] {
  return {
    speak: Object.freeze({ kind: 'speak', maxChars: config.maxMessageChars, channel: 'public', purpose: 'message', timeLimitSec: config.timeouts.speak }),
    propose: Object.freeze({ kind: 'propose', min: 0, max: config.coins, timeLimitSec: config.timeouts.propose }),
  };
}

export function pending(state: TrustSplitState, seat: SeatId): Pending | null {
  const phase = state.phase;
  if (phase.kind === 'talk') return phase.speaker === seat ? state.requests.speak : null;
  if (phase.kind === 'propose') {
    if ((seat !== 0 && seat !== 1) || state.proposals[seat] !== null) return null;
    return state.requests.propose;
  }
  return null;
}

/** `kind` plus one payload field, nothing else (counted without allocating: this runs per action). */
function hasTwoFields(action: object): boolean {
  let count = 0;
  for (const key in action) if (Object.prototype.hasOwnProperty.call(action, key) && ++count > 2) return false;
  return count === 2;
}

function reject(code: Rejection['code'], message: string): Rejection {
  return { code, message };
}

/**
 * Checks shape as well as legality, because Match.submit may be handed unparsed input: a
 * rejected action must never reach reduce.
 */
export function validate(state: TrustSplitState, seat: SeatId, action: Action): Rejection | null {
  if (state.phase.kind === 'over') return reject('game_over', 'The game is over.');
  if (seat !== 0 && seat !== 1) return reject('invalid', `There is no seat ${String(seat)} in Trust-and-Split.`);
  if (typeof action !== 'object' || action === null) return reject('invalid', 'An action must be an object.');
  const want = pending(state, seat);
  if (!want) {
    const message =
      state.phase.kind === 'talk'
        ? `It is ${state.names[state.phase.speaker]}'s turn to speak.`
        : state.phase.kind === 'propose'
          ? 'You have already made your proposal this round.'
          : 'Nothing is asked of you right now.';
    return reject('not_your_turn', message);
  }
  if (action.kind !== want.kind) return reject('wrong_action', `Expected a ${want.kind} action, got ${String(action.kind)}.`);
  if (!hasTwoFields(action)) return reject('invalid', `A ${want.kind} action has exactly two fields.`);
  if (action.kind === 'speak' && want.kind === 'speak') {
    if (typeof action.text !== 'string') return reject('invalid', 'A message must be text.');
    if (!fitsVisible(action.text, want.maxChars)) {
      return reject('too_long', `A message has at most ${want.maxChars} characters (got ${visibleLength(action.text)}); send a shorter one.`);
    }
    return null;
  }
  if (action.kind === 'propose' && want.kind === 'propose') {
    if (typeof action.coins !== 'number' || !Number.isInteger(action.coins)) return reject('invalid', 'A proposal is a whole number of coins.');
    if (action.coins < want.min || action.coins > want.max) return reject('out_of_range', `Propose between ${want.min} and ${want.max} coins.`);
    return null;
  }
  return reject('wrong_action', `Expected a ${want.kind} action.`);
}

export function actionEvent(state: TrustSplitState, seat: SeatId, action: Action): TrustSplitEvent {
  if (action.kind === 'speak') return { type: 'message', seat, round: state.round, text: action.text };
  if (action.kind === 'propose') return { type: 'proposal', seat, round: state.round, coins: action.coins };
  throw new Error(`trust-split: no event for a ${action.kind} action`);
}

/** Defaults: an empty message; the fair split (floor(coins / 2)) for a proposal. */
export function timeoutEvent(state: TrustSplitState, seat: SeatId): TimeoutEvent {
  const want = pending(state, seat);
  if (want?.kind === 'speak') return { type: 'timeout', seat, round: state.round, action: 'speak', text: '' };
  if (want?.kind === 'propose') return { type: 'timeout', seat, round: state.round, action: 'propose', coins: timeoutProposal(state.config) };
  throw new Error(`trust-split: seat ${seat} has nothing pending to time out`);
}

// ---------------------------------------------------------------- outcome & audience

function formatPoints(points: number): string {
  return Number.isInteger(points) ? String(points) : points.toFixed(1);
}

export function outcome(state: TrustSplitState): Outcome | null {
  if (state.phase.kind !== 'over') return null;
  const points: PerSeat<number> = [state.totals[0], state.totals[1]];
  const winners = winnersOf(points);
  const [a, b] = state.names;
  const summary =
    winners.length === 2
      ? `${a} and ${b} tie at ${formatPoints(points[0])} points`
      : `${a} ${formatPoints(points[0])} – ${b} ${formatPoints(points[1])}`;
  return { summary, winners, points };
}

/**
 * Who may see an event besides the spectator (null = everyone). Setup and deal events carry the
 * RNG state, which predicts future deals, so they stay spectator-only even after hands are shown.
 * A proposal is the proposer's own until its round resolves. Resolutions go to both players only
 * with full feedback; reference feedback reveals less than the event holds.
 */
export function audience(state: TrustSplitState, event: TrustSplitEvent): SeatId[] | null {
  switch (event.type) {
    case 'setup':
    case 'deal':
      return [];
    case 'message':
      return null;
    case 'proposal':
      return state.resolved.length >= event.round ? null : [event.seat];
    case 'timeout':
      if (event.action === 'speak') return null;
      return state.resolved.length >= event.round ? null : [event.seat];
    case 'roundResolved':
      return state.config.feedback === 'full' ? null : [];
    case 'gameOver':
      return null;
  }
}
