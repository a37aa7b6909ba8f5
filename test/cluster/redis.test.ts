/**
 * PARLEY_REDIS_URL: the processes' Socket.io traffic goes through Redis Streams instead of
 * PostgreSQL (leases and the event log stay in PostgreSQL). Three processes play Traitors tables
 * whose socket seats are all connected to processes that do NOT own the table, so every act, ack
 * and state crosses Redis; the owner of half of the tables is SIGKILLed mid-game; every table
 * finishes with every acknowledged action in its log exactly once.
 */
import { rmSync } from 'node:fs';
import pgClient from 'pg';
import { createClient } from 'redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, startServerProcess, tempDir } from '../integration/helpers.ts';
import { startPostgres, type PostgresServer } from '../support/postgres.ts';
import { startRedis, type RedisServer } from '../support/redis.ts';
import { killOwnerMidGame } from './owner-kill.ts';
import { Cluster } from './processes.ts';
import type { SeatClient } from './seat-client.ts';

const TABLES = 6;
// as in failover.test.ts: a survivor starved of CPU must still renew in time
const LEASE_TTL_MS = 4000;

let pg: PostgresServer;
let redis: RedisServer;
let databaseUrl: string;
let cluster: Cluster;
const clients: SeatClient[] = [];

beforeAll(async () => {
  [pg, redis] = await Promise.all([startPostgres(), startRedis()]);
  databaseUrl = await pg.createDatabase();
  cluster = new Cluster(databaseUrl, { PARLEY_LEASE_TTL_MS: String(LEASE_TTL_MS), PARLEY_REDIS_URL: redis.url });
}, 120_000);

afterAll(async () => {
  for (const client of clients) client.stop();
  await cluster?.stop();
  await redis?.stop();
  await pg?.stop();
});

describe('PARLEY_REDIS_URL: Socket.io traffic between the processes through Redis Streams', () => {
  it('refuses to start without PARLEY_DATABASE_URL, saying why', async () => {
    const dataDir = tempDir('parley-redis-alone-');
    try {
      await expect(startServerProcess(dataDir, ADMIN_TOKEN, { PARLEY_REDIS_URL: redis.url })).rejects.toThrow(/exited with 2[\s\S]*PARLEY_REDIS_URL needs PARLEY_DATABASE_URL/);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('three processes: acts and states cross Redis, the owner of half of the tables dies, every acknowledged action is logged once', async () => {
    const [victim, ...survivors] = await cluster.start(3);
    for (const proc of [victim, ...survivors]) {
      expect(proc.startOutput).toContain(`socket.io adapter: Redis Streams at ${redis.url}`);
      expect(proc.startOutput).not.toContain('socket.io adapter: PostgreSQL');
    }

    const tables = await killOwnerMidGame(cluster, victim, survivors, clients, {
      tables: TABLES,
      seedBase: 2000,
      idPrefix: 'r',
      survivorFor: (i, list) => list[i % list.length],
      // never the process that created (and owns) the table: everything a seat says crosses Redis
      urlsFor: (table) => () => cluster.liveUrls.filter((url) => url !== table.owner.url),
      firstActsTimeoutMs: 60_000,
    });
    // every socket seat had acts accepted, each through socket → Redis → owner → Redis → socket
    for (const client of tables.flatMap((t) => t.clients)) expect(client.accepted.length).toBeGreaterThan(0);

    // the broadcasts went through Redis's stream, and the PostgreSQL adapter never ran (it would have made its table)
    const client = createClient({ url: redis.url });
    await client.connect();
    try {
      expect(await client.xLen('socket.io')).toBeGreaterThan(0);
    } finally {
      await client.quit();
    }
    const db = new pgClient.Client({ connectionString: databaseUrl });
    await db.connect();
    try {
      expect((await db.query("SELECT to_regclass('socket_io_attachments') AS t")).rows[0].t).toBeNull();
    } finally {
      await db.end();
    }

    // a survivor stops cleanly: its rooms, leases and Redis client closed, exit 0
    const [leaving] = survivors;
    const exited = new Promise<number | null>((resolve) => leaving.child.once('exit', (code) => resolve(code)));
    leaving.child.kill('SIGTERM');
    expect(await exited).toBe(0);
  }, 120_000);
});
