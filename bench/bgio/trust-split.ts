// Trust-and-Split (the `paper` preset) as a boardgame.io Game, for the peer comparison only: the same
// turn structure as shared/games/trust-split (rounds; a private rock-paper-scissors hand each; strictly
// alternating messages, the first speaker alternating by round; simultaneous proposals; the split and
// its payoffs), so both servers do the same work per action.
import type { Game } from 'boardgame.io';
import { ActivePlayers, INVALID_MOVE } from 'boardgame.io/core';

const HANDS = ['rock', 'paper', 'scissors'] as const;
type Hand = (typeof HANDS)[number];
const BEATS: Record<Hand, Hand> = { rock: 'scissors', paper: 'rock', scissors: 'paper' };

/** The `paper` preset of shared/games/trust-split/config.ts. */
export const PAPER = { rounds: 10, coins: 10, upperValue: 10, lowerValue: 1, messagesPerRound: 1, maxMessageChars: 500 } as const;

type Seat = 0 | 1;
type Phase = { kind: 'talk'; speaker: Seat; messagesSent: number } | { kind: 'propose' } | { kind: 'over' };

interface SeatState {
  hand: Hand;
  proposal: number | null;
  total: number;
  /** actions this seat has had accepted: the load generator's receipt for its own move */
  moves: number;
}

interface ResolvedRound {
  round: number;
  upper: Seat;
  proposals: [number, number];
  points: [number, number];
}

export interface TrustSplitG {
  round: number;
  firstSpeaker: Seat;
  phase: Phase;
  upper: Seat;
  seats: [SeatState, SeatState];
  transcript: { round: number; seat: Seat; text: string }[];
  /** each seat sees only the other's position and proposal of past rounds (reference feedback) */
  resolved: ResolvedRound[];
}

type Random = { Die(sides: number): number };

function other(seat: Seat): Seat {
  return seat === 0 ? 1 : 0;
}

/** The next round: one of the 6 ordered pairs of different hands, uniformly. */
function deal(G: TrustSplitG, random: Random): void {
  const pair = random.Die(6) - 1;
  const first = Math.floor(pair / 2);
  const second = (first + 1 + (pair % 2)) % 3;
  G.round += 1;
  G.seats[0].hand = HANDS[first];
  G.seats[1].hand = HANDS[second];
  G.seats[0].proposal = null;
  G.seats[1].proposal = null;
  G.upper = BEATS[G.seats[0].hand] === G.seats[1].hand ? 0 : 1;
  const speaker = G.round % 2 === 1 ? G.firstSpeaker : other(G.firstSpeaker);
  G.phase = { kind: 'talk', speaker, messagesSent: 0 };
}

function split(coins: number, p: [number, number]): [number, number] {
  const asked = p[0] + p[1];
  return asked <= coins ? [p[0], p[1]] : [(coins * p[0]) / asked, (coins * p[1]) / asked];
}

function seatOf(playerID: string | null | undefined): Seat | null {
  return playerID === '0' ? 0 : playerID === '1' ? 1 : null;
}

export const TrustSplitGame: Game<TrustSplitG> = {
  name: 'trust-split',
  minPlayers: 2,
  maxPlayers: 2,
  setup: ({ random }) => {
    const G: TrustSplitG = {
      round: 0,
      firstSpeaker: (random.Die(2) - 1) as Seat,
      phase: { kind: 'over' },
      upper: 0,
      seats: [
        { hand: 'rock', proposal: null, total: 0, moves: 0 },
        { hand: 'rock', proposal: null, total: 0, moves: 0 },
      ],
      transcript: [],
      resolved: [],
    };
    deal(G, random);
    return G;
  },
  // Both seats may send at any time (like Parley's `act`); the moves check whose turn it is from G.
  turn: { activePlayers: ActivePlayers.ALL },
  moves: {
    speak: {
      // concurrent senders are judged by G, as Parley judges them by its state, not by a stale version
      ignoreStaleStateID: true,
      // the server alone runs moves: a client holds only its playerView, without the hands
      client: false,
      move: ({ G, playerID }, text: unknown) => {
        const seat = seatOf(playerID);
        const phase = G.phase;
        if (seat === null || phase.kind !== 'talk' || phase.speaker !== seat) return INVALID_MOVE;
        if (typeof text !== 'string' || text.length > PAPER.maxMessageChars) return INVALID_MOVE;
        G.transcript.push({ round: G.round, seat, text });
        G.seats[seat].moves += 1;
        const messagesSent = phase.messagesSent + 1;
        G.phase = messagesSent >= 2 * PAPER.messagesPerRound ? { kind: 'propose' } : { kind: 'talk', speaker: other(seat), messagesSent };
      },
    },
    propose: {
      ignoreStaleStateID: true,
      client: false,
      move: ({ G, playerID, random }, coins: unknown) => {
        const seat = seatOf(playerID);
        if (seat === null || G.phase.kind !== 'propose' || G.seats[seat].proposal !== null) return INVALID_MOVE;
        if (typeof coins !== 'number' || !Number.isInteger(coins) || coins < 0 || coins > PAPER.coins) return INVALID_MOVE;
        G.seats[seat].proposal = coins;
        G.seats[seat].moves += 1;
        const [a, b] = [G.seats[0].proposal, G.seats[1].proposal];
        if (a === null || b === null) return;
        const received = split(PAPER.coins, [a, b]);
        const values = G.upper === 0 ? [PAPER.upperValue, PAPER.lowerValue] : [PAPER.lowerValue, PAPER.upperValue];
        const points: [number, number] = [received[0] * values[0], received[1] * values[1]];
        G.seats[0].total += points[0];
        G.seats[1].total += points[1];
        G.resolved.push({ round: G.round, upper: G.upper, proposals: [a, b], points });
        if (G.round < PAPER.rounds) deal(G, random);
        else G.phase = { kind: 'over' };
      },
    },
  },
  endIf: ({ G }) => {
    if (G.phase.kind !== 'over') return undefined;
    const [a, b] = [G.seats[0].total, G.seats[1].total];
    return { points: [a, b], winners: a === b ? [0, 1] : a > b ? [0] : [1] };
  },
  // A seat sees its own hand and proposal, and of the other only what reference feedback tells.
  playerView: ({ G, playerID }) => {
    const seat = seatOf(playerID);
    if (seat === null) return G;
    const mine = G.seats[seat];
    const theirs = G.seats[other(seat)];
    return {
      round: G.round,
      firstSpeaker: G.firstSpeaker,
      phase: G.phase,
      seat,
      hand: mine.hand,
      proposal: mine.proposal,
      moves: [G.seats[0].moves, G.seats[1].moves],
      transcript: G.transcript,
      history: G.resolved.map((r) => ({
        round: r.round,
        otherPosition: r.upper === seat ? 'lower' : 'upper',
        proposal: r.proposals[seat],
        otherProposal: r.proposals[other(seat)],
      })),
      totals: G.phase.kind === 'over' ? [mine.total, theirs.total] : null,
    } as unknown as TrustSplitG;
  },
};
