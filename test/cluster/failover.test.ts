/**
 * Issue 15's "Done when": three server processes on one PostgreSQL database play 30 Traitors tables
 * with clients connected to random processes; the owner of half of the tables is SIGKILLed mid-game;
 * every table finishes, every acknowledged action is in its log exactly once, and each orphaned
 * table was taken over by exactly one process.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { replay } from '../../shared/engine/match.ts';
import { traitors, type TraitorsEvent, type TraitorsState } from '../../shared/games/traitors/index.ts';
import type { CreatedSession, LogRow } from '../../shared/protocol/index.ts';
import { startPostgres, type PostgresServer } from '../support/postgres.ts';
import { Cluster, type ServerProcess, until } from './processes.ts';
import { SeatClient } from './seat-client.ts';

const TABLES = 30;
/** seats played by socket clients at every table; the other six are scripted agents */
const SOCKET_SEATS = [0, 1];
const LEASE_TTL_MS = 2000;

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

/** Resolves once `test` holds, checking every 20 ms; fails after `timeoutMs` saying what it waited for. */
describe('three processes, one database: the owner of half of the tables dies mid-game', () => {
  it('finishes every table with every acknowledged action in its log exactly once, each orphan taken over once', async () => {
    const [victim, ...survivors] = await cluster.start(3);
    const pick = (list: ServerProcess[]) => list[Math.floor(Math.random() * list.length)];

    // half of the tables on the process that will die, the rest on random others: whoever creates a table owns it
    const tables: { session: CreatedSession; owner: ServerProcess; clients: SeatClient[] }[] = [];
    for (let i = 0; i < TABLES; i++) {
      const owner = i < TABLES / 2 ? victim : pick(survivors);
      const seats = Array.from({ length: 8 }, (_, seat) => (SOCKET_SEATS.includes(seat) ? { kind: 'external' } : { kind: 'agent', agent: 'scripted' }));
      const session = await cluster.createSession(owner, { game: 'traitors', preset: 'table', seed: 1000 + i, seats, agentDelayMs: 40 });
      tables.push({ session, owner, clients: [] });
    }
    for (const [i, table] of tables.entries()) {
      for (const seat of SOCKET_SEATS) {
        const client = new SeatClient({ token: table.session.seats[seat].token!, urls: () => cluster.liveUrls, seed: i * 10 + seat, idPrefix: `t${i}-s${seat}`, stateWatchdogMs: 10_000 });
        table.clients.push(client);
        clients.push(client);
        client.start();
      }
    }

    // mid-game: once socket seats at every table have had actions accepted (through whichever process they reached)
    await until(() => tables.every((t) => t.clients.some((c) => c.accepted.length > 0)), 120_000, 'an accepted act at every table');
    const unfinishedAtKill = tables.filter((t) => t.owner === victim && t.clients.every((c) => c.latest?.outcome === null));
    await cluster.kill(victim);
    expect(unfinishedAtKill.length).toBeGreaterThan(0);

    await Promise.all(clients.map((c) => c.done));

    const victimSessions = new Set(tables.filter((t) => t.owner === victim).map((t) => t.session.id));
    let takenOver = 0;
    for (const table of tables) {
      const log: LogRow[] = await cluster.events(table.session.id);
      // one row per seq, numbered without a gap
      expect(log.map((r) => r.seq)).toEqual(log.map((_, i) => i + 1));
      // the log is one game: it replays from the start to the outcome the table ended with
      const game = log.filter((r) => r.kind === 'game').map((r) => r.event);
      const state = replay<TraitorsState, TraitorsEvent>(traitors, game as TraitorsEvent[]);
      expect(traitors.outcome(state)).not.toBeNull();
      // every acknowledged action exactly once, in the batch its ack named
      for (const client of table.clients) {
        for (const { clientActionId, version } of client.accepted) {
          const rows = log.filter((r) => r.kind === 'game' && r.clientActionId === clientActionId);
          expect(rows, `${table.session.id}: ${clientActionId}`).toHaveLength(1);
          expect(rows[0].seq).toBeLessThanOrEqual(version);
        }
      }
      // a takeover logs `recovered` once; a table that never lost its owner has none
      const recovered = log.filter((r) => r.kind === 'session' && (r.event as { type: string }).type === 'recovered').length;
      if (victimSessions.has(table.session.id)) {
        expect(recovered).toBeLessThanOrEqual(1);
        takenOver += recovered;
      } else expect(recovered).toBe(0);
    }
    // every table unfinished at the kill was taken over (some may have finished in between)
    expect(takenOver).toBeGreaterThanOrEqual(unfinishedAtKill.length);
    // and by exactly one survivor each, as their logs say
    const takeovers = survivors.flatMap((p) => [...p.output.matchAll(/took over session (\w+)/g)].map((m) => m[1]));
    expect(new Set(takeovers).size).toBe(takeovers.length);
    for (const id of takeovers) expect(victimSessions.has(id)).toBe(true);
    expect(clients.flatMap((c) => c.errors)).toEqual([]);
    // socket seats kept playing through the failover: clients of the dead process reconnected elsewhere
    expect(clients.some((c) => c.connections > 1)).toBe(true);
  }, 300_000);
});
