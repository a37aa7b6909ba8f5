import type { SeatId } from '../../engine/actions.ts';
import type { BaseState, Outcome } from '../../engine/game.ts';
import type { RngState, Seed } from '../../engine/rng.ts';
import type { TraitorsConfig } from './config.ts';

export type Role = 'traitor' | 'faithful';
export type Winner = 'faithful' | 'traitors';
/**
 * "banish" is the round table's ballot, "revote" its tie revote, "murder" the traitors' night ballot,
 * "recruit" the traitors' night ballot on whom to offer recruitment (replaces "murder" that night).
 */
export type Ballot = 'banish' | 'revote' | 'murder' | 'recruit';

/** The traitors' own ballots (at night): secret from the faithful, revealed to traitors only. */
export function isNightBallot(ballot: Ballot): ballot is 'murder' | 'recruit' {
  return ballot === 'murder' || ballot === 'recruit';
}

/** The options of a recruitment offer's pending `choose` (purpose "recruitOffer"). */
export const OFFER_OPTIONS = ['accept', 'refuse'] as const;
export type OfferAnswer = (typeof OFFER_OPTIONS)[number];
export type Channel = 'public' | 'traitors';
/** `postBanishment`: the one statement each living player makes after a banishment is revealed (`postBanishDiscussion`). */
export type SpeechPurpose = 'introduction' | 'discussion' | 'traitorChat' | 'postBanishment';
export type EndReason = 'noTraitorsLeft' | 'traitorsReachedParity' | 'maxRounds';
/** How a tie was settled (see TIE_BREAKS in config.ts). */
export type TieBreakMode = 'random' | 'firstVote' | 'firstVoteInSeatOrder';
/** Suspicion 0..100 per target seat (keys are seat numbers as strings, as in JSON). */
export type Suspicion = Record<string, number>;

// ---------------------------------------------------------------- records kept in state

export interface StatementRecord {
  seat: SeatId;
  /** 0 for introductions */
  round: number;
  /** 1-based pass within the discussion or traitor chat (1 for introductions) */
  pass: number;
  channel: Channel;
  purpose: SpeechPurpose;
  text: string;
  /** the speaker timed out; text is empty */
  skipped: boolean;
}

/** One vote as cast; `target: null` is an abstention (a timeout). */
export interface CastVote {
  seat: SeatId;
  target: SeatId | null;
}

export interface TallyEntry {
  seat: SeatId;
  votes: number;
}

/** A ballot after its reveal (round-table ballots are public; night ballots go to traitors only). */
export interface BallotRecord {
  round: number;
  ballot: Ballot;
  /** in the order they were cast */
  votes: readonly CastVote[];
  /** targets with at least one vote, most votes first, then by seat */
  tally: readonly TallyEntry[];
  /** the plurality: every target with the most votes (empty when everybody abstained) */
  top: readonly SeatId[];
  /** how a tie on this ballot was settled (null: no tie, or it went to a revote) */
  tieBreak: TieBreakMode | null;
  /** who this ballot eliminated, if anyone */
  eliminated: SeatId | null;
}

/** A public elimination. `role` is null when it was not revealed. */
export interface EliminationRecord {
  seat: SeatId;
  round: number;
  cause: 'banished' | 'murdered';
  role: Role | null;
}

/**
 * One recruitment offer: whom the traitors offered, in which night, and the answer (null while
 * it is pending). Known to the traitors and the offered seat only.
 */
export interface RecruitmentRecord {
  seat: SeatId;
  round: number;
  accepted: boolean | null;
  /** the answer was the timeout's default (refuse) */
  timedOut: boolean;
}

/** An elimination as the game over reveals it: every one, with the seat's name and final role. */
export interface FinalElimination {
  seat: SeatId;
  name: string;
  role: Role;
  cause: 'banished' | 'murdered';
  round: number;
}

/**
 * The outcome of a finished game (rules.ts `outcome()`), sent to every viewer as the state
 * payload's `outcome`: the one source of the end's reveals (the views carry none of it).
 */
