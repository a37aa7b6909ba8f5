// `npm start` (through tsx): build the client if needed, then serve Parley on one port.
// `npm run serve` runs this file as bundled by `npm run build` (dist/server/main.js): no tsx, no vite, no build.
// Environment: PORT (default 3000; 0 = any free port), PARLEY_DATA_DIR (./data), PARLEY_ADMIN_TOKEN,
// PARLEY_QUICKPLAY=0 (turn quick play off), PARLEY_PUBLIC_URL, PARLEY_AGENT_DELAY_MS (quick-play pacing),
// PARLEY_DURABILITY=normal (skip the fsync per commit), PARLEY_BUILD_CLIENT=0 (never build the client),
// PARLEY_DATABASE_URL=postgres://… (keep the event log in PostgreSQL instead of the SQLite file under
// PARLEY_DATA_DIR, which still holds the admin token).
// Limits (server/limits.ts; 0 turns one off): PARLEY_QUICKPLAY_PER_MIN, PARLEY_QUICKPLAY_MAX_LIVE,
// PARLEY_QUICKPLAY_JOIN_SEC, PARLEY_QUICKPLAY_GONE_SEC, PARLEY_SOCKET_CONNECTS_PER_SEC,
// PARLEY_SOCKET_ACTS_PER_SEC, PARLEY_STUDY_ENTERS_PER_MIN; PARLEY_TRUST_PROXY=1 reads client addresses from X-Forwarded-For.
// Console (docs/console.md): PARLEY_CONSOLE_TTL_HOURS (sign-in lifetime, 8), PARLEY_CONSOLE_LOGINS_PER_MIN (10).
// Several processes (docs/deploy.md; PostgreSQL only): `npm start -- --workers N` runs N workers behind
// one port; PARLEY_LEASE_TTL_MS (5000): how long after a process dies its sessions are taken over;
// PARLEY_REDIS_URL=redis://… carries Socket.io's traffic between the processes through Redis Streams
// instead of PostgreSQL's NOTIFY (leases and the event log stay in PostgreSQL, so it needs PARLEY_DATABASE_URL).
import cluster from 'node:cluster';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { DEFAULT_CLIENT_DIR, loadOrCreateAdminToken, parsePublicUrl, REPO_ROOT, startServer } from './app.ts';
import { DEFAULT_LEASE_TTL_MS } from './cluster/timings.ts';
import { runPrimary, WORKER_READY, workersFromArgs } from './cluster/workers.ts';
import { DEFAULT_LIMITS } from './limits.ts';
import { llmAgentResolver } from './llm/resolver.ts';

function envNumber(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) {
    console.error(`${name} must be a non-negative integer, got "${raw}"`);
    process.exit(2);
  }
  return value;
}

async function buildClientIfMissing(): Promise<void> {
  if (existsSync(path.join(DEFAULT_CLIENT_DIR, 'index.html')) || process.env.PARLEY_BUILD_CLIENT === '0') return;
  console.log('Building the browser client (dist/client is missing) …');
  try {
    const { build } = await import('vite');
    await build({ configFile: path.join(REPO_ROOT, 'vite.config.ts'), logLevel: 'warn' });
  } catch (err) {
    // the API and Socket.io still work without the browser client
    console.error(`The client build failed; serving without it: ${err instanceof Error ? err.message : String(err)}`);
  }
}

function envPublicUrl(): string | undefined {
  const raw = process.env.PARLEY_PUBLIC_URL;
  if (!raw) return undefined;
  try {
    return parsePublicUrl(raw);
  } catch (err) {
    console.error(`PARLEY_PUBLIC_URL: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(2);
  }
}

/** `--workers N` (1 without it); more than one needs the shared database. Exits 2 with the reason otherwise. */
function workersOption(): number {
  let workers: number;
  try {
    workers = workersFromArgs(process.argv.slice(2));
  } catch (err) {
    console.error(err instanceof Error ? err.message : String(err));
    process.exit(2);
  }
  if (workers > 1 && !process.env.PARLEY_DATABASE_URL) {
    console.error(`--workers ${workers} needs PARLEY_DATABASE_URL: the processes share one PostgreSQL database (docs/deploy.md). One process on SQLite needs no --workers.`);
    process.exit(2);
  }
  return workers;
}

/** The built server (`npm run serve`) never builds: vite is a development tool, and the install may be read-only. */
async function prepareClient(): Promise<void> {
  if (typeof PARLEY_BUNDLED === 'undefined') await buildClientIfMissing();
  else if (!existsSync(path.join(DEFAULT_CLIENT_DIR, 'index.html'))) console.error(`No browser client in ${DEFAULT_CLIENT_DIR}: run \`npm run build\`; serving the API and Socket.io only.`);
}

/** PARLEY_REDIS_URL only connects processes sharing a PostgreSQL database: refuse it alone (exit 2, with the reason). */
function redisUrlOption(): string | undefined {
  const redisUrl = process.env.PARLEY_REDIS_URL || undefined;
  if (redisUrl && !process.env.PARLEY_DATABASE_URL) {
    console.error('PARLEY_REDIS_URL needs PARLEY_DATABASE_URL: Redis only carries Socket.io traffic between processes sharing one PostgreSQL database (docs/deploy.md). One process on SQLite needs no Redis.');
    process.exit(2);
  }
  return redisUrl;
}

const workers = workersOption();
const redisUrl = redisUrlOption();
const publicUrlSetting = envPublicUrl();
if (workers > 1 && cluster.isPrimary) await servePrimary();
else await serve();

/** `--workers N`: accept connections on the port and hand them to N worker processes (each runs serve()). */
async function servePrimary(): Promise<void> {
  await prepareClient();
  const dataDir = process.env.PARLEY_DATA_DIR || 'data';
  // resolved once here: workers generating their own at the same time would disagree
  const adminToken = loadOrCreateAdminToken(path.resolve(dataDir), process.env.PARLEY_ADMIN_TOKEN || undefined);
  const primary = await runPrimary({
    workers,
    port: envNumber('PORT', 3000),
    env: { PARLEY_ADMIN_TOKEN: adminToken, PARLEY_BUILD_CLIENT: '0' },
    log: (message) => console.log(message),
  });
  const url = `http://localhost:${primary.port}`;
  console.log(`Parley listening on ${url} (${workers} worker processes)`);
  if (publicUrlSetting) console.log(`Public URL: ${publicUrlSetting}`);
  console.log(`Admin token: ${adminToken}`);
  console.log(`Experimenter console: ${publicUrlSetting ?? url}/console (sign in with the admin token)`);
  let stopping = false;
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      if (stopping) process.exit(1);
      stopping = true;
      console.log(`${signal}: stopping the workers …`);
      void primary.stop().then(() => process.exit(0));
    });
  }
}

