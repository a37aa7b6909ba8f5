import pLimit from 'p-limit';
import type { Api } from './api.ts';

export interface Sample {
  /** seconds since the soak began */
  t: number;
  rssMB: number;
  heapMB: number;
  rooms: number;
  connections: number;
  /** event-loop delay since the server started (its histogram is cumulative), ms */
  lagP99: number;
  lagMax: number;
}

export interface SessionCounts {
  active: number;
  finished: number;
  ended: number;
  quickplayActive: number;
  quickplayEnded: number;
}

export interface StuckRoom {
  id: string;
  /** seconds since the soak began */
  t: number;
  reason: string;
}

interface Stats {
  rooms: number;
  connections: number;
  memory: NodeJS.MemoryUsage;
  eventLoopDelayMs: { p50: number; p99: number; max: number };
}

interface SessionSummary {
  id: string;
  status: string;
  quickplay?: boolean;
}

interface SessionDetail {
  status: string;
  seats: { pending: string | null; deadline: number | null }[];
}

const MB = 1024 * 1024;
/** How late past a deadline a room may still be doing its timeout (queue busy, fsync): generous. */
const OVERDUE_GRACE_MS = 20_000;

/** Reads the server's own figures over the admin API: memory, rooms, event-loop lag, stuck rooms. */
export class Monitor {
  readonly samples: Sample[] = [];
  readonly stuck: StuckRoom[] = [];
  private readonly limit = pLimit(6);

  constructor(private readonly api: Api, private readonly startedAt: number) {}

  private get t(): number {
    return Math.round((Date.now() - this.startedAt) / 100) / 10;
  }

  async sample(): Promise<Sample | null> {
    try {
      const stats = await this.api.must<Stats>('GET', '/api/stats');
      const sample: Sample = {
        t: this.t,
        rssMB: round(stats.memory.rss / MB),
        heapMB: round(stats.memory.heapUsed / MB),
        rooms: stats.rooms,
        connections: stats.connections,
        lagP99: round(stats.eventLoopDelayMs.p99),
        lagMax: round(stats.eventLoopDelayMs.max),
      };
      this.samples.push(sample);
      return sample;
    } catch {
      return null; // counted by the Api
    }
  }

  /**
   * Sessions by status, and every active room checked for being stuck: a room is stuck when a
   * deadline passed long ago and nothing happened, or when nobody owes anything yet it is not over.
   */
  async sessions(): Promise<{ counts: SessionCounts; stuck: StuckRoom[] }> {
    const { sessions } = await this.api.must<{ sessions: SessionSummary[] }>('GET', '/api/sessions');
    const counts: SessionCounts = { active: 0, finished: 0, ended: 0, quickplayActive: 0, quickplayEnded: 0 };
    for (const s of sessions) {
      if (s.status === 'active') counts.active++;
      else if (s.status === 'finished') counts.finished++;
      else if (s.status === 'ended') counts.ended++;
      if (s.quickplay && s.status === 'active') counts.quickplayActive++;
      if (s.quickplay && s.status === 'ended') counts.quickplayEnded++;
    }
    const stuck: StuckRoom[] = [];
    const active = sessions.filter((s) => s.status === 'active');
    await Promise.all(
      active.map((s) =>
        this.limit(async () => {
          const checkedAt = Date.now();
          const res = await this.api.call<SessionDetail>('GET', `/api/sessions/${s.id}`).catch(() => null);
          if (!res || res.status !== 200 || res.json.status !== 'active') return;
          const owing = res.json.seats.filter((seat) => seat.pending !== null);
          const deadlines = owing.map((seat) => seat.deadline).filter((d): d is number => d !== null);
          if (owing.length === 0) stuck.push({ id: s.id, t: this.t, reason: 'active, but no seat owes anything' });
          else if (deadlines.length && Math.min(...deadlines) < checkedAt - OVERDUE_GRACE_MS) {
            stuck.push({ id: s.id, t: this.t, reason: `a deadline passed ${Math.round((checkedAt - Math.min(...deadlines)) / 1000)} s ago and nothing happened` });
          }
        }),
      ),
    );
    this.stuck.push(...stuck);
    return { counts, stuck };
  }
}

export interface Trend {
  slopeMBPerMin: number;
  /** the trend's growth across the window it was fitted on */
  growthMB: number;
  meanMB: number;
  allowedMB: number;
  samples: number;
  pass: boolean;
}

export interface Verdict {
  memoryFlat: {
    pass: boolean;
    /** the heap a full collection leaves (measured once a minute by the server), last half */
    retainedHeap: Trend;
    /** the process's resident memory over the last quarter: it must have levelled off */
    rss: Trend;
  };
  noStuckRoom: { pass: boolean; stuck: number };
  noErrors: { pass: boolean; errors: number };
  pass: boolean;
}

/** Least-squares trend of `points` ([t seconds, MB]); passes when it adds less than max(floor, 10 % of the mean). */
function trend(points: [number, number][], floorMB: number): Trend {
  const n = points.length;
  let slope = 0;
  let mean = 0;
  if (n >= 2) {
    const mt = points.reduce((a, [t]) => a + t, 0) / n;
    mean = points.reduce((a, [, v]) => a + v, 0) / n;
    let num = 0;
    let den = 0;
    for (const [t, v] of points) {
      num += (t - mt) * (v - mean);
      den += (t - mt) ** 2;
    }
    slope = den ? num / den : 0; // MB per second
  }
  const span = n >= 2 ? points[n - 1][0] - points[0][0] : 0;
  const growth = slope * span;
  const allowed = Math.max(floorMB, 0.1 * mean);
  return { slopeMBPerMin: round(slope * 60), growthMB: round(growth), meanMB: round(mean), allowedMB: round(allowed), samples: n, pass: n >= 2 && growth < allowed };
}

/**
 * Memory is flat after warm-up when (1) the retained heap — what a full collection leaves, measured
 * by the server once a minute — has no upward trend over the last half of the run, and (2) RSS has
 * levelled off over the last quarter. RSS alone is not the test: V8 grows its heap to the peaks it
 * has seen and keeps it, so RSS climbs for a while without a leak.
 */
export function verdict(samples: Sample[], retained: [number, number][], durationSec: number, stuck: number, errors: number): Verdict {
  const retainedHeap = trend(retained.filter(([t]) => t >= durationSec / 2), 8);
  const rss = trend(samples.filter((x) => x.t >= (durationSec * 3) / 4).map((x) => [x.t, x.rssMB]), 16);
  const memoryFlat = { pass: retainedHeap.pass && rss.pass, retainedHeap, rss };
  const noStuckRoom = { pass: stuck === 0, stuck };
  const noErrors = { pass: errors === 0, errors };
  return { memoryFlat, noStuckRoom, noErrors, pass: memoryFlat.pass && noStuckRoom.pass && noErrors.pass };
}

export function round(x: number): number {
  return Math.round(x * 10) / 10;
}
