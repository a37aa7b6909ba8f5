import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parsePublicUrl } from '../../server/app.ts';
import { SECURITY_HEADERS } from '../../server/http.ts';
import { jsonDepthExceeds, MAX_JSON_DEPTH } from '../../server/limits.ts';
import { ADMIN_TOKEN, bootServer, fakeClientDir, rawRequest, startServerProcess, tempDir, type TestServer } from '../integration/helpers.ts';

describe('JSON body depth (issue 9.6)', () => {
  it('counts nesting on the text, ignoring brackets inside strings', () => {
    expect(jsonDepthExceeds('['.repeat(32) + ']'.repeat(32), 32)).toBe(false);
    expect(jsonDepthExceeds('['.repeat(33) + ']'.repeat(33), 32)).toBe(true);
    expect(jsonDepthExceeds(`{"a":"${'['.repeat(100)}","b":"\\"${'{'.repeat(100)}"}`, 32)).toBe(false);
    expect(jsonDepthExceeds('{"a":' .repeat(40) + '1' + '}'.repeat(40), 32)).toBe(true);
  });

  let t: TestServer;
  beforeAll(async () => {
    t = await bootServer();
  });
  afterAll(() => t.close());

  it('a deeply nested body is refused with 400 and a clear message, on public and admin routes alike', async () => {
    const deep = '['.repeat(400_000) + ']'.repeat(400_000);
    for (const [route, token] of [['/api/quickplay', null], ['/api/sessions', ADMIN_TOKEN]] as const) {
      const res = await t.api<{ error: string }>('POST', route, deep, token);
      expect(res.status).toBe(400);
      expect(res.json.error).toBe(`Request body nests arrays and objects deeper than ${MAX_JSON_DEPTH} levels; send a flatter JSON object.`);
    }
    const nestedField = `{"game":"trust-split","config":${'{"a":'.repeat(40)}1${'}'.repeat(40)}}`;
    const res = await t.api<{ error: string }>('POST', '/api/quickplay', nestedField, null);
    expect(res.status).toBe(400);
    expect(res.json.error).toMatch(/deeper than 32 levels/);
    expect((await t.api<{ sessions: unknown[] }>('GET', '/api/sessions')).json.sessions).toHaveLength(0);
  });
});

describe('links and headers (issue 9.8)', () => {
  let t: TestServer;
  let staticDir: string;
  beforeAll(async () => {
    staticDir = fakeClientDir('parley-static-');
    t = await bootServer({ staticDir });
  });
  afterAll(async () => {
    await t.close();
    rmSync(staticDir, { recursive: true, force: true });
  });

  it('join links use the server\'s own origin, never the Host header', async () => {
    const body = JSON.stringify({ game: 'trust-split' });
    const res = await rawRequest(`${t.url}/api/quickplay`, 'POST', { host: 'evil.example', 'content-type': 'application/json' }, body);
    expect(res.status).toBe(201);
    const { joinUrl, id } = JSON.parse(res.text) as { joinUrl: string; id: string };
    expect(joinUrl.startsWith(`http://localhost:${t.server.port}/play/`)).toBe(true);
    const admin = await rawRequest(`${t.url}/api/sessions/${id}`, 'GET', { host: 'evil.example', authorization: `Bearer ${ADMIN_TOKEN}` });
    expect(admin.text).not.toContain('evil.example');
    expect(JSON.parse(admin.text).spectatorUrl.startsWith(`http://localhost:${t.server.port}/watch/`)).toBe(true);
  });

  it('PARLEY_PUBLIC_URL (publicUrl) sets the links; bad values are refused', async () => {
    const pub = await bootServer({ publicUrl: 'https://parley.example.org/lab/' });
    try {
      const res = await rawRequest(`${pub.url}/api/quickplay`, 'POST', { host: 'evil.example', 'content-type': 'application/json' }, JSON.stringify({ game: 'trust-split' }));
      expect(JSON.parse(res.text).joinUrl).toMatch(/^https:\/\/parley\.example\.org\/lab\/play\/[\w-]+\?session=[0-9a-f]+$/);
    } finally {
      await pub.close();
    }
    expect(() => parsePublicUrl('javascript:alert(1)')).toThrow(/http/);
    expect(() => parsePublicUrl('not a url')).toThrow(/not a URL/);
    expect(() => parsePublicUrl('https://x.example/?a=1')).toThrow(/query/);
  });

  it('every response carries CSP with frame-ancestors, nosniff and no-referrer: pages, static files, API, errors', async () => {
    expect(SECURITY_HEADERS['content-security-policy']).toContain("frame-ancestors 'none'");
    const responses = [
      await rawRequest(`${t.url}/`, 'GET', {}),
      await rawRequest(`${t.url}/play/some-token`, 'GET', {}),
      await rawRequest(`${t.url}/assets/app.js`, 'GET', {}),
      await rawRequest(`${t.url}/nope.png`, 'GET', {}),
      await rawRequest(`${t.url}/api/games`, 'GET', {}),
      await rawRequest(`${t.url}/api/sessions`, 'GET', {}),
      await rawRequest(`${t.url}/api/nothing`, 'GET', {}),
      await rawRequest(`${t.url}/api/quickplay`, 'POST', { 'content-type': 'application/json' }, '{'),
      await rawRequest(`${t.url}/healthz`, 'HEAD', {}),
    ];
    expect(responses.map((r) => r.status)).toEqual([200, 200, 200, 404, 200, 401, 404, 400, 200]);
    for (const res of responses) {
      expect(res.headers['content-security-policy']).toBe(SECURITY_HEADERS['content-security-policy']);
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['referrer-policy']).toBe('no-referrer');
    }
  });
});

describe('npm start reads the limits and the public URL from the environment', () => {
  it('PARLEY_PUBLIC_URL and PARLEY_QUICKPLAY_PER_MIN reach the server; a bad PARLEY_PUBLIC_URL stops it with a message', async () => {
    const dataDir = tempDir();
    const { child, url } = await startServerProcess(dataDir, ADMIN_TOKEN, { PARLEY_PUBLIC_URL: 'https://games.example.net', PARLEY_QUICKPLAY_PER_MIN: '1' });
    try {
      const post = () => fetch(`${url}/api/quickplay`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"game":"trust-split"}' });
      const first = await post();
      expect(((await first.json()) as { joinUrl: string }).joinUrl.startsWith('https://games.example.net/play/')).toBe(true);
      const second = await post();
      expect(second.status).toBe(429);
      expect(second.headers.get('retry-after')).toMatch(/^\d+$/);
    } finally {
      child.kill('SIGKILL');
      rmSync(dataDir, { recursive: true, force: true });
    }
    const badDir = tempDir();
    await expect(startServerProcess(badDir, ADMIN_TOKEN, { PARLEY_PUBLIC_URL: 'ftp://x' })).rejects.toThrow(/exited with 2[\s\S]*PARLEY_PUBLIC_URL: public URL "ftp:\/\/x" must start with http/);
    rmSync(badDir, { recursive: true, force: true });
  });
});
