import type { Pending, SeatId } from '../../engine/actions.ts';
import type { BaseState } from '../../engine/game.ts';
import type { Seed } from '../../engine/rng.ts';
import type { TrustSplitConfig } from './config.ts';
import type { PerSeat, RoundResolvedEvent } from './events.ts';
import type { Hand } from './hands.ts';

/**
 * Where the game stands. `dealing`, `resolving` and `finishing` are transient: settle()
 * immediately produces the deal, the round resolution or the game-over event.
 */
export type Phase =
  | { kind: 'dealing' }
  | { kind: 'talk'; speaker: SeatId; messagesSent: number }
  | { kind: 'propose' }
  | { kind: 'resolving' }
  | { kind: 'finishing' }
  | { kind: 'over' };

/** One line of the public conversation. */
export interface TranscriptEntry {
  round: number;
  seat: SeatId;
  text: string;
  /** the speaker's deadline expired and the empty default was recorded */
  timedOut: boolean;
}

/**
 * What one seat learns about a finished round, per the feedback mode. In "reference" mode only
 * the other's position and proposal are revealed (with one's own hand this pins down the
 * other's hand, but it is not shown); "full" adds hands, values, coins and points.
 */
export interface SeatRoundRecord {
  round: number;
  hand: Hand;
  proposal: number;
  otherPosition: 'upper' | 'lower';
  otherProposal: number;
  full: {
    otherHand: Hand;
    value: number;
    otherValue: number;
    coins: number;
    otherCoins: number;
    points: number;
    otherPoints: number;
  } | null;
}

export interface TrustSplitState extends BaseState {
  config: TrustSplitConfig;
  /** the pending requests, derived from the config once (frozen, shared by every state) */
  requests: { speak: Pending; propose: Pending };
  seed: Seed;
  /** round 1's first speaker */
  firstSpeaker: SeatId;
  /** current round, 1-based; 0 before the first deal */
  round: number;
  phase: Phase;
  /** this round's hands and upper seat (null before the first deal) */
  hands: PerSeat<Hand> | null;
  upper: SeatId | null;
  /** this round's proposals (private until the round resolves) */
  proposals: PerSeat<number | null>;
  transcript: readonly TranscriptEntry[];
  /** every resolved round, as logged */
  resolved: readonly RoundResolvedEvent[];
  /** what each seat has been told about past rounds (built once per round, shared by views) */
  seatHistory: PerSeat<readonly SeatRoundRecord[]>;
  totals: PerSeat<number>;
  /** deadlines that expired so far */
  timeouts: number;
}
