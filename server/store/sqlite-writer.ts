import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type { WriterStats } from './types.ts';

/** One append as the writer thread executes it: the rows already as SQL parameters. */
export interface WriterAppend {
  sessionId: string;
  /** [seq, batch, at, kind, seat, clientActionId, eventJson] per row */
  rows: [number, number, number, string, number | null, string | null, string][];
  /** [status, endedAt, outcomeJson], or null to leave the session's status alone */
  status: [string, number | null, string | null] | null;
}

const WRITER_BUSY = 0;
const MAIN_BUSY = 1;

interface Outstanding {
  resolve: () => void;
  reject: (err: unknown) => void;
}

type Reply = { type: 'done'; results: { id: number; error?: { message: string; code?: string } }[]; commits: number };

/**
 * The writer thread's source: plain CommonJS, run with `new Worker(code, { eval: true })`.
 * Kept as a string so it loads the same way under tsx, vitest, the scripts and a built server,
 * with no bundling step and nothing written to disk (a worker file would need tsx in the worker,
 * over a second to start, or a build step). It owns its own better-sqlite3 connection.
 *
 * Group commit: every append that arrived while the previous transaction was committing goes
 * into the next one (one fsync for all). If that shared transaction fails, each append is
 * retried alone, so one bad append cannot sink the others. Messages are handled FIFO, so one
 * session's appends are written in the order they were requested.
 */
const WRITER_SOURCE = String.raw`
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file, { timeout: workerData.busyTimeoutMs });
db.pragma('synchronous = ' + workerData.synchronous);
db.pragma('foreign_keys = ON');
const insertRow = db.prepare('INSERT INTO log (session_id, seq, batch, at, kind, seat, client_action_id, event) VALUES (?, ?, ?, ?, ?, ?, ?, ?)');
const setStatus = db.prepare('UPDATE sessions SET status = ?, ended_at = ?, outcome = ? WHERE id = ?');
function write(append) {
  for (const r of append.rows) insertRow.run(append.sessionId, r[0], r[1], r[2], r[3], r[4], r[5], r[6]);
  if (append.status) setStatus.run(append.status[0], append.status[1], append.status[2], append.sessionId);
}
const writeAll = db.transaction((appends) => { for (const a of appends) write(a); });
// the gate shared with the main thread: [0] the writer is in a transaction, [1] the main thread is
const gate = new Int32Array(workerData.gate);
function commit(appends) {
  // let a waiting main-thread write go first, so it never sleeps in SQLite's busy handler
  for (;;) {
    Atomics.store(gate, 0, 1);
    if (Atomics.load(gate, 1) === 0) break;
    Atomics.store(gate, 0, 0);
    Atomics.notify(gate, 0);
    Atomics.wait(gate, 1, 1);
  }
  try {
    writeAll.immediate(appends);
  } finally {
    Atomics.store(gate, 0, 0);
    Atomics.notify(gate, 0);
  }
}
let queue = [];
let scheduled = false;
function flush() {
  scheduled = false;
  const batch = queue;
  queue = [];
  if (!batch.length) return;
  const results = [];
  let commits = 0;
  try {
    commit(batch);
    commits = 1;
    for (const a of batch) results.push({ id: a.id });
  } catch {
    for (const a of batch) {
      try {
        commit([a]);
        commits++;
        results.push({ id: a.id });
      } catch (err) {
        results.push({ id: a.id, error: { message: String(err && err.message), code: err && err.code } });
      }
    }
  }
  parentPort.postMessage({ type: 'done', results, commits });
}
parentPort.on('message', (msg) => {
  if (msg.type === 'close') {
    flush();
    db.close();
    parentPort.close();
    return;
  }
  for (const a of msg.appends) queue.push(a);
  // wait for the rest of the messages already queued, then commit them all together
  if (!scheduled) {
    scheduled = true;
    setImmediate(flush);
  }
});
`;

/**
 * The main thread's side of the writer thread: SqliteStore.append posts here, and the promise resolves
 * once the writer has committed (fsynced, with synchronous=FULL). The event loop never waits on
 * an fsync. Appends requested in one turn of the event loop go over in one message.
 */
