/**
 * Seeded randomness whose outputs do not reveal its state, so what a seat sees (shuffled names,
 * an agent's choices, a tie-break) never lets it compute what it may not see (roles, hands).
 *
 * A seed becomes a 256-bit ChaCha key; every purpose (names, roles, the game's own draws, each
 * agent decision, pacing) reads its own stream: the ChaCha20 keystream (RFC 8439) of that key
 * with the purpose as the nonce. Recovering the key from outputs is breaking ChaCha20, so a live
 * session's 128-bit secret seed is as hard to find as a 128-bit key. A stream's whole state is a
 * small JSON value ({ key, stream, position }) that lives in game state and events, so a log
 * replays exactly. Pure TypeScript (no node:crypto): shared/ code also runs in the browser.
 * Never use Math.random in game or agent code.
 */

/**
 * What a session or a simulated game is seeded with. Live sessions: 32 lowercase hex characters
 * (128 random bits). Simulations and explicit experimenter seeds may be short integers
 * (reproducible, but searchable: no secrecy).
 */
export type Seed = number | string;

/** A secret seed: 128 bits as 32 lowercase hex characters (`randomBytes(16).toString('hex')`). */
export const SECRET_SEED_PATTERN = /^[0-9a-f]{32}$/;

/** The serialisable position in one ChaCha stream (kept in state and events). */
export interface StreamState {
  /** the 256-bit ChaCha key, 64 hex characters (RFC 8439 byte order) */
  key: string;
  /** the 96-bit nonce as three uint32 words: [purpose, a, b] */
  stream: [number, number, number];
  /** 32-bit words already drawn from this stream */
  position: number;
}

/**
 * A bare number is a mulberry32 state from a log written before ChaCha streams; it is still read
 * (Rng.from) so an old unfinished session recovers exactly. Nothing new is written in that form.
 */
export type RngState = number | StreamState;

/** One stream per purpose (the first nonce word); a and b (seat, decision index …) follow it. */
export const Purpose = {
  names: 1,
  roles: 2,
  /** the game's own draws kept in its state: first speaker, deals, tie-breaks */
  game: 3,
  /** one stream per agent decision: [agent, seat, decision index] */
  agent: 4,
  /** live rooms' agent pacing: [pace, seat, decision index] */
  pace: 5,
  /** a simulation batch's per-game seeds: [batch, game index] */
  batch: 6,
  /** tests and benches that need their own reproducible randomness */
  test: 7,
  /** which listed persona sits at which seat of a game: [personas] (shared/personas.ts) */
  personas: 8,
} as const;

// "expand 32-byte k"
const C0 = 0x61707865;
const C1 = 0x3320646e;
const C2 = 0x79622d32;
const C3 = 0x6b206574;
/** full-strength ChaCha20; the simulator's speed target holds with it (see README Benchmarks) */
const ROUNDS = 20;
/** tags in the last key word, so a numeric seed and a hex seed never share a key */
const NUMERIC_SEED_TAG = 0x6e756d00; // "num\0"
const HEX_SEED_TAG = 0x68657800; // "hex\0"

/**
 * The ChaCha block function (RFC 8439 §2.3): the 16 keystream words for one (key, counter, nonce),
 * written to `out`. Exported for the RFC test vector.
 */
