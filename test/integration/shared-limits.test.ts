/**
 * RateLimit over the PostgreSQL store's shared counters (server/store/postgres-limits.ts): two stores
 * on one database (two processes) share one allowance; any key a client can send is counted; and a
 * database that is gone or hangs falls back to counting in this process, never throwing.
 */
import { createServer, type Server, type Socket } from 'node:net';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RateLimit, storableKey } from '../../server/limits.ts';
import { PostgresSharedLimits } from '../../server/store/postgres-limits.ts';
import { createPool } from '../../server/store/postgres-pool.ts';
import { PostgresStore } from '../../server/store/postgres.ts';
import { startPostgres, type PostgresServer } from '../support/postgres.ts';

let postgres: PostgresServer;
let url: string;
const stores: PostgresStore[] = [];

beforeAll(async () => {
  postgres = await startPostgres();
  url = await postgres.createDatabase();
}, 120_000);

afterAll(async () => {
  await Promise.all(stores.map((s) => s.close()));
  await postgres?.stop();
});

async function open(): Promise<PostgresStore> {
  const store = await PostgresStore.open(url);
  stores.push(store);
  return store;
}

async function rowKeys(prefix: string): Promise<string[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<{ key: string }>('SELECT key FROM rate_limits WHERE key LIKE $1 ORDER BY key', [`${prefix}:%`])).rows.map((r) => r.key);
  } finally {
    await client.end();
  }
}

describe('shared rate limits on PostgreSQL', () => {
  it('count one allowance over two stores on one database, per key and per limit', async () => {
    const [one, two] = [await open(), await open()];
    const onOne = new RateLimit(3, 60, { counters: one.sharedLimits, keyPrefix: 'both' });
    const onTwo = new RateLimit(3, 60, { counters: two.sharedLimits, keyPrefix: 'both' });
    expect(await onOne.take('10.0.0.1')).toBeNull();
    expect(await onOne.take('10.0.0.1')).toBeNull();
    expect(await onTwo.take('10.0.0.1')).toBeNull();
    for (const limit of [onTwo, onOne]) {
      const refused = await limit.take('10.0.0.1');
      expect(refused?.retryAfterMs).toBeGreaterThan(0);
      expect(refused?.retryAfterMs).toBeLessThanOrEqual(60_000);
    }
    // another key, and another limit (prefix) with the same key, count apart
    expect(await onTwo.take('10.0.0.2')).toBeNull();
    expect(await new RateLimit(3, 60, { counters: two.sharedLimits, keyPrefix: 'other' }).take('10.0.0.1')).toBeNull();
    expect(await rowKeys('both')).toEqual(['both:10.0.0.1', 'both:10.0.0.2']);
  });

  it('take any key a client can send: long, NUL, not ASCII (stored as its SHA-256)', async () => {
    const store = await open();
    const limit = new RateLimit(1, 60, { counters: store.sharedLimits, keyPrefix: 'odd' });
    const keys = ['t'.repeat(5000), 'a\u0000b', 'žeton-🙂'];
    for (const key of keys) expect(await limit.take(key)).toBeNull();
    for (const key of keys) expect(await limit.take(key)).not.toBeNull();
    const stored = await rowKeys('odd');
    expect(stored).toHaveLength(3);
    for (const key of stored) expect(key).toMatch(/^odd:sha256:[0-9a-f]{64}$/);
    expect(storableKey('10.0.0.1')).toBe('10.0.0.1');
    expect(storableKey('::ffff:127.0.0.1')).toBe('::ffff:127.0.0.1');
  });

  it('count in memory when the database is gone (pool ended), without throwing', async () => {
    const store = await PostgresStore.open(url);
    const limit = new RateLimit(2, 60, { counters: store.sharedLimits, keyPrefix: 'gone' });
    await store.close();
    expect(await limit.take('10.0.0.1')).toBeNull();
    expect(await limit.take('10.0.0.1')).toBeNull();
    expect((await limit.take('10.0.0.1'))?.retryAfterMs).toBeGreaterThan(0);
    expect(await limit.take('10.0.0.2')).toBeNull();
  });

  it('count in memory when the database does not answer, after the timeout rather than the connect timeout', async () => {
    // a server that accepts connections and never says a word
    const sockets: Socket[] = [];
    const silent: Server = createServer((socket) => sockets.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as { port: number };
    const pool = createPool(`postgres://nobody@127.0.0.1:${port}/none`);
    const counters = new PostgresSharedLimits(pool, 300);
    try {
      const limit = new RateLimit(1, 60, { counters, keyPrefix: 'silent' });
      const started = Date.now();
      expect(await limit.take('10.0.0.1')).toBeNull();
      expect((await limit.take('10.0.0.1'))?.retryAfterMs).toBeGreaterThan(0);
      // two timeouts of 300 ms, far below the pool's 10 s connect timeout
      expect(Date.now() - started).toBeLessThan(5_000);
    } finally {
      counters.close();
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => silent.close(resolve));
      await pool.end().catch(() => undefined);
    }
  });
});
