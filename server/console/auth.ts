import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { ConsoleLoginSchema, type ConsoleMe } from '../../shared/protocol/console.ts';
import { HttpError, withStatus, type Route } from '../http.ts';
import { clientAddress, RateLimit } from '../limits.ts';

/** The console's session cookie: an unguessable id the server keeps in memory. */
export const CONSOLE_COOKIE = 'parley_console';

export interface ConsoleAuthOptions {
  adminToken: string;
  /** how long a sign-in lasts (PARLEY_CONSOLE_TTL_HOURS, default 8) */
  ttlMs: number;
  /** sign-in attempts per client address per minute (0 = no limit) */
  loginsPerMin: number;
  trustProxy: boolean;
  now: () => number;
}

function sha256(text: string): Buffer {
  return createHash('sha256').update(text).digest();
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
 * sent as an HttpOnly, SameSite=Strict cookie. Sessions live in memory only: a restart signs
 * everyone out (they sign in again; nothing else is lost).
 */
export class ConsoleAuth {
  private readonly adminTokenHash: Buffer;
  /** session id → when it expires (epoch ms) */
  private readonly sessions = new Map<string, number>();
  private readonly logins: RateLimit;

  constructor(private readonly options: ConsoleAuthOptions) {
    this.adminTokenHash = sha256(options.adminToken);
    this.logins = new RateLimit(options.loginsPerMin, 60);
  }

  isAdminToken(token: string): boolean {
    return timingSafeEqual(sha256(token), this.adminTokenHash);
  }

  /** A new console session's id and expiry. */
  signIn(): { id: string; expiresAt: number } {
    this.sweep();
    const id = randomBytes(32).toString('base64url');
    const expiresAt = this.options.now() + this.options.ttlMs;
    this.sessions.set(id, expiresAt);
    return { id, expiresAt };
  }

  signOut(id: string): void {
    this.sessions.delete(id);
  }

  /** The console session a Cookie header carries, when it is valid and unexpired. */
  sessionFromCookie(header: string | undefined): { id: string; expiresAt: number } | null {
    const id = parseCookies(header).get(CONSOLE_COOKIE);
    if (!id) return null;
    const expiresAt = this.sessions.get(id);
    if (expiresAt === undefined) return null;
    if (expiresAt <= this.options.now()) {
      this.sessions.delete(id);
      return null;
    }
    return { id, expiresAt };
  }

  /** Whether a console session id is still signed in (sockets are re-checked with it). */
  isValidSession(id: string): boolean {
    const expiresAt = this.sessions.get(id);
    return expiresAt !== undefined && expiresAt > this.options.now();
  }

  /** Whether a request carries a valid console cookie (server/http.ts's admin check). */
  signedIn(req: IncomingMessage): boolean {
    return this.sessionFromCookie(req.headers.cookie) !== null;
  }

  /** Forget expired sessions (on each sign-in, so the map never grows without bound). */
  private sweep(): void {
    const now = this.options.now();
    for (const [id, expiresAt] of this.sessions) if (expiresAt <= now) this.sessions.delete(id);
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
          const session = this.signIn();
          ctx.res.writeHead(204, { 'set-cookie': cookie(session.id, Math.floor(ttlMs / 1000), ctx.baseUrl.startsWith('https:')), 'cache-control': 'no-store' });
          ctx.res.end();
        },
      },
      {
        method: 'POST',
        pattern: /^\/api\/console\/logout$/,
        admin: false,
        handle: (ctx) => {
          const session = this.sessionFromCookie(ctx.req.headers.cookie);
          if (session) this.signOut(session.id);
          ctx.res.writeHead(204, { 'set-cookie': cookie('', 0, ctx.baseUrl.startsWith('https:')), 'cache-control': 'no-store' });
          ctx.res.end();
        },
      },
      {
        method: 'GET',
        pattern: /^\/api\/console\/me$/,
        admin: false,
        handle: (ctx) => {
          const session = this.sessionFromCookie(ctx.req.headers.cookie);
          if (!session) throw new HttpError(401, 'Not signed in to the console: sign in with the admin token.');
          const me: ConsoleMe = { signedIn: true, expiresAt: session.expiresAt };
          return withStatus(200, me);
        },
      },
    ];
  }
}
