import Database from 'better-sqlite3';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SeqConflictError, type NewRow } from '../../server/store/index.ts';
import { SqliteStore } from '../../server/store/sqlite.ts';
import { sessionRecordFixture, tempDir } from './helpers.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});


const row = (type: string, at = 5): NewRow => ({ at, kind: 'game', seat: null, clientActionId: null, event: { type } });

function openStore(): { store: SqliteStore; dir: string } {
  const dir = tempDir('parley-store-');
  dirs.push(dir);
  return { store: new SqliteStore(dir), dir };
}

/** What another connection (another process, after a crash) finds on disk. */
function onDisk(dir: string, sql: string): unknown[] {
  const reader = new Database(path.join(dir, 'parley.sqlite'), { readonly: true });
  try {
    return reader.prepare(sql).all();
  } finally {
    reader.close();
  }
}

describe('SqliteStore append', () => {
  it('group-commits appends from many sessions, and one bad append does not sink the others', async () => {
    const { store, dir } = openStore();
    await store.createSession(sessionRecordFixture('aaaaaa'), [row('start')]);
    await store.createSession(sessionRecordFixture('bbbbbb'), [row('start')]);
    const good = store.append('aaaaaa', 2, [row('a2'), row('a3')]);
    const conflicting = store.append('bbbbbb', 1, [row('again')]); // seq 1 exists
    const alsoGood = store.append('bbbbbb', 2, [row('b2')], { status: 'finished', at: 9, outcome: { summary: 'done' } });
    await expect(good).resolves.toHaveLength(2);
    await expect(conflicting).rejects.toThrow(new SeqConflictError('bbbbbb', 1));
    await expect(conflicting).rejects.toBeInstanceOf(SeqConflictError);
    await expect(alsoGood).resolves.toMatchObject([{ seq: 2, batch: 2 }]);

    // durable: another connection sees exactly the committed rows
    const reader = new Database(path.join(dir, 'parley.sqlite'), { readonly: true });
    const rows = reader.prepare('SELECT session_id, seq, batch, event FROM log ORDER BY session_id, seq').all();
    expect(rows).toEqual([
      { session_id: 'aaaaaa', seq: 1, batch: 1, event: '{"type":"start"}' },
      { session_id: 'aaaaaa', seq: 2, batch: 2, event: '{"type":"a2"}' },
      { session_id: 'aaaaaa', seq: 3, batch: 2, event: '{"type":"a3"}' },
      { session_id: 'bbbbbb', seq: 1, batch: 1, event: '{"type":"start"}' },
      { session_id: 'bbbbbb', seq: 2, batch: 2, event: '{"type":"b2"}' },
    ]);
    reader.close();
    expect(await store.session('bbbbbb')).toMatchObject({ status: 'finished', endedAt: 9, outcome: { summary: 'done' } });
    expect(await store.sessionIdsWithStatus('active')).toEqual(['aaaaaa']);
    await store.close();
  });

  it('commits concurrent rooms in order, each append readable as soon as it resolves, sharing commits', async () => {
    const { store, dir } = openStore();
    const ids = Array.from({ length: 12 }, (_, i) => `room${String(i).padStart(2, '0')}`);
    for (const id of ids) await store.createSession(sessionRecordFixture(id), [row('start')]);
    const before = store.writerStats;
    // each "room" appends, awaits the commit, then appends again, like Room.commitGame
    await Promise.all(
      ids.map(async (id) => {
        let seq = 2;
        for (let i = 0; i < 15; i++) {
          const size = 1 + (i % 3);
          const written = await store.append(
            id,
            seq,
            Array.from({ length: size }, (_, k) => row(`${id}-${i}-${k}`, i)),
          );
          expect(written.map((w) => w.seq)).toEqual(Array.from({ length: size }, (_, k) => seq + k));
          seq += size;
          // read right after the promise resolved: the rows are there
          expect((await store.log(id)).at(-1)).toMatchObject({ seq: seq - 1, batch: seq - size, event: { type: `${id}-${i}-${size - 1}` } });
        }
      }),
    );
    for (const id of ids) {
      const rows = onDisk(dir, `SELECT seq, event FROM log WHERE session_id = '${id}' ORDER BY seq`) as { seq: number; event: string }[];
      expect(rows.map((r) => r.seq)).toEqual(Array.from({ length: rows.length }, (_, i) => i + 1));
      expect(rows).toHaveLength(1 + 15 * 2);
    }
    const stats = store.writerStats;
    expect(stats.appends - before.appends).toBe(12 * 15);
    // the first appends of all twelve rooms were requested together: they shared one commit at least
    expect(stats.commits - before.commits).toBeLessThan(12 * 15);
    await store.close();
  });

  it('writes one session\'s appends in the order requested, status changes included', async () => {
    const { store } = openStore();
    await store.createSession(sessionRecordFixture('aaaaaa'), [row('start')]);
    const finished = store.append('aaaaaa', 2, [row('last move')], { status: 'finished', at: 7, outcome: { winner: 0 } });
    const ended = store.append('aaaaaa', 3, [row('ended')], { status: 'ended', at: 8, outcome: null });
    await Promise.all([finished, ended]);
    expect(await store.session('aaaaaa')).toMatchObject({ status: 'ended', endedAt: 8, outcome: null });
    expect((await store.log('aaaaaa')).map((r) => r.event.type)).toEqual(['start', 'last move', 'ended']);
    await store.close();
  });

  it('rejects a failing append alone, and it changes nothing, its status change included', async () => {
    const { store, dir } = openStore();
    await store.createSession(sessionRecordFixture('aaaaaa'), [row('start')]);
    await store.append('aaaaaa', 3, [row('three')]);
    // requested together, so they go into one transaction together
    const results = await Promise.allSettled([
      store.append('aaaaaa', 4, [row('four')]),
      // seq 2 is free but seq 3 is taken: neither row may land, nor the status
      store.append('aaaaaa', 2, [row('half'), row('collides')], { status: 'finished', at: 9, outcome: null }),
      store.append('nosuch', 1, [row('orphan')]),
      store.append('aaaaaa', 2, [row('two')]),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'rejected', 'fulfilled']);
    expect((results[1] as PromiseRejectedResult).reason).toEqual(new SeqConflictError('aaaaaa', 2));
    expect((results[1] as PromiseRejectedResult).reason).toBeInstanceOf(SeqConflictError);
    expect((results[2] as PromiseRejectedResult).reason.message).toMatch(/FOREIGN KEY/);
    expect(onDisk(dir, 'SELECT session_id, seq, event FROM log ORDER BY session_id, seq')).toEqual([
      { session_id: 'aaaaaa', seq: 1, event: '{"type":"start"}' },
      { session_id: 'aaaaaa', seq: 2, event: '{"type":"two"}' },
      { session_id: 'aaaaaa', seq: 3, event: '{"type":"three"}' },
      { session_id: 'aaaaaa', seq: 4, event: '{"type":"four"}' },
    ]);
    expect(await store.session('aaaaaa')).toMatchObject({ status: 'active', endedAt: null });
    await store.close();
  });

  it('close() commits every append still in flight', async () => {
    const { store, dir } = openStore();
    await store.createSession(sessionRecordFixture('aaaaaa'), [row('start')]);
    const inFlight = Array.from({ length: 20 }, (_, i) => store.append('aaaaaa', 2 + i, [row(`e${i}`)]));
    await store.close();
    await expect(Promise.all(inFlight)).resolves.toHaveLength(20);
    expect(onDisk(dir, 'SELECT count(*) AS n FROM log')).toEqual([{ n: 21 }]);
    await expect(store.append('aaaaaa', 22, [row('late')])).rejects.toThrow(/closed/);
    const reopened = new SqliteStore(dir);
    expect((await reopened.log('aaaaaa')).map((r) => r.seq)).toEqual(Array.from({ length: 21 }, (_, i) => i + 1));
    await reopened.close();
  });
});

