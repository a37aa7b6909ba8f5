// Cluster benchmark (PostgreSQL event store, docs/deploy.md), in two parts:
//   scale    — flat-out Traitors (`table`) tables on 1 process, then on 2 (`npm start -- --workers 2`,
//              one port) twice: routed (the load generator sends each socket's session as the
//              `session` query, so the primary hands it to the worker that owns the table) and
//              unrouted (no hint: a table's sockets land on either worker, so acts and states cross
//              processes through the adapter); same load generator as the server bench (bench/load);
//              actions/s, act→state p50/p99 and the ratios to 1 process.
//   failover — 3 processes; each round creates tables on one of them, connects their seats to the
//              others, SIGKILLs the owner and times, per table, kill → the first state a client gets
//              from the process that took the table over; p50/p99 over every table of every round.
//   npm run bench -- cluster [--part scale|failover] [--tables 40] [--duration 15] [--kills 5]
//     [--failover-tables 8] [--lease-ttl 5000]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ChildProcess } from 'node:child_process';
import { io, type Socket } from 'socket.io-client';
import type { CreatedSession } from '../shared/protocol/index.ts';
import { startServerProcess } from '../test/integration/helpers.ts';
import { startPostgres, type PostgresServer } from '../test/support/postgres.ts';
import { ADMIN_TOKEN, adminCall } from './api.ts';
import { percentile, runLoad } from './load/pool.ts';
import { BASE_JOB } from './server.ts';
import { treeCpuMs } from './load/servers.ts';
import { DEFAULT_LEASE_TTL_MS } from '../server/cluster/timings.ts';

type Part = 'scale' | 'failover';
const PARTS: Part[] = ['scale', 'failover'];

export interface BenchClusterOptions {
  parts: Part[];
  tables: number;
  duration: number;
  kills: number;
  failoverTables: number;
  leaseTtlMs: number;
}

function parseArgs(args: string[]): Partial<BenchClusterOptions> {
  const out: Partial<BenchClusterOptions> = {};
  const positiveInt = (flag: string, value: string | undefined) => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 1) throw new Error(`${flag} must be a positive integer, got ${value}`);
    return n;
  };
  for (let i = 0; i < args.length; i++) {
    const [flag, value] = [args[i], args[i + 1]];
    if (flag === '--part') {
      if (!PARTS.includes(value as Part)) throw new Error(`--part must be one of ${PARTS.join(', ')}, got ${value}`);
      out.parts = [value as Part];
    } else if (flag === '--tables') out.tables = positiveInt(flag, value);
    else if (flag === '--duration') out.duration = positiveInt(flag, value);
    else if (flag === '--kills') out.kills = positiveInt(flag, value);
    else if (flag === '--failover-tables') out.failoverTables = positiveInt(flag, value);
    else if (flag === '--lease-ttl') out.leaseTtlMs = positiveInt(flag, value);
    else continue;
    i++;
  }
  return out;
}

const fmt = (n: number, digits = 1) => (Number.isFinite(n) ? n.toFixed(digits) : '—');

/** A server (or a `--workers` primary) on the database, as a child process; stopped with SIGTERM. */
async function startOn(databaseUrl: string, dataDir: string, env: Record<string, string>, args: string[] = []): Promise<{ child: ChildProcess; url: string }> {
  // the per-seat act limit is abuse protection, off here: flat-out clients exceed it by design
  return startServerProcess(dataDir, ADMIN_TOKEN, { PARLEY_DATABASE_URL: databaseUrl, PARLEY_SOCKET_ACTS_PER_SEC: '0', PARLEY_QUICKPLAY: '0', ...env }, args);
}

