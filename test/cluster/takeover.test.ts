/**
 * One owner per session, whatever the races: two processes taking the same orphans over at once
 * end with one room each (one `recovered` row, one lease holder); a process that finds its lease
 * gone closes the room without writing another row, and the session carries on under the next owner.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LogRow } from '../../shared/protocol/index.ts';
import { bootServer, connectClient, type TestServer } from '../integration/helpers.ts';
import { startPostgres, type PostgresServer } from '../support/postgres.ts';
import { PostgresStore } from '../../server/store/postgres.ts';
import { SeqConflictError } from '../../server/store/types.ts';
import { Cluster, until } from './processes.ts';

const LEASE_TTL_MS = 1000;

let postgres: PostgresServer;
const servers: TestServer[] = [];
const clusters: Cluster[] = [];

// PostgreSQL's first start can be slow while the rest of the suite keeps the cores busy
beforeAll(async () => {
  postgres = await startPostgres();
}, 120_000);

afterAll(async () => {
  await Promise.all(servers.map((s) => s.close().catch(() => undefined)));
  for (const c of clusters) await c.stop();
  await postgres?.stop();
});

async function boot(databaseUrl: string, logs: string[]): Promise<TestServer> {
  const server = await bootServer({ databaseUrl, cluster: { leaseTtlMs: LEASE_TTL_MS }, log: (line) => logs.push(line) });
  servers.push(server);
  return server;
}

const typeOf = (row: LogRow) => (row.event as { type: string }).type;
const liveHere = (server: TestServer, id: string) => [...server.server.sessions.loaded()].some((room) => room.id === id && room.status === 'active');

describe('one owner per session', () => {
  it('two processes taking over the same orphaned sessions at once: one room each, one recovered row each', async () => {
    const databaseUrl = await postgres.createDatabase();
    // the sessions' first owner, SIGKILLed: its leases simply run out
    const first = new Cluster(databaseUrl, { PARLEY_LEASE_TTL_MS: String(LEASE_TTL_MS) });
    clusters.push(first);
    const logsA: string[] = [];
    const logsB: string[] = [];
    const [[dying], a, b] = await Promise.all([first.start(1), boot(databaseUrl, logsA), boot(databaseUrl, logsB)]);
    const ids: string[] = [];
    // two human seats nobody connects: the tables wait, so every row after the kill is the takeover's
    for (let i = 0; i < 16; i++) ids.push((await first.createSession(dying, { game: 'trust-split', seats: [{ kind: 'human' }, { kind: 'human' }] })).id);
    await first.kill(dying);

    const db = new pg.Client({ connectionString: databaseUrl });
    await db.connect();
    try {
      // the moment the dead owner's leases run out, both processes' orphan scans race for them, and
      // each process is asked for every session at once as well (clients reconnecting to both)
      await until(async () => (await db.query("SELECT 1 FROM leases WHERE expires_at > clock_timestamp() AND session_id = ANY($1) AND owner NOT IN ($2, $3)", [ids, a.server.cluster!.owner, b.server.cluster!.owner])).rowCount === 0, 20_000, 'the dead owner\'s leases to run out');
      await Promise.all(ids.flatMap((id) => [a.server.sessions.here(id), b.server.sessions.here(id)]));
      await until(() => ids.every((id) => liveHere(a, id) || liveHere(b, id)), 30_000, 'every session to be taken over');
      // a room goes live first and queues its `recovered` row: wait for the rows to land, then count them
      await until(async () => (await Promise.all(ids.map((id) => a.events(id)))).every((log) => log.some((r) => typeOf(r) === 'recovered')), 30_000, 'every taken-over log to have its recovered row');

      for (const id of ids) {
        const owners = [a, b].filter((s) => liveHere(s, id));
        expect(owners, id).toHaveLength(1);
        const { rows } = await db.query<{ owner: string }>('SELECT owner FROM leases WHERE session_id = $1 AND expires_at > clock_timestamp()', [id]);
        expect(rows.map((r) => r.owner)).toEqual([owners[0].server.cluster!.owner]);
        const log = await a.events(id);
        expect(log.map((r) => r.seq)).toEqual(log.map((_, i) => i + 1));
        expect(log.filter((r) => typeOf(r) === 'recovered')).toHaveLength(1);
      }
    } finally {
      await db.end();
    }
    // each process's log names the sessions it took; no session twice
    const taken = [...logsA, ...logsB].flatMap((line) => [...line.matchAll(/took over session (\w+)/g)].map((m) => m[1]));
    expect(taken.sort()).toEqual([...ids].sort());
  });

  it('a process whose lease was taken closes the room without writing; the next owner finishes the game', async () => {
    const databaseUrl = await postgres.createDatabase();
    const logs: string[] = [];
    const owner = await boot(databaseUrl, logs);
    // agents only, paced: the game goes on by itself while its lease changes hands
    const created = await owner.createSession({ game: 'trust-split', preset: 'paper', seed: 7, seats: [{ kind: 'agent', agent: 'tit-for-tat' }, { kind: 'agent', agent: 'tit-for-tat' }], agentDelayMs: 30 });
    const room = [...owner.server.sessions.loaded()].find((r) => r.id === created.id)!;
    await until(async () => (await owner.events(created.id)).length > 10, 20_000, 'the game to be under way');

    // another owner takes the lease (as a process would after a long pause of this one), for one second
    const db = new pg.Client({ connectionString: databaseUrl });
    await db.connect();
    try {
      await db.query("UPDATE leases SET owner = 'intruder', expires_at = clock_timestamp() + interval '1 second' WHERE session_id = $1", [created.id]);
    } finally {
      await db.end();
    }
    await until(() => !liveHere(owner, created.id), 10_000, 'the fenced room to close');
    await room.idle();
    const atFence = (await owner.events(created.id)).length;
    // nothing written between the fence and the takeover: the next row is the new owner's `recovered`
    await until(() => liveHere(owner, created.id), 20_000, 'the session to be taken over again once the intruder lease ran out');
    const finished = await until(async () => (await owner.events(created.id)).some((r) => typeOf(r) === 'gameOver'), 60_000, 'the game to finish').then(() => owner.events(created.id));
    expect(typeOf(finished[atFence])).toBe('recovered');
    expect(finished.filter((r) => typeOf(r) === 'recovered')).toHaveLength(1);
    expect(finished.map((r) => r.seq)).toEqual(finished.map((_, i) => i + 1));
    expect(logs.some((line) => line.includes(`lost the lease of 1 session(s): ${created.id}`))).toBe(true);
  });

  it('a seat connected through a process that dies shows as away at the owner', async () => {
    const databaseUrl = await postgres.createDatabase();
    const owner = await boot(databaseUrl, []);
    const others = new Cluster(databaseUrl, { PARLEY_LEASE_TTL_MS: String(LEASE_TTL_MS) });
    clusters.push(others);
    const [relaying] = await others.start(1);
    const created = await owner.createSession({ game: 'trust-split', seats: [{ kind: 'human' }, { kind: 'human' }] });
    const room = [...owner.server.sessions.loaded()].find((r) => r.id === created.id)!;
    // the player's socket is on the other process; the owner seats it from there
    const player = connectClient(relaying.url, created.seats[0].token!);
    await player.connected();
    expect(room.seatInfo()[0].connected).toBe(true);
    await others.kill(relaying);
    player.close();
    await until(async () => (await owner.events(created.id)).some((r) => typeOf(r) === 'disconnected'), 20_000, 'the owner to log the seat gone');
    expect(room.seatInfo()[0].connected).toBe(false);
    const log = await owner.events(created.id);
    expect(log.filter((r) => typeOf(r) === 'disconnected' && r.seat === 0)).toHaveLength(1);
  });

  it('ending a session through another process ends it where it runs', async () => {
    const databaseUrl = await postgres.createDatabase();
    const [owner, other] = await Promise.all([boot(databaseUrl, []), boot(databaseUrl, [])]);
    const created = await owner.createSession({ game: 'trust-split', seats: [{ kind: 'human' }, { kind: 'human' }] });
    const ended = await other.api<{ status: string; ended: boolean }>('POST', `/api/sessions/${created.id}/end`, { reason: 'wrong room' });
    expect(ended).toEqual({ status: 200, json: { id: created.id, status: 'ended', ended: true } });
    // the owner ended it (and, with nobody connected, let the room go): no live room anywhere
    expect(liveHere(owner, created.id) || liveHere(other, created.id)).toBe(false);
    expect((await owner.server.store.session(created.id))?.status).toBe('ended');
    const log = await owner.events(created.id);
    expect(log.filter((r) => typeOf(r) === 'ended')).toHaveLength(1);
    expect(log.map((r) => r.seq)).toEqual(log.map((_, i) => i + 1));
  });

  it('an owner whose next append finds its seq taken closes the room at once; the session goes on from the other write', async () => {
    const databaseUrl = await postgres.createDatabase();
    const logs: string[] = [];
    const owner = await boot(databaseUrl, logs);
    const created = await owner.createSession({ game: 'trust-split', preset: 'paper', seed: 8, seats: [{ kind: 'agent', agent: 'tit-for-tat' }, { kind: 'agent', agent: 'tit-for-tat' }], agentDelayMs: 30 });
    await until(async () => (await owner.events(created.id)).length > 10, 20_000, 'the game to be under way');

    // another writer gets the next row in (as an ex-owner that has not noticed its lease ran out would):
    // the owner's lease is untouched, so only its refused append can tell it
    const intruder = await PostgresStore.open(databaseUrl);
    let written: number | null = null;
    try {
      while (written === null) {
        const seq = (await intruder.log(created.id)).length + 1;
        try {
          await intruder.append(created.id, seq, [{ at: Date.now(), kind: 'session', seat: 0, clientActionId: null, event: { type: 'disconnected', seat: 0 } }]);
          written = seq;
        } catch (err) {
          if (!(err instanceof SeqConflictError)) throw err; // the owner wrote that seq first: the next one
        }
      }
    } finally {
      await intruder.close();
    }
    await until(() => logs.some((line) => line.includes(`session ${created.id}: another process wrote seq`)), 10_000, 'the owner to hit the taken seq');
    await until(async () => (await owner.events(created.id)).some((r) => typeOf(r) === 'gameOver'), 60_000, 'the game to finish under the next owner');
    const log = await owner.events(created.id);
    expect(log.map((r) => r.seq)).toEqual(log.map((_, i) => i + 1));
    // the other write is there once, and the owner wrote nothing after it but the takeover's `recovered`
    expect(log.filter((r) => r.seq === written && typeOf(r) === 'disconnected')).toHaveLength(1);
    expect(typeOf(log[written!])).toBe('recovered');
    expect(log.filter((r) => typeOf(r) === 'recovered')).toHaveLength(1);
  });
});
