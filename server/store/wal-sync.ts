/**
 * Durable commits without an fsync on the event loop. The SQLite connection runs WAL with
 * `synchronous = NORMAL`, so a commit only writes its frames to the WAL file; whoever must not
 * answer before the commit is on disk awaits `durable()`, which resolves once an fdatasync of the
 * WAL file that began after the call has finished. The fdatasync runs on libuv's thread pool, so
 * the loop goes on serving sockets meanwhile, and one fdatasync covers every commit made before it
 * began: commits arriving while one runs wait for the next, and group by themselves.
 *
 * This is what `synchronous = FULL` does (sync the WAL after each commit), moved off the loop:
 * an acknowledged commit is on disk either way. Linux syncs a file's data through any descriptor of
 * it, so a descriptor of our own on the WAL file serves. SQLite keeps the same WAL file (the same
 * inode) while a connection is open: it rewinds it after a checkpoint, never replaces it.
 */
import { closeSync, fdatasync, openSync } from 'node:fs';

interface Waiter {
  resolve(): void;
  reject(err: Error): void;
}

export class WalSync {
  private fd: number | null = null;
  /** waiting for an fdatasync that has not started yet */
  private pending: Waiter[] = [];
  private running = false;
  private closed = false;

  constructor(
    private readonly walPath: string,
    /** the sync call (a test's stand-in sees when each starts and ends) */
    private readonly sync: (fd: number, done: (err: NodeJS.ErrnoException | null) => void) => void = fdatasync,
  ) {}

  /** Resolves once everything committed before this call is on disk. */
  durable(): Promise<void> {
    if (this.closed) return Promise.reject(new Error('the store is closed'));
    return new Promise((resolve, reject) => {
      this.pending.push({ resolve, reject });
      if (!this.running) this.start();
    });
  }

  private start(): void {
    const batch = this.pending;
    this.pending = [];
    this.running = true;
    let fd: number;
    try {
      // opened on first use: the WAL file exists once something has been committed
      fd = this.fd ??= openSync(this.walPath, 'r');
    } catch (err) {
      this.finish(batch, err as Error);
      return;
    }
    this.sync(fd, (err) => this.finish(batch, err));
  }

  private finish(batch: Waiter[], err: Error | null): void {
    this.running = false;
    for (const waiter of batch) {
      if (err) waiter.reject(new Error(`could not sync the event log to disk (${err.message}); the action was not acknowledged`));
      else waiter.resolve();
    }
    if (this.pending.length) this.start();
  }

  /** After the last commit: resolves when the syncs under way have finished, or null when none is. */
  drain(): Promise<void> | null {
    return this.running || this.pending.length ? this.durable().catch(() => undefined) : null;
  }

  /** Let the descriptor go (after drain()); later calls to durable() fail. */
  release(): void {
    this.closed = true;
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
  }
}
