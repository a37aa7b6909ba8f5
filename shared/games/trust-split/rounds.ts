import type { SeatId } from '../../engine/actions.ts';
import { claimIsTruthful, extractClaimFromMessages, type HandClaim } from './claims.ts';
import type { GameOverEvent, PerSeat, RoundResolvedEvent, SetupEvent, TrustSplitEvent } from './events.ts';
import type { Hand, Position } from './hands.ts';

/**
 * One game's log read back into rounds — the single place metrics and exports (rounds.csv)
 * get their per-round facts from, so both are pure functions of the log.
 */
export interface LoggedRound extends RoundResolvedEvent {
  /** each seat's messages this round, in order (timeouts recorded as empty messages) */
  messages: PerSeat<string[]>;
  /** each seat's own-hand claim this round: the first hand and first position it stated */
  claims: PerSeat<HandClaim | null>;
  /** seat's proposal was the timeout default */
  proposalTimedOut: PerSeat<boolean>;
  /** messages that were timeout defaults, per seat */
  messageTimeouts: PerSeat<number>;
}

export interface LoggedGame {
  setup: SetupEvent | null;
  /** resolved rounds only */
  rounds: LoggedRound[];
  gameOver: GameOverEvent | null;
}

export function positionOf(round: RoundResolvedEvent, seat: SeatId): Position {
  return round.upper === seat ? 'upper' : 'lower';
}

export function readLog(events: readonly TrustSplitEvent[]): LoggedGame {
  let setup: SetupEvent | null = null;
  let gameOver: GameOverEvent | null = null;
  const rounds: LoggedRound[] = [];
  let messages: PerSeat<string[]> = [[], []];
  let proposalTimedOut: PerSeat<boolean> = [false, false];
  let messageTimeouts: PerSeat<number> = [0, 0];
  for (const event of events) {
    switch (event.type) {
      case 'setup':
        setup = event;
        break;
      case 'deal':
        messages = [[], []];
        proposalTimedOut = [false, false];
        messageTimeouts = [0, 0];
        break;
      case 'message':
        messages[event.seat].push(event.text);
        break;
      case 'timeout':
        if (event.action === 'speak') {
          messages[event.seat].push(event.text);
          messageTimeouts[event.seat]++;
        } else {
          proposalTimedOut[event.seat] = true;
        }
        break;
      case 'roundResolved':
        rounds.push({
          type: event.type,
          round: event.round,
          proposals: event.proposals,
          coinsReceived: event.coinsReceived,
          points: event.points,
          hands: event.hands,
          upper: event.upper,
          values: event.values,
          messages,
          claims: [extractClaimFromMessages(messages[0]), extractClaimFromMessages(messages[1])],
          proposalTimedOut,
          messageTimeouts,
        });
        break;
      case 'gameOver':
        gameOver = event;
        break;
    }
  }
  return { setup, rounds, gameOver };
}

/** One row of rounds.csv: a round as one seat played it. */
export interface SeatRoundRow {
  round: number;
  seat: SeatId;
  name: string;
  hand: Hand;
  position: Position;
  value: number;
  /** the seat's messages this round joined by newlines */
  message: string;
  claimedHand: Hand | null;
  claimedPosition: Position | null;
  /** null when nothing was claimed */
  claimTruthful: boolean | null;
  proposal: number;
  proposalTimedOut: boolean;
  coins: number;
  points: number;
}

/** rounds.csv: a row per resolved round and seat. */
export function roundsTable(events: readonly TrustSplitEvent[]): SeatRoundRow[] {
  const { setup, rounds } = readLog(events);
  const rows: SeatRoundRow[] = [];
  for (const round of rounds) {
    for (const seat of [0, 1] as const) {
      const claim = round.claims[seat];
      const position = positionOf(round, seat);
      rows.push({
        round: round.round,
        seat,
        name: setup?.names[seat] ?? `Seat ${seat}`,
        hand: round.hands[seat],
        position,
        value: round.values[seat],
        message: round.messages[seat].join('\n'),
        claimedHand: claim?.hand ?? null,
        claimedPosition: claim?.position ?? null,
        claimTruthful: claim ? claimIsTruthful(claim, round.hands[seat], position) : null,
        proposal: round.proposals[seat],
        proposalTimedOut: round.proposalTimedOut[seat],
        coins: round.coinsReceived[seat],
        points: round.points[seat],
      });
    }
  }
  return rows;
}
