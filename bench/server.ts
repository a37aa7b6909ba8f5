// Server benchmark, in three parts (each alone with `--part peer|cost|human`):
//   peer  — flat-out Trust-and-Split (`paper`): Parley against the same game on boardgame.io 0.50.2
//           (bench/bgio), same rooms, same duration, same load generator; actions/s and the ratio;
//           then socket.io alone with the same messages per action (bench/floor), the floor under both.
//   cost  — bytes received and server CPU per action for 4-, 8- and 16-seat Traitors (a spectator per
//           table), early (first third of a game's log) against late (last third).
//   human — Traitors 8-seat tables at human pace: clients think before every act, tables fast-forwarded
//           to random points first, finished games replaced; act→ack/act→state, server CPU, RSS, lag.
// The load generator runs as child processes (bench/load); the servers too (bench/load/servers.ts).
//   npm run bench -- server [--part peer|cost|human] [--human] [--rooms 100] [--peer-duration 20]
//     [--cost-rooms 20] [--clients 5000] [--think 2000-8000] [--duration 30] [--ff-max 100] [--load-procs K]
//     [--updates full|patch] [--durability full|normal] [--workers N]
//   --workers N (human part only): `npm start -- --workers N` on a throwaway PostgreSQL instead of one
//   process on SQLite (each worker process may hold its own ~19,900 sockets: the per-process file limit).
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ADMIN_TOKEN } from './api.ts';
import type { LoadJob, WorkerReport } from './load/protocol.ts';
import { percentile, runLoad, type LoadRun } from './load/pool.ts';
import { fdLimit } from './load/fds.ts';
import { startBgio, startFloor, startParley, type ServerUnderTest } from './load/servers.ts';
import { startPostgres } from '../test/support/postgres.ts';

export type Part = 'peer' | 'cost' | 'human';
const PARTS: Part[] = ['peer', 'cost', 'human'];

export interface BenchServerOptions {
  parts: Part[];
  /** peer: concurrent matches, window length (s) */
  rooms: number;
  peerDuration: number;
  /** cost: tables per seat count */
  costRooms: number;
  /** human: connected clients, think-time range (ms), window length (s) */
  clients: number;
  think: [number, number];
  duration: number;
  /** human: fast-forward targets are drawn below this many log versions (0 = no fast-forward) */
  ffMax: number;
  /** load-generator processes; default 1 flat out, 2 at human pace */
  loadProcs: number | null;
  updates: 'full' | 'patch';
  durability: 'full' | 'normal';
  /** human: server processes (`--workers`, on a throwaway PostgreSQL); 1 = one process on SQLite */
  workers: number;
  print: boolean;
}

function parseArgs(args: string[]): Partial<BenchServerOptions> {
  const out: Partial<BenchServerOptions> = {};
  const positiveInt = (flag: string, value: string | undefined) => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 1) throw new Error(`${flag} must be a positive integer, got ${value}`);
    return n;
  };
  for (let i = 0; i < args.length; i++) {
    const flag = args[i];
    const value = args[i + 1];
    if (flag === '--human') {
      out.parts = ['human'];
      continue;
    }
    if (flag === '--part') {
      const parts = (value ?? '').split(',');
      const bad = parts.find((p) => !PARTS.includes(p as Part));
      if (bad !== undefined) throw new Error(`--part must be one or more of ${PARTS.join(', ')} (comma-separated), got ${value}`);
      out.parts = parts as Part[];
    } else if (flag === '--rooms') out.rooms = positiveInt(flag, value);
    else if (flag === '--peer-duration') out.peerDuration = positiveInt(flag, value);
    else if (flag === '--cost-rooms') out.costRooms = positiveInt(flag, value);
    else if (flag === '--clients') out.clients = positiveInt(flag, value);
    else if (flag === '--duration') out.duration = positiveInt(flag, value);
    else if (flag === '--load-procs') out.loadProcs = positiveInt(flag, value);
    else if (flag === '--workers') out.workers = positiveInt(flag, value);
    else if (flag === '--ff-max') {
      const n = Number(value);
      if (!Number.isInteger(n) || n < 0) throw new Error(`--ff-max must be a whole number of log versions, got ${value}`);
      out.ffMax = n;
    }
    else if (flag === '--think') {
      const m = /^(\d+)(?:-(\d+))?$/.exec(value ?? '');
      if (!m) throw new Error(`--think takes a range in ms like 2000-8000, got ${value}`);
      const min = Number(m[1]);
      const max = Number(m[2] ?? m[1]);
      if (max < min) throw new Error(`--think: ${max} is below ${min}`);
      out.think = [min, max];
    } else if (flag === '--updates') {
      if (value !== 'full' && value !== 'patch') throw new Error(`--updates must be full or patch, got ${value}`);
      out.updates = value;
    } else if (flag === '--durability') {
      if (value !== 'full' && value !== 'normal') throw new Error(`--durability must be full or normal, got ${value}`);
      out.durability = value;
    } else continue;
    i++;
  }
  return out;
}

