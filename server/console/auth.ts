import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { ConsoleLoginSchema, type ConsoleMe } from '../../shared/protocol/console.ts';
import { HttpError, withStatus, type Route } from '../http.ts';
import { clientAddress, RateLimit } from '../limits.ts';
import type { ConsoleSessions, SharedLimits } from '../store/index.ts';

/** The console's session cookie: an unguessable id whose SHA-256 the store keeps. */
export const CONSOLE_COOKIE = 'parley_console';

/**
 * How long a process trusts what it read of a sign-in: a sign-out on another process takes at most
 * this long to reach it (on this process it is at once).
 */
const CACHE_MS = 5_000;

export interface ConsoleAuthOptions {
  adminToken: string;
  /** how long a sign-in lasts (PARLEY_CONSOLE_TTL_HOURS, default 8) */
  ttlMs: number;
  /** sign-in attempts per client address per minute (0 = no limit) */
  loginsPerMin: number;
  trustProxy: boolean;
  now: () => number;
  /** where sign-ins are kept (the store's: shared by every process on PostgreSQL) */
  sessions: ConsoleSessions;
  /** the store's shared counters (PostgreSQL): sign-in attempts count over every process */
  sharedLimits?: SharedLimits;
}

function sha256(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}

/** What the store keeps of a cookie's id: its hash, so a copy of the database signs nobody in. */
function idHash(id: string): string {
  return sha256(id).toString('hex');
}

/** The cookies of a request by name (a Map, so a cookie named `__proto__` is just a name). */
export function parseCookies(header: string | undefined): Map<string, string> {
  const cookies = new Map<string, string>();
  if (!header) return cookies;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    const name = part.slice(0, eq).trim();
    // the first cookie of a name wins (the most specific path, per RFC 6265)
    if (name && !cookies.has(name)) cookies.set(name, part.slice(eq + 1).trim());
  }
  return cookies;
}

/**
 * Console sign-ins: the admin token, checked in constant time, buys a random 256-bit session id
 * sent as an HttpOnly, SameSite=Strict cookie. The store keeps the sign-in by the id's SHA-256
 * (ConsoleSessions): on PostgreSQL every process sees it, so the console works whichever process a
 * request reaches; on SQLite it lives in memory and a restart signs everyone out (they sign in
 * again; nothing else is lost). Each process remembers what it read for a few seconds, so a
 * signed-in console's requests and its socket's checks each second do not all query the store.
 */
export class ConsoleAuth {
  private readonly adminTokenHash: Buffer;
  /** id hash → its expiry as last read from the store, and when it was read (a Map: hashes are keys) */
  private readonly cache = new Map<string, { expiresAt: number | null; readAt: number }>();
  private readonly logins: RateLimit;

  constructor(private readonly options: ConsoleAuthOptions) {
    this.adminTokenHash = sha256(options.adminToken);
    this.logins = new RateLimit(options.loginsPerMin, 60, { counters: options.sharedLimits, keyPrefix: 'console-login' });
  }

  isAdminToken(token: string): boolean {
    return timingSafeEqual(sha256(token), this.adminTokenHash);
  }

  /** A new console session's id and expiry. */
  async signIn(): Promise<{ id: string; expiresAt: number }> {
    const now = this.options.now();
    await this.options.sessions.sweep(now);
    this.sweepCache(now);
    const id = randomBytes(32).toString('base64url');
    const expiresAt = now + this.options.ttlMs;
    const hash = idHash(id);
    await this.options.sessions.put(hash, expiresAt);
    this.cache.set(hash, { expiresAt, readAt: now });
    return { id, expiresAt };
  }

  async signOut(id: string): Promise<void> {
    const hash = idHash(id);
    this.cache.delete(hash);
    await this.options.sessions.remove(hash);
  }

  /** The console session a Cookie header carries, when it is valid and unexpired. */
  async sessionFromCookie(header: string | undefined): Promise<{ id: string; expiresAt: number } | null> {
    const id = parseCookies(header).get(CONSOLE_COOKIE);
    if (!id) return null;
    const expiresAt = await this.expiry(id);
    return expiresAt === null ? null : { id, expiresAt };
  }

