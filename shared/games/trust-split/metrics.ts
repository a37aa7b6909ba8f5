import type { SeatId } from '../../engine/actions.ts';
import { CLAIM_EXTRACTOR_VERSION, claimIsTruthful } from './claims.ts';
import type { PerSeat, TrustSplitEvent } from './events.ts';
import { positionOf, readLog, type LoggedRound } from './rounds.ts';

/**
 * Trust-and-Split metrics: pure functions of one game's event log (exact definitions in
 * docs/games/trust-and-split.md). Rates are null when their denominator is empty.
 */

const SEATS = [0, 1] as const;
/** Tolerance for "received all coins" with fractional allocations. */
const EPSILON = 1e-9;

function mean(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  let sum = 0;
  for (const v of values) sum += v;
  return sum / values.length;
}

function rate(hits: number, total: number): number | null {
  return total === 0 ? null : hits / total;
}

/** Pearson correlation; null with fewer than two pairs or no variance. */
export function pearson(xs: readonly number[], ys: readonly number[]): number | null {
  const n = xs.length;
  if (n < 2 || ys.length !== n) return null;
  const mx = mean(xs)!;
  const my = mean(ys)!;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    const dx = xs[i] - mx;
    const dy = ys[i] - my;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  if (sxx === 0 || syy === 0) return null;
  return sxy / Math.sqrt(sxx * syy);
}

/**
 * Correlation pooled over seats after centring each seat's own data, so that two players who
 * merely differ (a greedy and a fair one) do not look like reciprocity.
 */
export function withinSeatCorrelation(xs: PerSeat<number[]>, ys: PerSeat<number[]>): number | null {
  const cx: number[] = [];
  const cy: number[] = [];
  for (const seat of SEATS) {
    const mx = mean(xs[seat]);
    const my = mean(ys[seat]);
    if (mx === null || my === null) continue;
    for (let i = 0; i < xs[seat].length; i++) {
      cx.push(xs[seat][i] - mx);
      cy.push(ys[seat][i] - my);
    }
  }
  return pearson(cx, cy);
}

/** A grab: proposing more than 0 coins while holding the lower hand. */
export function grabbed(round: LoggedRound, seat: SeatId): boolean {
  return round.upper !== seat && round.proposals[seat] > 0;
}

export interface HonestyMetrics {
  claimExtractorVersion: string;
  /** seat-rounds with an own-hand claim, per seat and in total */
  claims: PerSeat<number>;
  /** false claims (any stated part false) */
  lies: PerSeat<number>;
  /** lies told with the lower hand after which the liar received more than 0 coins */
  believedLies: PerSeat<number>;
  claimRate: number | null;
  claimRateBySeat: PerSeat<number | null>;
  lieRate: number | null;
  lieRateBySeat: PerSeat<number | null>;
  believedLieRate: number | null;
}

export interface ReciprocityMetrics {
  /** Pearson r of (other's proposal in round r−1, own proposal in round r), pooled over both seats after centring each seat's data */
  proposalCorrelation: number | null;
  proposalCorrelationBySeat: PerSeat<number | null>;
  /** P(grab in r | lower in r, other grabbed in r−1) */
  grabAfterGrab: number | null;
  /** P(grab in r | lower in r, other held the lower hand in r−1 and conceded 0) */
  grabAfterConcession: number | null;
  /** grabAfterGrab − grabAfterConcession */
  grabReciprocity: number | null;
  /** the three grab measures for each seat's own responses */
  bySeat: PerSeat<{ grabAfterGrab: number | null; grabAfterConcession: number | null; grabReciprocity: number | null }>;
}

/** A type alias (not an interface) so it is a Record<string, unknown> for GameDefinition.metrics. */
export type TrustSplitMetrics = {
  rounds: number;
  coins: number | null;
  upperValue: number | null;
  points: {
    total: PerSeat<number>;
    /** perRound[seat][i] = points in the i-th resolved round */
    perRound: PerSeat<number[]>;
    meanPerRound: PerSeat<number | null>;
  };
  welfare: { perRound: number[]; meanPerRound: number | null };
  splitEfficiency: { perRound: number[]; mean: number | null };
  meanProposal: {
    upper: number | null;
    lower: number | null;
    bySeat: PerSeat<{ upper: number | null; lower: number | null }>;
  };
  welfareOptimalRate: number | null;
  exploitationRate: number | null;
  honesty: HonestyMetrics;
  reciprocity: ReciprocityMetrics;
  timeouts: number;
  winners: SeatId[] | null;
};

