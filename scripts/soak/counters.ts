/** What the soak's clients observed, summed over the run (and per reporting interval where noted). */

/** Refusals that are part of playing: a stale request after a timeout, an unsolicited chat … */
export const GAME_RULE_CODES = new Set(['not_your_turn', 'wrong_action', 'illegal_target', 'out_of_range', 'too_long', 'game_over', 'invalid']);

const LATENCY_SAMPLE_CAP = 20_000;

export class Counters {
  acts = 0;
  actsOk = 0;
  ruleRejections = 0;
  /** unexpected problems by kind, e.g. `ack:internal`, `ack:timeout`, `disconnect:transport close`, `http:500` */
  readonly errors = new Map<string, number>();
  /** act → ack, ms, for the current reporting interval (bounded sample) */
  private latencies: number[] = [];
  private latencySeen = 0;
  gamesFinished = 0;
  tablesStarted = 0;
  quickplay = { started: 0, joined: 0, refused429: 0, failed: 0 };
  reconnects = { ok: 0, failed: 0 };

  error(kind: string): void {
    this.errors.set(kind, (this.errors.get(kind) ?? 0) + 1);
  }

  get errorCount(): number {
    let n = 0;
    for (const v of this.errors.values()) n += v;
    return n;
  }

  /** Reservoir sample, so a 30-minute run keeps a fair sample in bounded memory. */
  latency(ms: number): void {
    this.latencySeen++;
    if (this.latencies.length < LATENCY_SAMPLE_CAP) this.latencies.push(ms);
    else {
      const i = Math.floor(Math.random() * this.latencySeen);
      if (i < LATENCY_SAMPLE_CAP) this.latencies[i] = ms;
    }
  }

  /** p50/p99/max of the interval's ack latencies, then start a new interval. */
  takeLatency(): { p50: number; p99: number; max: number; n: number } {
    const sorted = this.latencies.sort((a, b) => a - b);
    const at = (p: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] : 0);
    const result = { p50: at(0.5), p99: at(0.99), max: sorted.length ? sorted[sorted.length - 1] : 0, n: this.latencySeen };
    this.latencies = [];
    this.latencySeen = 0;
    return result;
  }
}

/** A small seeded generator (mulberry32) so a soak's choices repeat for the same --seed. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function between(rand: () => number, min: number, max: number): number {
  return min + rand() * (max - min);
}
