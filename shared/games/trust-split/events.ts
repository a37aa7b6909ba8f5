import type { SeatId } from '../../engine/actions.ts';
import type { RngState, Seed } from '../../engine/rng.ts';
import type { TrustSplitConfig } from './config.ts';
import type { Hand } from './hands.ts';

/** Two values indexed by seat (0, 1). */
export type PerSeat<T> = [T, T];

/**
 * The event log of one game. Every metric and export (rounds.csv) is a pure function of it:
 * deals carry hands and the upper seat, resolutions carry proposals, coins and points.
 * Events that hold an RNG state (setup, deal) are spectator-only: the state predicts the
 * rest of the game's deals.
 */
export interface SetupEvent {
  type: 'setup';
  config: TrustSplitConfig;
  seed: Seed;
  names: string[];
  /** who speaks first in round 1; the first speaker alternates every round */
  firstSpeaker: SeatId;
  rng: RngState;
}

export interface DealEvent {
  type: 'deal';
  round: number;
  /** hands[seat]; always two different hands */
  hands: PerSeat<Hand>;
  /** the seat whose hand wins */
  upper: SeatId;
  rng: RngState;
}

export interface MessageEvent {
  type: 'message';
  seat: SeatId;
  round: number;
  text: string;
}

export interface ProposalEvent {
  type: 'proposal';
  seat: SeatId;
  round: number;
  /** coins the seat asks to keep */
  coins: number;
}

/** A deadline expired; the rule's default stands in for the seat's action. */
export type TimeoutEvent =
  | { type: 'timeout'; seat: SeatId; round: number; action: 'speak'; text: '' }
  | { type: 'timeout'; seat: SeatId; round: number; action: 'propose'; coins: number };

export interface RoundResolvedEvent {
  type: 'roundResolved';
  round: number;
  proposals: PerSeat<number>;
  /** coins each seat received (fractions when the proportional rule applies) */
  coinsReceived: PerSeat<number>;
  /** coinsReceived × the seat's coin value this round */
  points: PerSeat<number>;
  hands: PerSeat<Hand>;
  upper: SeatId;
  /** each seat's coin value this round */
  values: PerSeat<number>;
}

export interface GameOverEvent {
  type: 'gameOver';
  /** total points per seat */
  points: PerSeat<number>;
  /** seats with the most points (both on a tie) */
  winners: SeatId[];
}

export type TrustSplitEvent =
  | SetupEvent
  | DealEvent
  | MessageEvent
  | ProposalEvent
  | TimeoutEvent
  | RoundResolvedEvent
  | GameOverEvent;