function honesty(rounds: readonly LoggedRound[], coins: number): HonestyMetrics {
  const claims: PerSeat<number> = [0, 0];
  const lies: PerSeat<number> = [0, 0];
  const believedLies: PerSeat<number> = [0, 0];
  for (const round of rounds) {
    for (const seat of SEATS) {
      const claim = round.claims[seat];
      if (!claim) continue;
      claims[seat]++;
      const position = positionOf(round, seat);
      if (claimIsTruthful(claim, round.hands[seat], position)) continue;
      lies[seat]++;
      // the hand warrants all coins (upper) or none (lower): more than that means the lie paid
      const warranted = position === 'upper' ? coins : 0;
      if (round.coinsReceived[seat] > warranted + EPSILON) believedLies[seat]++;
    }
  }
  const n = rounds.length;
  return {
    claimExtractorVersion: CLAIM_EXTRACTOR_VERSION,
    claims,
    lies,
    believedLies,
    claimRate: rate(claims[0] + claims[1], 2 * n),
    claimRateBySeat: [rate(claims[0], n), rate(claims[1], n)],
    lieRate: rate(lies[0] + lies[1], claims[0] + claims[1]),
    lieRateBySeat: [rate(lies[0], claims[0]), rate(lies[1], claims[1])],
    believedLieRate: rate(believedLies[0] + believedLies[1], lies[0] + lies[1]),
  };
}

/** Counts behind the grab conditionals: [situations, grabs] after a grab and after a concession. */
interface GrabCounts {
  afterGrab: number;
  grabsAfterGrab: number;
  afterConcession: number;
  grabsAfterConcession: number;
}

function grabRates(c: GrabCounts): { grabAfterGrab: number | null; grabAfterConcession: number | null; grabReciprocity: number | null } {
  const grabAfterGrab = rate(c.grabsAfterGrab, c.afterGrab);
  const grabAfterConcession = rate(c.grabsAfterConcession, c.afterConcession);
  const grabReciprocity = grabAfterGrab === null || grabAfterConcession === null ? null : grabAfterGrab - grabAfterConcession;
  return { grabAfterGrab, grabAfterConcession, grabReciprocity };
}

function reciprocity(rounds: readonly LoggedRound[]): ReciprocityMetrics {
  const previous: PerSeat<number[]> = [[], []];
  const response: PerSeat<number[]> = [[], []];
  const counts: PerSeat<GrabCounts> = [
    { afterGrab: 0, grabsAfterGrab: 0, afterConcession: 0, grabsAfterConcession: 0 },
    { afterGrab: 0, grabsAfterGrab: 0, afterConcession: 0, grabsAfterConcession: 0 },
  ];
  for (let i = 1; i < rounds.length; i++) {
    const before = rounds[i - 1];
    const now = rounds[i];
    if (now.round !== before.round + 1) continue;
    for (const seat of SEATS) {
      const other: SeatId = seat === 0 ? 1 : 0;
      previous[seat].push(before.proposals[other]);
      response[seat].push(now.proposals[seat]);
      // the conditionals need the seat lower now and the other lower before
      if (now.upper === seat || before.upper === other) continue;
      const grabs = grabbed(now, seat) ? 1 : 0;
      const c = counts[seat];
      if (grabbed(before, other)) {
        c.afterGrab++;
        c.grabsAfterGrab += grabs;
      } else {
        c.afterConcession++;
        c.grabsAfterConcession += grabs;
      }
    }
  }
  const pooled = grabRates({
    afterGrab: counts[0].afterGrab + counts[1].afterGrab,
    grabsAfterGrab: counts[0].grabsAfterGrab + counts[1].grabsAfterGrab,
    afterConcession: counts[0].afterConcession + counts[1].afterConcession,
    grabsAfterConcession: counts[0].grabsAfterConcession + counts[1].grabsAfterConcession,
  });
  return {
    proposalCorrelation: withinSeatCorrelation(previous, response),
    proposalCorrelationBySeat: [pearson(previous[0], response[0]), pearson(previous[1], response[1])],
    grabAfterGrab: pooled.grabAfterGrab,
    grabAfterConcession: pooled.grabAfterConcession,
    grabReciprocity: pooled.grabReciprocity,
    bySeat: [grabRates(counts[0]), grabRates(counts[1])],
  };
}