export interface TraitorsOutcome extends Outcome {
  /** seats on the winning side by final role: a recruit who ended a traitor wins with the traitors */
  winners: SeatId[];
  winner: Winner;
  reason: EndReason;
  rounds: number;
  /** final roles (recruits are traitors) */
  roles: Role[];
  /** every elimination in order with its true role, a last-night murder never announced included */
  eliminations: FinalElimination[];
  /** recruitment offers and answers (empty without recruitment) */
  recruitments: RecruitmentRecord[];
}

export interface BeliefsRecord {
  seat: SeatId;
  round: number;
  suspicion: Suspicion;
  /** the uniform default recorded on a timeout */
  timedOut: boolean;
}

/** The moderator's introductions (`introductions: "biographies"`): each persona's biography, and who has none. */
export interface BiographiesRecord {
  biographies: readonly { seat: SeatId; text: string }[];
  /** seats without a biography (the reference names them: "I do not have background information about …") */
  unknown: readonly SeatId[];
}

// ---------------------------------------------------------------- phases

export type Phase =
  | { kind: 'introductions'; order: readonly SeatId[]; index: number }
  /** the moderator is about to read the biographies (the next event) */
  | { kind: 'biographies' }
  /** after a banishment: each living player speaks once, then the night */
  | { kind: 'postBanishment'; banished: SeatId; order: readonly SeatId[]; index: number }
  /** between rounds: the next event starts a round (or ends the game at maxRounds) */
  | { kind: 'dawn' }
  /** a murder waits to be announced */
  | { kind: 'breakfast' }
  | { kind: 'discussion'; pass: number; order: readonly SeatId[]; index: number }
  | { kind: 'beliefs'; asked: readonly SeatId[]; done: readonly SeatId[] }
  | { kind: 'nightChat'; pass: number; order: readonly SeatId[]; index: number }
  /** round-table ballots and the night ballot share one shape */
  | { kind: 'vote'; ballot: Ballot; voters: readonly SeatId[]; candidates: readonly SeatId[]; cast: readonly CastVote[] }
  | { kind: 'tieBreak'; ballot: Ballot; mode: TieBreakMode; candidates: readonly SeatId[]; cast: readonly CastVote[] }
  /** the ballot has a target; the next event banishes or murders them */
  | { kind: 'eliminating'; ballot: Ballot; seat: SeatId }
  /** the recruit ballot chose `seat`: the next event makes the offer */
  | { kind: 'offering'; seat: SeatId }
  /** the offered seat owes an answer (accept / refuse) */
  | { kind: 'offer'; seat: SeatId }
  /** the offered seat refused and the rule makes them the night's victim: the next event murders them */
  | { kind: 'refused'; seat: SeatId }
  | { kind: 'over'; winner: Winner; reason: EndReason };

export type PhaseKind = Phase['kind'];

// ---------------------------------------------------------------- state

export interface TraitorsState extends BaseState {
  config: TraitorsConfig;
  seed: Seed;
  /** each seat's CURRENT role (a recruit's changes to traitor when they accept) */
  roles: readonly Role[];
  /** every traitor seat (current), ascending */
  traitorSeats: readonly SeatId[];
  alive: readonly boolean[];
  aliveTraitors: number;
  aliveFaithful: number;
  /** 0 during introductions, then 1, 2, … */
  round: number;
  phase: Phase;
  /** public statements (introductions and discussion), in order */
  statements: readonly StatementRecord[];
  traitorChat: readonly StatementRecord[];
  /** revealed round-table ballots */
  ballots: readonly BallotRecord[];
  nightBallots: readonly BallotRecord[];
  /** public eliminations in the order they became known (murders when announced) */
  eliminations: readonly EliminationRecord[];
  /** tonight's victim, until breakfast announces them */
  pendingMurder: SeatId | null;
  /** each seat's most recent beliefs */
  latestBeliefs: readonly (Suspicion | null)[];
  beliefs: readonly BeliefsRecord[];
  /** recruitment offers, in order */
  recruitments: readonly RecruitmentRecord[];
  /** the moderator's introductions, once read (null: none were read) */
  biographies: BiographiesRecord | null;
}

