/**
 * Seeded pseudo-random numbers whose whole state is one uint32, so it can live inside
 * game state and in events (JSON) and a log replays exactly. Algorithm: mulberry32.
 * Never use Math.random in game or agent code.
 */
export type RngState = number;

/** Turns any integer seed (or string) into a well-mixed uint32 start state. */
export function seedRng(seed: number | string): RngState {
  let h = 0x811c9dc5;
  const text = String(seed);
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  // one extra avalanche so neighbouring seeds diverge immediately
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  return h >>> 0;
}

/** Derive an independent stream, e.g. for one agent or one game in a batch. */
export function deriveSeed(...parts: (number | string)[]): RngState {
  return seedRng(parts.join(':'));
}

/** murmur3's 32-bit finaliser: a cheap, well-mixing integer hash. */
function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/**
 * deriveSeed for integer parts only, without building a string: used on hot paths
 * (one agent decision = one derived stream).
 */
export function mixSeed(salt: number, ...parts: number[]): RngState {
  let h = fmix32(salt >>> 0);
  for (const p of parts) h = fmix32((h ^ fmix32(p >>> 0)) + 0x9e3779b9);
  return h;
}

/**
 * A mutable cursor over an RngState. Take one from a state, draw, then store `.state`
 * back into the next game state (or the event that consumed the randomness).
 */
export class Rng {
  constructor(public state: RngState) {}

  static from(state: RngState): Rng {
    return new Rng(state >>> 0);
  }

  /** Uniform float in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    if (!Number.isInteger(n) || n <= 0) throw new RangeError(`Rng.int needs a positive integer, got ${n}`);
    return Math.floor(this.next() * n);
  }

  /** Uniform integer in [min, max] inclusive. */
  range(min: number, max: number): number {
    return min + this.int(max - min + 1);
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new RangeError('Rng.pick from an empty list');
    return items[this.int(items.length)];
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  /** Fisher–Yates; returns a new array. */
  shuffle<T>(items: readonly T[]): T[] {
    const out = items.slice();
    for (let i = out.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      [out[i], out[j]] = [out[j], out[i]];
    }
    return out;
  }
}