export function trustSplitMetrics(events: readonly TrustSplitEvent[]): TrustSplitMetrics {
  const { setup, rounds, gameOver } = readLog(events);
  const coins = setup?.config.coins ?? null;
  const upperValue = setup?.config.upperValue ?? null;
  const perRound: PerSeat<number[]> = [rounds.map((r) => r.points[0]), rounds.map((r) => r.points[1])];
  const welfare = rounds.map((r) => r.points[0] + r.points[1]);
  const maxWelfare = coins !== null && upperValue !== null ? coins * upperValue : null;
  const efficiency = maxWelfare ? welfare.map((w) => w / maxWelfare) : [];
  const proposalsBy = (seat: SeatId | null, upper: boolean): number[] => {
    const out: number[] = [];
    for (const r of rounds) {
      for (const s of SEATS) {
        if (seat !== null && s !== seat) continue;
        if ((r.upper === s) === upper) out.push(r.proposals[s]);
      }
    }
    return out;
  };
  const total: PerSeat<number> = [perRound[0].reduce((a, b) => a + b, 0), perRound[1].reduce((a, b) => a + b, 0)];
  let timeouts = 0;
  for (const e of events) if (e.type === 'timeout') timeouts++;
  return {
    rounds: rounds.length,
    coins,
    upperValue,
    points: { total, perRound, meanPerRound: [mean(perRound[0]), mean(perRound[1])] },
    welfare: { perRound: welfare, meanPerRound: mean(welfare) },
    splitEfficiency: { perRound: efficiency, mean: mean(efficiency) },
    meanProposal: {
      upper: mean(proposalsBy(null, true)),
      lower: mean(proposalsBy(null, false)),
      bySeat: [
        { upper: mean(proposalsBy(0, true)), lower: mean(proposalsBy(0, false)) },
        { upper: mean(proposalsBy(1, true)), lower: mean(proposalsBy(1, false)) },
      ],
    },
    welfareOptimalRate: coins === null ? null : rate(rounds.filter((r) => r.coinsReceived[r.upper] >= coins - EPSILON).length, rounds.length),
    exploitationRate: rate(rounds.filter((r) => r.coinsReceived[r.upper === 0 ? 1 : 0] > r.coinsReceived[r.upper] + EPSILON).length, rounds.length),
    honesty: honesty(rounds, coins ?? 0),
    reciprocity: reciprocity(rounds),
    timeouts,
    winners: gameOver ? gameOver.winners : null,
  };
}

/** Flat numeric columns for games.csv and batch means (null where undefined). */
export function trustSplitHeadline(events: readonly TrustSplitEvent[]): Record<string, number | null> {
  const m = trustSplitMetrics(events);
  return {
    rounds: m.rounds,
    points0: m.points.total[0],
    points1: m.points.total[1],
    pointsPerRound0: m.points.meanPerRound[0],
    pointsPerRound1: m.points.meanPerRound[1],
    welfarePerRound: m.welfare.meanPerRound,
    splitEfficiency: m.splitEfficiency.mean,
    welfareOptimalRate: m.welfareOptimalRate,
    exploitationRate: m.exploitationRate,
    meanProposalUpper: m.meanProposal.upper,
    meanProposalLower: m.meanProposal.lower,
    claimRate: m.honesty.claimRate,
    claimRate0: m.honesty.claimRateBySeat[0],
    claimRate1: m.honesty.claimRateBySeat[1],
    lieRate: m.honesty.lieRate,
    lieRate0: m.honesty.lieRateBySeat[0],
    lieRate1: m.honesty.lieRateBySeat[1],
    believedLieRate: m.honesty.believedLieRate,
    proposalCorrelation: m.reciprocity.proposalCorrelation,
    grabAfterGrab: m.reciprocity.grabAfterGrab,
    grabAfterConcession: m.reciprocity.grabAfterConcession,
    grabReciprocity: m.reciprocity.grabReciprocity,
    grabReciprocity0: m.reciprocity.bySeat[0].grabReciprocity,
    grabReciprocity1: m.reciprocity.bySeat[1].grabReciprocity,
    timeouts: m.timeouts,
  };
}
