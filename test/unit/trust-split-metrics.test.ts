import { describe, expect, it } from 'vitest';
import {
  CLAIM_EXTRACTOR_VERSION,
  pearson,
  roundsTable,
  trustSplit,
  trustSplitHeadline,
  trustSplitMetrics,
  type Hand,
  type PerSeat,
  type TrustSplitEvent,
  withinSeatCorrelation,
} from '../../shared/games/trust-split/index.ts';

const config = trustSplit.presets.paper; // 10 coins, upper hand 10 per coin, lower 1

function setup(): TrustSplitEvent {
  return { type: 'setup', config, seed: 1, names: ['Alice', 'Ben'], firstSpeaker: 0, rng: 1 };
}
function deal(round: number, hands: PerSeat<Hand>, upper: 0 | 1): TrustSplitEvent {
  return { type: 'deal', round, hands, upper, rng: round };
}
function resolved(
  round: number,
  hands: PerSeat<Hand>,
  upper: 0 | 1,
  proposals: PerSeat<number>,
  coinsReceived: PerSeat<number>,
  points: PerSeat<number>,
): TrustSplitEvent {
  return { type: 'roundResolved', round, hands, upper, proposals, coinsReceived, points, values: upper === 0 ? [10, 1] : [1, 10] };
}

/**
 * Three hand-worked rounds:
 *  1. Alice rock (upper) vs Ben scissors. Alice truthfully "I have rock"; Ben lies "I have paper".
 *     Proposals 10/0 → coins 10/0 → points 100/0. Welfare-optimal.
 *  2. Alice paper vs Ben scissors (upper). Ben truthfully "I have scissors"; Alice lies "I have the
 *     upper hand". Proposals 10/5 → coins 20/3 and 10/3 → points 20/3 and 100/3. Exploitation;
 *     Alice's lie was believed (lower hand, more than 0 coins).
 *  3. Alice scissors vs Ben rock (upper). Alice says nothing of her hand; Ben times out twice
 *     (empty message, then the default proposal 5). Proposals 0/5 → coins 0/5 → points 0/50.
 */
const HAND_WORKED: TrustSplitEvent[] = [
  setup(),
  deal(1, ['rock', 'scissors'], 0),
  { type: 'message', seat: 0, round: 1, text: 'I have rock.' },
  { type: 'message', seat: 1, round: 1, text: 'I have paper.' },
  { type: 'proposal', seat: 0, round: 1, coins: 10 },
  { type: 'proposal', seat: 1, round: 1, coins: 0 },
  resolved(1, ['rock', 'scissors'], 0, [10, 0], [10, 0], [100, 0]),
  deal(2, ['paper', 'scissors'], 1),
  { type: 'message', seat: 1, round: 2, text: 'I have scissors.' },
  { type: 'message', seat: 0, round: 2, text: 'I have the upper hand, sorry.' },
  { type: 'proposal', seat: 0, round: 2, coins: 10 },
  { type: 'proposal', seat: 1, round: 2, coins: 5 },
  resolved(2, ['paper', 'scissors'], 1, [10, 5], [20 / 3, 10 / 3], [20 / 3, 100 / 3]),
  deal(3, ['scissors', 'rock'], 1),
  { type: 'message', seat: 0, round: 3, text: "Let's split evenly." },
  { type: 'timeout', seat: 1, round: 3, action: 'speak', text: '' },
  { type: 'proposal', seat: 0, round: 3, coins: 0 },
  { type: 'timeout', seat: 1, round: 3, action: 'propose', coins: 5 },
  resolved(3, ['scissors', 'rock'], 1, [0, 5], [0, 5], [0, 50]),
  { type: 'gameOver', points: [100 + 20 / 3, 100 / 3 + 50], winners: [0] },
];

