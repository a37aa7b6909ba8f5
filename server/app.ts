import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AnyGame } from '../shared/engine/game.ts';
import { GAMES } from '../shared/games/index.ts';
import { scriptedAgentResolver, type AgentResolver } from './agents.ts';
import { apiRoutes } from './api.ts';
import { ConsoleAuth } from './console/auth.ts';
import { ConsoleHub } from './console/hub.ts';
import { consoleOptionsRoute } from './console/options.ts';
import { studyLookup } from './console/studies.ts';
import type { Env } from './llm/spec.ts';
import { exportRoutes } from './export/routes.ts';
import { replayRoutes } from './replay/routes.ts';
import { createRequestHandler, type Route } from './http.ts';
import { DEFAULT_LIMITS, type Limits } from './limits.ts';
import { Sessions } from './sessions.ts';
import { attachSockets } from './socket.ts';
import { setupWorker } from '@socket.io/sticky';
import { ClusterNode } from './cluster/node.ts';
import { clusterStatusRoute } from './cluster/status.ts';
import { clusterTimings, newOwnerId } from './cluster/timings.ts';
import { openStore, type EventStore } from './store/index.ts';
import { createStudies, type Studies } from './studies/index.ts';

// the install's root: this file is server/app.ts in the sources, dist/server/main.js (or a sibling) when built
export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), typeof PARLEY_BUNDLED !== 'undefined' ? '../..' : '..');
export const DEFAULT_CLIENT_DIR = path.join(REPO_ROOT, 'dist', 'client');

export interface ServerOptions {
  /** default 3000; 0 picks a free port */
  port?: number;
  /** the sessions' clock: log times, deadlines, the start gate (default Date.now; tests move it) */
  now?: () => number;
  /** interface to listen on (default: all) */
  host?: string;
  /** where the SQLite log and the generated admin token live (default ./data) */
  dataDir?: string;
  /** postgres://… keeps the event log in PostgreSQL instead of SQLite (PARLEY_DATABASE_URL) */
  databaseUrl?: string;
  /**
   * With PostgreSQL, processes sharing the database run each live session in one of them
   * (docs/deploy.md): the lease ttl (how long after a process dies its sessions are taken
   * over; PARLEY_LEASE_TTL_MS, default 5000), this process's owner id (default: random), and
   * redis://… to carry Socket.io's traffic between them through Redis (PARLEY_REDIS_URL; default: PostgreSQL).
   */
  cluster?: { leaseTtlMs?: number; owner?: string; redisUrl?: string };
  /** a `--workers` worker: the primary accepts the connections and hands them over (@socket.io/sticky); nothing listens here */
  sticky?: boolean;
  /** default: generated once and kept in <dataDir>/admin-token */
  adminToken?: string;
  /** POST /api/quickplay without a token (default true) */
  quickplay?: boolean;
  /** agents' pacing in quick-play sessions (default 1200 ms) */
  quickplayAgentDelayMs?: number;
  /** the built client to serve (default dist/client when it exists); null serves a placeholder */
  staticDir?: string | null;
  /** public base URL for join links, e.g. https://parley.example.org (default: http://localhost:<port>; never the Host header) */
  publicUrl?: string;
  /** abuse limits (quick play, sockets, proxies); each field defaults to DEFAULT_LIMITS */
  limits?: Partial<Limits>;
  /** SQLite durability (see OpenStoreOptions) */
  durability?: 'full' | 'normal';
  /** extra agent resolvers (e.g. LLM agents), tried before the scripted agents */
  agentResolvers?: AgentResolver[];
  /** the games this server runs (default: all of shared/games) */
  games?: Record<string, AnyGame>;
  /** extra HTTP routes (exports, reports …), matched before the built-in ones */
  routes?: (context: { sessions: Sessions; store: EventStore }) => Route[];
  /** studies (server/studies): pacing of their agents and the public entry limit */
  studies?: {
    /** agents' fixed pacing in disclosed arms (default: quickplayAgentDelayMs) */
    agentDelayMs?: number;
    /** blind arms' human-looking think/typing times and minimum wait: 1 = real time (default), 0 = none */
    humanPacingScale?: number;
    /** POST /api/s/:slug/enter per client address per minute (default 60; 0 = no limit) */
    entersPerMin?: number;
    /** the waiting room's check interval (default 1000 ms) */
    tickMs?: number;
    /** a waiting participant counts as present if it polled within this long (default 6000 ms) */
    presentMs?: number;
  };
  /** the experimenter console (docs/console.md) */
  console?: {
    /** how long a console sign-in lasts (default 8 h; PARLEY_CONSOLE_TTL_HOURS) */
    ttlHours?: number;
    /** sign-in attempts per client address per minute (default 10; 0 = no limit) */
    loginsPerMin?: number;
    /** the live table's batching interval (default 250 ms) */
    flushMs?: number;
    /** how long past its deadline an active session is flagged stuck (default 15 s) */
    stuckGraceMs?: number;
    /** settled sessions the table keeps besides every active one (default 300) */
    recentSettled?: number;
    /** the console's clock for stuck flags (tests) */
    now?: () => number;
    /** where the offered LLM agents are read from (default process.env; only when agentResolvers are given) */
    llmEnv?: Env;
  };
  log?: (message: string) => void;
}