export const BASE_JOB: Omit<LoadJob, 'tables' | 'seedBase' | 'target' | 'url'> = {
  adminToken: ADMIN_TOKEN,
  game: 'traitors',
  preset: 'table',
  spectator: false,
  updates: 'patch',
  thinkMs: null,
  fastForward: 0,
  stopAtVersion: null,
  replaceFinished: false,
  connectBatch: 500,
};

/** A measured window with the server's CPU and RSS read on both sides of it. */
interface Window {
  run: LoadRun;
  serverCpuMs: number;
  serverRssMB: number;
}

async function measure(server: ServerUnderTest, options: Parameters<typeof runLoad>[0]): Promise<Window> {
  let cpuBefore = 0;
  let cpuAfter = 0;
  let rss = 0;
  const run = await runLoad({
    ...options,
    beforeWindow: async () => {
      cpuBefore = await server.cpuMs();
    },
    afterWindow: async () => {
      cpuAfter = await server.cpuMs();
      rss = server.rssMB();
    },
  });
  return { run, serverCpuMs: cpuAfter - cpuBefore, serverRssMB: rss };
}

const fmt = (n: number, digits = 1) => (Number.isFinite(n) ? n.toFixed(digits) : '—');
const kB = (bytes: number) => `${fmt(bytes / 1000, 1)} kB`;
const latencies = (label: string, values: number[]) =>
  values.length ? `${label} p50 ${fmt(percentile(values, 50))} ms, p99 ${fmt(percentile(values, 99))} ms` : `${label} —`;

// ------------------------------------------------------------------------------------------ peer

type PeerSide = WorkerReport & { actionsPerSec: number; serverCpuMsPerAction: number };

export interface PeerResult {
  parley: PeerSide;
  bgio: PeerSide;
  /** socket.io alone with the same messages per action (bench/floor/server.ts) */
  floor: PeerSide;
  /** Parley's actions/s over boardgame.io's */
  ratio: number;
  /** boardgame.io's server CPU per action over Parley's */
  cpuRatio: number;
}

const PEER_LABELS = {
  parley: (r: WorkerReport, o: BenchServerOptions) => `Parley (durability ${o.durability}, updates ${r.updatesMode})`,
  bgio: () => 'boardgame.io 0.50.2 (production, in-memory store)',
  floor: () => 'socket.io alone (the floor: an ack and an update to both seats per action; no rules, views, storage or session creation)',
};

