import type { IncomingMessage } from 'node:http';
import { createHash } from 'node:crypto';
import { RateLimiterMemory, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { SharedLimits } from './store/types.ts';

/**
 * The abuse limits of one server. Every number has an environment variable (server/main.ts) and
 * a ServerOptions field; 0 turns a rate or a cap off.
 */
export interface Limits {
  /** POST /api/quickplay per client address per minute (PARLEY_QUICKPLAY_PER_MIN) */
  quickplayPerClientPerMin: number;
  /** quick-play tables live at once, over all clients (and on PostgreSQL all processes) (PARLEY_QUICKPLAY_MAX_LIVE) */
  quickplayMaxLive: number;
  /** a quick-play table whose human never connected is ended after this long (PARLEY_QUICKPLAY_JOIN_SEC) */
  quickplayJoinSec: number;
  /** a quick-play table whose human left is ended after this long away (PARLEY_QUICKPLAY_GONE_SEC) */
  quickplayGoneSec: number;
  /** Socket.io connections per seat or spectator token per second (PARLEY_SOCKET_CONNECTS_PER_SEC) */
  socketConnectsPerSec: number;
  /** `act` messages per seat per second (PARLEY_SOCKET_ACTS_PER_SEC) */
  socketActsPerSec: number;
  /** take the client address from X-Forwarded-For (PARLEY_TRUST_PROXY=1; only behind a proxy that sets it) */
  trustProxy: boolean;
}

export const DEFAULT_LIMITS: Readonly<Limits> = {
  quickplayPerClientPerMin: 10,
  quickplayMaxLive: 200,
  quickplayJoinSec: 120,
  quickplayGoneSec: 600,
  socketConnectsPerSec: 5,
  socketActsPerSec: 20,
  trustProxy: false,
};

/** Deepest nesting of arrays and objects accepted in a JSON request body. */
export const MAX_JSON_DEPTH = 32;

/** Keys longer than this are hashed before they are counted (rate_limits.key is VARCHAR(255), prefix included). */
const MAX_PLAIN_KEY = 200;

/**
 * Where a limit counts, when not in this process's memory: PostgreSQL's rate_limits table, shared by
 * every process on the database (EventStore.sharedLimits). `keyPrefix` keeps each limit's keys apart.
 */
export interface SharedRateLimit {
  counters: SharedLimits | undefined;
  keyPrefix: string;
}

/**
 * A fixed-window counter per key: rate-limiter-flexible's in-memory limiter, or with `shared`
 * counters (PostgreSQL) its Postgres limiter, so a client gets the same allowance whichever process
 * it reaches. 0 points = no limit.
 */
export class RateLimit {
  private readonly limiter: RateLimiterAbstract | null;

  constructor(
    readonly points: number,
    readonly durationSec: number,
    shared?: SharedRateLimit,
  ) {
    if (!Number.isInteger(points) || points < 0) throw new Error(`a rate limit's points must be a whole number >= 0, not ${points}`);
    if (!(durationSec > 0)) throw new Error(`a rate limit's duration must be > 0 seconds, not ${durationSec}`);
    if (points === 0) this.limiter = null;
    else if (shared?.counters) this.limiter = shared.counters.limiter(shared.keyPrefix, points, durationSec);
    else this.limiter = new RateLimiterMemory({ points, duration: durationSec });
  }

  /** Count one use of `key`: null when allowed, else how long until the key may try again. */
  async take(key: string): Promise<{ retryAfterMs: number } | null> {
    if (!this.limiter) return null;
    try {
      await this.limiter.consume(storableKey(key));
      return null;
    } catch (rejection) {
      if (rejection instanceof RateLimiterRes) return { retryAfterMs: Math.max(1, Math.ceil(rejection.msBeforeNext)) };
      throw rejection;
    }
  }
}

/**
 * A key the rate_limits table takes: a client sends tokens of any length and bytes (PostgreSQL text
 * refuses NUL), so a long key or one outside printable ASCII is counted by its SHA-256 instead.
 */
export function storableKey(key: string): string {
  return key.length > MAX_PLAIN_KEY || /[^\x20-\x7e]/.test(key) ? `sha256:${createHash('sha256').update(key).digest('hex')}` : key;
}

/**
 * Who is asking, for per-client limits: the socket's remote address, or (only when the server is
 * told it sits behind a proxy) the address that proxy appended last to X-Forwarded-For — entries
 * further left come from the client and can be forged.
 */
export function clientAddress(req: IncomingMessage, trustProxy: boolean): string {
  if (trustProxy) {
    const header = req.headers['x-forwarded-for'];
    const list = (Array.isArray(header) ? header.join(',') : (header ?? '')).split(',').map((s) => s.trim()).filter(Boolean);
    if (list.length) return list[list.length - 1];
  }
  return req.socket.remoteAddress ?? 'unknown';
}

/**
 * The nesting depth of JSON text, counted in one pass over the characters without parsing (so a
 * hostile body costs linear time and no recursion). Stops counting once past `limit`.
 */
export function jsonDepthExceeds(text: string, limit: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > limit) return true;
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return false;
}