export interface RunningServer {
  url: string;
  port: number;
  adminToken: string;
  dataDir: string;
  store: EventStore;
  sessions: Sessions;
  studies: Studies;
  console: { auth: ConsoleAuth; hub: ConsoleHub };
  /** ids of the unfinished sessions rebuilt from the log at start */
  recovered: string[];
  /** ids of the unfinished quick-play sessions ended at start ("server restart") instead of rebuilt */
  endedAtStart: string[];
  /** with PostgreSQL: this process among the others on the database (its owner id, its leases) */
  cluster: ClusterNode | null;
  close(): Promise<void>;
}

/** The admin token: given, or generated once with crypto and kept (mode 600) in the data dir. */
export function loadOrCreateAdminToken(dataDir: string, given?: string): string {
  if (given) return given;
  const file = path.join(dataDir, 'admin-token');
  if (existsSync(file)) {
    const saved = readFileSync(file, 'utf8').trim();
    if (saved) return saved;
  }
  const token = randomBytes(24).toString('base64url');
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(file, token + '\n', { mode: 0o600 });
  return token;
}

/**
 * A public base URL as links use it: http(s) origin plus an optional path, no trailing slash.
 * Throws a message saying what is wrong.
 */
export function parsePublicUrl(text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new Error(`public URL "${text}" is not a URL; give one like https://parley.example.org`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error(`public URL "${text}" must start with http:// or https://`);
  if (url.search || url.hash || url.username || url.password) throw new Error(`public URL "${text}" must not carry a query, a fragment or credentials`);
  return url.origin + url.pathname.replace(/\/+$/, '');
}

/**
 * Boot Parley on one port: REST API, Socket.io and the static client, over one event store (SQLite, or PostgreSQL with `databaseUrl`).
 * Unfinished sessions are recovered from the log before the port opens.
 */
export async function startServer(options: ServerOptions = {}): Promise<RunningServer> {
  const log = options.log ?? ((message: string) => console.log(message));
  const dataDir = path.resolve(options.dataDir ?? 'data');
  const adminToken = loadOrCreateAdminToken(dataDir, options.adminToken);
  const publicUrl = options.publicUrl === undefined ? null : parsePublicUrl(options.publicUrl);
  const limits: Limits = { ...DEFAULT_LIMITS, ...options.limits };
  const quickplayAgentDelayMs = options.quickplayAgentDelayMs ?? 1200;
  const games = options.games ?? GAMES;
  if (options.cluster?.redisUrl && !options.databaseUrl) throw new Error('a Redis URL (PARLEY_REDIS_URL) needs a PostgreSQL database (PARLEY_DATABASE_URL): Redis only carries Socket.io traffic between processes that share the database');
  const store = await openStore({ dataDir, databaseUrl: options.databaseUrl, durability: options.durability });
  // PostgreSQL: other processes may share the database; each live session runs in the one holding its lease
  const cluster = store.engine === 'postgres' ? new ClusterNode(store, options.cluster?.owner ?? newOwnerId(), clusterTimings(options.cluster?.leaseTtlMs), log) : null;
  // the console's hub needs Socket.io, which needs the sessions: rooms report to it once it exists
  let hub: ConsoleHub | null = null;
  let transport: ReturnType<typeof attachSockets> | null = null;
  const sessions = new Sessions({
    store,
    games,
    onChange: (room) => hub?.changed(room),
    ...(cluster
      ? {
          ownership: cluster.ownership,
          onFenced: (room) => cluster.fenced(room),
          endElsewhere: async (id, reason, note) => (transport?.relay ? transport.relay.endRemote(id, reason, note) : null),
        }
      : {}),
    resolvers: [...(options.agentResolvers ?? []), scriptedAgentResolver],
    now: options.now ?? Date.now,
    log,
    quickplayAbandon: { joinMs: limits.quickplayJoinSec * 1000, goneMs: limits.quickplayGoneSec * 1000 },
  });
  const { recovered, ended: endedAtStart } = await sessions.recoverAll();

  const staticDir =
    options.staticDir === undefined ? (existsSync(path.join(DEFAULT_CLIENT_DIR, 'index.html')) ? DEFAULT_CLIENT_DIR : null) : options.staticDir;
  const studies = createStudies({
    store,
    sessions,
    log,
    agentDelayMs: options.studies?.agentDelayMs ?? quickplayAgentDelayMs,
    humanPacingScale: options.studies?.humanPacingScale ?? 1,
    entersPerMin: options.studies?.entersPerMin ?? 60,
    trustProxy: limits.trustProxy,
    tickMs: options.studies?.tickMs,
    presentMs: options.studies?.presentMs,
    ...(cluster ? { tickLease: { leases: store.leases, owner: cluster.owner, ttlMs: cluster.timings.leaseTtlMs } } : {}),
  });
  const consoleAuth = new ConsoleAuth({
    adminToken,
    ttlMs: (options.console?.ttlHours ?? 8) * 3_600_000,
    loginsPerMin: options.console?.loginsPerMin ?? 10,
    trustProxy: limits.trustProxy,
    now: Date.now,
    sessions: store.consoleSessions,
    sharedLimits: store.sharedLimits,
  });
  const routes = [
    ...(options.routes?.({ sessions, store }) ?? []),
    // the console: sign-in (cookie) and what its create-session form offers
    ...consoleAuth.routes(),
    // cluster mode: GET /api/cluster (admin), where connections and sessions are served
    ...(cluster ? [clusterStatusRoute(cluster, () => transport)] : []),
    consoleOptionsRoute(games, options.agentResolvers?.length ? (options.console?.llmEnv ?? process.env) : null),
    // studies: /api/studies… (admin), /api/s/:slug/enter and /api/participants/:token/… (participants)
    ...studies.routes,
    // study data: GET /api/sessions/:id/export (zip) and /report (HTML)
    ...exportRoutes({ store }),
    // replay: GET /api/sessions/:id/replay (admin) and /api/replay/:token (a seat's or the spectator's link)
    ...replayRoutes({ store }),
    ...apiRoutes({
      sessions,
      store,
      quickplay: options.quickplay ?? true,
      quickplayAgentDelayMs,
      limits,
      summaries: async () => (hub ? hub.summaries() : []),
    }),
  ];
  // links use the configured public URL, else this server's own origin (known once it listens)
  let url = '';
  const httpServer = createServer(
    createRequestHandler({
      routes,
      adminToken,
      staticDir: staticDir ? path.resolve(staticDir) : null,
      publicUrl: () => publicUrl ?? url,
      log,
      consoleSignedIn: (req) => consoleAuth.signedIn(req),
    }),
  );
  // many clients per room on one host (bench, classrooms): no artificial limit
  httpServer.maxConnections = Infinity;
  transport = attachSockets(httpServer, sessions, log, limits, cluster ? { replyTimeoutMs: cluster.timings.replyTimeoutMs } : undefined, store.sharedLimits);
  const { io } = transport;
  if (cluster) {
    await cluster.start(sessions, { io, relay: transport.relay!, reseat: transport.reseat }, { databaseUrl: options.databaseUrl!, redisUrl: options.cluster?.redisUrl });
    log(`cluster mode (PostgreSQL): this process is owner ${cluster.owner}; lease ttl ${cluster.timings.leaseTtlMs} ms`);
  }
  hub = new ConsoleHub({
    io,
    sessions,
    store,
    games,
    auth: consoleAuth,
    study: studyLookup(store.studies),
    now: options.console?.now ?? Date.now,
    log,
    flushMs: options.console?.flushMs,
    stuckGraceMs: options.console?.stuckGraceMs,
    recentSettled: options.console?.recentSettled,
    cluster: cluster !== null,
  });
  const consoleHub = hub;

  let port: number;
  if (options.sticky) {
    // the primary listens on the port and hands each connection to a worker (server/cluster/workers.ts)
    setupWorker(io);
    port = options.port ?? 3000;
  } else {
    await new Promise<void>((resolve, reject) => {
      httpServer.once('error', reject);
      httpServer.listen(options.port ?? 3000, options.host, () => {
        httpServer.off('error', reject);
        resolve();
      });
    });
    port = (httpServer.address() as AddressInfo).port;
  }
  url = `http://localhost:${port}`;

  let closing: Promise<void> | null = null;
  return {
    url,
    port,
    adminToken,
    dataDir,
    store,
    sessions,
    studies,
    console: { auth: consoleAuth, hub: consoleHub },
    recovered,
    endedAtStart,
    cluster,
    close() {
      closing ??= (async () => {
        await studies.stop();
        consoleHub.close();
        await sessions.closeAll();
        // the rooms are closed: give their leases up, so the other processes take them over at once
        await cluster?.leave();
        await new Promise<void>((resolve) => {
          io.close(() => resolve());
          httpServer.closeAllConnections();
        });
        await cluster?.closeAdapterConnections();
        // commits what the rooms still had in flight
        await store.close();
      })();
      return closing;
    },
  };
}