async function benchPeer(o: BenchServerOptions, say: (line: string) => void): Promise<PeerResult> {
  say(`server · peer: flat-out Trust-and-Split (paper), ${o.rooms} concurrent matches, ${o.peerDuration} s each, finished matches replaced`);
  const results: Partial<PeerResult> = {};
  for (const target of ['parley', 'bgio', 'floor'] as const) {
    const server = target === 'parley' ? await startParley(o.durability) : target === 'bgio' ? await startBgio() : await startFloor();
    try {
      const w = await measure(server, {
        tables: o.rooms,
        workers: o.loadProcs ?? 1,
        durationSec: o.peerDuration,
        job: { ...BASE_JOB, target, url: server.url, game: 'trust-split', preset: 'paper', updates: o.updates, replaceFinished: true },
      });
      const r = w.run.merged;
      const actionsPerSec = r.actions / w.run.seconds;
      results[target] = { ...r, actionsPerSec, serverCpuMsPerAction: w.serverCpuMs / r.actions };
      say(`  ${PEER_LABELS[target](r, o)}: ${fmt(actionsPerSec, 0)} actions/s (${r.actions} in ${fmt(w.run.seconds)} s, ${r.tablesFinished} matches finished)`);
      say(`    ${latencies('act→state', r.stateMs)}${r.ackMs.length ? `; ${latencies('act→ack', r.ackMs)}` : ''}`);
      say(`    server CPU ${fmt(w.serverCpuMs / r.actions, 3)} ms/action, RSS ${fmt(w.serverRssMB, 0)} MB; ${kB(r.bytesReceived / r.actions)} received/action; load generator CPU ${fmt((100 * r.cpuMs) / 1000 / w.run.seconds, 0)} %`);
    } finally {
      await server.close();
    }
  }
  const { parley, bgio, floor } = results as Pick<PeerResult, 'parley' | 'bgio' | 'floor'>;
  const ratio = parley.actionsPerSec / bgio.actionsPerSec;
  const cpuRatio = bgio.serverCpuMsPerAction / parley.serverCpuMsPerAction;
  say(`  ratio Parley / boardgame.io: ${fmt(ratio, 2)}× actions/s; boardgame.io spends ${fmt(cpuRatio, 2)}× Parley's server CPU per action (steadier than actions/s when other work shares the cores)`);
  // with each server on one core, 3× boardgame.io's actions/s is a third of its CPU per action
  const third = bgio.serverCpuMsPerAction / 3;
  say(
    `  above the floor: Parley ${fmt(parley.serverCpuMsPerAction - floor.serverCpuMsPerAction, 3)} ms/action, boardgame.io ${fmt(bgio.serverCpuMsPerAction - floor.serverCpuMsPerAction, 3)}; ` +
      `a third of boardgame.io's CPU per action is ${fmt(third, 3)} ms, which leaves ${fmt(third - floor.serverCpuMsPerAction, 3)} ms above socket.io's own ${fmt(floor.serverCpuMsPerAction, 3)} for everything else`,
  );
  return { parley, bgio, floor, ratio, cpuRatio };
}

// ------------------------------------------------------------------------------------------ cost

export interface CostRow {
  seats: number;
  /** median final log version of a game (flat out, generic moves) */
  gameVersions: number;
  whole: { bytesPerAction: number; cpuMsPerAction: number };
  early: { bytesPerAction: number; cpuMsPerAction: number; actions: number };
  late: { bytesPerAction: number; cpuMsPerAction: number; actions: number };
}

/** Traitors with `seats` players and the `table` preset's ratio of traitors (1 in 4, at least 1). */
function traitorsConfig(seats: number): Record<string, unknown> {
  return { players: seats, traitors: Math.max(1, Math.floor(seats / 4)) };
}

