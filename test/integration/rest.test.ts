import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { QuickplayResult } from '../../shared/protocol/index.ts';
import { bootServer, connectClient, fakeClientDir, type TestServer } from './helpers.ts';

let t: TestServer;
let clientDir: string;
beforeAll(async () => {
  clientDir = fakeClientDir();
  t = await bootServer({ staticDir: clientDir });
});
afterAll(async () => {
  await t.close();
  rmSync(clientDir, { recursive: true, force: true });
});

const valid = { game: 'trust-split', seats: [{ kind: 'human' }, { kind: 'agent', agent: 'greedy' }] };

describe('the experimenter API', () => {
  it('answers 401 without the admin token, or with a wrong one', async () => {
    for (const token of [null, 'wrong-token', '']) {
      for (const [method, route] of [['GET', '/api/sessions'], ['POST', '/api/sessions'], ['GET', '/api/sessions/abcdef12'], ['GET', '/api/stats']]) {
        const res = await t.api<{ error: string }>(method, route, method === 'POST' ? valid : undefined, token);
        expect(res.status, `${method} ${route} with ${token}`).toBe(401);
        expect(res.json.error).toMatch(/Authorization: Bearer/);
      }
    }
  });

  it('answers 400 with a readable message for bad bodies', async () => {
    const cases: [unknown, RegExp][] = [
      ['{not json', /not valid JSON/],
      [{}, /game: .*; seats: /],
      [{ ...valid, game: 'chess' }, /Unknown game "chess". Choose one of: .*trust-split/],
      [{ ...valid, preset: 'huge' }, /Unknown preset "huge" for trust-split. Choose one of: paper, human/],
      [{ ...valid, seats: [{ kind: 'human' }] }, /has 2 seats, but 1 were given/],
      [{ ...valid, seats: [{ kind: 'human' }, { kind: 'robot' }] }, /seats\.1/],
      [{ ...valid, seats: [{ kind: 'human' }, { kind: 'agent', agent: 'genius' }] }, /seats\.1\.agent: Unknown agent "genius" for trust-split. Known: scripted, /],
      [{ ...valid, seats: [{ kind: 'human', name: 'Bob' }, { kind: 'human' }] }, /seats\.0: .*name/],
      [{ ...valid, colour: 'red' }, /colour/],
      [{ ...valid, seed: -1 }, /seed/],
      [{ ...valid, config: { rounds: 0 } }, /Invalid trust-split config: rounds/],
      [{ ...valid, agentDelayMs: 'slow' }, /agentDelayMs/],
      [{ ...valid, takeoverAfterSec: 5, takeoverAgent: 'nobody' }, /takeoverAgent: Unknown agent "nobody"/],
    ];
    for (const [body, message] of cases) {
      const res = await t.api<{ error: string }>('POST', '/api/sessions', body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.json.error).toMatch(message);
    }
    expect((await t.api('GET', '/api/sessions')).json).toEqual({ sessions: [], summaries: [] });
  });

  it('creates, lists, shows, ends and exports a session', async () => {
    const create = await t.api<{ id: string; seed: number; seats: { seat: number; name: string; kind: string; token: string | null; joinUrl: string | null }[]; spectatorToken: string }>(
      'POST',
      '/api/sessions',
      { ...valid, seed: 77, config: { rounds: 3 }, revealAgents: true },
    );
    expect(create.status).toBe(201);
    const { id, seats } = create.json;
    expect(create.json.seed).toBe(77);
    expect(seats[0]).toMatchObject({ seat: 0, kind: 'human' });
    expect(seats[0].token).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(seats[1]).toMatchObject({ seat: 1, kind: 'agent', token: null, joinUrl: null });
    expect(new Set([seats[0].token, create.json.spectatorToken]).size).toBe(2);

    const player = connectClient(t.url, seats[0].token!);
    const first = await player.connected();
    expect(first.agentSeats).toEqual([1]); // revealAgents
    player.autoplay();
    await player.waitForOutcome();

    const detail = await t.api<Record<string, unknown> & { seats: Record<string, unknown>[] }>('GET', `/api/sessions/${id}`);
    expect(detail.status).toBe(200);
    expect(detail.json).toMatchObject({ id, game: 'trust-split', preset: 'paper', seed: 77, status: 'finished', options: { revealAgents: true, agentDelayMs: 0 } });
    expect(detail.json.seats[0]).toMatchObject({ kind: 'human', connected: true, controlledBy: 'participant' });
    expect(detail.json.seats[1]).toMatchObject({ kind: 'agent', agent: 'greedy', agentName: 'greedy', connected: true, controlledBy: 'agent' });

    const list = await t.api<{ sessions: { id: string; status: string; kinds: string[] }[] }>('GET', '/api/sessions');
    expect(list.json.sessions).toEqual([expect.objectContaining({ id, status: 'finished', kinds: ['human', 'agent'] })]);

    // the whole log as JSON lines, private events included (deals with both hands)
    const res = await fetch(`${t.url}/api/sessions/${id}/events`, { headers: { authorization: 'Bearer test-admin-token' } });
    expect(res.headers.get('content-type')).toMatch(/application\/x-ndjson/);
    const lines = (await res.text()).trim().split('\n').map((l) => JSON.parse(l));
    expect(lines[0]).toMatchObject({ sessionId: id, seq: 1, kind: 'game', event: { type: 'setup' } });
    expect(lines.filter((l) => l.event.type === 'deal')).toHaveLength(3);
    expect(lines.some((l) => l.kind === 'session' && l.event.type === 'connected')).toBe(true);

    expect((await t.api('POST', `/api/sessions/${id}/end`)).json).toEqual({ id, status: 'finished', ended: false });
    player.close();
  });

  it('answers 404 for unknown sessions and routes, 405 for wrong methods', async () => {
    expect((await t.api('GET', '/api/sessions/0123456789ab')).status).toBe(404);
    expect((await t.api('GET', '/api/sessions/0123456789ab/events')).status).toBe(404);
    expect((await t.api('POST', '/api/sessions/0123456789ab/end')).status).toBe(404);
    expect((await t.api('GET', '/api/nothing')).status).toBe(404);
    expect((await t.api('DELETE', '/api/sessions')).status).toBe(405);
  });
});