export class LogWriterThread {
  private readonly worker: Worker;
  /** [WRITER_BUSY, MAIN_BUSY]: who is in a write transaction (see exclusive) */
  private readonly gate = new Int32Array(new SharedArrayBuffer(8));
  private readonly outstanding = new Map<number, Outstanding>();
  private nextId = 1;
  private pending: (WriterAppend & { id: number })[] = [];
  private postScheduled = false;
  private readonly stopped: Promise<void>;
  private failure: Error | null = null;
  private closing = false;

  /** counts what this writer committed into the store's running totals */
  constructor(
    file: string,
    synchronous: 'FULL' | 'NORMAL',
    private readonly busyTimeoutMs: number,
    private readonly stats: WriterStats,
  ) {
    this.worker = new Worker(WRITER_SOURCE, {
      eval: true,
      // the parent's flags (tsx's loader, vitest's) are not needed by plain JS and slow the start
      execArgv: [],
      workerData: { file, synchronous, busyTimeoutMs, gate: this.gate.buffer, driver: createRequire(import.meta.url).resolve('better-sqlite3') },
    });
    this.worker.unref();
    this.worker.on('message', (reply: Reply) => this.settle(reply));
    this.stopped = new Promise((resolve) => {
      this.worker.once('error', (err) => {
        this.failure = err instanceof Error ? err : new Error(String(err));
      });
      this.worker.once('exit', () => {
        // a thread that died mid-transaction must not hold the gate
        Atomics.store(this.gate, WRITER_BUSY, 0);
        const err = this.failure ?? new Error('the store writer stopped');
        this.failure = err;
        for (const entry of this.outstanding.values()) entry.reject(err);
        this.outstanding.clear();
        resolve();
      });
    });
  }

  /** False once the thread has died or been closed: the store then starts a new one if needed. */
  get usable(): boolean {
    return this.failure === null && !this.closing;
  }

  append(append: WriterAppend): Promise<void> {
    if (!this.usable) return Promise.reject(this.failure ?? new Error('the store is closed'));
    const id = this.nextId++;
    return new Promise<void>((resolve, reject) => {
      this.outstanding.set(id, { resolve, reject });
      // keep the process alive while an append is in flight, and only then
      if (this.outstanding.size === 1) this.worker.ref();
      this.pending.push({ ...append, id });
      if (!this.postScheduled) {
        this.postScheduled = true;
        setImmediate(() => this.post());
      }
    });
  }

  private post(): void {
    this.postScheduled = false;
    if (!this.pending.length) return;
    this.worker.postMessage({ type: 'appends', appends: this.pending });
    this.pending = [];
  }

  private settle(reply: Reply): void {
    this.stats.commits += reply.commits;
    for (const { id, error } of reply.results) {
      const entry = this.outstanding.get(id);
      if (!entry) continue;
      this.outstanding.delete(id);
      if (error) {
        entry.reject(Object.assign(new Error(error.message), { code: error.code }));
      } else {
        this.stats.appends++;
        entry.resolve();
      }
    }
    if (this.outstanding.size === 0 && !this.closing) this.worker.unref();
  }

  /**
   * Run a write on the main thread's connection (createSession, an append retried alone) between
   * two of the writer's transactions: wait for the one in progress, and the writer waits for this
   * one before starting the next. Without this the main thread would sleep in SQLite's busy handler,
   * whose sleeps grow to 100 ms, stalling the event loop. A writer stuck longer than the busy
   * timeout is left to SQLite (the write then fails as busy rather than wait for ever).
   */
  exclusive<T>(write: () => T): T {
    Atomics.store(this.gate, MAIN_BUSY, 1);
    try {
      while (Atomics.load(this.gate, WRITER_BUSY) === 1) {
        if (Atomics.wait(this.gate, WRITER_BUSY, 1, this.busyTimeoutMs) === 'timed-out') break;
      }
      return write();
    } finally {
      Atomics.store(this.gate, MAIN_BUSY, 0);
      Atomics.notify(this.gate, MAIN_BUSY);
    }
  }

  /** Commit everything requested so far, then stop the thread. */
  close(): Promise<void> {
    if (!this.closing) {
      this.closing = true;
      this.post();
      this.worker.ref();
      this.worker.postMessage({ type: 'close' });
    }
    return this.stopped;
  }
}
