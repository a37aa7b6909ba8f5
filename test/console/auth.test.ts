import { afterEach, describe, expect, it } from 'vitest';
import type { ConsoleOptions } from '../../shared/protocol/console.ts';
import type { CreatedSession, LogRow } from '../../shared/protocol/index.ts';
import { llmAgentResolver } from '../../server/llm/resolver.ts';
import { bootServer, type TestServer } from '../integration/helpers.ts';
import { cookieCall, signIn } from './helpers.ts';

const TRUST_SPLIT = { game: 'trust-split', seats: [{ kind: 'human' }, { kind: 'agent', agent: 'greedy' }] };

describe('console sign-in, cookie and CSRF', () => {
  let t: TestServer;
  afterEach(async () => {
    await t?.close();
  });

  it('sets an HttpOnly SameSite=Strict cookie with an expiry; a wrong token gets 401 and no cookie', async () => {
    t = await bootServer();
    const wrong = await fetch(`${t.url}/api/console/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token: 'nope' }) });
    expect(wrong.status).toBe(401);
    expect(wrong.headers.getSetCookie()).toEqual([]);
    expect(((await wrong.json()) as { error: string }).error).toMatch(/^Wrong admin token/);

    const { status, setCookie, cookie } = await signIn(t.url);
    expect(status).toBe(204);
    expect(cookie).toMatch(/^parley_console=[A-Za-z0-9_-]{43}$/);
    expect(setCookie).toContain('HttpOnly');
    expect(setCookie).toContain('SameSite=Strict');
    expect(setCookie).toContain('Path=/');
    expect(setCookie).toContain(`Max-Age=${8 * 3600}`);
    expect(setCookie).not.toContain('Secure'); // the public URL is http here

    const me = await cookieCall<{ signedIn: boolean; expiresAt: number }>(t.url, cookie, 'GET', '/api/console/me');
    expect(me.status).toBe(200);
    expect(me.json.signedIn).toBe(true);
    expect(me.json.expiresAt).toBeGreaterThan(Date.now() + 7 * 3_600_000);
    // without the cookie: not signed in, and the admin API says both ways in
    expect((await fetch(`${t.url}/api/console/me`)).status).toBe(401);
    const bare = await t.api<{ error: string }>('GET', '/api/sessions', undefined, null);
    expect(bare.status).toBe(401);
    expect(bare.json.error).toMatch(/Authorization: Bearer/);
    expect(bare.json.error).toMatch(/sign in to the console/);
  });

  it('marks the cookie Secure when the public URL is https', async () => {
    t = await bootServer({ publicUrl: 'https://parley.example.org' });
    const { setCookie } = await signIn(t.url);
    expect(setCookie).toMatch(/; Secure/);
  });

  it('the cookie opens admin reads and downloads; a change needs the CSRF header; Bearer needs none', async () => {
    t = await bootServer();
    const { cookie } = await signIn(t.url);
    // Bearer (scripts) creates without any console header
    const session = await t.createSession(TRUST_SPLIT);
    const list = await cookieCall<{ sessions: { id: string }[]; summaries: { id: string; status: string }[] }>(t.url, cookie, 'GET', '/api/sessions');
    expect(list.status).toBe(200);
    expect(list.json.sessions.map((s) => s.id)).toEqual([session.id]);
    expect(list.json.summaries).toMatchObject([{ id: session.id, status: 'active', game: 'trust-split', phase: 'talk', round: 1 }]);

    const events = await cookieCall(t.url, cookie, 'GET', `/api/sessions/${session.id}/events`);
    expect(events.status).toBe(200);
    expect(events.headers.get('content-disposition')).toBe(`attachment; filename="parley-${session.id}-events.jsonl"`);
    const exported = await fetch(`${t.url}/api/sessions/${session.id}/export`, { headers: { cookie } });
    expect(exported.status).toBe(200);
    expect(exported.headers.get('content-type')).toMatch(/zip/);

    // a forged cross-site POST carries the cookie but cannot add the header: refused, nothing changes
    const forged = await cookieCall<{ error: string }>(t.url, cookie, 'POST', `/api/sessions/${session.id}/end`, undefined, false);
    expect(forged.status).toBe(403);
    expect(forged.json.error).toMatch(/cross-site request refused/);
    const created = await cookieCall(t.url, cookie, 'POST', '/api/sessions', TRUST_SPLIT, false);
    expect(created.status).toBe(403);
    expect((await t.api<{ status: string }>('GET', `/api/sessions/${session.id}`)).json.status).toBe('active');
    expect((await t.api<{ sessions: unknown[] }>('GET', '/api/sessions')).json.sessions).toHaveLength(1);
    expect((await t.events(session.id)).some((r) => (r.event as { type: string }).type === 'ended')).toBe(false);

    // with the header: it works
    const ok = await cookieCall<CreatedSession>(t.url, cookie, 'POST', '/api/sessions', TRUST_SPLIT);
    expect(ok.status).toBe(201);
    const end = await cookieCall(t.url, cookie, 'POST', `/api/sessions/${session.id}/end`, { reason: 'participant left the lab' });
    expect(end).toMatchObject({ status: 200, json: { id: session.id, status: 'ended', ended: true } });
  });

  it('ends with a reason: the note is logged with the ended row; an empty body still works; a bad body changes nothing', async () => {
    t = await bootServer();
    const a = await t.createSession(TRUST_SPLIT);
    const b = await t.createSession(TRUST_SPLIT);
    const bad = await t.api<{ error: string }>('POST', `/api/sessions/${a.id}/end`, { reason: 'x', extra: 1 });
    expect(bad.status).toBe(400);
    expect(bad.json.error).toMatch(/extra/);
    const blank = await t.api<{ error: string }>('POST', `/api/sessions/${a.id}/end`, { reason: '   ' });
    expect(blank.status).toBe(400);
    expect((await t.api<{ status: string }>('GET', `/api/sessions/${a.id}`)).json.status).toBe('active');

    expect((await t.api('POST', `/api/sessions/${a.id}/end`, { reason: '  fire alarm  ' })).status).toBe(200);
    expect((await t.api('POST', `/api/sessions/${b.id}/end`)).status).toBe(200);
    const lastOf = async (id: string) => (await t.events(id)).at(-1) as LogRow;
    expect((await lastOf(a.id)).event).toEqual({ type: 'ended', reason: 'experimenter', note: 'fire alarm' });
    expect((await lastOf(b.id)).event).toEqual({ type: 'ended', reason: 'experimenter' });
  });

  it('sign-out revokes the cookie', async () => {
    t = await bootServer();
    const { cookie } = await signIn(t.url);
    expect((await cookieCall(t.url, cookie, 'GET', '/api/sessions')).status).toBe(200);
    const out = await fetch(`${t.url}/api/console/logout`, { method: 'POST', headers: { cookie } });
    expect(out.status).toBe(204);
    expect(out.headers.getSetCookie()[0]).toMatch(/^parley_console=; .*Max-Age=0/);
    expect((await cookieCall(t.url, cookie, 'GET', '/api/sessions')).status).toBe(401);
    expect((await cookieCall(t.url, cookie, 'GET', '/api/console/me')).status).toBe(401);
    // a cookie never issued opens nothing either (and odd names are just names)
    expect((await cookieCall(t.url, 'parley_console=made-up; __proto__=x; constructor=y', 'GET', '/api/sessions')).status).toBe(401);
  });

  it('limits sign-in attempts per client address (429 with Retry-After, even for the right token)', async () => {
    t = await bootServer({ console: { loginsPerMin: 3 } });
    for (let i = 0; i < 3; i++) expect((await signIn(t.url, `guess-${i}`)).status).toBe(401);
    const res = await fetch(`${t.url}/api/console/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token: 'test-admin-token' }) });
    expect(res.status).toBe(429);
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(res.headers.getSetCookie()).toEqual([]);
    expect(((await res.json()) as { error: string }).error).toMatch(/Too many sign-in attempts/);
  });

  it('offers each game with presets, full configs and agents; LLMs only as configured, never with a key', async () => {
    t = await bootServer();
    const { cookie } = await signIn(t.url);
    const plain = await cookieCall<ConsoleOptions>(t.url, cookie, 'GET', '/api/console/options');
    expect(plain.status).toBe(200);
    expect(plain.json.llm).toEqual([]);
    const ts = plain.json.games.find((g) => g.id === 'trust-split')!;
    expect(ts.agents).toContain('greedy');
    expect(ts.agents[0]).toBe('scripted');
    expect(ts.presets.find((p) => p.name === 'paper')).toMatchObject({ seats: 2, config: { timeouts: { speak: 120, propose: 60 } } });
    expect(plain.json.games.find((g) => g.id === 'traitors')!.presets.every((p) => p.seats > 2)).toBe(true);
    await t.close();

    const env = { PARLEY_LLM_BASE_URL: 'http://user:pw@localhost:11434/v1?key=abc', PARLEY_LLM_MODEL: 'llama3.1:8b', PARLEY_LLM_API_KEY: 'sk-secret-123' };
    t = await bootServer({ agentResolvers: [llmAgentResolver({ env })], console: { llmEnv: env } });
    const res = await t.api<ConsoleOptions>('GET', '/api/console/options');
    expect(res.json.llm).toEqual([{ spec: 'llm', label: 'llm — llama3.1:8b at http://localhost:11434/v1' }]);
    const text = JSON.stringify(res.json);
    for (const secret of ['sk-secret-123', 'pw', 'key=abc']) expect(text).not.toContain(secret);
  });
});
