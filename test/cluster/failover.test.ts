/**
 * Issue 15's "Done when": three server processes on one PostgreSQL database play 30 Traitors tables
 * with clients connected to random processes; the owner of half of the tables is SIGKILLed mid-game;
 * every table finishes, every acknowledged action is in its log exactly once, and each orphaned
 * table was taken over by exactly one process.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPostgres, type PostgresServer } from '../support/postgres.ts';
import { killOwnerMidGame } from './owner-kill.ts';
import { Cluster, type ServerProcess } from './processes.ts';
import type { SeatClient } from './seat-client.ts';

const TABLES = 30;
// long enough that a survivor starved of CPU (a loaded CI machine) still renews in time: a lease lost that way
// is retaken correctly, but would show as a second takeover of the same session
const LEASE_TTL_MS = 4000;

let pg: PostgresServer;
let cluster: Cluster;
const clients: SeatClient[] = [];

// PostgreSQL's first start can be slow while the rest of the suite keeps the cores busy
beforeAll(async () => {
  pg = await startPostgres();
  cluster = new Cluster(await pg.createDatabase(), { PARLEY_LEASE_TTL_MS: String(LEASE_TTL_MS) });
}, 120_000);

afterAll(async () => {
  for (const client of clients) client.stop();
  await cluster?.stop();
  await pg?.stop();
});

describe('three processes, one database: the owner of half of the tables dies mid-game', () => {
  it('finishes every table with every acknowledged action in its log exactly once, each orphan taken over once', async () => {
    const [victim, ...survivors] = await cluster.start(3);
    const pick = (list: ServerProcess[]) => list[Math.floor(Math.random() * list.length)];
    // half of the tables on the process that will die, the rest on random others; seats on random processes
    await killOwnerMidGame(cluster, victim, survivors, clients, {
      tables: TABLES,
      seedBase: 1000,
      idPrefix: 't',
      survivorFor: (_, list) => pick(list),
      urlsFor: () => () => cluster.liveUrls,
      firstActsTimeoutMs: 120_000,
    });
    // socket seats kept playing through the failover: clients of the dead process reconnected elsewhere
    expect(clients.some((c) => c.connections > 1)).toBe(true);
  }, 300_000);
});