export function chachaBlock(key: ArrayLike<number>, counter: number, nonce: ArrayLike<number>, out: Uint32Array, rounds = ROUNDS): void {
  const k0 = key[0] | 0, k1 = key[1] | 0, k2 = key[2] | 0, k3 = key[3] | 0;
  const k4 = key[4] | 0, k5 = key[5] | 0, k6 = key[6] | 0, k7 = key[7] | 0;
  const n0 = nonce[0] | 0, n1 = nonce[1] | 0, n2 = nonce[2] | 0, ctr = counter | 0;
  let x0 = C0, x1 = C1, x2 = C2, x3 = C3, x4 = k0, x5 = k1, x6 = k2, x7 = k3;
  let x8 = k4, x9 = k5, x10 = k6, x11 = k7, x12 = ctr, x13 = n0, x14 = n1, x15 = n2;
  for (let i = 0; i < rounds; i += 2) {
    // column round
    x0 = (x0 + x4) | 0; x12 ^= x0; x12 = (x12 << 16) | (x12 >>> 16);
    x8 = (x8 + x12) | 0; x4 ^= x8; x4 = (x4 << 12) | (x4 >>> 20);
    x0 = (x0 + x4) | 0; x12 ^= x0; x12 = (x12 << 8) | (x12 >>> 24);
    x8 = (x8 + x12) | 0; x4 ^= x8; x4 = (x4 << 7) | (x4 >>> 25);
    x1 = (x1 + x5) | 0; x13 ^= x1; x13 = (x13 << 16) | (x13 >>> 16);
    x9 = (x9 + x13) | 0; x5 ^= x9; x5 = (x5 << 12) | (x5 >>> 20);
    x1 = (x1 + x5) | 0; x13 ^= x1; x13 = (x13 << 8) | (x13 >>> 24);
    x9 = (x9 + x13) | 0; x5 ^= x9; x5 = (x5 << 7) | (x5 >>> 25);
    x2 = (x2 + x6) | 0; x14 ^= x2; x14 = (x14 << 16) | (x14 >>> 16);
    x10 = (x10 + x14) | 0; x6 ^= x10; x6 = (x6 << 12) | (x6 >>> 20);
    x2 = (x2 + x6) | 0; x14 ^= x2; x14 = (x14 << 8) | (x14 >>> 24);
    x10 = (x10 + x14) | 0; x6 ^= x10; x6 = (x6 << 7) | (x6 >>> 25);
    x3 = (x3 + x7) | 0; x15 ^= x3; x15 = (x15 << 16) | (x15 >>> 16);
    x11 = (x11 + x15) | 0; x7 ^= x11; x7 = (x7 << 12) | (x7 >>> 20);
    x3 = (x3 + x7) | 0; x15 ^= x3; x15 = (x15 << 8) | (x15 >>> 24);
    x11 = (x11 + x15) | 0; x7 ^= x11; x7 = (x7 << 7) | (x7 >>> 25);
    // diagonal round
    x0 = (x0 + x5) | 0; x15 ^= x0; x15 = (x15 << 16) | (x15 >>> 16);
    x10 = (x10 + x15) | 0; x5 ^= x10; x5 = (x5 << 12) | (x5 >>> 20);
    x0 = (x0 + x5) | 0; x15 ^= x0; x15 = (x15 << 8) | (x15 >>> 24);
    x10 = (x10 + x15) | 0; x5 ^= x10; x5 = (x5 << 7) | (x5 >>> 25);
    x1 = (x1 + x6) | 0; x12 ^= x1; x12 = (x12 << 16) | (x12 >>> 16);
    x11 = (x11 + x12) | 0; x6 ^= x11; x6 = (x6 << 12) | (x6 >>> 20);
    x1 = (x1 + x6) | 0; x12 ^= x1; x12 = (x12 << 8) | (x12 >>> 24);
    x11 = (x11 + x12) | 0; x6 ^= x11; x6 = (x6 << 7) | (x6 >>> 25);
    x2 = (x2 + x7) | 0; x13 ^= x2; x13 = (x13 << 16) | (x13 >>> 16);
    x8 = (x8 + x13) | 0; x7 ^= x8; x7 = (x7 << 12) | (x7 >>> 20);
    x2 = (x2 + x7) | 0; x13 ^= x2; x13 = (x13 << 8) | (x13 >>> 24);
    x8 = (x8 + x13) | 0; x7 ^= x8; x7 = (x7 << 7) | (x7 >>> 25);
    x3 = (x3 + x4) | 0; x14 ^= x3; x14 = (x14 << 16) | (x14 >>> 16);
    x9 = (x9 + x14) | 0; x4 ^= x9; x4 = (x4 << 12) | (x4 >>> 20);
    x3 = (x3 + x4) | 0; x14 ^= x3; x14 = (x14 << 8) | (x14 >>> 24);
    x9 = (x9 + x14) | 0; x4 ^= x9; x4 = (x4 << 7) | (x4 >>> 25);
  }
  // Uint32Array stores reduce mod 2³²
  out[0] = x0 + C0; out[1] = x1 + C1; out[2] = x2 + C2; out[3] = x3 + C3;
  out[4] = x4 + k0; out[5] = x5 + k1; out[6] = x6 + k2; out[7] = x7 + k3;
  out[8] = x8 + k4; out[9] = x9 + k5; out[10] = x10 + k6; out[11] = x11 + k7;
  out[12] = x12 + ctr; out[13] = x13 + n0; out[14] = x14 + n1; out[15] = x15 + n2;
}

function hexToWords(hex: string, words: number): Uint32Array {
  const out = new Uint32Array(words);
  for (let w = 0; w < words; w++) {
    // little-endian: byte 0 of the word is its lowest 8 bits
    let v = 0;
    for (let b = 3; b >= 0; b--) v = (v << 8) | parseInt(hex.slice(w * 8 + b * 2, w * 8 + b * 2 + 2), 16);
    out[w] = v >>> 0;
  }
  return out;
}

function wordsToHex(words: Uint32Array): string {
  let hex = '';
  for (const w of words) for (let b = 0; b < 4; b++) hex += ((w >>> (b * 8)) & 0xff).toString(16).padStart(2, '0');
  return hex;
}

/** Why a value is not a seed, or null when it is one. */
export function seedProblem(seed: unknown): string | null {
  if (typeof seed === 'number') {
    return Number.isSafeInteger(seed) && seed >= 0 ? null : `a numeric seed must be a non-negative integer (got ${seed})`;
  }
  if (typeof seed === 'string') {
    return SECRET_SEED_PATTERN.test(seed) ? null : 'a string seed must be 32 lowercase hex characters (128 bits, e.g. `openssl rand -hex 16`)';
  }
  return 'a seed is an integer or a string of 32 lowercase hex characters';
}

/** A 256-bit ChaCha key (8 little-endian words), with its hex form for serialised states. */
export class RngKey {
  private hexForm: string | null = null;