/** One process (or one `--workers` worker): serve Parley. */
async function serve(): Promise<void> {
  const worker = cluster.isWorker;
  if (!worker) await prepareClient();
  const durability = process.env.PARLEY_DURABILITY === 'normal' ? 'normal' : 'full';
  const server = await startServer({
    port: envNumber('PORT', 3000),
    dataDir: process.env.PARLEY_DATA_DIR || 'data',
    databaseUrl: process.env.PARLEY_DATABASE_URL || undefined,
    cluster: { leaseTtlMs: envNumber('PARLEY_LEASE_TTL_MS', DEFAULT_LEASE_TTL_MS), redisUrl },
    sticky: worker,
    adminToken: process.env.PARLEY_ADMIN_TOKEN || undefined,
    quickplay: process.env.PARLEY_QUICKPLAY !== '0',
    quickplayAgentDelayMs: envNumber('PARLEY_AGENT_DELAY_MS', 1200),
    publicUrl: publicUrlSetting,
    limits: {
      quickplayPerClientPerMin: envNumber('PARLEY_QUICKPLAY_PER_MIN', DEFAULT_LIMITS.quickplayPerClientPerMin),
      quickplayMaxLive: envNumber('PARLEY_QUICKPLAY_MAX_LIVE', DEFAULT_LIMITS.quickplayMaxLive),
      quickplayJoinSec: envNumber('PARLEY_QUICKPLAY_JOIN_SEC', DEFAULT_LIMITS.quickplayJoinSec),
      quickplayGoneSec: envNumber('PARLEY_QUICKPLAY_GONE_SEC', DEFAULT_LIMITS.quickplayGoneSec),
      socketConnectsPerSec: envNumber('PARLEY_SOCKET_CONNECTS_PER_SEC', DEFAULT_LIMITS.socketConnectsPerSec),
      socketActsPerSec: envNumber('PARLEY_SOCKET_ACTS_PER_SEC', DEFAULT_LIMITS.socketActsPerSec),
      trustProxy: process.env.PARLEY_TRUST_PROXY === '1',
    },
    durability,
    studies: { entersPerMin: envNumber('PARLEY_STUDY_ENTERS_PER_MIN', 60) },
    console: { ttlHours: Math.max(1, envNumber('PARLEY_CONSOLE_TTL_HOURS', 8)), loginsPerMin: envNumber('PARLEY_CONSOLE_LOGINS_PER_MIN', 10) },
    // LLM seats: agent "llm", "llm:<model>" or {"type":"llm",…}, configured by PARLEY_LLM_* (docs/llm-agents.md)
    agentResolvers: [llmAgentResolver()],
  });

  if (worker) {
    // the primary says where Parley listens; a worker says that it serves (the tests read its pid here)
    console.log(`worker ${process.pid} serving as owner ${server.cluster?.owner}`);
    process.send?.(WORKER_READY);
  } else {
    const publicUrl = publicUrlSetting ?? server.url;
    console.log(`Parley listening on ${server.url}`);
    if (publicUrl !== server.url) console.log(`Public URL: ${publicUrl}`);
    console.log(`Admin token: ${server.adminToken}`);
    console.log(`Experimenter console: ${publicUrl}/console (sign in with the admin token)`);
    console.log(`Data: ${server.store.engine === 'sqlite' ? server.dataDir : server.store.location}${server.recovered.length ? ` (recovered ${server.recovered.length} unfinished session(s))` : ''}`);
    if (server.endedAtStart.length) console.log(`Ended ${server.endedAtStart.length} unfinished quick-play session(s) (reason "server restart")`);
  }

  let stopping = false;
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      if (stopping) process.exit(1);
      stopping = true;
      console.log(`${signal}: closing …`);
      void server.close().then(() => process.exit(0));
    });
  }
}