  /** Whether a console session id is still signed in (sockets are re-checked with it). */
  async isValidSession(id: string): Promise<boolean> {
    return (await this.expiry(id)) !== null;
  }

  /** Whether a request carries a valid console cookie (server/http.ts's admin check). */
  async signedIn(req: IncomingMessage): Promise<boolean> {
    return (await this.sessionFromCookie(req.headers.cookie)) !== null;
  }

  /** When the sign-in `id` expires, or null when it is not signed in (never was, signed out on any process, expired). */
  private async expiry(id: string): Promise<number | null> {
    const now = this.options.now();
    const hash = idHash(id);
    let known = this.cache.get(hash);
    if (!known || now - known.readAt >= CACHE_MS) {
      known = { expiresAt: await this.options.sessions.expiry(hash), readAt: now };
      // only sign-ins are kept: a wrong cookie sent again and again must not fill the map
      if (known.expiresAt === null) this.cache.delete(hash);
      else this.cache.set(hash, known);
    }
    return known.expiresAt !== null && known.expiresAt > now ? known.expiresAt : null;
  }

  /** Forget what was read of sign-ins that have expired (on each sign-in, so the cache never grows without bound). */
  private sweepCache(now: number): void {
    for (const [hash, known] of this.cache) if (known.expiresAt === null || known.expiresAt <= now) this.cache.delete(hash);
  }

  /** POST /api/console/login, POST /api/console/logout, GET /api/console/me. */
  routes(): Route[] {
    const { ttlMs, trustProxy, loginsPerMin } = this.options;
    const cookie = (value: string, maxAgeSec: number, secure: boolean) =>
      `${CONSOLE_COOKIE}=${value}; HttpOnly; SameSite=Strict; Path=/; Max-Age=${maxAgeSec}${secure ? '; Secure' : ''}`;
    return [
      {
        method: 'POST',
        pattern: /^\/api\/console\/login$/,
        admin: false,
        handle: async (ctx) => {
          // counted before the token is read: guessing costs an attempt whether it is right or wrong
          const limited = await this.logins.take(clientAddress(ctx.req, trustProxy));
          if (limited) {
            const retryAfter = Math.ceil(limited.retryAfterMs / 1000);
            throw new HttpError(429, `Too many sign-in attempts from your address (at most ${loginsPerMin} a minute). Try again in ${retryAfter} s.`, {
              'retry-after': String(retryAfter),
            });
          }
          const { token } = await ctx.body(ConsoleLoginSchema);
          if (!this.isAdminToken(token)) {
            throw new HttpError(401, 'Wrong admin token. Copy it from the line "Admin token: …" that the server printed at start (or from PARLEY_ADMIN_TOKEN / <data dir>/admin-token).');
          }
          const session = await this.signIn();
          ctx.res.writeHead(204, { 'set-cookie': cookie(session.id, Math.floor(ttlMs / 1000), ctx.baseUrl.startsWith('https:')), 'cache-control': 'no-store' });
          ctx.res.end();
        },
      },
      {
        method: 'POST',
        pattern: /^\/api\/console\/logout$/,
        admin: false,
        handle: async (ctx) => {
          const session = await this.sessionFromCookie(ctx.req.headers.cookie);
          if (session) await this.signOut(session.id);
          ctx.res.writeHead(204, { 'set-cookie': cookie('', 0, ctx.baseUrl.startsWith('https:')), 'cache-control': 'no-store' });
          ctx.res.end();
        },
      },
      {
        method: 'GET',
        pattern: /^\/api\/console\/me$/,
        admin: false,
        handle: async (ctx) => {
          const session = await this.sessionFromCookie(ctx.req.headers.cookie);
          if (!session) throw new HttpError(401, 'Not signed in to the console: sign in with the admin token.');
          const me: ConsoleMe = { signedIn: true, expiresAt: session.expiresAt };
          return withStatus(200, me);
        },
      },
    ];
  }
}
