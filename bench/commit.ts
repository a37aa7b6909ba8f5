// Commits off the event loop: rooms appending to the durable log (durability 'full': nothing answered
// before its commit is fsynced), two ways — SQLite's fsync inside each commit on the event loop (the
// first design), and the fsync on libuv's thread pool (server/store/wal-sync.ts, the default).
// (A third, commits on a writer thread with its own connection, measured no better and was removed.)
// Figures: main-thread busy time per committed append (event-loop utilization), commits/s,
// appends per fsync, commit latency, event-loop delay (what every other room's messages wait), and
// how long a session's creation (a synchronous write under SQLite) waits meanwhile.
// `npx tsx bench/commit.ts [--seconds=3]`
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { SqliteStore, type StoreOptions } from '../server/store/sqlite.ts';
import type { NewRow } from '../server/store/index.ts';
import { sessionRecordFixture } from '../test/integration/helpers.ts';

interface Scenario {
  name: string;
  rooms: number;
  /** pause between a room's commit and its next append (0: flat out) */
  pauseMs: number;
  /** main-thread work per action besides the commit (the engine, the broadcast), busy-waited */
  workUs: number;
}

const SCENARIOS: Scenario[] = [
  { name: 'human pace: 10 rooms, 1 append / 100 ms each (commits mostly alone)', rooms: 10, pauseMs: 100, workUs: 0 },
  { name: 'busy: 20 rooms, 1 append / 10 ms each', rooms: 20, pauseMs: 10, workUs: 0 },
  { name: 'flat out: 50 rooms, append-await-append, nothing else to do', rooms: 50, pauseMs: 0, workUs: 0 },
  { name: 'flat out: 50 rooms, each action also costing 100 µs of main-thread work', rooms: 50, pauseMs: 0, workUs: 100 },
];

interface Result {
  appends: number;
  perSec: number;
  mainMsPerAppend: number;
  /** every thread (the main one, the thread pool's fsync): what the move costs the machine in all */
  cpuMsPerAppend: number;
  elu: number;
  /** appends per transaction (with the fsync on the pool, one fsync may cover several transactions) */
  perCommit: number;
  latencyP50: number;
  latencyP99: number;
  loopDelayP99: number;
  /** a session's creation (createSession) meanwhile: its commit, then its fsync */
  syncWriteP50: number;
  syncWriteP99: number;
}