async function benchCost(o: BenchServerOptions, say: (line: string) => void): Promise<CostRow[]> {
  say(`server · cost per action: Traitors (table rules), ${o.costRooms} tables per size played flat out, a spectator at each; early = first third of the log, late = last third`);
  const server = await startParley(o.durability);
  const rows: CostRow[] = [];
  let updatesMode = o.updates;
  try {
    for (const seats of [4, 8, 16]) {
      const job = { ...BASE_JOB, target: 'parley' as const, url: server.url, config: traitorsConfig(seats), spectator: true, updates: o.updates };
      const perAction = (w: Window) => ({
        bytesPerAction: w.run.merged.bytesReceived / w.run.merged.actions,
        cpuMsPerAction: w.serverCpuMs / w.run.merged.actions,
        actions: w.run.merged.actions,
      });
      const common = { tables: o.costRooms, workers: o.loadProcs ?? 1, durationSec: null };
      const whole = await measure(server, { ...common, job });
      updatesMode = whole.run.merged.updatesMode;
      const gameVersions = percentile(whole.run.merged.finalVersions, 50);
      const third = Math.max(1, Math.floor(gameVersions / 3));
      const early = await measure(server, { ...common, job: { ...job, stopAtVersion: third } });
      const late = await measure(server, { ...common, job: { ...job, fastForward: gameVersions - third } });
      const row: CostRow = { seats, gameVersions, whole: perAction(whole), early: perAction(early), late: perAction(late) };
      rows.push(row);
    }
  } finally {
    await server.close();
  }
  say(`  updates: ${updatesMode}${updatesMode !== o.updates ? ` (asked for ${o.updates}: this build has no incremental updates)` : ''}`);
  say('  seats  game (versions)  bytes/action early → late      server CPU/action early → late   late/early CPU');
  for (const r of rows) {
    say(
      `  ${String(r.seats).padStart(5)}  ${String(r.gameVersions).padStart(15)}  ${kB(r.early.bytesPerAction).padStart(10)} → ${kB(r.late.bytesPerAction).padEnd(12)}  ${`${fmt(r.early.cpuMsPerAction, 2)} ms`.padStart(10)} → ${`${fmt(r.late.cpuMsPerAction, 2)} ms`.padEnd(14)}  ${fmt(r.late.cpuMsPerAction / r.early.cpuMsPerAction, 2)}×`,
    );
  }
  say(`  (whole games: ${rows.map((r) => `${r.seats} seats ${kB(r.whole.bytesPerAction)}, ${fmt(r.whole.cpuMsPerAction, 2)} ms`).join('; ')})`);
  return rows;
}

// ------------------------------------------------------------------------------------------ human

export interface HumanResult {
  clients: number;
  actionsPerSec: number;
  ackMs: { p50: number; p99: number };
  stateMs: { p50: number; p99: number };
  serverCpuPercent: number;
  serverRssMB: number;
  loopDelayP99Ms: number;
  loadCpuPercent: number;
  bytesPerAction: number;
}

