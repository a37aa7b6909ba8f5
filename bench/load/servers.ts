// The servers under test, each a child process on a free port: Parley (`npm start`'s entry point) and
// the boardgame.io twin (bench/bgio/server.ts, NODE_ENV=production). RSS comes from /proc for both;
// CPU from Parley's /api/stats (µs) and from /proc for bgio (10 ms ticks: fine over its 20 s window).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startServerProcess } from '../../test/integration/helpers.ts';
import { ADMIN_TOKEN, adminCall } from '../api.ts';
import { raiseFdLimit } from './fds.ts';

const REPO_ROOT = path.resolve(import.meta.dirname, '../..');
const TICK_MS = 10; // USER_HZ is 100 on Linux

export interface ServerUnderTest {
  name: 'parley' | 'bgio' | 'floor';
  url: string;
  pid: number;
  /** user + system CPU time so far (ms) */
  cpuMs(): Promise<number>;
  rssMB(): number;
  /** Parley only: event-loop delay percentiles since the server started (ms) */
  loopDelayMs(): Promise<{ p50: number; p99: number; max: number } | null>;
  close(): Promise<void>;
}

function procCpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // fields[0] is the state (3rd field of stat): utime and stime are the 14th and 15th
  return (Number(fields[11]) + Number(fields[12])) * TICK_MS;
}

function procRssMB(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
}

// Servers still running when the bench is interrupted (Ctrl-C) are stopped with it.
const running = new Set<ChildProcess>();
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    for (const child of running) child.kill('SIGTERM');
    process.exit(130);
  });
}

function stop(child: ChildProcess): Promise<void> {
  running.delete(child);
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

/** CPU time so far (ms) of `pid` and its children (a `--workers` primary and its workers), from /proc. */
export function treeCpuMs(pid: number): number {
  return [pid, ...childPids(pid)].reduce((sum, p) => {
    try {
      return sum + procCpuMs(p);
    } catch {
      return sum; // exited meanwhile
    }
  }, 0);
}

/** The child processes of `pid` (the `--workers` of a primary), from /proc. */
function childPids(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

/** `npm start -- --workers N` on this PostgreSQL database instead of one process on SQLite. */
export interface ParleyWorkers {
  workers: number;
  databaseUrl: string;
}

export async function startParley(durability: 'full' | 'normal', cluster?: ParleyWorkers): Promise<ServerUnderTest & { workerPids: number[] }> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'parley-bench-'));
  // the per-seat act limit is abuse protection, off here: flat-out clients exceed it by design
  const env: Record<string, string> = { PARLEY_DURABILITY: durability, PARLEY_SOCKET_ACTS_PER_SEC: '0', PARLEY_QUICKPLAY: '0' };
  const { child, url } = await startServerProcess(dataDir, ADMIN_TOKEN, cluster ? { ...env, PARLEY_DATABASE_URL: cluster.databaseUrl } : env, cluster ? ['--workers', String(cluster.workers)] : []);
  running.add(child);
  const pid = child.pid!;
  // the workers hold the sockets: each needs the files for its share
  const workerPids = cluster ? childPids(pid) : [];
  for (const p of [pid, ...workerPids]) raiseFdLimit(p);
  const all = [pid, ...workerPids];
  return {
    name: 'parley',
    url,
    pid,
    workerPids,
    // process.cpuUsage() in µs, finer than /proc's 10 ms ticks (short windows of the cost table);
    // /proc when a saturated server does not answer (the same process-wide figure, coarser);
    // with workers, /proc over the primary and every worker (/api/stats answers for one worker)
    async cpuMs() {
      if (cluster) return treeCpuMs(pid);
      try {
        const stats = await adminCall<{ cpu: { user: number; system: number } }>(url, 'GET', '/api/stats');
        return (stats.cpu.user + stats.cpu.system) / 1000;
      } catch {
        return procCpuMs(pid);
      }
    },
    rssMB: () => all.reduce((sum, p) => sum + procRssMB(p), 0),
    async loopDelayMs() {
      try {
        const stats = await adminCall<{ eventLoopDelayMs?: { p50: number; p99: number; max: number } }>(url, 'GET', '/api/stats');
        return stats.eventLoopDelayMs ?? null;
      } catch {
        return null;
      }
    },
    async close() {
      await stop(child);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * The twin's boardgame.io lives in its own package (bench/bgio/package.json), so Parley's install
 * and CI do not carry its 130 packages: install it here, once, from its lockfile.
 */
function ensureBgioInstalled(): void {
  const dir = path.join(REPO_ROOT, 'bench', 'bgio');
  if (existsSync(path.join(dir, 'node_modules', 'boardgame.io', 'package.json'))) return;
  console.log('  installing boardgame.io 0.50.2 for the peer comparison (once, into bench/bgio/node_modules)…');
  const npm = spawnSync('npm', ['ci', '--no-audit', '--no-fund'], { cwd: dir, stdio: 'inherit' });
  if (npm.status !== 0) throw new Error(`npm ci in ${dir} failed (exit ${npm.status}): the peer comparison needs the npm registry once`);
}

export async function startBgio(): Promise<ServerUnderTest> {
  ensureBgioInstalled();
  return startBareServer('bgio', 'bench/bgio/server.ts');
}

/** The bare socket.io floor (bench/floor/server.ts): what the transport alone costs per action. */
export function startFloor(): Promise<ServerUnderTest> {
  return startBareServer('floor', 'bench/floor/server.ts');
}

/** A peer server script that prints "<name> listening on <url>"; its CPU and RSS come from /proc. */
async function startBareServer(name: 'bgio' | 'floor', script: string): Promise<ServerUnderTest> {
  const child = spawn(process.execPath, ['--import', 'tsx', script], {
    cwd: REPO_ROOT,
    env: { ...process.env, NODE_ENV: 'production' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  const url = await new Promise<string>((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => reject(new Error(`${name} server did not start:\n${output}`)), 30_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const m = new RegExp(`${name} listening on (http://\\S+)`).exec(output);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`${name} server exited with ${code}:\n${output}`)));
  });
  // keep draining its output (bgio logs refused moves), so a full pipe never blocks it
  child.stdout!.resume();
  child.stderr!.resume();
  const pid = child.pid!;
  raiseFdLimit(pid);
  return {
    name,
    url,
    pid,
    cpuMs: async () => procCpuMs(pid),
    rssMB: () => procRssMB(pid),
    loopDelayMs: async () => null,
    close: () => stop(child),
  };
}
