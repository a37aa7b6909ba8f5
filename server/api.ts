import { randomInt } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import {
  CreateSessionSchema,
  QuickplaySchema,
  type CreatedSession,
  type QuickplayResult,
  type SeatSpec,
} from '../shared/protocol/index.ts';
import { EndSessionSchema, type SessionSummary } from '../shared/protocol/console.ts';
import { playPath, watchPath } from '../shared/protocol/links.ts';
import { HttpError, readBodyText, streamLines, withStatus, zodMessage, type Route } from './http.ts';
import { clientAddress, RateLimit, type Limits } from './limits.ts';
import { BadRequest, type Sessions } from './sessions.ts';
import { KeyedQueue } from './keyed-queue.ts';
import type { SessionRecord, EventStore } from './store/index.ts';

export interface ApiOptions {
  sessions: Sessions;
  store: EventStore;
  /** quick play (no token) is on; off for study deployments */
  quickplay: boolean;
  /** agents' pacing in quick-play sessions, so a human can follow */
  quickplayAgentDelayMs: number;
  limits: Limits;
  /** the console's session table (server/console/hub.ts), answered by GET /api/sessions as `summaries` */
  summaries?: () => Promise<SessionSummary[]>;
}

/** When a full server asks quick players to come back (tables free up as games end or are abandoned). */
const QUICKPLAY_FULL_RETRY_SEC = 60;

const SESSION = '([0-9a-f]{6,32})';

function joinUrl(baseUrl: string, token: string, sessionId: string): string {
  return baseUrl + playPath(token, sessionId);
}

function watchUrl(baseUrl: string, token: string, sessionId: string): string {
  return baseUrl + watchPath(token, sessionId);
}

/** Wrap a BadRequest from the session registry as a 400. */
async function badRequest<T>(fn: () => T | Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof BadRequest) throw new HttpError(400, err.message);
    throw err;
  }
}

function created(record: SessionRecord, baseUrl: string): CreatedSession {
  return {
    id: record.id,
    seed: record.seed,
    seats: record.seats.map((seat) => ({
      seat: seat.seat,
      name: seat.name,
      kind: seat.kind,
      token: seat.token,
      joinUrl: seat.token ? joinUrl(baseUrl, seat.token, record.id) : null,
    })),
    spectatorToken: record.spectatorToken,
    spectatorUrl: watchUrl(baseUrl, record.spectatorToken, record.id),
  };
}

/** The optional body of POST /api/sessions/:id/end: `{ reason }` becomes the logged note; no body is fine. */
async function endNote(req: IncomingMessage): Promise<string | undefined> {
  const text = await readBodyText(req, 10_000);
  if (!text.trim()) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new HttpError(400, 'Request body is not valid JSON; send {"reason": "…"} or nothing.');
  }
  const parsed = EndSessionSchema.safeParse(json);
  if (!parsed.success) throw new HttpError(400, `Invalid request: ${zodMessage(parsed.error)}`);
  return parsed.data.reason;
}

