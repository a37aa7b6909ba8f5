// Server benchmark: R concurrent rooms, every seat a Socket.io client on loopback that plays
// generically from `pending`. Reports actions/s, act→state latency and memory per room.
//   npm run bench -- server [--rooms 100] [--game traitors] [--preset table] [--durability full|normal] [--think-ms 0]
import type { ChildProcess } from 'node:child_process';
import { genericAction, startServerProcess, testRng } from '../test/integration/helpers.ts';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { io, type Socket } from 'socket.io-client';
import type { Ack, ClientToServerEvents, CreatedSession, ServerToClientEvents, StatePayload } from '../shared/protocol/index.ts';
import { ADMIN_TOKEN, adminCall } from './api.ts';


export interface BenchServerOptions {
  rooms: number;
  game: string;
  preset: string;
  durability: 'full' | 'normal';
  /** clients wait 0…2× this (mean thinkMs) before each action; 0 = act at once (saturation) */
  thinkMs: number;
  /** print progress and results (false returns the numbers only) */
  print: boolean;
}

export interface BenchServerResult {
  rooms: number;
  clients: number;
  actions: number;
  seconds: number;
  actionsPerSec: number;
  latencyMs: { p50: number; p90: number; p99: number; max: number };
  memoryPerRoomMB: { rss: number; heap: number };
  serverCpuMsPerAction: number;
  connectSeconds: number;
}

interface ServerStats {
  rooms: number;
  connections: number;
  memory: NodeJS.MemoryUsage;
  cpu?: { user: number; system: number };
  eventLoopDelayMs?: { p50: number; p99: number; max: number };
}

function parseArgs(args: string[]): Partial<BenchServerOptions> {
  const out: Partial<BenchServerOptions> = {};
  for (let i = 0; i < args.length; i++) {
    const value = args[i + 1];
    if (args[i] === '--rooms') out.rooms = Number(value);
    else if (args[i] === '--game') out.game = value;
    else if (args[i] === '--preset') out.preset = value;
    else if (args[i] === '--durability') out.durability = value === 'normal' ? 'normal' : 'full';
    else if (args[i] === '--think-ms') out.thinkMs = Number(value);
    else continue;
    i++;
  }
  if (out.rooms !== undefined && (!Number.isInteger(out.rooms) || out.rooms < 1)) throw new Error('--rooms must be a positive integer');
  return out;
}

/** One seat played over the socket: acts on every pending request, timing act → state. */
class BenchPlayer {
  readonly socket: Socket<ServerToClientEvents, ClientToServerEvents>;
  readonly latencies: number[] = [];
  private latest: StatePayload | null = null;
  private busy = false;
  private actFrom = 0;
  private sentAt = 0;
  private waitingVersion = Infinity;
  private actions = 0;
  readonly connected: Promise<void>;
  readonly done: Promise<void>;
  private finish!: () => void;

  constructor(url: string, token: string, private readonly rand: () => number, private readonly thinkMs: number) {
    this.socket = io(url, { auth: { token }, transports: ['websocket'], reconnection: false, forceNew: true });
    this.done = new Promise((resolve) => (this.finish = resolve));
    this.connected = new Promise((resolve, reject) => {
      this.socket.once('state', () => resolve());
      this.socket.once('connect_error', reject);
    });
    this.socket.on('state', (state) => {
      if (state.version >= this.waitingVersion) {
        this.latencies.push(performance.now() - this.sentAt);
        this.waitingVersion = Infinity;
      }
      this.latest = state;
      if (state.outcome || state.status !== 'active') this.finish();
      else if (this.playing) void this.step();
    });
  }

  playing = false;

  start(): void {
    this.playing = true;
    void this.step();
  }

  private async step(): Promise<void> {
    const state = this.latest;
    if (this.busy || !state?.pending || state.version < this.actFrom) return;
    this.busy = true;
    if (this.thinkMs > 0) await new Promise((resolve) => setTimeout(resolve, this.rand() * 2 * this.thinkMs));
    this.sentAt = performance.now();
    const ack: Ack = await this.socket.emitWithAck('act', { action: genericAction(state.pending, this.rand, state.seat ?? 0), clientActionId: `b${++this.actions}` });
    if (ack.ok) {
      this.actFrom = ack.version;
      // the state carrying this action may already be here (it follows the ack on the same socket)
      if (this.latest && this.latest.version >= ack.version) this.latencies.push(performance.now() - this.sentAt);
      else this.waitingVersion = ack.version;
    } else {
      this.actFrom = state.version + 1;
    }
    this.busy = false;
    void this.step();
  }

  close(): void {
    this.socket.close();
  }
}

function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

const MB = 1024 * 1024;

