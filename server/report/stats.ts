/** Summary statistics for batch reports, reproductions and tournaments. */
import tQuantile from '@stdlib/stats-base-dists-t-quantile';

export interface MeanCI {
  /** independent values */
  n: number;
  mean: number | null;
  /** bounds of the 95% Student-t interval of the mean (n − 1 degrees of freedom); null below 2 values */
  lo: number | null;
  hi: number | null;
}

/**
 * The mean of independent values with its 95% Student-t interval. `range`: the values' possible
 * range (a rate: [0, 1]); the interval is cut to it, as a rate's interval cannot leave it.
 */
export function meanCI(values: readonly number[], range?: readonly [number, number]): MeanCI {
  const n = values.length;
  if (n === 0) return { n, mean: null, lo: null, hi: null };
  let sum = 0;
  for (const v of values) sum += v;
  const mean = sum / n;
  if (n < 2) return { n, mean, lo: null, hi: null };
  let ss = 0;
  for (const v of values) ss += (v - mean) ** 2;
  const half = tQuantile(0.975, n - 1) * Math.sqrt(ss / (n - 1) / n);
  if (!range) return { n, mean, lo: mean - half, hi: mean + half };
  return { n, mean, lo: Math.max(range[0], mean - half), hi: Math.min(range[1], mean + half) };
}

/** Running mean per key, for aggregating over many games without keeping them. */
export class Averager {
  private readonly sums = new Map<string, { sum: number; n: number }>();
  add(key: string, value: number | null | undefined): void {
    if (value === null || value === undefined || !Number.isFinite(value)) return;
    const cell = this.sums.get(key) ?? { sum: 0, n: 0 };
    cell.sum += value;
    cell.n++;
    this.sums.set(key, cell);
  }
  mean(key: string): number | null {
    const cell = this.sums.get(key);
    return cell ? cell.sum / cell.n : null;
  }
  count(key: string): number {
    return this.sums.get(key)?.n ?? 0;
  }
}
