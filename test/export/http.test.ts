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
    if ((await server.server.store.session(created.id))?.status !== 'active') return created.id;
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

describe('votes.csv form: ?votes= on the export route and --votes-format on npm run export', () => {
  const votesOf = async (query: string) => {
    const res = await get(`/api/sessions/${ids.traitors}/export${query}`);
    return { status: res.status, body: Buffer.from(await res.arrayBuffer()) };
  };

  it('gives the reference form on ?votes=reference, Parley\'s by default, and the same file from the CLI', async () => {
    const reference = unzip((await votesOf('?votes=reference')).body).get(`parley-${ids.traitors}/votes.csv`)!.toString();
    const parley = unzip((await votesOf('')).body).get(`parley-${ids.traitors}/votes.csv`)!.toString();
    expect(unzip((await votesOf('?votes=parley')).body).get(`parley-${ids.traitors}/votes.csv`)!.toString()).toBe(parley);
    expect(reference.split('\n')[0]).toBe('Round,Vote_Type,Player_ID,Role,Vote_Target,Eliminated');
    expect(parley.split('\n')[0]).toBe('Round,Vote_Type,Player_ID,Role,Vote_Target,Eliminated,actor');
    // reference rows are the Parley rows of phases that eliminated (no revote in the paper preset), without actor
    const eliminating = csvRecords(parley).filter((r) => r.Eliminated !== 'False');
    expect(csvRecords(reference).map((r) => Object.values(r).join(','))).toEqual(
      eliminating.map((r) => [r.Round, r.Vote_Type, r.Player_ID, r.Role, r.Vote_Target === '' ? 'None' : r.Vote_Target, r.Eliminated].join(',')),
    );
    expect(eliminating.length).toBeGreaterThan(10);

    const out = tempDir('parley-export-votes-');
    try {
      await promisify(execFile)(process.execPath, ['--import', 'tsx', 'scripts/export.ts', '--session', ids.traitors, '--votes-format', 'reference', '--out', out, '--data', server.dataDir]);
      expect(readFileSync(join(out, 'votes.csv'), 'utf8')).toBe(reference);
      const bad = promisify(execFile)(process.execPath, ['--import', 'tsx', 'scripts/export.ts', '--session', ids.traitors, '--votes-format', 'python', '--out', out, '--data', server.dataDir]);
      await expect(bad).rejects.toMatchObject({ stderr: expect.stringContaining('Allowed choices are parley, reference') });
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });

  it('answers 400 with the allowed values for any other ?votes=', async () => {
    for (const value of ['python', 'REFERENCE', '', 'constructor', '__proto__']) {
      const res = await get(`/api/sessions/${ids.traitors}/export?votes=${encodeURIComponent(value)}`);
      expect(res.status).toBe(400);
      expect((await res.json()).error).toContain('choose one of: parley, reference');
    }
  });
});
