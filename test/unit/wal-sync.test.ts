/**
 * WalSync: a commit is answered only after an fdatasync that began after it, and commits made while
 * one runs share the next one. A stand-in sync call shows when each sync starts and lets the test
 * finish it; the last test syncs a real file.
 */
import { rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { WalSync } from '../../server/store/wal-sync.ts';
import { tempDir } from '../integration/helpers.ts';

const dir = tempDir('parley-walsync-');
const wal = path.join(dir, 'parley.sqlite-wal');
writeFileSync(wal, 'frames');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A sync call that the test finishes by hand, in the order the syncs began. */
function heldSyncs() {
  const started: ((err: NodeJS.ErrnoException | null) => void)[] = [];
  return { started, sync: (_fd: number, done: (err: NodeJS.ErrnoException | null) => void) => void started.push(done) };
}

const settled = async (promise: Promise<unknown>) => {
  let state = 'pending';
  promise.then(
    () => (state = 'resolved'),
    () => (state = 'rejected'),
  );
  // let every callback already due run first
  await new Promise((resolve) => setImmediate(resolve));
  return state;
};

describe('WalSync', () => {
  it('answers a commit only after a sync that began after it; commits during a sync share the next one', async () => {
    const { started, sync } = heldSyncs();
    const walSync = new WalSync(wal, sync);
    const first = walSync.durable();
    expect(started).toHaveLength(1);
    // two more commits while the first sync runs: it may have begun before their frames were written
    const second = walSync.durable();
    const third = walSync.durable();
    expect(started).toHaveLength(1);
    expect(await settled(first)).toBe('pending');
    started[0](null);
    expect(await settled(first)).toBe('resolved');
    expect(await settled(second)).toBe('pending');
    // the next sync began when the first finished, and covers both
    expect(started).toHaveLength(2);
    started[1](null);
    expect(await settled(second)).toBe('resolved');
    expect(await settled(third)).toBe('resolved');
    expect(started).toHaveLength(2);
    walSync.release();
  });

  it('a failed sync fails its commits with a clear error; the next commit gets a sync of its own', async () => {
    const { started, sync } = heldSyncs();
    const walSync = new WalSync(wal, sync);
    const failed = walSync.durable();
    started[0](Object.assign(new Error('EIO: i/o error'), { code: 'EIO' }));
    await expect(failed).rejects.toThrow(/could not sync the event log to disk \(EIO: i\/o error\); the action was not acknowledged/);
    const next = walSync.durable();
    expect(started).toHaveLength(2);
    started[1](null);
    await expect(next).resolves.toBeUndefined();
    expect(walSync.drain()).toBeNull();
    walSync.release();
    await expect(walSync.durable()).rejects.toThrow('the store is closed');
  });

  it('drain() waits for the sync under way, and is null when none is', async () => {
    const { started, sync } = heldSyncs();
    const walSync = new WalSync(wal, sync);
    expect(walSync.drain()).toBeNull();
    const commit = walSync.durable();
    const draining = walSync.drain()!;
    expect(await settled(draining)).toBe('pending');
    started[0](null);
    // drain's own wait asked for one more sync after the running one
    expect(started).toHaveLength(2);
    started[1](null);
    await draining;
    expect(await settled(commit)).toBe('resolved');
    expect(walSync.drain()).toBeNull();
    walSync.release();
  });

  it('syncs a real file with fdatasync; a missing WAL file is a clear error', async () => {
    await expect(new WalSync(wal).durable()).resolves.toBeUndefined();
    await expect(new WalSync(path.join(dir, 'missing-wal')).durable()).rejects.toThrow(/could not sync the event log to disk \(ENOENT/);
  });
});
