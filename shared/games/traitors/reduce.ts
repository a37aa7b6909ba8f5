import type { SeatId } from '../../engine/actions.ts';
import { biography } from '../../personas.ts';
import { ruleSet } from './config.ts';
import type {
  BallotRecord,
  CastVote,
  Phase,
  Role,
  SetupEvent,
  StatementRecord,
  Suspicion,
  TraitorsEvent,
  TraitorsState,
  VotesRevealedEvent,
} from './types.ts';
import { isNightBallot } from './types.ts';

/**
 * The pure reducer: state = fold(reduce, log). Every branch copies what it changes and
 * shares the rest (records are immutable once in state), so old states stay valid and the
 * fold stays cheap. Events are trusted here: `validate` guards the actions that make them.
 */
export function reduce(state: TraitorsState | undefined, event: TraitorsEvent): TraitorsState {
  if (event.type === 'setup') return initialState(event);
  if (!state) throw new Error(`traitors: the first event must be setup, got ${event.type}`);
  switch (event.type) {
    case 'statement':
      return recordStatement(state, event.text, false);
    case 'biographiesRead':
      return { ...state, biographies: { biographies: event.biographies, unknown: event.unknown }, phase: { kind: 'dawn' } };
    case 'beliefs':
      return recordBeliefs(state, event.seat, event.suspicion, false);
    case 'vote':
      return recordVote(state, event.seat, event.target);
    case 'timeout':
      if (event.pendingKind === 'speak') return recordStatement(state, '', true);
      if (event.pendingKind === 'vote') return recordVote(state, event.seat, null);
      if (event.pendingKind === 'choose') return answerOffer(state, event.seat, false, true);
      return recordBeliefs(state, event.seat, event.suspicion ?? {}, true);
    case 'votesRevealed':
      return revealVotes(state, event);
    case 'tieBroken': {
      const ballots = isNightBallot(event.ballot) ? state.nightBallots : state.ballots;
      const updated = updateLast(ballots, { tieBreak: event.mode });
      return {
        ...state,
        ...(isNightBallot(event.ballot) ? { nightBallots: updated } : { ballots: updated }),
        rng: event.rng ?? state.rng,
        phase: event.ballot === 'recruit' ? { kind: 'offering', seat: event.chosen } : { kind: 'eliminating', ballot: event.ballot, seat: event.chosen },
      };
    }
    case 'banished': {
      const next: TraitorsState = {
        ...eliminate(state, event.seat),
        ballots: updateLast(state.ballots, { eliminated: event.seat }),
        eliminations: [...state.eliminations, { seat: event.seat, round: event.round, cause: 'banished', role: event.role }],
      };
      // the night's ballot depends on who was just banished (a traitor: recruitment, when on)
      return {
        ...next,
        phase: ruleSet(state.config).postBanishDiscussion ? { kind: 'postBanishment', banished: event.seat, order: turnOrder(next, next.round), index: 0 } : nightPhase(next),
      };
    }
    case 'murdered': {
      const next = eliminate(state, event.seat);
      return { ...next, nightBallots: updateLast(state.nightBallots, { eliminated: event.seat }), pendingMurder: event.seat, phase: { kind: 'dawn' } };
    }
    case 'roundStarted': {
      const next = { ...state, round: event.round };
      return { ...next, phase: state.pendingMurder !== null ? { kind: 'breakfast' } : discussionPhase(next) };
    }
    case 'recruitOffered':
      return {
        ...state,
        recruitments: [...state.recruitments, { seat: event.seat, round: event.round, accepted: null, timedOut: false }],
        phase: { kind: 'offer', seat: event.seat },
      };
    case 'recruitAnswered':
      return answerOffer(state, event.seat, event.accepted, false);
    case 'murderAnnounced': {
      const next: TraitorsState = {
        ...state,
        pendingMurder: null,
        eliminations: [...state.eliminations, { seat: event.seat, round: event.round, cause: 'murdered', role: 'faithful' }],
      };
      return { ...next, phase: discussionPhase(next) };
    }
    case 'gameOver':
      return { ...state, phase: { kind: 'over', winner: event.winner, reason: event.reason } };
  }
}

