/**
 * `npm start -- --workers N`: N processes behind one port on one PostgreSQL database (refused
 * without one). The primary routes a socket that names its session (`session=<id>` in the query)
 * to the worker owning that session, so a table's acts and states stay in one process. Observed
 * through GET /api/cluster, which `?session=<id>` also routes to the owner. Tables that nobody
 * plays ("anchors", one per worker) keep each worker reachable by that route to the end.
 */
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClusterStatus } from '../../server/cluster/status.ts';
import type { CreatedSession } from '../../shared/protocol/index.ts';
import { ADMIN_TOKEN, apiClient, startServerProcess, tempDir } from '../integration/helpers.ts';
import { startPostgres, type PostgresServer } from '../support/postgres.ts';
import { until, WorkerPrimaries } from './processes.ts';
import { SeatClient } from './seat-client.ts';

let postgres: PostgresServer;
const primaries = new WorkerPrimaries();
const clients: SeatClient[] = [];

beforeAll(async () => {
  postgres = await startPostgres();
}, 120_000);

afterAll(async () => {
  for (const c of clients) c.stop();
  await primaries.stop();
  await postgres?.stop();
});

const startWorkers = async () => primaries.start(await postgres.createDatabase());

/**
 * GET /api/cluster from the worker the primary routes `?session=<id>` to (its owner, once known).
 * With a timeout: a request handed to a worker in the instant it is SIGKILLed is never answered.
 */