/** The experimenter REST API (admin token) and quick play (public, can be turned off). */
export function apiRoutes(options: ApiOptions): Route[] {
  const { sessions, store } = options;
  // how long the event loop stalls (ms): the first thing to look at when latency grows
  const loopDelay = monitorEventLoopDelay({ resolution: 10 });
  loopDelay.enable();

  // reads never load a finished session's room for good (see Sessions.inspect)
  const sessionOr404 = async (id: string) => {
    const room = await sessions.inspect(id);
    if (!room) throw new HttpError(404, `No session "${id}".`);
    return room;
  };
  // PostgreSQL: the limit and the cap count over every process on the database
  const shared = store.sharedLimits;
  const quickplayPerClient = new RateLimit(options.limits.quickplayPerClientPerMin, 60, { counters: shared, keyPrefix: 'quickplay' });

  // quick play is public: bounded per client and in total (HTTP 429 with Retry-After)
  async function checkQuickplayRate(req: IncomingMessage): Promise<void> {
    const { quickplayPerClientPerMin, trustProxy } = options.limits;
    const limited = await quickplayPerClient.take(clientAddress(req, trustProxy));
    if (limited) {
      const retryAfter = Math.ceil(limited.retryAfterMs / 1000);
      throw new HttpError(
        429,
        `Too many quick-play games from your address: at most ${quickplayPerClientPerMin} a minute. Finish the table you have, or try again in ${retryAfter} s.`,
        { 'retry-after': String(retryAfter) },
      );
    }
  }

  function serverFull(quickplayMaxLive: number): HttpError {
    return new HttpError(429, `This server is full: ${quickplayMaxLive} quick-play tables are in play. Try again in a minute.`, {
      'retry-after': String(QUICKPLAY_FULL_RETRY_SEC),
    });
  }

  /** PostgreSQL: this process's quick-play creates check the cap and create one at a time */
  const quickplayTurns = new KeyedQueue();

  async function withQuickplayPlace<T>(create: () => Promise<T>): Promise<T> {
    const { quickplayMaxLive } = options.limits;
    if (quickplayMaxLive <= 0) return create();
    if (!shared) {
      if (sessions.liveQuickplayRooms >= quickplayMaxLive) throw serverFull(quickplayMaxLive);
      return create();
    }
    return quickplayTurns.run('quickplay', async () => {
      if ((await shared.liveQuickplaySessions()) >= quickplayMaxLive) throw serverFull(quickplayMaxLive);
      return create();
    });
  }

  return [
    {
      method: 'GET',
      pattern: /^\/healthz$/,
      admin: false,
      handle: () => ({ ok: true }),
    },
    {
      method: 'POST',
      pattern: /^\/api\/sessions$/,
      admin: true,
      async handle(ctx) {
        const input = await ctx.body(CreateSessionSchema);
        const record = await badRequest(() => sessions.create(input, { quickplay: false }));
        return withStatus(201, created(record, ctx.baseUrl));
      },
    },
    {
      method: 'GET',
      pattern: /^\/api\/sessions$/,
      admin: true,
      handle: async () => ({
        sessions: (await store.sessions()).map((record) => ({
          id: record.id,
          game: record.game,
          preset: record.preset,
          status: record.status,
          createdAt: record.createdAt,
          endedAt: record.endedAt,
          seats: record.seats.length,
          kinds: record.seats.map((s) => s.kind),
          quickplay: record.options.quickplay,
          summary: (record.outcome as { summary?: string } | null)?.summary ?? null,
        })),
        // the console's rows: every active session and the most recently settled ones
        ...(options.summaries ? { summaries: await options.summaries() } : {}),
      }),
    },
    {
      method: 'GET',
      pattern: new RegExp(`^/api/sessions/${SESSION}$`),
      admin: true,
      async handle(ctx) {
        const room = await sessionOr404(ctx.params[0]);
        const record = room.record;
        const live = room.seatInfo();
        const spectatorView = room.statePayload(null).view as { phase?: unknown } | null;
        return {
          id: record.id,
          game: record.game,
          preset: record.preset,
          config: record.config,
          seed: record.seed,
          status: record.status,
          createdAt: record.createdAt,
          endedAt: record.endedAt,
          version: room.currentVersion,
          phase: spectatorView && typeof spectatorView === 'object' && 'phase' in spectatorView ? spectatorView.phase : null,
          outcome: record.outcome,
          options: record.options,
          seats: record.seats.map((seat, i) => ({
            ...seat,
            joinUrl: seat.token ? joinUrl(ctx.baseUrl, seat.token, record.id) : null,
            ...live[i],
          })),
          spectatorToken: record.spectatorToken,
          spectatorUrl: watchUrl(ctx.baseUrl, record.spectatorToken, record.id),
        };
      },
    },
    {
      method: 'POST',
      pattern: new RegExp(`^/api/sessions/${SESSION}/end$`),
      admin: true,
      async handle(ctx) {
        const room = await sessionOr404(ctx.params[0]);
        const note = await endNote(ctx.req);
        const before = room.status;
        // a live session is ended where it runs (with several processes, maybe another one)
        const status = before === 'active' ? await sessions.end(room.id, 'experimenter', note) : before;
        if (status === null) throw new HttpError(503, 'No server process runs this session at this moment (it is being taken over after a process stopped); try again in a few seconds.');
        return { id: room.id, status, ended: before === 'active' };
      },
    },
    {
      method: 'GET',
      pattern: new RegExp(`^/api/sessions/${SESSION}/events$`),
      admin: true,
      async handle(ctx) {
        const id = ctx.params[0];
        if (!(await store.session(id))) throw new HttpError(404, `No session "${id}".`);
        // a plain link in a signed-in console downloads the log
        ctx.res.setHeader('content-disposition', `attachment; filename="parley-${id}-events.jsonl"`);
        await streamLines(ctx.res, store.logLines(id));
      },
    },
    {
      method: 'POST',
      pattern: /^\/api\/quickplay$/,
      admin: false,
      async handle(ctx) {
        if (!options.quickplay) {
          throw new HttpError(403, 'Quick play is turned off on this server (PARLEY_QUICKPLAY=0). Ask the experimenter for a join link.');
        }
        await checkQuickplayRate(ctx.req);
        const input = await ctx.body(QuickplaySchema);
        const seatCount = await badRequest(() => sessions.seatCount(input.game, input.preset));
        const humanSeat = randomInt(seatCount);
        const seats: SeatSpec[] = Array.from({ length: seatCount }, (_, seat) =>
          seat === humanSeat ? { kind: 'human' } : { kind: 'agent', agent: 'scripted' },
        );
        const record = await withQuickplayPlace(() =>
          badRequest(() =>
            // the clock starts when the player who pressed Play connects (the abandon rule ends a table nobody joins)
            sessions.create({ game: input.game, preset: input.preset, seats, agentDelayMs: options.quickplayAgentDelayMs, waitForHumans: true }, { quickplay: true }),
          ),
        );
        const token = record.seats[humanSeat].token!;
        const result: QuickplayResult = { id: record.id, seat: humanSeat, token, joinUrl: joinUrl(ctx.baseUrl, token, record.id) };
        return withStatus(201, result);
      },
    },
    {
      method: 'GET',
      pattern: /^\/api\/stats$/,
      admin: true,
      handle: () => ({
        rooms: sessions.loadedRooms,
        connections: sessions.connectionCount,
        memory: process.memoryUsage(),
        cpu: process.cpuUsage(),
        eventLoopDelayMs: { p50: loopDelay.percentile(50) / 1e6, p99: loopDelay.percentile(99) / 1e6, max: loopDelay.max / 1e6 },
      }),
    },
    {
      method: 'GET',
      pattern: /^\/api\/games$/,
      admin: false,
      handle: () => ({ games: sessions.catalogue() }),
    },
  ];
}
