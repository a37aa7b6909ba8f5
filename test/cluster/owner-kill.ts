/**
 * The scenario both failover tests play (PostgreSQL adapter and Redis Streams): Traitors tables
 * with two socket seats each, half of them created on the process that will die; the socket seats
 * act until every table has an accepted act, the owner is SIGKILLed, and every table must finish
 * with every acknowledged action in its log exactly once, each orphan taken over by one survivor.
 */
import { expect } from 'vitest';
import { replay } from '../../shared/engine/match.ts';
import { traitors, type TraitorsEvent, type TraitorsState } from '../../shared/games/traitors/index.ts';
import type { CreatedSession, LogRow } from '../../shared/protocol/index.ts';
import { type Cluster, type ServerProcess, until } from './processes.ts';
import { SeatClient } from './seat-client.ts';

/** seats played by socket clients at every table; the other six are scripted agents */
const SOCKET_SEATS = [0, 1];

export interface Table {
  session: CreatedSession;
  owner: ServerProcess;
  clients: SeatClient[];
}

export interface OwnerKillOptions {
  tables: number;
  seedBase: number;
  idPrefix: string;
  /** the other processes, in the order tables not on the victim are dealt to them */
  survivorFor: (i: number, survivors: ServerProcess[]) => ServerProcess;
  /** the URLs a table's seat may (re)connect to */
  urlsFor: (table: Table) => () => string[];
  firstActsTimeoutMs: number;
}

/** Play the scenario to the end and check every table's log; the clients are pushed to `clients` for cleanup. */
export async function killOwnerMidGame(cluster: Cluster, victim: ServerProcess, survivors: ServerProcess[], clients: SeatClient[], options: OwnerKillOptions): Promise<Table[]> {
  const tables: Table[] = [];
  for (let i = 0; i < options.tables; i++) {
    const owner = i < options.tables / 2 ? victim : options.survivorFor(i, survivors);
    const seats = Array.from({ length: 8 }, (_, seat) => (SOCKET_SEATS.includes(seat) ? { kind: 'external' } : { kind: 'agent', agent: 'scripted' }));
    const session = await cluster.createSession(owner, { game: 'traitors', preset: 'table', seed: options.seedBase + i, seats, agentDelayMs: 40 });
    tables.push({ session, owner, clients: [] });
  }
  for (const [i, table] of tables.entries()) {
    for (const seat of SOCKET_SEATS) {
      const client = new SeatClient({ token: table.session.seats[seat].token!, urls: options.urlsFor(table), seed: i * 10 + seat, idPrefix: `${options.idPrefix}${i}-s${seat}`, stateWatchdogMs: 10_000 });
      table.clients.push(client);
      clients.push(client);
      client.start();
    }
  }

  // mid-game: once socket seats at every table have had actions accepted (through whichever process they reached)
  await until(() => tables.every((t) => t.clients.some((c) => c.accepted.length > 0)), options.firstActsTimeoutMs, 'an accepted act at every table');
  const unfinishedAtKill = tables.filter((t) => t.owner === victim && t.clients.every((c) => c.latest?.outcome === null));
  await cluster.kill(victim);
  expect(unfinishedAtKill.length).toBeGreaterThan(0);
  const mine = tables.flatMap((t) => t.clients);
  await Promise.all(mine.map((c) => c.done));

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
  expect(mine.flatMap((c) => c.errors)).toEqual([]);
  return tables;
}
