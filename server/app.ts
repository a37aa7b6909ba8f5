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
import { exportRoutes } from './export/routes.ts';
import { createRequestHandler, type Route } from './http.ts';
import { Sessions } from './sessions.ts';
import { attachSockets } from './socket.ts';
import { Store } from './store.ts';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const DEFAULT_CLIENT_DIR = path.join(REPO_ROOT, 'dist', 'client');

export interface ServerOptions {
  /** default 3000; 0 picks a free port */
  port?: number;
  /** interface to listen on (default: all) */
  host?: string;
  /** where the SQLite log and the generated admin token live (default ./data) */
  dataDir?: string;
  /** default: generated once and kept in <dataDir>/admin-token */
  adminToken?: string;
  /** POST /api/quickplay without a token (default true) */
  quickplay?: boolean;
  /** agents' pacing in quick-play sessions (default 1200 ms) */
  quickplayAgentDelayMs?: number;
  /** the built client to serve (default dist/client when it exists); null serves a placeholder */
  staticDir?: string | null;
  /** fixed public base URL for join links (default: from each request's Host header) */
  publicUrl?: string;
  /** SQLite durability (see Store) */
  durability?: 'full' | 'normal';
  /** extra agent resolvers (e.g. LLM agents), tried before the scripted agents */
  agentResolvers?: AgentResolver[];
  /** the games this server runs (default: all of shared/games) */
  games?: Record<string, AnyGame>;
  /** extra HTTP routes (exports, reports …), matched before the built-in ones */
  routes?: (context: { sessions: Sessions; store: Store }) => Route[];
  log?: (message: string) => void;
}

export interface RunningServer {
  url: string;
  port: number;
  adminToken: string;
  dataDir: string;
  store: Store;
  sessions: Sessions;
  /** ids of the unfinished sessions rebuilt from the log at start */
  recovered: string[];
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
 * Boot Parley on one port: REST API, Socket.io and the static client, over one SQLite store.
 * Unfinished sessions are recovered from the log before the port opens.
 */
export async function startServer(options: ServerOptions = {}): Promise<RunningServer> {
  const log = options.log ?? ((message: string) => console.log(message));
  const dataDir = path.resolve(options.dataDir ?? 'data');
  const adminToken = loadOrCreateAdminToken(dataDir, options.adminToken);
  const store = new Store(dataDir, { durability: options.durability });
  const sessions = new Sessions({
    store,
    games: options.games ?? GAMES,
    resolvers: [...(options.agentResolvers ?? []), scriptedAgentResolver],
    now: Date.now,
    log,
  });
  const recovered = sessions.recoverAll();

  const staticDir =
    options.staticDir === undefined ? (existsSync(path.join(DEFAULT_CLIENT_DIR, 'index.html')) ? DEFAULT_CLIENT_DIR : null) : options.staticDir;
  const routes = [
    ...(options.routes?.({ sessions, store }) ?? []),
    // study data: GET /api/sessions/:id/export (zip) and /report (HTML)
    ...exportRoutes({ store }),
    ...apiRoutes({
      sessions,
      store,
      quickplay: options.quickplay ?? true,
      quickplayAgentDelayMs: options.quickplayAgentDelayMs ?? 1200,
    }),
  ];
  const httpServer = createServer(
    createRequestHandler({ routes, adminToken, staticDir: staticDir ? path.resolve(staticDir) : null, publicUrl: options.publicUrl, log }),
  );
  // many clients per room on one host (bench, classrooms): no artificial limit
  httpServer.maxConnections = Infinity;
  const io = attachSockets(httpServer, sessions, log);

  await new Promise<void>((resolve, reject) => {
    httpServer.once('error', reject);
    httpServer.listen(options.port ?? 3000, options.host, () => {
      httpServer.off('error', reject);
      resolve();
    });
  });
  const port = (httpServer.address() as AddressInfo).port;
  const url = `http://localhost:${port}`;

  let closing: Promise<void> | null = null;
  return {
    url,
    port,
    adminToken,
    dataDir,
    store,
    sessions,
    recovered,
    close() {
      closing ??= (async () => {
        await sessions.closeAll();
        await new Promise<void>((resolve) => {
          io.close(() => resolve());
          httpServer.closeAllConnections();
        });
        store.close();
      })();
      return closing;
    },
  };
}
