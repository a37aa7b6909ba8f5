import type { SeatId } from '../../engine/actions.ts';
import type { Viewer } from '../../engine/game.ts';
import { ruleSet } from './config.ts';
import type {
  Ballot,
  BallotRecord,
  BeliefsRecord,
  BiographiesRecord,
  CastVote,
  EliminationRecord,
  EndReason,
  RecruitmentRecord,
  Role,
  StatementRecord,
  Suspicion,
  TraitorsEvent,
  TraitorsState,
  Winner,
} from './types.ts';
import { isNightBallot } from './types.ts';
import { recruitsTonight } from './reduce.ts';
import type { RefusalCost } from './config.ts';

/**
 * What a viewer may see of the current phase. Faithful see the whole night as one opaque
 * "night"; reveals, tie-breaks and eliminations in progress show as "resolving".
 */
export type PhaseView =
  | { kind: 'introductions'; speaker: SeatId }
  | { kind: 'discussion'; pass: number; passes: number; order: readonly SeatId[]; speaker: SeatId }
  /** after a banishment, each living player speaks once (`postBanishDiscussion`) */
  | { kind: 'postBanishment'; banished: SeatId; order: readonly SeatId[]; speaker: SeatId }
  /** `waitingFor` only for the spectator: with beliefs "agents" it would tell which seats are agents */
  | { kind: 'beliefs'; waitingFor: SeatId[] | null }
  | { kind: 'roundTable'; ballot: 'banish' | 'revote'; candidates: readonly SeatId[]; waitingFor: SeatId[] }
  | { kind: 'night' }
  /** `ballot`: what the night's vote will decide (a murder, or whom to offer recruitment) */
  | { kind: 'nightChat'; pass: number; passes: number; order: readonly SeatId[]; speaker: SeatId; ballot: 'murder' | 'recruit' }
  | { kind: 'nightVote'; candidates: readonly SeatId[]; waitingFor: SeatId[]; ballot: 'murder' | 'recruit' }
  /** a recruitment offer awaits `seat`'s answer: shown to the traitors and to that seat only; `refusal`: what refusing costs */
  | { kind: 'offer'; seat: SeatId; refusal: RefusalCost }
  | { kind: 'resolving' }
  | { kind: 'between' }
  | { kind: 'over'; winner: Winner; reason: EndReason };

/** Only for the experimenter/spectator: the whole truth. */
export interface SpectatorDetails {
  roles: readonly Role[];
  agentSeats: readonly SeatId[] | null;
  /** the ballot in progress, votes as cast (secret from players until the reveal) */
  castVotes: readonly CastVote[] | null;
  beliefs: readonly BeliefsRecord[];
  recruitments: readonly RecruitmentRecord[];
}

export interface TraitorsView {
  viewer: Viewer;
  /** the viewer's seat, null for the spectator */
  seat: SeatId | null;
  names: readonly string[];
  round: number;
  phase: PhaseView;
  /** the viewer's own role (null for the spectator) */
  role: Role | null;
  /** a traitor's fellow traitors (current: recruits included); null for faithful and the spectator (see `spectator.roles`) */
  fellowTraitors: SeatId[] | null;
  /** how many traitors there were at the start, when announced (always for traitors and the spectator) */
  traitorCount: number | null;
  /**
   * Recruitment offers this seat may know: a traitor sees every offer since it became one (its own
   * included); a faithful seat sees only offers made to itself (usually none). Spectator: null (see `spectator`).
   */
  recruitments: readonly RecruitmentRecord[] | null;
  alive: readonly boolean[];
  /** public eliminations; `role` only where revealed */
  eliminations: readonly EliminationRecord[];
  /** every public statement (introductions and discussion) */
  statements: readonly StatementRecord[];
  /** the night chat: traitors and spectator only */
  traitorChat: readonly StatementRecord[] | null;
  /** revealed round-table ballots (none for a seat when `showVotes` is false: players learn only the eliminations) */
  ballots: readonly BallotRecord[];
  /** night ballots, revealed to the traitors once all are in (none when `showVotes` is false) */
  nightBallots: readonly BallotRecord[] | null;
  /** the moderator's introductions, once read */
  biographies: BiographiesRecord | null;
  /** the table's rule: are votes revealed to the players (false: only the eliminations are) */
  votesRevealed: boolean;
  /** the table's rule: recruitment after a banished traitor, and what refusing costs (null: off) */
  recruitmentRule: { refusal: RefusalCost } | null;
  /**
   * tonight's victim before breakfast announces it (traitors and spectator). A murder on the last
   * night is never announced: the game over reveals it to everyone in the outcome (TraitorsOutcome).
   */
  pendingMurder: SeatId | null;
  /** the viewer's vote on the ballot in progress, once cast */
  myVote: { ballot: Ballot; target: SeatId | null } | null;
  /** the viewer's most recent beliefs */
  myBeliefs: Suspicion | null;
  /** whose turn it is to speak (on a channel the viewer can see) */
  speaker: SeatId | null;
  spectator: SpectatorDetails | null;
}