async function benchHuman(o: BenchServerOptions, say: (line: string) => void): Promise<HumanResult> {
  const tables = Math.max(1, Math.round(o.clients / 8));
  const workers = o.loadProcs ?? (o.clients >= 5000 ? 2 : 1);
  const serverProcs = o.workers > 1 ? `${o.workers} server processes (--workers ${o.workers}, PostgreSQL event store, sockets routed to their table's worker)` : `one server process (SQLite, durability ${o.durability})`;
  say(`server · human pace: ${tables * 8} Traitors clients (${tables} 8-seat tables), think ${o.think[0]}–${o.think[1]} ms, ${o.duration} s, ${workers} load-generator process(es); ${o.ffMax ? `tables fast-forwarded to random points below version ${o.ffMax}` : 'no fast-forward'}, finished games replaced; ${serverProcs}`);
  const postgres = o.workers > 1 ? await startPostgres() : null;
  const server = await startParley(o.durability, postgres ? { workers: o.workers, databaseUrl: await postgres.createDatabase() } : undefined);
  try {
    // one file per client socket, plus the database, logs and listeners; with workers, each holds its share
    const holders = server.workerPids.length ? server.workerPids : [server.pid];
    const files = Math.min(...holders.map((pid) => fdLimit(pid)));
    const perProcess = Math.ceil((tables * 8) / holders.length) + 100;
    if (perProcess > files) {
      throw new Error(`each server process may open ${files} files (ulimit -n; the bench could not raise it), too few for ${tables * 8} clients over ${holders.length} process(es): use --clients ${Math.floor(((files - 100) * holders.length) / 8) * 8} or less, more --workers, or raise the hard limit`);
    }
    const connectStart = performance.now();
    const w = await measure(server, {
      tables,
      workers,
      durationSec: o.duration,
      say,
      // no deadlines: tables connected first wait minutes for the last ones, and no think time nears them
      job: { ...BASE_JOB, target: 'parley', url: server.url, config: { timeouts: { speak: 0, vote: 0, beliefs: 0 } }, updates: o.updates, thinkMs: o.think, fastForward: o.ffMax ? { randomMax: o.ffMax } : 0, replaceFinished: true, connectBatch: 500 },
    });
    const r = w.run.merged;
    const lag = await server.loopDelayMs();
    const result: HumanResult = {
      clients: r.clients,
      actionsPerSec: r.actions / w.run.seconds,
      ackMs: { p50: percentile(r.ackMs, 50), p99: percentile(r.ackMs, 99) },
      stateMs: { p50: percentile(r.stateMs, 50), p99: percentile(r.stateMs, 99) },
      serverCpuPercent: (100 * w.serverCpuMs) / 1000 / w.run.seconds,
      serverRssMB: w.serverRssMB,
      loopDelayP99Ms: lag?.p99 ?? NaN,
      loadCpuPercent: (100 * r.cpuMs) / 1000 / w.run.seconds,
      bytesPerAction: r.bytesReceived / r.actions,
    };
    say(`  ${result.clients} clients connected (connect + fast-forward ${fmt((performance.now() - connectStart) / 1000 - w.run.seconds, 0)} s); updates ${r.updatesMode}`);
    say(`  ${fmt(result.actionsPerSec, 0)} actions/s (${r.actions} in ${fmt(w.run.seconds)} s, ${r.tablesFinished} games finished and replaced${r.replaceFailures ? `, ${r.replaceFailures} replacements failed` : ''}, ${r.refused} acts refused)`);
    say(`  act→ack p50 ${fmt(result.ackMs.p50)} ms, p99 ${fmt(result.ackMs.p99)} ms; act→state p50 ${fmt(result.stateMs.p50)} ms, p99 ${fmt(result.stateMs.p99)} ms`);
    const across = server.workerPids.length ? ` (the primary and ${server.workerPids.length} workers together)` : '';
    const lagOf = server.workerPids.length ? 'one worker\'s ' : '';
    say(`  server CPU ${fmt(result.serverCpuPercent, 0)} % of a core, RSS ${fmt(result.serverRssMB, 0)} MB${across}, ${lagOf}event-loop delay p99 ${Number.isNaN(result.loopDelayP99Ms) ? '— (the server did not answer /api/stats)' : `${fmt(result.loopDelayP99Ms)} ms (since server start)`}`);
    say(`  ${kB(result.bytesPerAction)} received per action (all clients); load generator CPU ${fmt(result.loadCpuPercent, 0)} % of a core over ${workers} process(es)`);
    return result;
  } finally {
    await server.close();
    await postgres?.stop();
  }
}

// ------------------------------------------------------------------------------------------ entry

export interface BenchServerResult {
  peer?: PeerResult;
  cost?: CostRow[];
  human?: HumanResult;
}

export async function benchServer(argsOrOptions: string[] | Partial<BenchServerOptions> = []): Promise<BenchServerResult> {
  const o: BenchServerOptions = {
    parts: PARTS,
    rooms: 100,
    peerDuration: 20,
    costRooms: 20,
    clients: 5000,
    think: [2000, 8000],
    duration: 30,
    // an 8-seat game played flat out with generic moves lasts ~110 log versions (see the cost table)
    ffMax: 100,
    loadProcs: null,
    updates: 'patch',
    durability: 'full',
    workers: 1,
    print: true,
    ...(Array.isArray(argsOrOptions) ? parseArgs(argsOrOptions) : argsOrOptions),
  };
  const say = (line: string) => o.print && console.log(line);
  const result: BenchServerResult = {};
  if (o.parts.includes('peer')) result.peer = await benchPeer(o, say);
  if (o.parts.includes('cost')) {
    if (result.peer) say('');
    result.cost = await benchCost(o, say);
  }
  if (o.parts.includes('human')) {
    if (result.peer || result.cost) say('');
    result.human = await benchHuman(o, say);
  }
  return result;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  await benchServer(process.argv.slice(2));
}