describe('SqliteStore', () => {
  it('takes synchronous writes (createSession) between group commits still in flight', async () => {
    const { store } = openStore();
    await store.createSession(sessionRecordFixture('aaaaaa'), [row('start')]);
    const appends: Promise<unknown>[] = [];
    for (let i = 0; i < 40; i++) {
      appends.push(store.append('aaaaaa', 2 + i, [row(`e${i}`)]));
      // a new session between the appends' group commits, some of them still awaiting their fsync
      if (i % 4 === 0) {
        await new Promise<void>((resolve) => setImmediate(resolve));
        await store.createSession(sessionRecordFixture(`s${String(i).padStart(5, '0')}`), [row('start')]);
      }
    }
    await Promise.all(appends);
    expect(await store.log('aaaaaa')).toHaveLength(41);
    expect(await store.sessions()).toHaveLength(11);
    await store.close();
  });

  it('resolves tokens to exactly their own session and seat', async () => {
    const { store } = openStore();
    await store.createSession(sessionRecordFixture('aaaaaa'), [row('start')]);
    expect(await store.resolveToken('aaaaaa-seat0')).toEqual({ sessionId: 'aaaaaa', seat: 0 });
    expect(await store.resolveToken('aaaaaa-spectator')).toEqual({ sessionId: 'aaaaaa', seat: null });
    expect(await store.resolveToken('aaaaaa-seat1')).toBeNull();
    void store.close(); // no append in flight: closes at once
    await expect(store.session('aaaaaa')).rejects.toThrow(/not open/);
  });

  it('streams the log as JSON lines page by page, while other writes go on', async () => {
    const { store } = openStore();
    await store.createSession(sessionRecordFixture('aaaaaa'), Array.from({ length: 25 }, (_, i) => row(`e${i}`, i)));
    const lines: string[] = [];
    let appended = 25;
    for await (const line of store.logLines('aaaaaa', 10)) {
      lines.push(line);
      // a write between lines must not fail ("connection busy") nor be lost
      if (lines.length === 5) await store.append('aaaaaa', ++appended, [row('during')]);
    }
    expect(lines).toHaveLength(26);
    const parsed = lines.map((l) => JSON.parse(l));
    expect(parsed[0]).toEqual({ sessionId: 'aaaaaa', seq: 1, batch: 1, at: 0, kind: 'game', seat: null, clientActionId: null, event: { type: 'e0' } });
    expect(parsed.map((p) => p.seq)).toEqual(Array.from({ length: 26 }, (_, i) => i + 1));
    expect((await store.log('aaaaaa')).map((r) => r.event.type).at(-1)).toBe('during');
    await store.close();
  });
});