export async function benchServer(argsOrOptions: string[] | Partial<BenchServerOptions> = []): Promise<BenchServerResult> {
  const options: BenchServerOptions = {
    rooms: 100,
    game: 'traitors',
    preset: 'table',
    durability: 'full',
    thinkMs: 0,
    print: true,
    ...(Array.isArray(argsOrOptions) ? parseArgs(argsOrOptions) : argsOrOptions),
  };
  const say = (line: string) => options.print && console.log(line);
  const dataDir = mkdtempSync(path.join(tmpdir(), 'parley-bench-'));
  const { child, url } = await startServerProcess(dataDir, ADMIN_TOKEN, { PARLEY_DURABILITY: options.durability });
  const players: BenchPlayer[] = [];
  try {
    say(`server: ${options.rooms} concurrent ${options.game} rooms (preset ${options.preset}), every seat a Socket.io client on loopback, durability ${options.durability}, ${options.thinkMs ? `clients think ~${options.thinkMs} ms` : 'clients act at once (saturation)'}`);
    const idle = await adminCall<ServerStats>(url, 'GET', '/api/stats');
    const { games } = await adminCall<{ games: { id: string; presets: { name: string; seats: number }[] }[] }>(url, 'GET', '/api/games');
    const seatCount = games.find((g) => g.id === options.game)?.presets.find((p) => p.name === options.preset)?.seats;
    if (!seatCount) throw new Error(`no preset "${options.preset}" of game "${options.game}" on this server`);

    const connectStart = performance.now();
    for (let r = 0; r < options.rooms; r++) {
      const created = await adminCall<CreatedSession>(url, 'POST', '/api/sessions', {
        game: options.game,
        preset: options.preset,
        seed: r + 1,
        seats: Array.from({ length: seatCount }, () => ({ kind: 'human' })),
      });
      for (const seat of created.seats) players.push(new BenchPlayer(url, seat.token!, testRng(r * 100 + seat.seat + 1), options.thinkMs));
    }
    await Promise.all(players.map((p) => p.connected));
    const connectSeconds = (performance.now() - connectStart) / 1000;
    const loaded = await adminCall<ServerStats>(url, 'GET', '/api/stats');
    say(`  ${players.length} clients connected in ${connectSeconds.toFixed(1)} s`);

    let peakRss = loaded.memory.rss;
    let peakHeap = loaded.memory.heapUsed;
    const sampler = setInterval(() => {
      void adminCall<ServerStats>(url, 'GET', '/api/stats').then((s) => {
        peakRss = Math.max(peakRss, s.memory.rss);
        peakHeap = Math.max(peakHeap, s.memory.heapUsed);
      }, () => undefined);
    }, 250);
    const start = performance.now();
    const cpuBefore = loaded.cpu;
    for (const p of players) p.start();
    await Promise.all(players.map((p) => p.done));
    const seconds = (performance.now() - start) / 1000;
    clearInterval(sampler);
    const finished = await adminCall<ServerStats>(url, 'GET', '/api/stats');

    const latencies = players.flatMap((p) => p.latencies).sort((a, b) => a - b);
    const actions = latencies.length;
    const cpuMs = cpuBefore && finished.cpu ? (finished.cpu.user + finished.cpu.system - cpuBefore.user - cpuBefore.system) / 1000 : NaN;
    const result: BenchServerResult = {
      rooms: options.rooms,
      clients: players.length,
      actions,
      seconds,
      actionsPerSec: actions / seconds,
      latencyMs: { p50: percentile(latencies, 50), p90: percentile(latencies, 90), p99: percentile(latencies, 99), max: latencies.at(-1) ?? NaN },
      memoryPerRoomMB: { rss: (peakRss - idle.memory.rss) / MB / options.rooms, heap: (peakHeap - idle.memory.heapUsed) / MB / options.rooms },
      serverCpuMsPerAction: cpuMs / actions,
      connectSeconds,
    };
    say(`  ${actions} actions in ${seconds.toFixed(2)} s: ${result.actionsPerSec.toFixed(0)} actions/s`);
    say(`  act→state latency: p50 ${result.latencyMs.p50.toFixed(1)} ms, p90 ${result.latencyMs.p90.toFixed(1)} ms, p99 ${result.latencyMs.p99.toFixed(1)} ms, max ${result.latencyMs.max.toFixed(1)} ms`);
    say(`  memory per room (server, peak − idle): RSS ${result.memoryPerRoomMB.rss.toFixed(2)} MB, heap ${result.memoryPerRoomMB.heap.toFixed(2)} MB`);
    if (finished.eventLoopDelayMs) {
      const d = finished.eventLoopDelayMs;
      say(`  server event-loop delay: p50 ${d.p50.toFixed(1)} ms, p99 ${d.p99.toFixed(1)} ms, max ${d.max.toFixed(1)} ms`);
    }
    say(`  server CPU per action: ${result.serverCpuMsPerAction.toFixed(2)} ms (the bench's clients share the machine's cores)`);
    return result;
  } finally {
    for (const p of players) p.close();
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
    rmSync(dataDir, { recursive: true, force: true });
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  await benchServer(process.argv.slice(2));
}
