/**
 * The experimenter console on several processes sharing one PostgreSQL: a sign-in made on one
 * process opens every process (a console's requests and its socket may reach any of them, e.g.
 * behind `--workers`), a console on one process sees every process's sessions and who is connected
 * to them, a sign-out on any process closes every process, the database keeps only
 * the SHA-256 of a cookie's id, and sign-in attempts are limited over all processes together.
 */
import pg from 'pg';
import { io } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONSOLE_CSRF_HEADER, type SessionSummary } from '../../shared/protocol/console.ts';
import { ADMIN_TOKEN, connectClient } from '../integration/helpers.ts';
import { startPostgres, type PostgresServer } from '../support/postgres.ts';
import { Cluster, until } from './processes.ts';

let postgres: PostgresServer;
let databaseUrl: string;
let cluster: Cluster;

beforeAll(async () => {
  postgres = await startPostgres();
  databaseUrl = await postgres.createDatabase();
  cluster = new Cluster(databaseUrl);
  await cluster.start(2);
}, 180_000);

afterAll(async () => {
  await cluster?.stop();
  await postgres?.stop();
});

const CSRF = { [CONSOLE_CSRF_HEADER]: '1' };

async function signIn(url: string): Promise<string> {
  const res = await fetch(`${url}/api/console/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token: ADMIN_TOKEN }) });
  expect(res.status).toBe(204);
  const cookie = /parley_console=([^;]+)/.exec(res.headers.get('set-cookie') ?? '');
  expect(cookie).not.toBeNull();
  return `parley_console=${cookie![1]}`;
}

const me = (url: string, cookie: string) => fetch(`${url}/api/console/me`, { headers: { cookie } }).then((r) => r.status);

describe('console sign-ins on several processes', () => {
  it('a sign-in on one process opens the others, a sign-out on any closes them all', async () => {
    const [a, b] = cluster.processes;
    const cookie = await signIn(a.url);
    // the other process: the console's own endpoint, an admin read, an admin change, its socket
    expect(await me(b.url, cookie)).toBe(200);
    expect((await fetch(`${b.url}/api/sessions`, { headers: { cookie } })).status).toBe(200);
    const created = await fetch(`${b.url}/api/sessions`, {
      method: 'POST',
      headers: { cookie, 'content-type': 'application/json', ...CSRF },
      body: JSON.stringify({ game: 'trust-split', seats: [{ kind: 'external' }, { kind: 'external' }] }),
    });
    expect(created.status).toBe(201);
    const socket = io(`${b.url}/console`, { transports: ['websocket'], extraHeaders: { cookie }, reconnection: false, forceNew: true });
    try {
      const table = await new Promise<{ full: boolean }>((resolve, reject) => {
        socket.once('sessions', resolve);
        socket.once('connect_error', reject);
      });
      expect(table.full).toBe(true);

      // the database keeps a hash of the id, never the id
      const client = new pg.Client({ connectionString: databaseUrl });
      await client.connect();
      try {
        const { rows } = await client.query<{ id_hash: string }>('SELECT id_hash FROM console_sessions');
        const id = cookie.slice('parley_console='.length);
        expect(rows.length).toBeGreaterThanOrEqual(1);
        for (const row of rows) {
          expect(row.id_hash).toMatch(/^[0-9a-f]{64}$/);
          expect(row.id_hash).not.toContain(id);
        }
      } finally {
        await client.end();
      }

      // signed out on b: b refuses at once, a within its few seconds of trust, and b's socket is closed
      const out = await fetch(`${b.url}/api/console/logout`, { method: 'POST', headers: { cookie } });
      expect(out.status).toBe(204);
      expect(await me(b.url, cookie)).toBe(401);
      await until(async () => (await me(a.url, cookie)) === 401, 15_000, 'process a to see the sign-out made on b');
      expect((await fetch(`${a.url}/api/sessions`, { headers: { cookie } })).status).toBe(401);
      await until(() => !socket.connected, 15_000, "the signed-out console's socket to be closed");
    } finally {
      socket.close();
    }
  }, 60_000);

  it("one console sees every process's sessions: those running elsewhere when it opens, with who is connected there, and changes made elsewhere live", async () => {
    const [a, b] = cluster.processes;
    const before = await cluster.createSession(b, { game: 'trust-split', seats: [{ kind: 'external' }, { kind: 'external' }] });
    // seat 0 of b's session is connected to b; seat 1 never comes
    const player = connectClient(b.url, before.seats[0].token!);
    await player.waitFor(() => true, 15_000, 'the first state on b');
    const socket = io(`${a.url}/console`, { transports: ['websocket'], auth: { adminToken: ADMIN_TOKEN }, reconnection: false, forceNew: true });
    const rows = new Map<string, SessionSummary>();
    socket.on('sessions', (batch: { full: boolean; sessions?: SessionSummary[]; upsert?: SessionSummary[] }) => {
      if (batch.full) rows.clear();
      for (const row of batch.full ? batch.sessions! : batch.upsert!) rows.set(row.id, row);
    });
    try {
      // opened on a: b's session, active, is in the first table, and then who is connected to it on b
      await until(() => rows.has(before.id), 15_000, "the first table to list the session b runs");
      expect(rows.get(before.id)!.status).toBe('active');
      await until(() => rows.get(before.id)?.seats[0].connected === true, 15_000, "the console on a to see seat 0 connected on b");
      expect(rows.get(before.id)!.seats[1].connected).toBe(false);
      // made and ended on b while the console is open on a: both arrive
      const later = await cluster.createSession(b, { game: 'trust-split', seats: [{ kind: 'external' }, { kind: 'external' }] });
      await until(() => rows.has(later.id), 15_000, 'a session created on b to reach the console on a');
      const ended = await fetch(`${b.url}/api/sessions/${later.id}/end`, { method: 'POST', headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
      expect(ended.status).toBeLessThan(300);
      await until(() => rows.get(later.id)?.status !== 'active', 15_000, 'the end on b to reach the console on a');
    } finally {
      socket.close();
      player.close();
    }
  }, 60_000);

  it('sign-in attempts count over both processes (10 a minute per address by default, not 10 on each)', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 12 && !statuses.includes(429); i++) {
      const res = await fetch(`${cluster.processes[i % 2].url}/api/console/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token: 'wrong' }) });
      statuses.push(res.status);
    }
    // the first test's sign-in counted too: the 10th attempt here is the address's 11th of the minute
    expect(statuses.at(-1)).toBe(429);
    expect(statuses.length).toBeLessThanOrEqual(10);
    expect(statuses.slice(0, -1).every((s) => s === 401)).toBe(true);
  });

  it('a cookie nobody signed in with opens no process', async () => {
    for (const proc of cluster.processes) {
      expect(await me(proc.url, 'parley_console=' + 'x'.repeat(43))).toBe(401);
      expect(await me(proc.url, 'parley_console=constructor')).toBe(401);
      expect((await fetch(`${proc.url}/api/sessions`, { headers: { cookie: 'parley_console=__proto__' } })).status).toBe(401);
    }
  });
});
