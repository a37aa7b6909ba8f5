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
import { replay } from '../../shared/engine/match.ts';
import { traitors, type TraitorsEvent, type TraitorsState } from '../../shared/games/traitors/index.ts';
import type { CreatedSession, LogRow } from '../../shared/protocol/index.ts';
import { ADMIN_TOKEN, startServerProcess, tempDir } from '../integration/helpers.ts';
import { startPostgres, type PostgresServer } from '../support/postgres.ts';
import { startRedis, type RedisServer } from '../support/redis.ts';
import { Cluster, type ServerProcess, until } from './processes.ts';
import { SeatClient } from './seat-client.ts';

const TABLES = 6;
/** seats played by socket clients at every table; the other six are scripted agents */
const SOCKET_SEATS = [0, 1];
const LEASE_TTL_MS = 2000;

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

/** Resolves once `test` holds, checking every 20 ms; fails after `timeoutMs` saying what it waited for. */
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

    const tables: { session: CreatedSession; owner: ServerProcess; clients: SeatClient[] }[] = [];
    for (let i = 0; i < TABLES; i++) {
      const owner = i < TABLES / 2 ? victim : survivors[i % survivors.length];
      const seats = Array.from({ length: 8 }, (_, seat) => (SOCKET_SEATS.includes(seat) ? { kind: 'external' } : { kind: 'agent', agent: 'scripted' }));
      const session = await cluster.createSession(owner, { game: 'traitors', preset: 'table', seed: 2000 + i, seats, agentDelayMs: 40 });
      tables.push({ session, owner, clients: [] });
    }
    for (const [i, table] of tables.entries()) {
      for (const seat of SOCKET_SEATS) {
        const client = new SeatClient({
          token: table.session.seats[seat].token!,
          // never the process that created (and owns) the table: everything this seat says crosses the adapter
          urls: () => cluster.liveUrls.filter((url) => url !== table.owner.url),
          seed: i * 10 + seat,
          idPrefix: `r${i}-s${seat}`,
          stateWatchdogMs: 10_000,
        });
        table.clients.push(client);
        clients.push(client);
        client.start();
      }
    }

    // acts accepted at every table before the kill: each went socket → Redis → owner → Redis → socket
    await until(() => tables.every((t) => t.clients.some((c) => c.accepted.length > 0)), 60_000, 'an accepted act at every table');
    const unfinishedAtKill = tables.filter((t) => t.owner === victim && t.clients.every((c) => c.latest?.outcome === null));
    await cluster.kill(victim);
    expect(unfinishedAtKill.length).toBeGreaterThan(0);

    await Promise.all(clients.map((c) => c.done));

    const victimSessions = new Set(tables.filter((t) => t.owner === victim).map((t) => t.session.id));
    let takenOver = 0;
    for (const table of tables) {
      const log: LogRow[] = await cluster.events(table.session.id);
      expect(log.map((r) => r.seq)).toEqual(log.map((_, i) => i + 1));
      const game = log.filter((r) => r.kind === 'game').map((r) => r.event);
      const state = replay<TraitorsState, TraitorsEvent>(traitors, game as TraitorsEvent[]);
      expect(traitors.outcome(state)).not.toBeNull();
      for (const client of table.clients) {
        expect(client.accepted.length).toBeGreaterThan(0);
        for (const { clientActionId, version } of client.accepted) {
          const rows = log.filter((r) => r.kind === 'game' && r.clientActionId === clientActionId);
          expect(rows, `${table.session.id}: ${clientActionId}`).toHaveLength(1);
          expect(rows[0].seq).toBeLessThanOrEqual(version);
        }
      }
      const recovered = log.filter((r) => r.kind === 'session' && (r.event as { type: string }).type === 'recovered').length;
      if (victimSessions.has(table.session.id)) {
        expect(recovered).toBeLessThanOrEqual(1);
        takenOver += recovered;
      } else expect(recovered).toBe(0);
    }
    expect(takenOver).toBeGreaterThanOrEqual(unfinishedAtKill.length);
    const takeovers = survivors.flatMap((p) => [...p.output.matchAll(/took over session (\w+)/g)].map((m) => m[1]));
    expect(new Set(takeovers).size).toBe(takeovers.length);
    for (const id of takeovers) expect(victimSessions.has(id)).toBe(true);
    expect(clients.flatMap((c) => c.errors)).toEqual([]);

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
