import { execFile } from 'node:child_process';
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportFileNames } from '../../server/export/files.ts';
import { ADMIN_TOKEN, bootServer, tempDir, type TestServer } from '../integration/helpers.ts';
import { csvRecords, unzip } from './helpers.ts';

let server: TestServer;
const ids: Record<'traitors' | 'trust-split', string> = { traitors: '', 'trust-split': '' };

/** A session played to the end by agents on the real server. */
async function playedSession(game: 'traitors' | 'trust-split', seats: number, agent: string): Promise<string> {
  const created = await server.createSession({ game, preset: 'paper', seed: 5, seats: Array.from({ length: seats }, () => ({ kind: 'agent', agent })) });
  for (let i = 0; i < 400; i++) {
    if (server.server.store.session(created.id)?.status !== 'active') return created.id;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`session ${created.id} did not finish`);
}

beforeAll(async () => {
  server = await bootServer({ keepDataDir: true });
  ids.traitors = await playedSession('traitors', 10, 'scripted');
  ids['trust-split'] = await playedSession('trust-split', 2, 'greedy');
});
afterAll(async () => {
  await server.close();
  rmSync(server.dataDir, { recursive: true, force: true });
});

const get = (route: string, token: string | null = ADMIN_TOKEN) =>
  fetch(server.url + route, { headers: token ? { authorization: `Bearer ${token}` } : {} });

describe('GET /api/sessions/:id/export', () => {
  it.each(['traitors', 'trust-split'] as const)('streams a zip with every file of a %s session', async (game) => {
    const id = ids[game];
    const res = await get(`/api/sessions/${id}/export`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/zip');
    expect(res.headers.get('content-disposition')).toContain(`parley-${id}.zip`);
    const files = unzip(Buffer.from(await res.arrayBuffer()));
    expect([...files.keys()].sort()).toEqual(exportFileNames(game).map((f) => `parley-${id}/${f}`).sort());

    // events.jsonl is the whole log, as the events endpoint serves it
    const log = await (await get(`/api/sessions/${id}/events`)).text();
    expect(files.get(`parley-${id}/events.jsonl`)!.toString()).toBe(log);
    const metrics = JSON.parse(files.get(`parley-${id}/metrics.json`)!.toString());
    expect(metrics).toMatchObject({ sessionId: id, game, status: 'finished' });
    const seats = csvRecords(files.get(`parley-${id}/seats.csv`)!.toString());
    expect(seats).toHaveLength(game === 'traitors' ? 10 : 2);
    expect(seats.every((s) => s.kind === 'agent' && s.agent_spec !== '')).toBe(true);
    if (game === 'traitors') {
      expect(files.get(`parley-${id}/votes.csv`)!.toString().split('\n')[0]).toBe('Round,Vote_Type,Player_ID,Role,Vote_Target,Eliminated,actor');
      // every seat is an agent: each vote was the agent's or, abstaining, a timeout
      const votes = csvRecords(files.get(`parley-${id}/votes.csv`)!.toString());
      expect(votes.every((v) => (v.Vote_Target === '' ? v.actor === 'timeout' : v.actor === 'agent'))).toBe(true);
      expect(csvRecords(files.get(`parley-${id}/eliminations.csv`)!.toString()).length).toBeGreaterThan(1);
    } else {
      expect(csvRecords(files.get(`parley-${id}/rounds.csv`)!.toString())).toHaveLength(2 * metrics.metrics.rounds);
    }
  });

  it('needs the admin token and a known session', async () => {
    expect((await get(`/api/sessions/${ids.traitors}/export`, null)).status).toBe(401);
    expect((await get('/api/sessions/abcdef123456/export')).status).toBe(404);
    expect((await get('/api/sessions/abcdef123456/report')).status).toBe(404);
  });
});

describe('GET /api/sessions/:id/report', () => {
  it.each(['traitors', 'trust-split'] as const)('is a self-contained HTML report of a %s session', async (game) => {
    const res = await get(`/api/sessions/${ids[game]}/report`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/html');
    const html = await res.text();
    expect(html).toMatch(/^<!doctype html>/);
    expect(html).toContain('<svg');
    expect(html).toContain('Metrics');
    // nothing to fetch: no scripts, stylesheets, images or frames, and no URL but the SVG namespace
    expect(html).not.toMatch(/<script|<link|<img|<iframe|src=|@import|url\(/i);
    // the one address it names is a link (never fetched) to the session's replay on this server
    const replay = `${server.url.replace('127.0.0.1', 'localhost')}/replay/`;
    expect(html).toContain(`<a href="${replay}`);
    expect(html.replace(/xmlns="http:\/\/www\.w3\.org\/2000\/svg"/g, '').replaceAll(replay, '')).not.toMatch(/https?:\/\/|\/\/[a-z0-9.-]+\.[a-z]{2,}/i);
    if (game === 'traitors') {
      expect(html).toContain('Suspicion heatmaps');
      expect(html).toContain('Vote flows');
      expect(html).toContain('Trust dynamics');
    } else {
      expect(html).toContain('Points, proposals and claims over rounds');
      expect(html).toContain('Hand claims');
    }
  });
});

describe('npm run export', () => {
  it('writes the same files, plus report.html, into a directory', async () => {
    const out = tempDir('parley-export-cli-');
    try {
      const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', 'scripts/export.ts', '--session', ids.traitors, '--out', out, '--data', server.dataDir]);
      expect(stdout).toContain('wrote');
      expect(readdirSync(out).sort()).toEqual([...exportFileNames('traitors'), 'report.html'].sort());
      const zip = unzip(Buffer.from(await (await get(`/api/sessions/${ids.traitors}/export`)).arrayBuffer()));
      for (const name of exportFileNames('traitors')) expect(readFileSync(join(out, name), 'utf8')).toBe(zip.get(`parley-${ids.traitors}/${name}`)!.toString());
      const missing = promisify(execFile)(process.execPath, ['--import', 'tsx', 'scripts/export.ts', '--session', 'ffffff', '--out', out, '--data', server.dataDir]);
      await expect(missing).rejects.toMatchObject({ stderr: expect.stringContaining('No session "ffffff"') });
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
});