/** About the size of a real action: the player's move and the round's consequence. */
function actionRows(room: number, i: number): NewRow[] {
  return [
    { at: Date.now(), kind: 'game', seat: i % 4, clientActionId: `c${room}-${i}`, event: { type: 'offer', seat: i % 4, amount: i % 10, note: 'x'.repeat(40) } as never },
    { at: Date.now(), kind: 'game', seat: null, clientActionId: null, event: { type: 'round_resolved', round: i, payoffs: [3, 5, 0, 2] } as never },
  ];
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? 0;

type Way = 'loop-fsync' | 'pool-fsync';
const WAYS: Record<Way, StoreOptions> = {
  'loop-fsync': { fsync: 'commit' },
  'pool-fsync': { fsync: 'pool' },
};

async function run(way: Way, scenario: Scenario, seconds: number): Promise<Result> {
  const dir = mkdtempSync(join(tmpdir(), 'parley-bench-commit-'));
  const store = new SqliteStore(dir, { durability: 'full', ...WAYS[way] });
  try {
    const ids = Array.from({ length: scenario.rooms }, (_, i) => `room${i}`);
    for (const id of ids) await store.createSession(sessionRecordFixture(id), [{ at: 0, kind: 'game', seat: null, clientActionId: null, event: { type: 'start' } as never }]);
    // warm up, outside the measurement
    await Promise.all(ids.map((id) => store.append(id, 2, actionRows(0, 0))));
    const seqs = new Map(ids.map((id) => [id, 4]));
    const statsBefore = store.writerStats;
    const latencies: number[] = [];
    const delay = monitorEventLoopDelay({ resolution: 5 });
    const eluBefore = performance.eventLoopUtilization();
    const cpuBefore = process.cpuUsage();
    const t0 = performance.now();
    const until = t0 + seconds * 1000;
    delay.enable();
    // sessions are created meanwhile (a synchronous write on the main thread's connection)
    const syncWrites: number[] = [];
    /** the main thread's own time in those creations (the call up to its first await) */
    let creatingOnLoopMs = 0;
    const creating = (async () => {
      for (let n = 0; performance.now() < until; n++) {
        await new Promise((r) => setTimeout(r, 50));
        const asked = performance.now();
        const created = store.createSession(sessionRecordFixture(`new${n}`), [{ at: 0, kind: 'game', seat: null, clientActionId: null, event: { type: 'start' } as never }]);
        creatingOnLoopMs += performance.now() - asked;
        await created;
        syncWrites.push(performance.now() - asked);
      }
    })();
    await Promise.all(
      ids.map(async (id, room) => {
        // rooms start out of step, as real ones do
        await new Promise((r) => setTimeout(r, (room * scenario.pauseMs) / scenario.rooms));
        for (let i = 1; performance.now() < until; i++) {
          for (const start = performance.now(); performance.now() - start < scenario.workUs / 1000; );
          const rows = actionRows(room, i);
          const seq = seqs.get(id)!;
          const asked = performance.now();
          await store.append(id, seq, rows);
          latencies.push(performance.now() - asked);
          seqs.set(id, seq + rows.length);
          if (scenario.pauseMs) await new Promise((r) => setTimeout(r, scenario.pauseMs));
        }
      }),
    );
    await creating;
    delay.disable();
    const elapsed = performance.now() - t0;
    const elu = performance.eventLoopUtilization(eluBefore);
    const cpu = process.cpuUsage(cpuBefore);
    const stats = store.writerStats;
    const appends = stats.appends - statsBefore.appends;
    const commits = stats.commits - statsBefore.commits;
    latencies.sort((a, b) => a - b);
    syncWrites.sort((a, b) => a - b);
    return {
      appends,
      perSec: appends / (elapsed / 1000),
      // the sessions' creation is timed apart
      mainMsPerAppend: (elu.active - creatingOnLoopMs) / appends,
      cpuMsPerAppend: (cpu.user + cpu.system) / 1000 / appends,
      elu: elu.utilization,
      perCommit: appends / commits,
      latencyP50: percentile(latencies, 0.5),
      latencyP99: percentile(latencies, 0.99),
      loopDelayP99: delay.percentile(99) / 1e6,
      syncWriteP50: percentile(syncWrites, 0.5),
      syncWriteP99: percentile(syncWrites, 0.99),
    };
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function benchCommit(args: string[] = []): Promise<void> {
  const flag = args.find((a) => a.startsWith('--seconds='));
  const seconds = Number(flag?.split('=')[1] ?? 3);
  // NaN or 0 would measure nothing and divide by zero appends
  if (!(seconds > 0)) throw new Error(`--seconds must be a positive number of seconds, got ${flag}`);
  console.log(`Durable commits (durability full, ${seconds} s per run): fsync in the commit on the event loop (loop-fsync, the first design), fsync on the thread pool (pool-fsync, the default)`);
  for (const scenario of SCENARIOS) {
    console.log(`  ${scenario.name}`);
    const results = new Map<Way, Result>();
    for (const way of Object.keys(WAYS) as Way[]) {
      const r = await run(way, scenario, seconds);
      results.set(way, r);
      console.log(
        `    ${way.padEnd(10)}  main thread ${(r.mainMsPerAppend * 1000).toFixed(0).padStart(4)} µs/append (loop busy ${(r.elu * 100).toFixed(0).padStart(3)}%)` +
          `  process CPU ${(r.cpuMsPerAppend * 1000).toFixed(0).padStart(4)} µs/append` +
          `  ${r.perSec.toFixed(0).padStart(5)} appends/s  ${r.perCommit.toFixed(1).padStart(4)} appends/commit` +
          `  commit p50 ${r.latencyP50.toFixed(1)} ms p99 ${r.latencyP99.toFixed(1)} ms  loop delay p99 ${r.loopDelayP99.toFixed(1)} ms` +
          `  createSession p50 ${r.syncWriteP50.toFixed(1)} ms p99 ${r.syncWriteP99.toFixed(1)} ms`,
      );
    }
    const before = results.get('loop-fsync')!;
    const ratio = (way: Way) => {
      const r = results.get(way)!;
      return `${way}: main-thread time per append ×${(r.mainMsPerAppend / before.mainMsPerAppend).toFixed(2)}, appends/s ×${(r.perSec / before.perSec).toFixed(2)}, commit p99 ×${(r.latencyP99 / before.latencyP99).toFixed(2)}`;
    };
    console.log(`    against loop-fsync — ${ratio('pool-fsync')}`);
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await benchCommit(process.argv.slice(2));