describe('quick play', () => {
  it('seats the caller with scripted agents and returns a join URL that works', async () => {
    const res = await t.api<QuickplayResult>('POST', '/api/quickplay', { game: 'trust-split', preset: 'human' }, null);
    expect(res.status).toBe(201);
    // links use the server's own origin (or PARLEY_PUBLIC_URL), never the request's Host header
    expect(res.json.joinUrl).toBe(`${t.server.url}/play/${res.json.token}?session=${res.json.id}`);
    const me = connectClient(t.url, res.json.token);
    const state = await me.connected();
    expect(state.seat).toBe(res.json.seat);
    me.autoplay();
    const end = await me.waitForOutcome();
    expect(end.outcome?.points).toHaveLength(2);
    me.close();
    const bad = await t.api<{ error: string }>('POST', '/api/quickplay', { game: 'poker' }, null);
    expect(bad.status).toBe(400);
    expect(bad.json.error).toMatch(/Unknown game "poker"/);
  });

  it('is refused with 403 when turned off', async () => {
    const study = await bootServer({ quickplay: false });
    try {
      const res = await study.api<{ error: string }>('POST', '/api/quickplay', { game: 'trust-split' }, null);
      expect(res.status).toBe(403);
      expect(res.json.error).toMatch(/Quick play is turned off/);
    } finally {
      await study.close();
    }
  });
});

describe('static client and health', () => {
  it('answers /healthz, serves the client, and falls back to index.html for /play and /watch', async () => {
    expect((await fetch(`${t.url}/healthz`)).status).toBe(200);
    for (const route of ['/', '/play/some-token', '/watch/some-token']) {
      const res = await fetch(t.url + route);
      expect(res.status).toBe(200);
      expect(await res.text()).toContain('Parley test client');
    }
    const js = await fetch(`${t.url}/assets/app.js`);
    expect(js.headers.get('content-type')).toMatch(/javascript/);
    expect(js.headers.get('cache-control')).toMatch(/immutable/);
    expect((await fetch(`${t.url}/assets/missing.js`)).status).toBe(404);
    // nothing outside the client directory is reachable
    expect((await fetch(`${t.url}/%2e%2e/%2e%2e/package.json`)).status).toBe(404);
  });
});
