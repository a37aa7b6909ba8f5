/**
 * `npm start -- --workers N`: N processes behind one port with sticky connections, on one
 * PostgreSQL database. A table plays to the end through the one port while a worker is SIGKILLed
 * and replaced; without a database URL the option is refused.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, apiClient, startServerProcess, tempDir } from '../integration/helpers.ts';
import type { CreatedSession, LogRow } from '../../shared/protocol/index.ts';
import { startPostgres, type PostgresServer } from '../support/postgres.ts';
import { until, WorkerPrimaries } from './processes.ts';
import { SeatClient } from './seat-client.ts';

let postgres: PostgresServer;
const primaries = new WorkerPrimaries();
const clients: SeatClient[] = [];

// PostgreSQL's first start can be slow while the rest of the suite keeps the cores busy
beforeAll(async () => {
  postgres = await startPostgres();
}, 120_000);

afterAll(async () => {
  for (const c of clients) c.stop();
  await primaries.stop();
  await postgres?.stop();
});

describe('npm start -- --workers N', () => {
  it('refuses more than one worker without PARLEY_DATABASE_URL, saying why', async () => {
    await expect(startServerProcess(tempDir('parley-workers-'), ADMIN_TOKEN, { PARLEY_DATABASE_URL: '' }, ['--workers', '2'])).rejects.toThrow(/--workers 2 needs PARLEY_DATABASE_URL/);
  });

  it('plays a table to the end through one port while a worker is killed and replaced', async () => {
    const { url, output } = await primaries.start(await postgres.createDatabase());

    const api = apiClient(url);
    const seats = Array.from({ length: 8 }, (_, seat) => (seat < 3 ? { kind: 'external' } : { kind: 'agent', agent: 'scripted' }));
    const { status, json: created } = await api<CreatedSession>('POST', '/api/sessions', { game: 'traitors', preset: 'table', seed: 5, seats, agentDelayMs: 40 });
    expect(status).toBe(201);
    const players = created.seats
      .filter((s) => s.token)
      .map((s) => new SeatClient({ token: s.token!, urls: () => [url], seed: s.seat + 1, idPrefix: `w-s${s.seat}`, stateWatchdogMs: 8000 }));
    clients.push(...players);
    for (const p of players) p.start();

    await until(() => players.every((p) => p.accepted.length > 0), 60_000, 'every socket seat to have an act accepted');
    // the workers name themselves (pid inside the owner id) when they start serving
    const pids = [...output().matchAll(/worker (\d+) serving/g)].map((m) => Number(m[1]));
    expect(new Set(pids).size).toBe(2);
    process.kill(pids[0], 'SIGKILL');

    await Promise.all(players.map((p) => p.done));
    await until(() => /exited \(SIGKILL\); starting another/.test(output()) && output().match(/worker \d+ serving/g)!.length === 3, 30_000, 'the primary to replace the worker');

    const res = await fetch(`${url}/api/sessions/${created.id}/events`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
    const log = (await res.text())
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as LogRow);
    expect(log.map((r) => r.seq)).toEqual(log.map((_, i) => i + 1));
    expect(log.some((r) => (r.event as { type: string }).type === 'gameOver')).toBe(true);
    for (const p of players) {
      expect(p.errors).toEqual([]);
      for (const { clientActionId } of p.accepted) expect(log.filter((r) => r.clientActionId === clientActionId), clientActionId).toHaveLength(1);
    }
  }, 120_000);
});
