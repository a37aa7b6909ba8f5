import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeOpenAI, type FakeServer } from '../llm/fake-openai-server.ts';
import { readCsv, runCli, savedGames } from './helpers.ts';

const KEY = 'sk-tournament-secret-1a2b3c';
let fake: FakeServer;
let out: string;

beforeAll(async () => {
  fake = await startFakeOpenAI({ latencyMs: 5 });
  out = mkdtempSync(join(tmpdir(), 'parley-tournament-llm-'));
});
afterAll(async () => {
  await fake.close();
  rmSync(out, { recursive: true, force: true });
});

describe('a tournament with LLM and scripted agents', () => {
  it('plays LLM seats within the endpoint limit, logs their calls per table, and resumes without duplicating them', async () => {
    const env = {
      ...process.env,
      PARLEY_LLM_PROVIDER: 'openai-compatible',
      PARLEY_LLM_BASE_URL: fake.url,
      PARLEY_LLM_MODEL: 'fake-model',
      PARLEY_LLM_API_KEY: KEY,
      PARLEY_LLM_CONCURRENCY: '2',
    };
    const args = ['--game', 'trust-split', '--agents', 'greedy,fair,llm', '--games-per-pairing', '3', '--no-self-play', '--config', '{"rounds":2}', '--concurrency', '4', '--out', out];
    const first = await runCli(args, env);
    expect(first.code, first.stderr).toBe(0);
    expect(fake.maxInFlight).toBeLessThanOrEqual(2);
    expect(savedGames(out)).toBe(6 * 3);

    const calls = () => readFileSync(join(out, 'llm_calls.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { table: number; game: number; eventIndex: number });
    const before = calls();
    // the LLM sits in 4 of the 6 pairings (both seat orders against greedy and fair)
    expect(new Set(before.map((c) => c.table)).size).toBe(4);
    expect(readFileSync(join(out, 'llm_calls.jsonl'), 'utf8')).not.toContain(KEY);
    expect(readCsv(join(out, 'leaderboard.csv')).rows.map((r) => r.agent).sort()).toEqual(['fair', 'greedy', 'llm:fake-model']);

    // a crash after a game's calls were saved but before the game was (the last table is llm against fair):
    // the game is played again, its calls kept once
    const games = readFileSync(join(out, 'games.jsonl'), 'utf8').trim().split('\n');
    const last = JSON.parse(games.at(-1)!) as { table: number; game: number };
    expect(before.some((c) => c.table === last.table && c.game === last.game)).toBe(true);
    writeFileSync(join(out, 'games.jsonl'), games.slice(0, -1).join('\n') + '\n');
    const second = await runCli(args, env);
    expect(second.code, second.stderr).toBe(0);
    expect(second.stderr).toContain('18 games (17 resumed, 1 played');
    const after = calls();
    const keys = after.map((c) => `${c.table}:${c.game}:${c.eventIndex}`);
    expect(new Set(keys).size).toBe(keys.length);
    expect(after).toHaveLength(before.length);
  }, 120_000);
});