function initialState(event: SetupEvent): TraitorsState {
  const { config, roles } = event;
  const n = roles.length;
  const traitorSeats = seatsWhere(roles, 'traitor');
  const base: TraitorsState = {
    names: event.names.slice(),
    rng: event.rng,
    config,
    seed: event.seed,
    roles: roles.slice(),
    traitorSeats,
    alive: new Array<boolean>(n).fill(true),
    aliveTraitors: traitorSeats.length,
    aliveFaithful: n - traitorSeats.length,
    round: 0,
    phase: { kind: 'dawn' },
    statements: [],
    traitorChat: [],
    ballots: [],
    nightBallots: [],
    eliminations: [],
    pendingMurder: null,
    latestBeliefs: new Array<Suspicion | null>(n).fill(null),
    beliefs: [],
    recruitments: [],
    biographies: null,
  };
  const introductions = ruleSet(config).introductions;
  if (introductions === 'off') return base;
  if (introductions === 'biographies') {
    // as in the reference, the phase is skipped when nobody has a biography
    return biographiesOf(config.personas, event.names).biographies.length > 0 ? { ...base, phase: { kind: 'biographies' } } : base;
  }
  return { ...base, phase: { kind: 'introductions', order: Array.from({ length: n }, (_, i) => i), index: 0 } };
}

/** What the moderator reads: each seat's biography (built from its persona), and the seats without one. */
export function biographiesOf(personas: TraitorsState['config']['personas'], names: readonly string[]): { biographies: { seat: SeatId; text: string }[]; unknown: SeatId[] } {
  const biographies: { seat: SeatId; text: string }[] = [];
  const unknown: SeatId[] = [];
  for (let seat = 0; seat < names.length; seat++) {
    const text = biography(names[seat], personas?.[seat]);
    if (text === null) unknown.push(seat);
    else biographies.push({ seat, text });
  }
  return { biographies, unknown };
}

function seatsWhere(roles: readonly Role[], role: Role): SeatId[] {
  const out: SeatId[] = [];
  for (let s = 0; s < roles.length; s++) if (roles[s] === role) out.push(s);
  return out;
}

/**
 * Living seats in turn order for a round: seat order, starting one seat later each round
 * (round r starts at seat (r−1) mod N, or the next living seat after it); with
 * `speakingOrder: "seat"` always from the lowest seat.
 */
export function turnOrder(state: TraitorsState, round: number, onlyTraitors = false): SeatId[] {
  const n = state.alive.length;
  const start = ruleSet(state.config).speakingOrder === 'seat' ? 0 : (((round - 1) % n) + n) % n;
  const order: SeatId[] = [];
  for (let i = 0; i < n; i++) {
    const s = (start + i) % n;
    if (state.alive[s] && (!onlyTraitors || state.roles[s] === 'traitor')) order.push(s);
  }
  return order;
}

export function livingSeats(state: TraitorsState): SeatId[] {
  const out: SeatId[] = [];
  for (let s = 0; s < state.alive.length; s++) if (state.alive[s]) out.push(s);
  return out;
}

function discussionPhase(state: TraitorsState): Phase {
  return { kind: 'discussion', pass: 1, order: turnOrder(state, state.round), index: 0 };
}

/** Who is asked for beliefs this round (possibly nobody). */
function beliefsAsked(state: TraitorsState): SeatId[] {
  const mode = state.config.beliefs;
  if (mode === 'off') return [];
  const living = livingSeats(state);
  if (mode === 'all' || !state.config.agentSeats) return living;
  const agents = state.config.agentSeats;
  return living.filter((s) => agents.includes(s));
}

function roundTablePhase(state: TraitorsState): Phase {
  const living = livingSeats(state);
  return { kind: 'vote', ballot: 'banish', voters: living, candidates: living, cast: [] };
}

function afterDiscussion(state: TraitorsState): Phase {
  const asked = beliefsAsked(state);
  return asked.length > 0 ? { kind: 'beliefs', asked, done: [] } : roundTablePhase(state);
}

