import { rmSync } from 'node:fs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { scriptedAgentResolver } from '../../server/agents.ts';
import { Sessions } from '../../server/sessions.ts';
import { SqliteStore } from '../../server/store/sqlite.ts';
import { GAMES } from '../../shared/games/index.ts';
import { tempDir } from './helpers.ts';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function openSessions(store: SqliteStore): Sessions {
  const sessions = new Sessions({ store, games: GAMES, resolvers: [scriptedAgentResolver], now: Date.now, log: () => {} });
  cleanups.push(() => sessions.closeAll());
  return sessions;
}

/** A store with one unfinished two-human session in it, as a server leaves it when it stops. */
async function storeWithSession(): Promise<{ store: SqliteStore; id: string; tokens: string[] }> {
  const dir = tempDir('parley-sessions-');
  const store = new SqliteStore(dir);
  cleanups.push(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const record = await openSessions(store).create(
    { game: 'trust-split', preset: 'paper', seed: 4, seats: [{ kind: 'human' }, { kind: 'human' }] },
    { quickplay: false },
  );
  return { store, id: record.id, tokens: record.seats.map((s) => s.token!) };
}

describe('Sessions loads rooms from the store on demand', () => {
  it('builds a room once when several requests for it arrive together', async () => {
    const { store, id, tokens } = await storeWithSession();
    // another registry over the same store (a restarted server): nothing is loaded yet
    const sessions = openSessions(store);
    const readLog = vi.spyOn(store, 'log');
    const [byId, again, bySeat0, bySeat1] = await Promise.all([
      sessions.room(id),
      sessions.room(id),
      sessions.resolveToken(tokens[0]),
      sessions.resolveToken(tokens[1]),
    ]);
    expect(byId).not.toBeNull();
    expect(again).toBe(byId);
    expect(bySeat0).toEqual({ room: byId, seat: 0 });
    expect(bySeat1).toEqual({ room: byId, seat: 1 });
    expect(readLog).toHaveBeenCalledTimes(1);
    expect(sessions.loadedRooms).toBe(1);
    // loaded now: answered from memory
    expect(await sessions.room(id)).toBe(byId);
    expect(readLog).toHaveBeenCalledTimes(1);
  });

  it('answers null for an unknown session or token, and asks the store again next time', async () => {
    const { store } = await storeWithSession();
    const sessions = openSessions(store);
    const readSession = vi.spyOn(store, 'session');
    expect(await Promise.all([sessions.room('ffffffffffff'), sessions.room('ffffffffffff')])).toEqual([null, null]);
    expect(readSession).toHaveBeenCalledTimes(1);
    expect(await sessions.room('ffffffffffff')).toBeNull();
    expect(readSession).toHaveBeenCalledTimes(2);
    expect(await sessions.resolveToken('no-such-token')).toBeNull();
    expect(await sessions.room('constructor')).toBeNull();
    expect(sessions.loadedRooms).toBe(0);
  });

  it('lets a second load try again after one failed', async () => {
    const { store, id } = await storeWithSession();
    const sessions = openSessions(store);
    vi.spyOn(store, 'log').mockRejectedValueOnce(new Error('the database went away'));
    const [first, second] = await Promise.allSettled([sessions.room(id), sessions.room(id)]);
    expect(first).toMatchObject({ status: 'rejected', reason: { message: 'the database went away' } });
    expect(second).toEqual(first);
    expect(sessions.loadedRooms).toBe(0);
    const room = await sessions.room(id);
    expect(room?.id).toBe(id);
    expect(sessions.loadedRooms).toBe(1);
  });
});
