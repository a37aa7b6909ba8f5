import { meanCI, type MeanCI } from '../report/stats.ts';

/** A mean with its 95% Student-t interval over independent units (see meanCI). */
export type Interval = MeanCI;

/**
 * Values grouped by their independent unit. In a tournament with common random numbers, every game
 * with the same seed shares its deal and roles, so games are NOT independent; seeds are. Each seed's
 * values are averaged first, and the interval is taken over the seeds.
 */
export class Clustered {
  private readonly units = new Map<number, { sum: number; n: number }>();

  add(unit: number, value: number | null | undefined): void {
    if (value === null || value === undefined || !Number.isFinite(value)) return;
    const cell = this.units.get(unit);
    if (cell) {
      cell.sum += value;
      cell.n++;
    } else this.units.set(unit, { sum: value, n: 1 });
  }

  /** `range`: the values' possible range (a rate: [0, 1]); the interval is cut to it. */
  interval(range?: readonly [number, number]): Interval {
    const keys = [...this.units.keys()].sort((a, b) => a - b);
    return meanCI(keys.map((k) => this.units.get(k)!.sum / this.units.get(k)!.n), range);
  }
}