function nightPhase(state: TraitorsState): Phase {
  // no traitor left (possible when the win check waits for the night): no night
  if (state.aliveTraitors === 0) return { kind: 'dawn' };
  if (state.config.traitorChatPasses > 0) {
    return { kind: 'nightChat', pass: 1, order: turnOrder(state, state.round, true), index: 0 };
  }
  return nightVotePhase(state);
}

/**
 * Tonight is a recruitment night when recruitment is on, this round's banishment removed a
 * traitor, and traitors and faithful both remain. Derived from the state (whatever phases come
 * between the banishment and the night), so the night chat needs no flag.
 */
export function recruitsTonight(state: TraitorsState): boolean {
  if (!state.config.recruitment || state.aliveTraitors === 0 || state.aliveFaithful === 0) return false;
  const last = state.eliminations[state.eliminations.length - 1];
  return last !== undefined && last.cause === 'banished' && last.round === state.round && state.roles[last.seat] === 'traitor';
}

function nightVotePhase(state: TraitorsState): Phase {
  return {
    kind: 'vote',
    ballot: recruitsTonight(state) ? 'recruit' : 'murder',
    voters: livingSeats(state).filter((s) => state.roles[s] === 'traitor'),
    candidates: livingSeats(state).filter((s) => state.roles[s] === 'faithful'),
    cast: [],
  };
}

function recordStatement(state: TraitorsState, text: string, skipped: boolean): TraitorsState {
  const phase = state.phase;
  if (phase.kind === 'postBanishment') return recordPostBanishment(state, phase, text, skipped);
  if (phase.kind !== 'introductions' && phase.kind !== 'discussion' && phase.kind !== 'nightChat') {
    throw new Error(`traitors: a statement in phase ${phase.kind}`);
  }
  const seat = phase.order[phase.index];
  const night = phase.kind === 'nightChat';
  const record: StatementRecord = {
    seat,
    round: state.round,
    pass: phase.kind === 'introductions' ? 1 : phase.pass,
    channel: night ? 'traitors' : 'public',
    purpose: phase.kind === 'introductions' ? 'introduction' : night ? 'traitorChat' : 'discussion',
    text,
    skipped,
  };
  const index = phase.index + 1;
  let nextPhase: Phase;
  if (index < phase.order.length) nextPhase = { ...phase, index };
  else if (phase.kind === 'introductions') nextPhase = { kind: 'dawn' };
  else if (phase.pass < (night ? state.config.traitorChatPasses : state.config.discussionPasses)) nextPhase = { ...phase, pass: phase.pass + 1, index: 0 };
  else nextPhase = night ? nightVotePhase(state) : afterDiscussion(state);
  // one spread per event: the hot path of a simulation
  return night
    ? { ...state, traitorChat: [...state.traitorChat, record], phase: nextPhase }
    : { ...state, statements: [...state.statements, record], phase: nextPhase };
}

function recordPostBanishment(state: TraitorsState, phase: Extract<Phase, { kind: 'postBanishment' }>, text: string, skipped: boolean): TraitorsState {
  const record: StatementRecord = { seat: phase.order[phase.index], round: state.round, pass: 1, channel: 'public', purpose: 'postBanishment', text, skipped };
  const index = phase.index + 1;
  return { ...state, statements: [...state.statements, record], phase: index < phase.order.length ? { ...phase, index } : nightPhase(state) };
}

function recordBeliefs(state: TraitorsState, seat: SeatId, suspicion: Suspicion, timedOut: boolean): TraitorsState {
  const phase = state.phase;
  if (phase.kind !== 'beliefs') throw new Error(`traitors: beliefs in phase ${phase.kind}`);
  const latest = state.latestBeliefs.slice();
  latest[seat] = suspicion;
  const done = [...phase.done, seat];
  return {
    ...state,
    latestBeliefs: latest,
    beliefs: [...state.beliefs, { seat, round: state.round, suspicion, timedOut }],
    phase: done.length < phase.asked.length ? { ...phase, done } : roundTablePhase(state),
  };
}

function recordVote(state: TraitorsState, seat: SeatId, target: SeatId | null): TraitorsState {
  const phase = state.phase;
  if (phase.kind !== 'vote') throw new Error(`traitors: a vote in phase ${phase.kind}`);
  return { ...state, phase: { ...phase, cast: [...phase.cast, { seat, target }] } };
}

