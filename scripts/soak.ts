#!/usr/bin/env tsx
// Soak test: a real Parley server (child process, loopback only, own temp data dir) under
// humans-at-human-pace, quick-play churn and reconnect storms for a fixed time; reports RSS over
// time, rooms open vs finished, event-loop lag p99 and errors, then a verdict (memory flat after
// warm-up, no stuck room, no errors). Writes DIR/soak.json and DIR/soak.md.
//   npm run soak -- --players 1000 --minutes 30
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import { Api } from './soak/api.ts';
import { Churn } from './soak/churn.ts';
import { Counters, between, seededRandom } from './soak/counters.ts';
import { Human, sleep, type HumanDeps } from './soak/human.ts';
import { launchServer } from './soak/launch.ts';
import { Monitor, round, verdict } from './soak/monitor.ts';
import { writeReport, type Interval, type SoakResult, type Storm } from './soak/report.ts';
import { Tables } from './soak/tables.ts';

const MAX_PLAYERS = 5000;
const MAX_MINUTES = 240;
const SAMPLE_SEC = 5;

function number(min: number, max: number) {
  return (value: string) => {
    const n = Number(value);
    if (!Number.isFinite(n) || n < min || n > max) throw new InvalidArgumentError(`must be a number from ${min} to ${max}`);
    return n;
  };
}

const program = new Command()
  .name('npm run soak --')
  .description('Soak a real Parley server on 127.0.0.1: human-paced players, quick-play churn and reconnect storms; report memory, rooms, lag and errors.')
  .option('--players <n>', `socket clients playing at human pace (1..${MAX_PLAYERS})`, number(1, MAX_PLAYERS), 1000)
  .option('--minutes <m>', `how long to run (0.5..${MAX_MINUTES})`, number(0.5, MAX_MINUTES), 30)
  .option('--out <dir>', 'where to write soak.json and soak.md', 'out/soak')
  .option('--seed <s>', "seed for the clients' choices", number(0, 2 ** 32 - 1), 1)
  .option('--think <range>', 'human think time before answering, seconds "min-max"', '2-8')
  .option('--chat-chance <p>', 'chance per answer of also talking out of turn (an expected rule refusal)', number(0, 1), 0.1)
  .option('--churn-per-min <n>', 'quick-play tables started (and abandoned) per minute', number(0, 600), 30)
  .option('--storm-every <sec>', 'seconds between reconnect storms (0: none; default 120, or a quarter of a shorter run)', number(0, 3600))
  .option('--storm-fraction <f>', 'share of connected players dropped at once per storm', number(0, 1), 0.2)
  .option('--report-every <sec>', 'seconds between progress reports', number(5, 600), 30)
  .option('--agent-delay-ms <ms>', "scripted agents' pacing at the soak's tables and quick play", number(0, 60_000), 1500)
  .option('--durability <mode>', 'SQLite durability: full (fsync per commit, as deployed) or normal', 'full');
program.parse();
const opts = program.opts<{
  players: number; minutes: number; out: string; seed: number; think: string; chatChance: number; churnPerMin: number;
  stormEvery?: number; stormFraction: number; reportEvery: number; agentDelayMs: number; durability: string;
}>();
const think = /^(\d+(?:\.\d+)?)-(\d+(?:\.\d+)?)$/.exec(opts.think);
if (!think || Number(think[1]) > Number(think[2])) program.error('error: --think must look like "2-8" (seconds, min-max)');
if (opts.durability !== 'full' && opts.durability !== 'normal') program.error('error: --durability must be full or normal');
const players = Math.round(opts.players);
const stormEvery = opts.stormEvery ?? Math.max(20, Math.min(120, (opts.minutes * 60) / 4));

const durationMs = opts.minutes * 60_000;
// bounded no matter what: a soak that has not wrapped up 3 minutes after its end gives up
const watchdog = setTimeout(() => {
  console.error('soak: still not finished 3 minutes after the end; killing the server and giving up');
  server?.child.kill('SIGKILL');
  process.exit(2);
}, durationMs + 180_000);
watchdog.unref();
const counters = new Counters();
const rand = seededRandom(opts.seed);
let stopping = false;
const stop = () => (stopping = true);
process.once('SIGINT', () => {
  console.log('\nSIGINT: stopping early and writing the report …');
  stop();
});

