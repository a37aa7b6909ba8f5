import Database from 'better-sqlite3';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Store, type NewRow, type SessionRecord } from '../../server/store.ts';
import { tempDir } from './helpers.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function record(id: string): SessionRecord {
  return {
    id,
    game: 'trust-split',
    preset: 'paper',
    config: {},
    seed: 1,
    createdAt: 1,
    status: 'active',
    endedAt: null,
    outcome: null,
    seats: [{ seat: 0, name: 'Ada', kind: 'human', token: `${id}-seat0` }],
    spectatorToken: `${id}-spectator`,
    options: { takeoverAfterSec: null, takeoverAgent: 'scripted', agentDelayMs: 0, revealAgents: false, quickplay: false },
  };
}

const row = (type: string, at = 5): NewRow => ({ at, kind: 'game', seat: null, clientActionId: null, event: { type } });

function openStore(): { store: Store; dir: string } {
  const dir = tempDir('parley-store-');
  dirs.push(dir);
  return { store: new Store(dir), dir };
}

describe('Store', () => {
  it('group-commits appends from many sessions, and one bad append does not sink the others', async () => {
    const { store, dir } = openStore();
    store.createSession(record('aaaaaa'), [row('start')]);
    store.createSession(record('bbbbbb'), [row('start')]);
    const good = store.appendDurable('aaaaaa', 2, [row('a2'), row('a3')]);
    const conflicting = store.appendDurable('bbbbbb', 1, [row('again')]); // seq 1 exists
    const alsoGood = store.appendDurable('bbbbbb', 2, [row('b2')], { status: 'finished', at: 9, outcome: { summary: 'done' } });
    await expect(good).resolves.toHaveLength(2);
    await expect(conflicting).rejects.toThrow(/UNIQUE|PRIMARY KEY/);
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
    expect(store.session('bbbbbb')).toMatchObject({ status: 'finished', endedAt: 9, outcome: { summary: 'done' } });
    expect(store.sessionIdsWithStatus('active')).toEqual(['aaaaaa']);
    store.close();
  });

  it('resolves tokens to exactly their own session and seat', () => {
    const { store } = openStore();
    store.createSession(record('aaaaaa'), [row('start')]);
    expect(store.resolveToken('aaaaaa-seat0')).toEqual({ sessionId: 'aaaaaa', seat: 0 });
    expect(store.resolveToken('aaaaaa-spectator')).toEqual({ sessionId: 'aaaaaa', seat: null });
    expect(store.resolveToken('aaaaaa-seat1')).toBeNull();
    store.close();
  });

  it('streams the log as JSON lines page by page, while other writes go on', () => {
    const { store } = openStore();
    store.createSession(record('aaaaaa'), Array.from({ length: 25 }, (_, i) => row(`e${i}`, i)));
    const lines: string[] = [];
    let appended = 25;
    for (const line of store.logLines('aaaaaa', 10)) {
      lines.push(line);
      // a write between lines must not fail ("connection busy") nor be lost
      if (lines.length === 5) store.append('aaaaaa', ++appended, [row('during')]);
    }
    expect(lines).toHaveLength(26);
    const parsed = lines.map((l) => JSON.parse(l));
    expect(parsed[0]).toEqual({ sessionId: 'aaaaaa', seq: 1, batch: 1, at: 0, kind: 'game', seat: null, clientActionId: null, event: { type: 'e0' } });
    expect(parsed.map((p) => p.seq)).toEqual(Array.from({ length: 26 }, (_, i) => i + 1));
    expect(store.log('aaaaaa').map((r) => r.event.type).at(-1)).toBe('during');
    store.close();
  });
});