// ---------------------------------------------------------------- events

export interface SetupEvent {
  type: 'setup';
  config: TraitorsConfig;
  seed: Seed;
  names: string[];
  roles: Role[];
  rng: RngState;
}
export interface StatementEvent {
  type: 'statement';
  seat: SeatId;
  round: number;
  pass: number;
  channel: Channel;
  purpose: SpeechPurpose;
  text: string;
}
/** The moderator reads the personas' biographies (before round 1). Public. */
export interface BiographiesReadEvent {
  type: 'biographiesRead';
  biographies: { seat: SeatId; text: string }[];
  unknown: SeatId[];
}
export interface BeliefsEvent {
  type: 'beliefs';
  seat: SeatId;
  round: number;
  suspicion: Suspicion;
}
export interface VoteEvent {
  type: 'vote';
  seat: SeatId;
  round: number;
  ballot: Ballot;
  target: SeatId;
}
/** A pending action expired; the rule's default was applied. Self-contained for exports. */
export interface TimeoutEvent {
  type: 'timeout';
  seat: SeatId;
  round: number;
  pendingKind: 'speak' | 'vote' | 'beliefs' | 'choose';
  /** speech purpose, ballot, "beliefs", or "recruitOffer" (the offered seat's answer) */
  purpose: SpeechPurpose | Ballot | 'beliefs' | 'recruitOffer';
  defaultApplied: 'skip' | 'abstain' | 'uniform50' | 'refuse';
  /** speak only */
  pass?: number;
  channel?: Channel;
  /** beliefs only: the uniform suspicion recorded */
  suspicion?: Suspicion;
}
export interface VotesRevealedEvent {
  type: 'votesRevealed';
  round: number;
  ballot: Ballot;
  votes: CastVote[];
  tally: TallyEntry[];
  top: SeatId[];
}
export interface TieBrokenEvent {
  type: 'tieBroken';
  round: number;
  ballot: Ballot;
  mode: TieBreakMode;
  candidates: SeatId[];
  chosen: SeatId;
  /** RNG state after a random draw (engine state: strip before showing players) */
  rng?: RngState;
}
export interface BanishedEvent {
  type: 'banished';
  seat: SeatId;
  round: number;
  /** null when `revealRoleOnBanish` is off */
  role: Role | null;
}
export interface MurderedEvent {
  type: 'murdered';
  seat: SeatId;
  round: number;
}
/** Breakfast: last night's murder becomes public. `round` is the night's round. */
export interface MurderAnnouncedEvent {
  type: 'murderAnnounced';
  seat: SeatId;
  round: number;
  role: 'faithful';
}
/** The traitors' recruit ballot chose `seat`: they are offered to join (traitors and that seat only). */
export interface RecruitOfferedEvent {
  type: 'recruitOffered';
  seat: SeatId;
  round: number;
}
/** The offered seat answered; accepting makes them a traitor from now on (traitors and that seat only). */
export interface RecruitAnsweredEvent {
  type: 'recruitAnswered';
  seat: SeatId;
  round: number;
  accepted: boolean;
}
export interface RoundStartedEvent {
  type: 'roundStarted';
  round: number;
}
export interface GameOverEvent {
  type: 'gameOver';
  winner: Winner;
  reason: EndReason;
  round: number;
  roles: Role[];
}

export type TraitorsEvent =
  | SetupEvent
  | StatementEvent
  | BiographiesReadEvent
  | BeliefsEvent
  | VoteEvent
  | TimeoutEvent
  | VotesRevealedEvent
  | TieBrokenEvent
  | BanishedEvent
  | MurderedEvent
  | MurderAnnouncedEvent
  | RecruitOfferedEvent
  | RecruitAnsweredEvent
  | RoundStartedEvent
  | GameOverEvent;

export type TraitorsEventType = TraitorsEvent['type'];