  private constructor(readonly words: Uint32Array) {}

  /** Seeds map to keys one-to-one: integer n → [n, ⌊n/2³²⌋, 0…, tag]; 128-bit hex → its bytes, 0…, tag. */
  static fromSeed(seed: Seed): RngKey {
    const problem = seedProblem(seed);
    if (problem) throw new RangeError(problem);
    const words = new Uint32Array(8);
    if (typeof seed === 'number') {
      words[0] = seed >>> 0;
      words[1] = Math.floor(seed / 2 ** 32);
      words[7] = NUMERIC_SEED_TAG;
    } else {
      words.set(hexToWords(seed, 4));
      words[7] = HEX_SEED_TAG;
    }
    return new RngKey(words);
  }

  static fromHex(hex: string): RngKey {
    if (!/^[0-9a-f]{64}$/.test(hex)) throw new RangeError('an RNG key is 64 lowercase hex characters');
    const key = new RngKey(hexToWords(hex, 8));
    key.hexForm = hex;
    return key;
  }

  get hex(): string {
    return (this.hexForm ??= wordsToHex(this.words));
  }
}

/** The key of the state read last: a game reads its own stream state again and again (deals). */
let lastKey: RngKey | null = null;

function keyFromHex(hex: string): RngKey {
  if (lastKey?.hex !== hex) lastKey = RngKey.fromHex(hex);
  return lastKey;
}

/**
 * A mutable cursor over a stream. Take one from a state (Rng.from) or open a purpose's stream
 * (Rng.stream), draw, then store `.state` into the next game state or the event that drew.
 */
export abstract class Rng {
  /** Uniform float in [0, 1), from 32 random bits. */
  abstract next(): number;
  /** Serialisable position: continue with Rng.from(state). */
  abstract get state(): RngState;

  /** Continue a stream from a state kept in game state or an event (a number: a pre-ChaCha log). */
  static from(state: RngState): Rng {
    if (typeof state === 'number') return new LegacyRng(state);
    if (!state || typeof state !== 'object' || !Array.isArray(state.stream) || !Number.isSafeInteger(state.position) || state.position < 0) {
      throw new TypeError(`not an RNG state: ${JSON.stringify(state)}`);
    }
    const [a, b, c] = state.stream;
    return new ChaChaRng(keyFromHex(state.key), [a >>> 0, b >>> 0, c >>> 0], state.position);
  }

  /** The start of a purpose's stream under a seed (or its key, to skip deriving it again). */
  static stream(source: Seed | RngKey, purpose: number, a = 0, b = 0): Rng {
    const key = source instanceof RngKey ? source : RngKey.fromSeed(source);
    return new ChaChaRng(key, [purpose >>> 0, a >>> 0, b >>> 0], 0);
  }

  /** Uniform uint32. */
  uint32(): number {
    return Math.floor(this.next() * 4294967296);
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

/** 2³² blocks of 16 words: RFC 8439's 32-bit block counter. */
const MAX_POSITION = 2 ** 32 * 16;

/**
 * The most recent keystream block, tagged with what it is, shared by every stream: most streams
 * are short-lived (one agent decision, one deal), so this saves allocating a buffer per stream and
 * lets a stream restored from state (the next deal) reuse the block its predecessor computed.
 */
const scratch = new Uint32Array(16);
let scratchKey: RngKey | null = null;
let scratchN0 = 0;
let scratchN1 = 0;
let scratchN2 = 0;
let scratchBlock = -1;

/** One ChaCha20 keystream; a block (16 words) is computed only when a draw needs it. */
class ChaChaRng extends Rng {
  constructor(
    private readonly key: RngKey,
    /** the stream: [purpose, a, b] */
    private readonly nonce: [number, number, number],
    private position: number,
  ) {
    super();
  }

  next(): number {
    const pos = this.position;
    const block = Math.floor(pos / 16);
    const nonce = this.nonce;
    if (block !== scratchBlock || this.key !== scratchKey || nonce[0] !== scratchN0 || nonce[1] !== scratchN1 || nonce[2] !== scratchN2) {
      if (pos >= MAX_POSITION) throw new RangeError('RNG stream exhausted (2³⁶ draws)');
      chachaBlock(this.key.words, block, nonce, scratch);
      scratchKey = this.key;
      scratchN0 = nonce[0];
      scratchN1 = nonce[1];
      scratchN2 = nonce[2];
      scratchBlock = block;
    }
    this.position = pos + 1;
    return scratch[pos % 16] / 4294967296;
  }

  get state(): StreamState {
    return { key: this.key.hex, stream: [this.nonce[0], this.nonce[1], this.nonce[2]], position: this.position };
  }
}

/** mulberry32 over a uint32 state: only to replay logs written before ChaCha streams. */
class LegacyRng extends Rng {
  private s: number;

  constructor(state: number) {
    super();
    this.s = state >>> 0;
  }

  next(): number {
    this.s = (this.s + 0x6d2b79f5) >>> 0;
    let t = this.s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  get state(): number {
    return this.s;
  }
}
