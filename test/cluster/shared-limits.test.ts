/**
 * Abuse limits on two processes sharing one PostgreSQL database: a client reaching either process
 * gets one allowance, not one per process (quick plays and study enters per client per minute), and
 * the cap on live quick-play tables holds over both processes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, apiClient, rawRequest, type TestServer } from '../integration/helpers.ts';
import { startPostgres, type PostgresServer } from '../support/postgres.ts';
import { createStudy, tsStudy } from '../studies/flow-helpers.ts';
import { Cluster, type ServerProcess } from './processes.ts';

const MAX_LIVE = 5;
let postgres: PostgresServer;
let cluster: Cluster;
let a: ServerProcess;
let b: ServerProcess;

beforeAll(async () => {
  postgres = await startPostgres();
  cluster = new Cluster(await postgres.createDatabase(), {
    // each test is a different client (X-Forwarded-For), so one test's counts do not touch another's
    PARLEY_TRUST_PROXY: '1',
    PARLEY_QUICKPLAY_PER_MIN: '3',
    PARLEY_QUICKPLAY_MAX_LIVE: String(MAX_LIVE),
    PARLEY_STUDY_ENTERS_PER_MIN: '2',
  });
  [a, b] = await cluster.start(2);
}, 180_000);

afterAll(async () => {
  await cluster?.stop();
  await postgres?.stop();
});

type Answer = { status: number; retryAfter: number; error: string | undefined };

async function post(proc: ServerProcess, route: string, client: string, body: unknown, admin = false): Promise<Answer> {
  const headers: Record<string, string> = { 'content-type': 'application/json', 'x-forwarded-for': client };
  if (admin) headers.authorization = `Bearer ${ADMIN_TOKEN}`;
  const res = await rawRequest(proc.url + route, 'POST', headers, JSON.stringify(body));
  return { status: res.status, retryAfter: Number(res.headers['retry-after']), error: (JSON.parse(res.text) as { error?: string }).error };
}

const quickplay = (proc: ServerProcess, client: string) => post(proc, '/api/quickplay', client, { game: 'trust-split', preset: 'human' });

async function liveQuickplayTables(proc: ServerProcess): Promise<number> {
  const res = await fetch(`${proc.url}/api/sessions`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
  const { sessions } = (await res.json()) as { sessions: { status: string; quickplay: boolean }[] };
  return sessions.filter((s) => s.status === 'active' && s.quickplay).length;
}

describe('limits shared by processes on one PostgreSQL database', () => {
  it('quick plays per client per minute count over both processes', async () => {
    const client = '10.0.0.1';
    expect((await quickplay(a, client)).status).toBe(201);
    expect((await quickplay(a, client)).status).toBe(201);
    expect((await quickplay(b, client)).status).toBe(201);
    for (const proc of [a, b]) {
      const refused = await quickplay(proc, client);
      expect(refused.status).toBe(429);
      expect(refused.retryAfter).toBeGreaterThan(0);
      expect(refused.retryAfter).toBeLessThanOrEqual(60);
      expect(refused.error).toMatch(/at most 3 a minute/);
    }
    // another client still has its own allowance
    expect((await quickplay(b, '10.0.0.2')).status).toBe(201);
  });

  it('study enters per client per minute count over both processes', async () => {
    const study = await createStudy({ api: apiClient(a.url) } as TestServer, tsStudy());
    const client = '10.0.1.1';
    const enter = (proc: ServerProcess, pid: string) => post(proc, `/api/s/${study.slug}/enter`, client, { query: { PROLIFIC_PID: pid } });
    expect((await enter(a, 'E1')).status).toBe(200);
    expect((await enter(b, 'E2')).status).toBe(200);
    for (const proc of [a, b]) {
      const refused = await enter(proc, `E-${proc.index}`);
      expect(refused.status).toBe(429);
      expect(refused.retryAfter).toBeGreaterThan(0);
      expect(refused.error).toContain('at most 2 a minute');
    }
  });

  it('the cap on live quick-play tables counts both processes', async () => {
    // the tables the first test left are still live (nobody joined; they end after PARLEY_QUICKPLAY_JOIN_SEC, 120 s)
    const live = await liveQuickplayTables(a);
    expect(live).toBeLessThan(MAX_LIVE);
    for (let i = live; i < MAX_LIVE; i++) expect((await quickplay(i % 2 ? a : b, `10.0.2.${i}`)).status).toBe(201);
    for (const proc of [a, b]) {
      const refused = await quickplay(proc, `10.0.3.${proc.index}`);
      expect(refused.status).toBe(429);
      expect(refused.retryAfter).toBe(60);
      expect(refused.error).toMatch(new RegExp(`${MAX_LIVE} quick-play tables are in play`));
    }
    // ending one frees a place, whichever process asks next
    const res = await fetch(`${a.url}/api/sessions`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
    const { sessions } = (await res.json()) as { sessions: { id: string; status: string; quickplay: boolean }[] };
    const one = sessions.find((s) => s.status === 'active' && s.quickplay)!;
    expect((await post(a, `/api/sessions/${one.id}/end`, '10.0.4.0', {}, true)).status).toBe(200);
    expect((await quickplay(b, '10.0.4.1')).status).toBe(201);
    expect((await quickplay(a, '10.0.4.2')).status).toBe(429);
  });
});