/**
 * A viewer's slice of the state. Cheap: records are shared by reference (treat them as
 * read-only), only small per-view arrays are built. Never puts in a seat's view another
 * player's hidden role, unrevealed votes, beliefs, the night chat (for faithful) or RNG state.
 */
export function view(state: TraitorsState, viewer: Viewer): TraitorsView {
  const spectator = viewer === 'spectator';
  const seat = spectator ? null : viewer;
  const role = seat === null ? null : state.roles[seat];
  const insider = spectator || role === 'traitor';
  // a recruit sees the traitors' secrets from the night it joined on, not what was said before
  const since = seat !== null && role === 'traitor' ? traitorSince(state, seat) : 0;
  const over = state.phase.kind === 'over';
  const hideMurder = !insider && !over && state.pendingMurder !== null;
  // hidden votes: a seat never sees a ballot, only its own vote and the eliminations
  const votesRevealed = ruleSet(state.config).showVotes;
  const votesShown = spectator || votesRevealed;
  return {
    viewer,
    seat,
    names: state.names,
    round: state.round,
    phase: phaseView(state, insider, spectator, seat),
    role,
    fellowTraitors: role === 'traitor' ? state.traitorSeats.filter((s) => s !== seat) : null,
    traitorCount: insider || state.config.announceTraitorCount ? state.config.traitors : null,
    recruitments: seat === null ? null : knownRecruitments(state, seat, role === 'traitor', since),
    alive: hideMurder ? withAlive(state.alive, state.pendingMurder!) : state.alive,
    eliminations: state.eliminations,
    statements: state.statements,
    traitorChat: insider ? fromRound(state.traitorChat, since) : null,
    ballots: votesShown ? state.ballots : [],
    nightBallots: insider ? (votesShown ? fromRound(state.nightBallots, since) : []) : null,
    biographies: state.biographies,
    votesRevealed,
    recruitmentRule: state.config.recruitment === false ? null : { refusal: state.config.recruitment.refusal },
    pendingMurder: insider ? state.pendingMurder : null,
    myVote: seat === null ? null : ownVote(state, seat),
    myBeliefs: seat === null ? null : state.latestBeliefs[seat],
    speaker: speakerFor(state, insider),
    spectator: spectator
      ? {
          roles: state.roles,
          agentSeats: state.config.agentSeats ?? null,
          castVotes: state.phase.kind === 'vote' ? state.phase.cast : null,
          beliefs: state.beliefs,
          recruitments: state.recruitments,
        }
      : null,
  };
}

/** The round after the night a recruit joined (0 for a traitor from the start). */
function traitorSince(state: TraitorsState, seat: SeatId): number {
  for (const r of state.recruitments) if (r.seat === seat && r.accepted === true) return r.round + 1;
  return 0;
}

/** Night records from round `since` on (the same array when nothing is hidden). */
function fromRound<T extends { round: number }>(records: readonly T[], since: number): readonly T[] {
  return since === 0 ? records : records.filter((r) => r.round >= since);
}

/**
 * A traitor knows the offers made since it joined plus its own; a faithful seat only its own.
 * Shared by reference when nothing is filtered out (no recruitment: the empty list).
 */
function knownRecruitments(state: TraitorsState, seat: SeatId, traitor: boolean, since: number): readonly RecruitmentRecord[] {
  const all = state.recruitments;
  if (all.length === 0 || (traitor && since === 0)) return all;
  return all.filter((r) => r.seat === seat || (traitor && r.round >= since));
}

function withAlive(alive: readonly boolean[], seat: SeatId): boolean[] {
  const copy = alive.slice();
  copy[seat] = true;
  return copy;
}

function waitingFor(voters: readonly SeatId[], done: (s: SeatId) => boolean): SeatId[] {
  return voters.filter((s) => !done(s));
}