async function status(url: string, sessionId: string): Promise<ClusterStatus> {
  const res = await fetch(`${url}/api/cluster?session=${encodeURIComponent(sessionId)}`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` }, signal: AbortSignal.timeout(5000) });
  expect(res.status).toBe(200);
  return (await res.json()) as ClusterStatus;
}

/**
 * GET /api/cluster?session=<id> written as a slow client would: the request line in pieces, 50 ms
 * apart (the gaps are the stimulus: each piece reaches the primary as its own chunk).
 */
async function statusInPieces(url: string, sessionId: string): Promise<ClusterStatus> {
  const { hostname, port } = new URL(url);
  const request = `GET /api/cluster?session=${encodeURIComponent(sessionId)} HTTP/1.1\r\nHost: ${hostname}\r\nAuthorization: Bearer ${ADMIN_TOKEN}\r\nConnection: close\r\n\r\n`;
  const cuts = [8, 20, request.indexOf(' HTTP/1.1'), request.length];
  const socket = connect(Number(port), hostname);
  socket.setNoDelay(true);
  let answer = '';
  socket.on('data', (chunk) => (answer += chunk.toString()));
  const closed = new Promise<void>((resolve, reject) => {
    socket.once('close', () => resolve());
    socket.once('error', reject);
  });
  await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
  let from = 0;
  for (const cut of cuts) {
    socket.write(request.slice(from, cut));
    from = cut;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  await closed;
  expect(answer).toMatch(/^HTTP\/1\.1 200/);
  return JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4)) as ClusterStatus;
}

/** A table of 3 external seats (played here) and 5 scripted agents. */
async function createTable(url: string, seed: number): Promise<CreatedSession> {
  const seats = Array.from({ length: 8 }, (_, seat) => (seat < 3 ? { kind: 'external' } : { kind: 'agent', agent: 'scripted' }));
  const { status: code, json } = await apiClient(url)<CreatedSession>('POST', '/api/sessions', { game: 'traitors', preset: 'table', seed, seats, agentDelayMs: 40 });
  expect(code).toBe(201);
  return json;
}

/** A table nobody connects to: it stays live, so `?session=` reaches its worker at any time. */
async function createAnchor(url: string): Promise<string> {
  const { status: code, json } = await apiClient(url)<CreatedSession>('POST', '/api/sessions', { game: 'trust-split', seats: [{ kind: 'external' }, { kind: 'external' }] });
  expect(code).toBe(201);
  return json.id;
}

function players(url: string, table: CreatedSession, prefix: string, sessionHint: string | undefined): SeatClient[] {
  const out = table.seats
    .filter((s) => s.token)
    .map((s) => new SeatClient({ token: s.token!, urls: () => [url], seed: s.seat + 1, idPrefix: `${prefix}-s${s.seat}`, sessionHint, stateWatchdogMs: 8000 }));
  clients.push(...out);
  for (const p of out) p.start();
  return out;
}

async function expectPlayedOnce(url: string, table: CreatedSession, seats: SeatClient[]): Promise<void> {
  const res = await fetch(`${url}/api/sessions/${table.id}/events`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
  const log = (await res.text())
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as { seq: number; clientActionId?: string; event: { type: string } });
  expect(log.map((r) => r.seq)).toEqual(log.map((_, i) => i + 1));
  expect(log.some((r) => r.event.type === 'gameOver')).toBe(true);
  for (const p of seats) {
    expect(p.errors).toEqual([]);
    for (const { clientActionId } of p.accepted) expect(log.filter((r) => r.clientActionId === clientActionId), clientActionId).toHaveLength(1);
  }
}

describe('npm start -- --workers 2 with session routing', () => {
  it('refuses more than one worker without PARLEY_DATABASE_URL, saying why', async () => {
    await expect(startServerProcess(tempDir('parley-workers-'), ADMIN_TOKEN, { PARLEY_DATABASE_URL: '' }, ['--workers', '2'])).rejects.toThrow(/--workers 2 needs PARLEY_DATABASE_URL/);
  });

  it("serves each table's hinted sockets on the worker that owns it; a wrong or missing hint still plays, through the relay", async () => {
    const { url } = await startWorkers();
    // new sessions spread over the workers: two in a row land on different ones
    const anchors = [await createAnchor(url), await createAnchor(url)];
    const anchorStatus = await Promise.all(anchors.map((id) => status(url, id)));
    expect(anchorStatus.map((s) => s.session?.held)).toEqual([true, true]);
    const pids = anchorStatus.map((s) => s.pid);
    expect(new Set(pids).size).toBe(2);
    const anchorOf = (pid: number) => anchors[pids.indexOf(pid)];
    // a request line that arrives in pieces is routed by its whole query, hint included
    // (each anchor twice in a row: a router that ignored the hint would alternate between the workers)
    for (const i of [0, 0, 1, 1, 0, 0]) expect((await statusInPieces(url, anchors[i])).pid, `anchor ${i}`).toBe(pids[i]);

    const tables = await Promise.all([1, 2, 3, 4].map((seed) => createTable(url, seed)));
    const seated = tables.map((t, i) => players(url, t, `r${i}`, t.id));
    await until(() => seated.flat().every((p) => p.accepted.length > 0), 60_000, 'every hinted seat to have an act accepted');
    const owners = new Set<number>();
    for (const t of tables) {
      const s = await status(url, t.id);
      expect(s.session, t.id).toMatchObject({ held: true, localSockets: 3, remoteSockets: 0 });
      owners.add(s.pid);
    }
    expect(owners.size).toBe(2);
    await Promise.all(seated.flat().map((p) => p.done));
    for (const [i, t] of tables.entries()) await expectPlayedOnce(url, t, seated[i]);
    // not one act of the hinted tables crossed processes, on either worker
    for (const anchor of anchors) expect((await status(url, anchor)).actsRelayed).toBe(0);

    // a hint naming another worker's session only routes: the token decides the seat, the relay carries the acts
    const misrouted = await createTable(url, 5);
    const owner = (await status(url, misrouted.id)).pid;
    const other = pids.find((pid) => pid !== owner)!;
    const wrong = players(url, misrouted, 'wrong', anchorOf(other));
    await until(() => wrong.every((p) => p.accepted.length > 0), 60_000, 'every misrouted seat to have an act accepted');
    expect((await status(url, misrouted.id)).session).toMatchObject({ held: true, localSockets: 0, remoteSockets: 3 });
    await Promise.all(wrong.map((p) => p.done));
    await expectPlayedOnce(url, misrouted, wrong);
    const relayed = await status(url, anchorOf(other));
    expect(relayed.pid).toBe(other);
    expect(relayed.actsRelayed).toBeGreaterThanOrEqual(wrong.reduce((n, p) => n + p.accepted.length, 0));
    expect((await status(url, anchorOf(owner))).actsRelayed).toBe(0);

    // no hint at all (external programs as they were): whichever worker it lands on, the table plays
    const plain = await createTable(url, 6);
    const unhinted = players(url, plain, 'plain', undefined);
    await Promise.all(unhinted.map((p) => p.done));
    await expectPlayedOnce(url, plain, unhinted);
  }, 180_000);

  it("routes a killed worker's tables to the worker that took them over", async () => {
    const { url, output } = await startWorkers();
    const table = await createTable(url, 7);
    const first = players(url, table, 'k1', table.id);
    await until(() => first.every((p) => p.accepted.length > 0), 60_000, 'every seat to have an act accepted');
    const victim = (await status(url, table.id)).pid;
    process.kill(victim, 'SIGKILL');
    // these clients reconnect at once, before anyone took the table over: wherever they land, they leave now
    for (const p of first) p.stop();

    let taker = 0;
    await until(
      async () => {
        const s = await status(url, table.id).catch(() => null);
        if (!s?.session?.held || s.pid === victim) return false;
        taker = s.pid;
        return true;
      },
      30_000,
      'another worker to take the table over and announce it',
    );
    // new connections with the hint go to the taker, not to the worker started in the victim's place
    const second = players(url, table, 'k2', table.id);
    await until(async () => {
      const s = await status(url, table.id);
      return s.pid === taker && s.session?.localSockets === 3 && s.session.remoteSockets === 0;
    }, 30_000, "the table's new sockets to be served by the taker");
    await Promise.all(second.map((p) => p.done));
    await until(() => /exited \(SIGKILL\); starting another/.test(output()) && output().match(/worker \d+ serving/g)!.length === 3, 30_000, 'the primary to replace the worker');
    await expectPlayedOnce(url, table, [...first, ...second]);
  }, 180_000);
});
