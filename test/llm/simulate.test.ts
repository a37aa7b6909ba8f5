import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LlmCallLine } from '../../server/sim/llm.ts';
import { faulty, startFakeOpenAI, type FakeServer } from './fake-openai-server.ts';

const run = promisify(execFile);
const KEY = 'sk-sim-secret-9f8e7d6c';
let fake: FakeServer;
const dirs: string[] = [];

beforeAll(async () => {
  // a few unusable answers, so re-asks show up in the file
  fake = await startFakeOpenAI({ script: (req) => (req.index % 13 === 4 ? faulty.wrongSeat(req) : undefined) });
});
afterAll(async () => {
  await fake.close();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** Run the simulator CLI: through `npm run simulate` (as users do) or straight through tsx (faster). */
async function simulate(args: string[], viaNpm = false) {
  const out = mkdtempSync(join(tmpdir(), 'parley-llm-sim-'));
  dirs.push(out);
  const env = {
    ...process.env,
    PARLEY_LLM_PROVIDER: 'openai-compatible',
    PARLEY_LLM_BASE_URL: fake.url,
    PARLEY_LLM_MODEL: 'fake-model',
    PARLEY_LLM_API_KEY: KEY,
  };
  const [command, prefix] = viaNpm ? ['npm', ['run', '--silent', 'simulate', '--']] : [process.execPath, ['--import', 'tsx', 'scripts/simulate.ts']];
  const { stdout, stderr } = await run(command, [...prefix, ...args, '--out', out], { env, cwd: process.cwd() });
  const read = (file: string) => readFileSync(join(out, file), 'utf8');
  return { out, stdout, stderr, read };
}

function jsonl<T>(text: string): T[] {
  return text.trim().split('\n').map((line) => JSON.parse(line) as T);
}

describe('npm run simulate with LLM agents', () => {
  it('plays traitors with --agents llm and writes llm_calls.jsonl linked to the events, without the key', async () => {
    const { out, stdout, stderr, read } = await simulate(['--game', 'traitors', '--games', '2', '--agents', 'llm', '--concurrency', '2'], true);
    expect(stdout).toContain('2 The Traitors games');
    expect(stdout).toMatch(/LLM: \d+ calls/);

    const calls = jsonl<LlmCallLine>(read('llm_calls.jsonl'));
    const events = jsonl<{ game: number; seq: number; event: { type: string; seat?: number } }>(read('events.jsonl'));
    const byGameSeq = new Map(events.map((e) => [`${e.game}:${e.seq}`, e.event]));
    // one call per seat action, each pointing at the event it produced
    const seatActions = events.filter((e) => ['statement', 'vote', 'beliefs'].includes(e.event.type));
    expect(calls).toHaveLength(seatActions.length);
    expect(new Set(calls.map((c) => c.game))).toEqual(new Set([0, 1]));
    const kindOf: Record<string, string> = { speak: 'statement', vote: 'vote', beliefs: 'beliefs' };
    for (const call of calls) {
      const event = byGameSeq.get(`${call.game}:${call.eventIndex}`)!;
      expect(event.type).toBe(kindOf[call.action.kind]);
      expect(event.seat).toBe(call.seat);
      expect(call.attempts.length).toBeGreaterThanOrEqual(1);
      expect(call.attempts.at(-1)!.raw).toBeTruthy();
      expect(call).toMatchObject({ provider: 'openai-compatible', model: 'fake-model', agent: 'llm:fake-model' });
    }
    expect(calls.some((c) => c.attempts.length > 1 && c.attempts[0].errorKind === 'illegal')).toBe(true);

    const summary = JSON.parse(read('summary.json'));
    expect(summary.llm).toMatchObject({ calls: calls.length, spec: { model: 'fake-model', apiKeyEnv: 'PARLEY_LLM_API_KEY' } });
    expect(summary.llm.inputTokens).toBe(calls.reduce((s, c) => s + c.inputTokens, 0));
    expect(read('games.csv')).toContain('llm:fake-model');

    // the key went to the endpoint, and nowhere else
    expect(fake.requests.some((r) => r.credential === `Bearer ${KEY}`)).toBe(true);
    // every file written, including per-game export folders
    const files = readdirSync(out, { recursive: true, withFileTypes: true }).filter((d) => d.isFile());
    expect(files.length).toBeGreaterThan(0);
    for (const f of files) expect(readFileSync(join(f.parentPath, f.name), 'utf8')).not.toContain(KEY);
    expect(stdout + stderr).not.toContain(KEY);
  });

  it('mixes scripted and LLM seats with per-seat specs', async () => {
    const { read } = await simulate(['--game', 'trust-split', '--games', '1', '--agents', '[{"type":"llm","model":"other-model","persona":"terse"},"greedy"]']);
    const calls = jsonl<LlmCallLine>(read('llm_calls.jsonl'));
    expect(calls.length).toBeGreaterThan(0);
    expect(calls.every((c) => c.seat === 0 && c.model === 'other-model')).toBe(true);
    expect(calls[0].messages[0].content).toContain('terse');
    expect(read('games.csv')).toContain('llm:other-model;greedy');
    const summary = JSON.parse(read('summary.json'));
    expect(summary.llm.seats[1]).toBeNull();
  });

  it('explains a bad LLM spec instead of crashing', async () => {
    await expect(simulate(['--game', 'traitors', '--games', '1', '--agents', '{"type":"llm","apiKey":"x"}'])).rejects.toMatchObject({
      stderr: expect.stringContaining('must not contain an API key'),
    });
  });
});
