// The parent side of the load generator: spawns K worker processes (bench/load/worker.ts), splits the
// tables between them, waits until all are connected and fast-forwarded, opens the measured window
// (the caller snapshots the server on both sides of it) and merges what the workers report.
import { fork, type ChildProcess } from 'node:child_process';
import { raiseFdLimit } from './fds.ts';
import type { LoadJob, WorkerMessage, WorkerReport } from './protocol.ts';

const WORKER = new URL('./worker.ts', import.meta.url).pathname;

export interface LoadRun {
  /** every worker's report, merged */
  merged: WorkerReport;
  /** the window as the parent saw it (s) */
  seconds: number;
  workers: number;
}

export interface LoadOptions {
  /** tables over all workers */
  tables: number;
  workers: number;
  job: Omit<LoadJob, 'tables' | 'seedBase'>;
  /** the window's length; null = until every table finished or stopped (flat out, no replacement) */
  durationSec: number | null;
  /** called when all clients are ready, just before the window opens, and just after it closes */
  beforeWindow?: () => Promise<void>;
  afterWindow?: () => Promise<void>;
  /** progress lines (connecting) */
  say?: (line: string) => void;
}

export async function runLoad(options: LoadOptions): Promise<LoadRun> {
  const k = Math.max(1, Math.min(options.workers, options.tables));
  const children: ChildProcess[] = [];
  const connected = new Array<number>(k).fill(0);
  const fastForwarded = new Array<number>(k).fill(0);
  let lastProgress = 0;
  const ready: Promise<void>[] = [];
  const idle: Promise<void>[] = [];
  const reports: Promise<WorkerReport>[] = [];
  let failed: (err: Error) => void = () => undefined;
  const failure = new Promise<never>((_, reject) => (failed = reject));
  failure.catch(() => undefined);

  let seedBase = 1;
  for (let i = 0; i < k; i++) {
    const tables = Math.floor(options.tables / k) + (i < options.tables % k ? 1 : 0);
    const child = fork(WORKER, [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    raiseFdLimit(child.pid!);
    children.push(child);
    const on = <T extends WorkerMessage['type']>(type: T) =>
      new Promise<Extract<WorkerMessage, { type: T }>>((resolve) => {
        child.on('message', (m: WorkerMessage) => {
          if (m.type === type) resolve(m as Extract<WorkerMessage, { type: T }>);
        });
      });
    child.on('message', (m: WorkerMessage) => {
      if (m.type === 'error') failed(new Error(`load worker ${i}: ${m.message}`));
      if (m.type === 'connected' && options.say) options.say(`    worker ${i}: ${m.clients} clients connected in ${m.seconds.toFixed(1)} s; fast-forwarding`);
      if (m.type === 'progress') {
        connected[i] = m.connected;
        fastForwarded[i] = m.fastForwarded;
        const total = connected.reduce((a, b) => a + b, 0);
        const forwarded = fastForwarded.reduce((a, b) => a + b, 0);
        if (options.say && performance.now() - lastProgress > 2000) {
          lastProgress = performance.now();
          options.say(`    … ${total} clients connected${forwarded ? `, ${forwarded} of ${options.tables} tables fast-forwarded` : ''}`);
        }
      }
    });
    let reported = false;
    child.once('exit', (code, signal) => {
      if (!reported) failed(new Error(`load worker ${i} exited (${signal ?? `code ${code}`}) before its report`));
    });
    ready.push(on('ready').then(() => undefined));
    idle.push(on('idle').then(() => undefined));
    reports.push(
      on('report').then((m) => {
        reported = true;
        return m.report;
      }),
    );
    child.send({ type: 'job', job: { ...options.job, tables, seedBase } satisfies LoadJob });
    seedBase += tables * 1000;
  }
  try {
    await Promise.race([Promise.all(ready), failure]);
    await options.beforeWindow?.();
    const start = performance.now();
    for (const c of children) c.send({ type: 'measure' });
    const end = options.durationSec === null ? Promise.all(idle) : new Promise((resolve) => setTimeout(resolve, options.durationSec! * 1000));
    await Promise.race([end, failure]);
    const seconds = (performance.now() - start) / 1000;
    await options.afterWindow?.();
    for (const c of children) c.send({ type: 'stop' });
    const all = await Promise.race([Promise.all(reports), failure]);
    return { merged: merge(all), seconds, workers: k };
  } finally {
    await Promise.all(
      children.map(
        (c) =>
          new Promise<void>((resolve) => {
            if (c.exitCode !== null || c.signalCode !== null) return resolve();
            const timer = setTimeout(() => c.kill('SIGKILL'), 5000);
            c.once('exit', () => {
              clearTimeout(timer);
              resolve();
            });
            c.kill('SIGTERM');
          }),
      ),
    );
  }
}

function merge(reports: WorkerReport[]): WorkerReport {
  return {
    actions: sum(reports, (r) => r.actions),
    ackMs: reports.flatMap((r) => r.ackMs),
    stateMs: reports.flatMap((r) => r.stateMs),
    bytesReceived: sum(reports, (r) => r.bytesReceived),
    messages: sum(reports, (r) => r.messages),
    cpuMs: sum(reports, (r) => r.cpuMs),
    seconds: Math.max(...reports.map((r) => r.seconds)),
    clients: sum(reports, (r) => r.clients),
    tablesFinished: sum(reports, (r) => r.tablesFinished),
    finalVersions: reports.flatMap((r) => r.finalVersions),
    replaceFailures: sum(reports, (r) => r.replaceFailures),
    refused: sum(reports, (r) => r.refused),
    updatesMode: reports[0]?.updatesMode ?? 'full',
  };
}

function sum(reports: WorkerReport[], f: (r: WorkerReport) => number): number {
  return reports.reduce((a, r) => a + f(r), 0);
}

export function percentile(values: number[], p: number): number {
  if (!values.length) return NaN;
  const sorted = values.slice().sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}
