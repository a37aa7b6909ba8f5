/**
 * Student-t confidence intervals over independent units. No dependency: the t quantile is the
 * inverse of the t distribution function, computed from the regularized incomplete beta function
 * (continued fraction, Lentz's method) and inverted by bisection.
 */

/** ln Γ(x) for x > 0 (Lanczos approximation, g = 7, 9 terms; ~15 digits). */
function logGamma(x: number): number {
  const c = [0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7];
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  const z = x - 1;
  let sum = c[0];
  for (let i = 1; i < 9; i++) sum += c[i] / (z + i);
  const t = z + 7.5;
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(sum);
}

/** Continued fraction of the incomplete beta function. */
function betaFraction(a: number, b: number, x: number): number {
  const tiny = 1e-300;
  let c = 1;
  let d = 1 - ((a + b) * x) / (a + 1);
  if (Math.abs(d) < tiny) d = tiny;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= 300; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((a + m2 - 1) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (a + b + m) * x) / ((a + m2) * (a + m2 + 1));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const step = d * c;
    h *= step;
    if (Math.abs(step - 1) < 1e-15) break;
  }
  return h;
}

/** Regularized incomplete beta I_x(a, b). */
export function incompleteBeta(x: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const front = Math.exp(logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log(1 - x));
  return x < (a + 1) / (a + b + 2) ? (front * betaFraction(a, b, x)) / a : 1 - (front * betaFraction(b, a, 1 - x)) / b;
}

/** P(T ≤ t) for Student's t with df degrees of freedom. */
export function studentTCdf(t: number, df: number): number {
  const tail = 0.5 * incompleteBeta(df / (df + t * t), df / 2, 0.5);
  return t >= 0 ? 1 - tail : tail;
}

/** The p-quantile (p in (0.5, 1)) of Student's t with df degrees of freedom. */
export function studentTQuantile(p: number, df: number): number {
  if (!(p > 0.5 && p < 1) || !(df > 0)) throw new RangeError('studentTQuantile needs 0.5 < p < 1 and df > 0');
  let lo = 0;
  let hi = 1;
  while (studentTCdf(hi, df) < p) hi *= 2;
  for (let i = 0; i < 200 && hi - lo > 1e-12 * hi; i++) {
    const mid = (lo + hi) / 2;
    if (studentTCdf(mid, df) < p) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

export interface Interval {
  /** independent units (seeds) with a value */
  n: number;
  mean: number | null;
  /** 95% Student-t interval of the mean; null with fewer than two units */
  lo: number | null;
  hi: number | null;
}

/** The mean of independent values with its 95% Student-t interval (n − 1 degrees of freedom). */
export function tInterval(values: readonly number[]): Interval {
  const n = values.length;
  if (n === 0) return { n, mean: null, lo: null, hi: null };
  let sum = 0;
  for (const v of values) sum += v;
  const mean = sum / n;
  if (n < 2) return { n, mean, lo: null, hi: null };
  let ss = 0;
  for (const v of values) ss += (v - mean) ** 2;
  const half = studentTQuantile(0.975, n - 1) * Math.sqrt(ss / (n - 1) / n);
  return { n, mean, lo: mean - half, hi: mean + half };
}

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
    const t = tInterval(keys.map((k) => this.units.get(k)!.sum / this.units.get(k)!.n));
    if (!range || t.lo === null || t.hi === null) return t;
    return { ...t, lo: Math.max(range[0], t.lo), hi: Math.min(range[1], t.hi) };
  }
}
