import { afterEach, describe, expect, it } from 'vitest';
import type { QuickplayResult } from '../../shared/protocol/index.ts';
import { bootServer, connectClient, rawRequest, tempDir, type TestServer } from '../integration/helpers.ts';
import type { Limits } from '../../server/limits.ts';

const OFF: Partial<Limits> = { quickplayPerClientPerMin: 0, quickplayMaxLive: 0, quickplayJoinSec: 0, quickplayGoneSec: 0 };

let servers: TestServer[] = [];
async function boot(limits: Partial<Limits>, extra: Parameters<typeof bootServer>[0] = {}): Promise<TestServer> {
  const t = await bootServer({ limits: { ...OFF, ...limits }, ...extra });
  servers.push(t);
  return t;
}
afterEach(async () => {
  await Promise.all(servers.map((t) => t.close()));
  servers = [];
});

/** POST /api/quickplay with raw headers (fetch cannot set every header). */
async function quickplay(t: TestServer, headers: Record<string, string> = {}): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; json: QuickplayResult & { error?: string } }> {
  const body = JSON.stringify({ game: 'trust-split', preset: 'human' });
  const res = await rawRequest(`${t.url}/api/quickplay`, 'POST', { 'content-type': 'application/json', ...headers }, body);
  return { status: res.status, headers: res.headers, json: JSON.parse(res.text) };
}

async function sessionCount(t: TestServer): Promise<number> {
  return (await t.api<{ sessions: unknown[] }>('GET', '/api/sessions')).json.sessions.length;
}

/** Poll until `test` holds (no fixed sleep: each turn waits only for the next answer). */
async function until<T>(what: string, read: () => Promise<T>, test: (value: T) => boolean, timeoutMs = 20_000): Promise<T> {
  const start = Date.now();
  for (;;) {
    const value = await read();
    if (test(value)) return value;
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(value)}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('quick play per client (issue 9.4)', () => {
  it('answers 429 with Retry-After past the per-minute limit, and creates nothing', async () => {
    const t = await boot({ quickplayPerClientPerMin: 3 });
    for (let i = 0; i < 3; i++) expect((await quickplay(t)).status).toBe(201);
    const before = await sessionCount(t);
    const res = await quickplay(t);
    expect(res.status).toBe(429);
    expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
    expect(Number(res.headers['retry-after'])).toBeLessThanOrEqual(60);
    expect(res.json.error).toMatch(/at most 3 a minute.*try again in \d+ s/);
    expect(await sessionCount(t)).toBe(before);
  });

  it('ignores X-Forwarded-For unless told it sits behind a proxy', async () => {
    const direct = await boot({ quickplayPerClientPerMin: 1 });
    expect((await quickplay(direct, { 'x-forwarded-for': '10.0.0.1' })).status).toBe(201);
    expect((await quickplay(direct, { 'x-forwarded-for': '10.0.0.2' })).status).toBe(429);

    const proxied = await boot({ quickplayPerClientPerMin: 1, trustProxy: true });
    // the proxy appends the address it saw last; what the client wrote before it does not count
    expect((await quickplay(proxied, { 'x-forwarded-for': '1.1.1.1, 10.0.0.1' })).status).toBe(201);
    expect((await quickplay(proxied, { 'x-forwarded-for': '2.2.2.2, 10.0.0.1' })).status).toBe(429);
    expect((await quickplay(proxied, { 'x-forwarded-for': '10.0.0.2' })).status).toBe(201);
  });
});

describe('live quick-play tables in total', () => {
  it('are capped, even for concurrent requests; 429 with Retry-After; a table that ends frees a place', async () => {
    const t = await boot({ quickplayMaxLive: 3 });
    const results = await Promise.all(Array.from({ length: 12 }, () => quickplay(t)));
    const created = results.filter((r) => r.status === 201);
    expect(created).toHaveLength(3);
    const refused = results.filter((r) => r.status === 429);
    expect(refused).toHaveLength(9);
    expect(refused[0].headers['retry-after']).toBe('60');
    expect(refused[0].json.error).toMatch(/3 quick-play tables are in play\. Try again/);
    expect(await sessionCount(t)).toBe(3);

    await t.api('POST', `/api/sessions/${created[0].json.id}/end`);
    expect((await quickplay(t)).status).toBe(201);
    expect((await quickplay(t)).status).toBe(429);
  });
});

describe('abandoned quick-play tables', () => {
  it('are ended ("abandoned") and evicted when the player never connects', async () => {
    const t = await boot({ quickplayJoinSec: 0.2 });
    const { json } = await quickplay(t);
    const log = await until('the abandoned end', () => t.events(json.id), (rows) => rows.some((r) => r.event.type === 'ended'));
    expect(log.find((r) => r.event.type === 'ended')!.event).toEqual({ type: 'ended', reason: 'abandoned' });
    await until('eviction', () => t.api<{ rooms: number }>('GET', '/api/stats'), (s) => s.json.rooms === 0);
    expect((await t.api<{ status: string }>('GET', `/api/sessions/${json.id}`)).json.status).toBe('ended');
  });

  it('are ended when the player has been gone too long, and not while the player is there', async () => {
    const t = await boot({ quickplayJoinSec: 0.2, quickplayGoneSec: 0.3 });
    const { json } = await quickplay(t);
    const client = connectClient(t.url, json.token);
    await client.connected();
    // past the join window, with the player seated: a second, admin-made table (not quick play) shows time has passed
    const other = await t.createSession({ game: 'trust-split', preset: 'human', seats: [{ kind: 'human' }, { kind: 'agent', agent: 'scripted' }] });
    const probe = await quickplay(t);
    await until('the probe table ending', () => t.events(probe.json.id), (rows) => rows.some((r) => r.event.type === 'ended'));
    expect((await t.events(json.id)).some((r) => r.event.type === 'ended')).toBe(false);
    expect((await t.events(other.id)).some((r) => r.event.type === 'ended')).toBe(false);

    client.close();
    const log = await until('the abandoned end', () => t.events(json.id), (rows) => rows.some((r) => r.event.type === 'ended'));
    const kinds = log.filter((r) => r.kind === 'session').map((r) => r.event.type);
    // quick play waits for its player: the table started when they connected
    expect(kinds.slice(-4)).toEqual(['connected', 'started', 'disconnected', 'ended']);
    expect(log.at(-1)!.event).toEqual({ type: 'ended', reason: 'abandoned' });
  });
});

describe('a restart', () => {
  it('ends unfinished quick-play tables ("server restart") instead of rebuilding them; experimenter sessions are rebuilt', async () => {
    const dataDir = tempDir();
    const first = await bootServer({ dataDir, limits: OFF });
    const quick = await quickplay(first);
    const study = await first.createSession({ game: 'trust-split', preset: 'human', seats: [{ kind: 'human' }, { kind: 'agent', agent: 'scripted' }] });
    await first.close();

    const second = await boot(OFF, { dataDir });
    expect(second.server.endedAtStart).toEqual([quick.json.id]);
    expect(second.server.recovered).toEqual([study.id]);
    expect((await second.api<{ rooms: number }>('GET', '/api/stats')).json.rooms).toBe(1);
    const log = await second.events(quick.json.id);
    expect(log.at(-1)!.event).toEqual({ type: 'ended', reason: 'server restart' });
    expect(log.some((r) => r.event.type === 'recovered')).toBe(false);
    const refused = connectClient(second.url, quick.json.token);
    const state = await refused.connected();
    expect(state.status).toBe('ended');
    refused.close();
  });
});