const dataDir = mkdtempSync(path.join(tmpdir(), 'parley-soak-'));
const adminToken = randomBytes(24).toString('base64url');
console.log(`soak: ${players} players for ${opts.minutes} min on 127.0.0.1 (data ${dataDir}, durability ${opts.durability})`);
const server: Awaited<ReturnType<typeof launchServer>> = await launchServer({
  dataDir,
  adminToken,
  agentDelayMs: opts.agentDelayMs,
  durability: opts.durability as 'full' | 'normal',
  // about 30 retained-heap measurements per run, at most one a minute
  gcEverySec: Math.max(5, Math.min(60, (opts.minutes * 60) / 30)),
  limits: {
    // every soak client comes from 127.0.0.1: a per-address quick-play limit would only measure itself
    quickplayPerClientPerMin: 0,
    // abandoned quick-play tables end within the run, so the soak sees them go
    quickplayJoinSec: 60,
    quickplayGoneSec: 60,
  },
});
console.log(`server ${server.url} (pid ${server.child.pid})`);
const api = new Api(server.url, adminToken, counters);
const startedAt = Date.now();
const monitor = new Monitor(api, startedAt);
const deps: HumanDeps = {
  url: server.url,
  counters,
  rand,
  thinkSec: [Number(think![1]), Number(think![2])],
  chatChance: opts.chatChance,
  stopping: () => stopping,
};

const elapsed = () => (Date.now() - startedAt) / 1000;
const clock = () => {
  const s = Math.floor(elapsed());
  return `${String(Math.floor(s / 60)).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}`;
};

// --- players sit down
const humans = Array.from({ length: players }, (_, i) => new Human(i, deps));
const tables = new Tables(api, counters, rand, { agentDelayMs: opts.agentDelayMs, stopping: () => stopping });
tables.plan(humans);
let lastShown = 0;
await tables.openAll((seated) => {
  if (seated - lastShown >= Math.max(50, players / 10) || seated === players) {
    lastShown = seated;
    console.log(`[${clock()}] seated ${seated}/${players} players`);
  }
});
console.log(`[${clock()}] ${tables.count} tables open; quick-play churn ${opts.churnPerMin}/min, reconnect storms every ${stormEvery || '∞'} s`);

// --- churn, storms, sampling, reports: each a loop that ends when `stopping`
const storms: Storm[] = [];
async function stormLoop(): Promise<void> {
  if (stormEvery <= 0) return;
  while (!stopping) {
    await sleepUnlessStopping(stormEvery * 1000);
    if (stopping) return;
    const connected = tables.connectedHumans();
    const size = Math.round(connected.length * opts.stormFraction);
    const batch = connected.sort(() => rand() - 0.5).slice(0, size);
    if (!batch.length) continue;
    for (const h of batch) h.drop();
    await sleep(between(rand, 1000, 3000));
    const t = round(elapsed());
    const began = performance.now();
    const results = await Promise.all(batch.map((h) => h.rejoin()));
    const reconnected = results.filter(Boolean).length;
    counters.reconnects.ok += reconnected;
    counters.reconnects.failed += results.length - reconnected;
    const storm: Storm = { t, size: batch.length, reconnected, failed: results.length - reconnected, seconds: round((performance.now() - began) / 1000) };
    storms.push(storm);
    console.log(`[${clock()}] reconnect storm: ${storm.size} dropped at once, ${storm.reconnected} back in ${storm.seconds} s${storm.failed ? `, ${storm.failed} FAILED` : ''}`);
  }
}

const intervals: Interval[] = [];
let lastActs = 0;
let lastErrors = 0;
let lastSample: Awaited<ReturnType<Monitor['sample']>> = null;
async function sampleLoop(): Promise<void> {
  while (!stopping) {
    lastSample = (await monitor.sample()) ?? lastSample;
    await sleepUnlessStopping(SAMPLE_SEC * 1000);
  }
}