function revealVotes(state: TraitorsState, event: VotesRevealedEvent): TraitorsState {
  const record: BallotRecord = {
    round: event.round,
    ballot: event.ballot,
    votes: event.votes,
    tally: event.tally,
    top: event.top,
    tieBreak: null,
    eliminated: null,
  };
  const night = isNightBallot(event.ballot);
  const next: TraitorsState = night
    ? { ...state, nightBallots: [...state.nightBallots, record] }
    : { ...state, ballots: [...state.ballots, record] };
  const top = event.top;
  let phase: Phase;
  if (top.length === 0) {
    // everybody abstained: nobody is eliminated by this ballot
    phase = night ? { kind: 'dawn' } : nightPhase(next);
  } else if (top.length === 1) {
    phase = event.ballot === 'recruit' ? { kind: 'offering', seat: top[0] } : { kind: 'eliminating', ballot: event.ballot, seat: top[0] };
  } else if (event.ballot === 'banish' && state.config.tieBreak === 'revote') {
    phase = { kind: 'vote', ballot: 'revote', voters: livingSeats(state), candidates: top, cast: [] };
  } else {
    const rule = isNightBallot(event.ballot) ? ruleSet(state.config).nightTieBreak : state.config.tieBreak;
    const mode = rule === 'firstVote' || rule === 'firstVoteInSeatOrder' ? rule : 'random';
    phase = { kind: 'tieBreak', ballot: event.ballot, mode, candidates: top, cast: event.votes };
  }
  return { ...next, phase };
}

/**
 * The offered seat's answer (or its timeout: a refusal). Accepting makes them a traitor from now
 * on; refusing costs what the config says (`murdered`: they are the night's victim).
 */
function answerOffer(state: TraitorsState, seat: SeatId, accepted: boolean, timedOut: boolean): TraitorsState {
  const phase = state.phase;
  if (phase.kind !== 'offer' || phase.seat !== seat) throw new Error(`traitors: an offer answer by seat ${seat} in phase ${phase.kind}`);
  const recruitments = state.recruitments.slice();
  recruitments[recruitments.length - 1] = { ...recruitments[recruitments.length - 1], accepted, timedOut };
  const next: TraitorsState = { ...state, recruitments };
  if (!accepted) {
    const murdered = state.config.recruitment && state.config.recruitment.refusal === 'murdered';
    return { ...next, phase: murdered ? { kind: 'refused', seat } : { kind: 'dawn' } };
  }
  const roles = state.roles.slice();
  roles[seat] = 'traitor';
  return {
    ...next,
    roles,
    traitorSeats: seatsWhere(roles, 'traitor'),
    aliveTraitors: state.aliveTraitors + 1,
    aliveFaithful: state.aliveFaithful - 1,
    phase: { kind: 'dawn' },
  };
}

function eliminate(state: TraitorsState, seat: SeatId): TraitorsState {
  const alive = state.alive.slice();
  alive[seat] = false;
  const traitor = state.roles[seat] === 'traitor';
  return {
    ...state,
    alive,
    aliveTraitors: state.aliveTraitors - (traitor ? 1 : 0),
    aliveFaithful: state.aliveFaithful - (traitor ? 0 : 1),
  };
}

function updateLast(ballots: readonly BallotRecord[], patch: Partial<BallotRecord>): BallotRecord[] {
  const out = ballots.slice();
  out[out.length - 1] = { ...out[out.length - 1], ...patch };
  return out;
}

/** Tally of a ballot: targets with votes, most first, then by seat; abstentions count for nobody. */
export function tallyVotes(votes: readonly CastVote[]): { tally: { seat: SeatId; votes: number }[]; top: SeatId[] } {
  const counts = new Map<SeatId, number>();
  for (const v of votes) if (v.target !== null) counts.set(v.target, (counts.get(v.target) ?? 0) + 1);
  const tally = [...counts].map(([seat, n]) => ({ seat, votes: n })).sort((a, b) => b.votes - a.votes || a.seat - b.seat);
  const most = tally.length > 0 ? tally[0].votes : 0;
  const top = tally.filter((t) => t.votes === most).map((t) => t.seat);
  return { tally, top };
}