/** SIGTERM, and SIGKILL if it has not exited 10 s later (the figures are taken; a slow shutdown must not hang the bench). */
function stop(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    const timer = setTimeout(() => {
      console.log(`  (server ${child.pid} did not exit within 10 s of SIGTERM: killed)`);
      child.kill('SIGKILL');
    }, 10_000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

// ------------------------------------------------------------------------------------------ scale

export interface ScaleRow {
  processes: number;
  /** 2 processes: whether sockets sent the session hint (routed to the owner) */
  routed: boolean;
  actionsPerSec: number;
  stateMs: { p50: number; p99: number };
  /** CPU of the server processes (primary and workers) over the whole run, % of one core */
  serverCpuPercent: number;
}

async function benchScale(o: BenchClusterOptions, pg: PostgresServer, dataDir: string, say: (line: string) => void): Promise<ScaleRow[]> {
  say(`cluster · scale: ${o.tables} flat-out Traitors tables (table preset, 8 socket seats each), ${o.duration} s, PostgreSQL event store`);
  const rows: ScaleRow[] = [];
  const runs = [
    { processes: 1, routed: true },
    { processes: 2, routed: true },
    { processes: 2, routed: false },
  ];
  for (const { processes, routed } of runs) {
    const server = await startOn(await pg.createDatabase(), dataDir, { PARLEY_LEASE_TTL_MS: String(o.leaseTtlMs) }, processes > 1 ? ['--workers', String(processes)] : []);
    try {
      const cpuBefore = treeCpuMs(server.child.pid!);
      const startedAt = performance.now();
      const run = await runLoad({
        tables: o.tables,
        workers: 1,
        durationSec: o.duration,
        job: { ...BASE_JOB, target: 'parley', url: server.url, replaceFinished: true, sessionHint: routed },
      });
      // connecting included: the window alone cannot be read from /proc without racing the load
      const serverCpuPercent = (100 * (treeCpuMs(server.child.pid!) - cpuBefore)) / (performance.now() - startedAt);
      const r = run.merged;
      const row: ScaleRow = { processes, routed, actionsPerSec: r.actions / run.seconds, stateMs: { p50: percentile(r.stateMs, 50), p99: percentile(r.stateMs, 99) }, serverCpuPercent };
      rows.push(row);
      const label = processes === 1 ? '1 process' : `${processes} processes (--workers ${processes}, ${routed ? 'routed by the session hint' : 'unrouted: no hint'})`;
      const ratio = rows.length > 1 ? ` = ${fmt(row.actionsPerSec / rows[0].actionsPerSec, 2)}× 1 process` : '';
      say(`  ${label}: ${fmt(row.actionsPerSec, 0)} actions/s${ratio} (${r.actions} in ${fmt(run.seconds)} s, ${r.tablesFinished} games finished and replaced); act→state p50 ${fmt(row.stateMs.p50)} ms, p99 ${fmt(row.stateMs.p99)} ms; server CPU ${fmt(serverCpuPercent, 0)} % of a core, load generator ${fmt((100 * r.cpuMs) / 1000 / run.seconds, 0)} %`);
    } finally {
      await stop(server.child);
    }
  }
  say(`  (on this machine's ${(await import('node:os')).availableParallelism()} cores, shared with PostgreSQL and the load generator; server CPU counts connecting too)`);
  return rows;
}

// ------------------------------------------------------------------------------------------ failover

export interface FailoverResult {
  samples: number;
  p50: number;
  p99: number;
}

/** A seat socket on a surviving process: the time of the first state after `since`. */
function firstStateAfter(socket: Socket, since: () => number | null): Promise<number> {
  return new Promise((resolve) => {
    socket.on('state', () => {
      const t0 = since();
      if (t0 !== null) resolve(performance.now() - t0);
    });
  });
}

async function benchFailover(o: BenchClusterOptions, pg: PostgresServer, dataDir: string, say: (line: string) => void): Promise<FailoverResult> {
  say(`cluster · failover: 3 processes, lease ttl ${o.leaseTtlMs} ms; ${o.kills} rounds of ${o.failoverTables} tables created on one process, their seats connected to the others, the owner SIGKILLed`);
  const databaseUrl = await pg.createDatabase();
  const env = { PARLEY_LEASE_TTL_MS: String(o.leaseTtlMs) };
  const procs = await Promise.all([0, 1, 2].map(() => startOn(databaseUrl, dataDir, env)));
  const times: number[] = [];
  try {
    for (let round = 0; round < o.kills; round++) {
      const victimIndex = round % procs.length;
      const victim = procs[victimIndex];
      const others = procs.filter((_, i) => i !== victimIndex);
      let killedAt: number | null = null;
      const sockets: Socket[] = [];
      const waits: Promise<number>[] = [];
      for (let t = 0; t < o.failoverTables; t++) {
        // two human seats and nobody acting: the table just waits, so the only state after the kill is the takeover's
        const created = await adminCall<CreatedSession>(victim.url, 'POST', '/api/sessions', { game: 'trust-split', seats: [{ kind: 'human' }, { kind: 'human' }] });
        const url = others[t % others.length].url;
        const socket = io(url, { auth: { token: created.seats[0].token! }, transports: ['websocket'], reconnection: false, forceNew: true });
        await new Promise<void>((resolve, reject) => {
          socket.once('state', () => resolve());
          socket.once('connect_error', reject);
        });
        sockets.push(socket);
        waits.push(firstStateAfter(socket, () => killedAt));
      }
      killedAt = performance.now();
      victim.child.kill('SIGKILL');
      const round_ = await Promise.all(waits);
      times.push(...round_);
      say(`  round ${round + 1}: kill → first state after takeover ${round_.map((ms) => fmt(ms, 0)).join(', ')} ms`);
      for (const s of sockets) s.close();
      procs[victimIndex] = await startOn(databaseUrl, dataDir, env);
    }
  } finally {
    await Promise.all(procs.map((p) => stop(p.child)));
  }
  const result = { samples: times.length, p50: percentile(times, 50), p99: percentile(times, 99) };
  say(`  failover (SIGKILL → first state after takeover, at a client): p50 ${fmt(result.p50, 0)} ms, p99 ${fmt(result.p99, 0)} ms over ${result.samples} tables (the lease ttl is ${o.leaseTtlMs} ms of that)`);
  return result;
}

// ------------------------------------------------------------------------------------------ entry

export async function benchCluster(argsOrOptions: string[] | Partial<BenchClusterOptions> = []): Promise<{ scale?: ScaleRow[]; failover?: FailoverResult }> {
  const o: BenchClusterOptions = {
    parts: PARTS,
    tables: 40,
    duration: 15,
    kills: 5,
    failoverTables: 8,
    leaseTtlMs: DEFAULT_LEASE_TTL_MS,
    ...(Array.isArray(argsOrOptions) ? parseArgs(argsOrOptions) : argsOrOptions),
  };
  const say = (line: string) => console.log(line);
  const pg = await startPostgres();
  const dataDir = mkdtempSync(path.join(tmpdir(), 'parley-bench-cluster-'));
  const result: { scale?: ScaleRow[]; failover?: FailoverResult } = {};
  try {
    if (o.parts.includes('scale')) result.scale = await benchScale(o, pg, dataDir, say);
    if (o.parts.includes('failover')) {
      if (result.scale) say('');
      result.failover = await benchFailover(o, pg, dataDir, say);
    }
  } finally {
    await pg.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
  return result;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  await benchCluster(process.argv.slice(2));
}