async function report(): Promise<Interval> {
  const checked = await monitor.sessions().catch(() => null);
  const ackMs = counters.takeLatency();
  const interval: Interval = {
    t: round(elapsed()),
    sample: lastSample,
    sessions: checked?.counts ?? null,
    ackMs: { p50: round(ackMs.p50), p99: round(ackMs.p99), max: round(ackMs.max), n: ackMs.n },
    acts: counters.acts - lastActs,
    errors: counters.errorCount - lastErrors,
    stuck: checked?.stuck.length ?? 0,
  };
  lastActs = counters.acts;
  lastErrors = counters.errorCount;
  intervals.push(interval);
  const s = interval.sample;
  const c = interval.sessions;
  console.log(
    `[${clock()}] rss ${s?.rssMB ?? '?'} MB heap ${s?.heapMB ?? '?'} MB | rooms in memory ${s?.rooms ?? '?'}, conns ${s?.connections ?? '?'} | ` +
      `sessions ${c ? `${c.active} active (${c.quickplayActive} qp) / ${c.finished} finished / ${c.ended} ended` : '?'} | lag p99 ${s?.lagP99 ?? '?'} ms | ` +
      `acts ${interval.acts} (ack p99 ${interval.ackMs.p99} ms) | errors ${interval.errors}${interval.stuck ? ` | STUCK ${interval.stuck}` : ''}`,
  );
  for (const stuck of checked?.stuck ?? []) console.log(`    stuck: session ${stuck.id}: ${stuck.reason}`);
  return interval;
}

async function reportLoop(): Promise<void> {
  while (!stopping) {
    await sleepUnlessStopping(opts.reportEvery * 1000);
    if (!stopping) await report();
  }
}

/** Sleep, but wake early when the soak stops (so it ends on time). */
function sleepUnlessStopping(ms: number): Promise<void> {
  return new Promise((resolve) => {
    const until = Date.now() + ms;
    const tick = () => (stopping || Date.now() >= until ? resolve() : setTimeout(tick, Math.min(250, until - Date.now())));
    tick();
  });
}

const serverDied = new Promise<void>((resolve) =>
  server.child.once('exit', (code) => {
    if (!stopping) {
      console.log(`[${clock()}] THE SERVER EXITED (code ${code}); stopping`);
      counters.error('server:exit');
      stop();
    }
    resolve();
  }),
);
void serverDied;
const timer = setTimeout(stop, Math.max(0, durationMs - (Date.now() - startedAt)));
const churn = new Churn(api, counters, deps, opts.churnPerMin);
const loops = Promise.all([churn.run(), stormLoop(), sampleLoop(), reportLoop()]);
await sleepUnlessStopping(durationMs + 1000);
stop();
clearTimeout(timer);
await loops;

// --- final figures while the players are still seated, then leave and stop the server
const alive = server.child.exitCode === null;
if (alive) {
  lastSample = (await monitor.sample()) ?? lastSample;
  await report();
}
const sessionsAtEnd = intervals[intervals.length - 1]?.sessions ?? null;
tables.leaveAll();
churn.leaveAll();
const exitCode = await server.stop();
const durationSec = round(elapsed());
const retainedHeap = server.retainedHeap.map(([at, mb]): [number, number] => [round((at - startedAt) / 1000), mb]);
const result: SoakResult = {
  command: `npm run soak -- ${process.argv.slice(2).join(' ')}`.trim(),
  options: { ...opts, players, stormEvery },
  startedAt: new Date(startedAt).toISOString(),
  durationSec,
  server: { url: server.url, exitCode, logLines: server.logLines, logTail: server.logTail },
  totals: {
    players,
    tablesStarted: counters.tablesStarted,
    gamesFinished: counters.gamesFinished,
    acts: counters.acts,
    actsOk: counters.actsOk,
    ruleRejections: counters.ruleRejections,
    errors: Object.fromEntries(counters.errors),
    quickplay: counters.quickplay,
    reconnects: counters.reconnects,
  },
  sessionsAtEnd,
  storms,
  stuck: monitor.stuck,
  samples: monitor.samples,
  retainedHeap,
  intervals,
  verdict: verdict(monitor.samples, retainedHeap, durationSec, monitor.stuck.length, counters.errorCount),
};
const files = writeReport(path.resolve(opts.out), result);
rmSync(dataDir, { recursive: true, force: true });
const v = result.verdict;
console.log(
  `\nverdict: ${v.pass ? 'PASS' : 'FAIL'} — memory flat after warm-up: ${v.memoryFlat.pass ? 'yes' : 'NO'} (retained heap ${v.memoryFlat.retainedHeap.slopeMBPerMin} MB/min over the last half, RSS ${v.memoryFlat.rss.slopeMBPerMin} MB/min over the last quarter), ` +
    `stuck rooms: ${v.noStuckRoom.stuck}, errors: ${v.noErrors.errors}${v.noErrors.errors ? ` (${Object.entries(result.totals.errors).map(([k, n]) => `${k} ×${n}`).join(', ')})` : ''}`,
);
console.log(`wrote ${files.json} and ${files.md}`);
process.exit(v.pass ? 0 : 1);