function phaseView(state: TraitorsState, insider: boolean, spectator: boolean, seat: SeatId | null): PhaseView {
  const phase = state.phase;
  switch (phase.kind) {
    case 'introductions':
      return { kind: 'introductions', speaker: phase.order[phase.index] };
    case 'discussion':
      return { kind: 'discussion', pass: phase.pass, passes: state.config.discussionPasses, order: phase.order, speaker: phase.order[phase.index] };
    case 'postBanishment':
      return { kind: 'postBanishment', banished: phase.banished, order: phase.order, speaker: phase.order[phase.index] };
    case 'beliefs':
      return { kind: 'beliefs', waitingFor: spectator ? waitingFor(phase.asked, (s) => phase.done.includes(s)) : null };
    case 'vote': {
      const waiting = waitingFor(phase.voters, (s) => phase.cast.some((v) => v.seat === s));
      if (!isNightBallot(phase.ballot)) return { kind: 'roundTable', ballot: phase.ballot, candidates: phase.candidates, waitingFor: waiting };
      return insider ? { kind: 'nightVote', candidates: phase.candidates, waitingFor: waiting, ballot: phase.ballot } : { kind: 'night' };
    }
    case 'offer':
      // every other faithful seat sees the same opaque night as on any other night
      return insider || phase.seat === seat ? { kind: 'offer', seat: phase.seat, refusal: state.config.recruitment ? state.config.recruitment.refusal : 'none' } : { kind: 'night' };
    case 'offering':
    case 'refused':
      return insider ? { kind: 'resolving' } : { kind: 'night' };
    case 'nightChat':
      return insider
        ? { kind: 'nightChat', pass: phase.pass, passes: state.config.traitorChatPasses, order: phase.order, speaker: phase.order[phase.index], ballot: recruitsTonight(state) ? 'recruit' : 'murder' }
        : { kind: 'night' };
    case 'tieBreak':
    case 'eliminating':
      return isNightBallot(phase.ballot) && !insider ? { kind: 'night' } : { kind: 'resolving' };
    case 'dawn':
    case 'breakfast':
    case 'biographies':
      return { kind: 'between' };
    case 'over':
      return { kind: 'over', winner: phase.winner, reason: phase.reason };
  }
}

function speakerFor(state: TraitorsState, insider: boolean): SeatId | null {
  const phase = state.phase;
  if (phase.kind === 'introductions' || phase.kind === 'discussion' || phase.kind === 'postBanishment') return phase.order[phase.index];
  if (phase.kind === 'nightChat' && insider) return phase.order[phase.index];
  return null;
}

function ownVote(state: TraitorsState, seat: SeatId): TraitorsView['myVote'] {
  const phase = state.phase;
  if (phase.kind !== 'vote') return null;
  for (const v of phase.cast) if (v.seat === seat) return { ballot: phase.ballot, target: v.target };
  return null;
}

/**
 * Who may see an event besides the spectator (null = everybody). Depends on the event and the
 * current traitors (`state` is the game just before or just after the event: a recruit's own
 * offer events name them explicitly, so either gives the same answer for them).
 */
export function audience(state: TraitorsState, event: TraitorsEvent): SeatId[] | null {
  const votesShown = ruleSet(state.config).showVotes;
  switch (event.type) {
    case 'setup':
      return []; // every role at once: spectator only (each seat learns its own role from its view)
    case 'statement':
      return event.channel === 'traitors' ? state.traitorSeats.slice() : null;
    case 'beliefs':
    case 'vote':
      return [event.seat];
    case 'timeout':
      // a vote timeout is an abstention: a vote like any other
      if (!votesShown && event.pendingKind === 'vote') return [event.seat];
      if (event.purpose === 'traitorChat' || event.purpose === 'murder' || event.purpose === 'recruit') return state.traitorSeats.slice();
      if (event.purpose === 'recruitOffer') return withSeat(state.traitorSeats, event.seat);
      if (event.pendingKind === 'speak') return null;
      return [event.seat];
    case 'votesRevealed':
    case 'tieBroken':
      if (!votesShown) return []; // the tally and a tie's candidates are votes too: spectator only
      return isNightBallot(event.ballot) ? state.traitorSeats.slice() : null;
    case 'murdered':
      return state.traitorSeats.slice();
    case 'recruitOffered':
    case 'recruitAnswered':
      return withSeat(state.traitorSeats, event.seat);
    case 'biographiesRead':
    case 'banished':
    case 'murderAnnounced':
    case 'roundStarted':
    case 'gameOver':
      return null;
  }
}

/** The traitors and one more seat, ascending, without duplicates. */
function withSeat(traitorSeats: readonly SeatId[], seat: SeatId): SeatId[] {
  return traitorSeats.includes(seat) ? traitorSeats.slice() : [...traitorSeats, seat].sort((a, b) => a - b);
}