describe('Trust-and-Split metrics on a hand-worked log', () => {
  const m = trustSplitMetrics(HAND_WORKED);

  it('points per player per round and in total', () => {
    expect(m.rounds).toBe(3);
    expect(m.points.perRound[0]).toEqual([100, 20 / 3, 0]);
    expect(m.points.perRound[1]).toEqual([0, 100 / 3, 50]);
    expect(m.points.total[0]).toBeCloseTo(320 / 3, 10);
    expect(m.points.total[1]).toBeCloseTo(250 / 3, 10);
    expect(m.points.meanPerRound[0]).toBeCloseTo(320 / 9, 10);
    expect(m.points.meanPerRound[1]).toBeCloseTo(250 / 9, 10);
    expect(m.winners).toEqual([0]);
  });

  it('welfare and split efficiency = welfare ÷ (coins × upperValue)', () => {
    expect(m.welfare.perRound).toEqual([100, 40, 50]);
    expect(m.welfare.meanPerRound).toBeCloseTo(190 / 3, 10);
    expect(m.splitEfficiency.perRound.map((x) => +x.toFixed(10))).toEqual([1, 0.4, 0.5]);
    expect(m.splitEfficiency.mean).toBeCloseTo(1.9 / 3, 10);
  });

  it('mean proposal with the upper and with the lower hand', () => {
    expect(m.meanProposal.upper).toBeCloseTo(20 / 3, 10); // 10, 5, 5
    expect(m.meanProposal.lower).toBeCloseTo(10 / 3, 10); // 0, 10, 0
    expect(m.meanProposal.bySeat).toEqual([
      { upper: 10, lower: 5 },
      { upper: 5, lower: 0 },
    ]);
  });

  it('welfare-optimal rate (upper hand got every coin) and exploitation rate (lower got more)', () => {
    expect(m.welfareOptimalRate).toBeCloseTo(1 / 3, 10);
    expect(m.exploitationRate).toBeCloseTo(1 / 3, 10);
  });

  it('claims, lies and believed lies', () => {
    expect(m.honesty.claimExtractorVersion).toBe(CLAIM_EXTRACTOR_VERSION);
    expect(m.honesty.claims).toEqual([2, 2]);
    expect(m.honesty.lies).toEqual([1, 1]);
    expect(m.honesty.believedLies).toEqual([1, 0]);
    expect(m.honesty.claimRate).toBeCloseTo(4 / 6, 10);
    expect(m.honesty.claimRateBySeat).toEqual([2 / 3, 2 / 3]);
    expect(m.honesty.lieRate).toBe(0.5);
    expect(m.honesty.lieRateBySeat).toEqual([0.5, 0.5]);
    expect(m.honesty.believedLieRate).toBe(0.5);
  });

  it('reciprocity: correlation with the other previous proposal, and grabs after grabs/concessions', () => {
    // pairs (other's previous proposal → own proposal): Alice (0→10, 5→0), Ben (10→5, 10→5);
    // centred per seat: Alice (−2.5→5, 2.5→−5), Ben (0→0, 0→0) → r = −1
    expect(m.reciprocity.proposalCorrelation).toBeCloseTo(-1, 10);
    expect(m.reciprocity.proposalCorrelationBySeat[0]).toBeCloseTo(-1, 10);
    expect(m.reciprocity.proposalCorrelationBySeat[1]).toBeNull(); // no variance
    // only round 2 qualifies: Alice lower after Ben conceded as the lower hand in round 1; she grabbed
    expect(m.reciprocity.grabAfterConcession).toBe(1);
    expect(m.reciprocity.grabAfterGrab).toBeNull();
    expect(m.reciprocity.grabReciprocity).toBeNull();
    expect(m.reciprocity.bySeat[0]).toEqual({ grabAfterGrab: null, grabAfterConcession: 1, grabReciprocity: null });
    expect(m.reciprocity.bySeat[1]).toEqual({ grabAfterGrab: null, grabAfterConcession: null, grabReciprocity: null });
  });

  it('counts timeouts', () => {
    expect(m.timeouts).toBe(2);
  });

  it('headline: the flat numbers', () => {
    const h = trustSplitHeadline(HAND_WORKED);
    expect(h).toMatchObject({
      rounds: 3,
      welfareOptimalRate: 1 / 3,
      exploitationRate: 1 / 3,
      claimRate: 4 / 6,
      claimRate0: 2 / 3,
      claimRate1: 2 / 3,
      lieRate: 0.5,
      lieRate0: 0.5,
      lieRate1: 0.5,
      believedLieRate: 0.5,
      grabAfterGrab: null,
      grabAfterConcession: 1,
      grabReciprocity: null,
      timeouts: 2,
    });
    expect(h.points0).toBeCloseTo(320 / 3, 10);
    expect(h.points1).toBeCloseTo(250 / 3, 10);
    expect(h.pointsPerRound0).toBeCloseTo(320 / 9, 10);
    expect(h.pointsPerRound1).toBeCloseTo(250 / 9, 10);
    expect(h.welfarePerRound).toBeCloseTo(190 / 3, 10);
    expect(h.splitEfficiency).toBeCloseTo(1.9 / 3, 10);
    expect(h.meanProposalUpper).toBeCloseTo(20 / 3, 10);
    expect(h.meanProposalLower).toBeCloseTo(10 / 3, 10);
    expect(trustSplit.headline(HAND_WORKED)).toEqual(h);
  });

  it('rounds.csv rows: hand, value, message, claimed hand, truthfulness, proposal, coins, points', () => {
    const rows = roundsTable(HAND_WORKED);
    expect(rows).toHaveLength(6);
    expect(rows[0]).toEqual({
      round: 1, seat: 0, name: 'Alice', hand: 'rock', position: 'upper', value: 10, message: 'I have rock.',
      claimedHand: 'rock', claimedPosition: null, claimTruthful: true, proposal: 10, proposalTimedOut: false, coins: 10, points: 100,
    });
    expect(rows[1]).toMatchObject({ seat: 1, hand: 'scissors', claimedHand: 'paper', claimTruthful: false, value: 1 });
    expect(rows[2]).toMatchObject({ round: 2, seat: 0, claimedHand: null, claimedPosition: 'upper', claimTruthful: false });
    expect(rows[5]).toMatchObject({
      round: 3, seat: 1, name: 'Ben', message: '', claimedHand: null, claimTruthful: null, proposal: 5, proposalTimedOut: true, coins: 5, points: 50,
    });
  });
});

describe('reciprocity of grabs', () => {
  it('compares grabbing after the other grabbed with grabbing after it conceded', () => {
    const events: TrustSplitEvent[] = [
      setup(),
      // 1: Ben holds the lower hand and grabs 3
      deal(1, ['rock', 'scissors'], 0),
      resolved(1, ['rock', 'scissors'], 0, [10, 3], [10 * 10 / 13, 10 * 3 / 13], [1000 / 13, 30 / 13]),
      // 2: Alice lower after Ben grabbed: she grabs 7
      deal(2, ['paper', 'scissors'], 1),
      resolved(2, ['paper', 'scissors'], 1, [7, 10], [70 / 17, 100 / 17], [70 / 17, 1000 / 17]),
      // 3: Ben lower after Alice grabbed: he concedes
      deal(3, ['rock', 'scissors'], 0),
      resolved(3, ['rock', 'scissors'], 0, [10, 0], [10, 0], [100, 0]),
      // 4: Alice lower after Ben conceded: she concedes
      deal(4, ['paper', 'scissors'], 1),
      resolved(4, ['paper', 'scissors'], 1, [0, 10], [0, 10], [0, 100]),
    ];
    const r = trustSplitMetrics(events).reciprocity;
    expect(r.grabAfterGrab).toBe(0.5);
    expect(r.grabAfterConcession).toBe(0);
    expect(r.grabReciprocity).toBe(0.5);
    // Alice responded in rounds 2 (grab after a grab) and 4 (concession after a concession); Ben in round 3
    expect(r.bySeat[0]).toEqual({ grabAfterGrab: 1, grabAfterConcession: 0, grabReciprocity: 1 });
    expect(r.bySeat[1]).toEqual({ grabAfterGrab: 0, grabAfterConcession: null, grabReciprocity: null });
    expect(trustSplitHeadline(events)).toMatchObject({ grabReciprocity: 0.5, grabReciprocity0: 1, grabReciprocity1: null });
    expect(trustSplitMetrics(events).winners).toBeNull(); // no gameOver event yet
  });
});

describe('edge cases', () => {
  it('a game with no resolved round has null rates and zero points', () => {
    const h = trustSplitHeadline([setup(), deal(1, ['rock', 'paper'], 1)]);
    expect(h).toMatchObject({ rounds: 0, points0: 0, points1: 0, pointsPerRound0: null, welfarePerRound: null, claimRate: null, lieRate: null, splitEfficiency: null });
  });

  it('within-seat correlation ignores differences between the players', () => {
    // a constant greedy player facing a constant fair one: no reciprocity at all
    expect(withinSeatCorrelation([[5, 5, 5], [10, 10, 10]], [[10, 10, 10], [5, 5, 5]])).toBeNull();
    // each seat mirrors the other's last proposal, at different levels
    expect(withinSeatCorrelation([[1, 2, 3], [7, 8, 9]], [[9, 10, 11], [2, 3, 4]])).toBeCloseTo(1, 12);
    expect(withinSeatCorrelation([[], []], [[], []])).toBeNull();
  });

  it('pearson needs two pairs and variance on both sides', () => {
    expect(pearson([1, 2, 3], [2, 4, 6])).toBeCloseTo(1, 12);
    expect(pearson([1, 2, 3], [3, 2, 1])).toBeCloseTo(-1, 12);
    expect(pearson([1], [1])).toBeNull();
    expect(pearson([1, 1], [1, 2])).toBeNull();
  });

  it('metrics() exposes the full structure', () => {
    const full = trustSplit.metrics(HAND_WORKED) as unknown as ReturnType<typeof trustSplitMetrics>;
    expect(full.welfare.perRound).toEqual([100, 40, 50]);
    expect(full.honesty.claims).toEqual([2, 2]);
  });
});
