import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXPERIMENTS } from '../../server/reproduce/experiments.ts';
import { csvRecords } from '../export/helpers.ts';
import { startFakeOpenAI, type FakeServer } from '../llm/fake-openai-server.ts';

const run = promisify(execFile);
const dirs: string[] = [];
let fake: FakeServer;
beforeAll(async () => {
  fake = await startFakeOpenAI();
});
afterAll(async () => {
  await fake.close();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

async function reproduce(args: string[], env: Record<string, string> = {}) {
  const out = mkdtempSync(join(tmpdir(), 'parley-reproduce-'));
  dirs.push(out);
  const { stdout } = await run(process.execPath, ['--import', 'tsx', 'scripts/reproduce.ts', ...args, '--out', out], { env: { ...process.env, ...env }, cwd: process.cwd() });
  const json = JSON.parse(readFileSync(join(out, 'reproduce.json'), 'utf8')) as {
    games: number;
    arms: { arm: { id: string; label: string; agents: string }; games: number; metrics: Record<string, { n: number; mean: number | null; lo: number | null; hi: number | null }>; llm: { calls: number; inputTokens: number; outputTokens: number } | null; dir: string }[];
  };
  return { out, stdout, json, md: readFileSync(join(out, 'report.md'), 'utf8'), html: readFileSync(join(out, 'report.html'), 'utf8') };
}

/** The mean of a games.csv column over the games where it is defined, read back from the arm's own file. */
function meanOfColumn(file: string, column: string): number | null {
  const values = csvRecords(readFileSync(file, 'utf8')).map((r) => r[column]).filter((v) => v !== '' && v !== undefined).map(Number);
  return values.length ? values.reduce((a, b) => a + b, 0) / values.length : null;
}

describe('npm run reproduce, scripted (no model)', () => {
  it.each([...EXPERIMENTS.keys()])('%s runs end to end and puts the measured tables beside the paper', async (id) => {
    const experiment = EXPERIMENTS.get(id)!;
    const { out, json, md, html } = await reproduce([id, '--agents', 'scripted', '--smoke']);
    expect(json.games).toBe(4);
    expect(json.arms.length).toBeGreaterThan(0);
    for (const arm of json.arms) {
      expect(arm.games).toBe(4);
      expect(arm.llm).toBeNull();
      const gamesCsv = join(out, arm.dir, 'games.csv');
      // every reported mean is the mean of the arm's own games.csv column
      for (const { key, range } of experiment.metrics) {
        const column = key === 'faithfulWinRate' ? 'faithfulWin' : key;
        const expected = meanOfColumn(gamesCsv, column);
        if (expected === null) expect(arm.metrics[key].mean).toBeNull();
        else expect(arm.metrics[key].mean).toBeCloseTo(expected, 12);
        // a rate's interval stays a rate (four games give wide intervals)
        if (range && arm.metrics[key].lo !== null) {
          expect(arm.metrics[key].lo).toBeGreaterThanOrEqual(range[0]);
          expect(arm.metrics[key].hi).toBeLessThanOrEqual(range[1]);
        }
      }
      expect(experiment.metrics.some((m) => m.range)).toBe(true);
      if (experiment.game === 'traitors') {
        expect(readFileSync(join(out, arm.dir, 'games', '0', 'votes.csv'), 'utf8').split('\n')[0]).toBe('Round,Vote_Type,Player_ID,Role,Vote_Target,Eliminated');
      }
    }
    // the report names every metric, every published figure with its source, and what was not found
    for (const { label } of experiment.metrics) expect(md).toContain(`| ${label} |`);
    for (const f of experiment.published) expect(md).toContain(`${f.condition} ${f.value === 1 ? '1' : f.value.toFixed(2)} [${f.source}]`);
    for (const s of experiment.sources) expect(md).toContain(`[${s.id}] ${s.where}`);
    expect(md).toContain('## Not found');
    expect(html).toMatch(/^<!doctype html>/);
    expect(html).toContain('Parley measured, beside the paper');
    expect(existsSync(join(out, json.arms[0].dir, 'report.html'))).toBe(true);
  });

  it('plays the Trust-and-Split pairings once each (the scripted stand-in against itself is its tit-for-tat pairing)', async () => {
    const { json } = await reproduce(['trust-split-2511.19405', '--agents', 'scripted', '--games', '1']);
    const agents = json.arms.map((a) => a.arm.agents);
    expect(new Set(agents).size).toBe(agents.length);
    expect(agents).toEqual([JSON.stringify(['tit-for-tat', 'tit-for-tat']), JSON.stringify(['tit-for-tat', 'greedy']), JSON.stringify(['tit-for-tat', 'cooperative'])]);
  });
});

describe('npm run reproduce with a model', () => {
  it('gives the model seats the reference prompts and reports calls and tokens from the call log', async () => {
    const env = { PARLEY_LLM_PROVIDER: 'openai-compatible', PARLEY_LLM_BASE_URL: fake.url };
    const { out, json, md } = await reproduce(['trust-split-2511.19405', '--model', 'fake-model', '--games', '1', '--concurrency', '2'], env);
    expect(json.arms.map((a) => a.arm.label)).toEqual(['llm:fake-model vs itself', 'llm:fake-model vs greedy', 'llm:fake-model vs tit-for-tat', 'llm:fake-model vs cooperative']);
    for (const arm of json.arms) {
      const lines = readFileSync(join(out, arm.dir, 'llm_calls.jsonl'), 'utf8').trim().split('\n');
      expect(arm.llm!.calls).toBe(lines.length);
      expect(arm.llm!.inputTokens).toBeGreaterThan(0);
      const summary = JSON.parse(readFileSync(join(out, arm.dir, 'summary.json'), 'utf8'));
      const specs = summary.llm.spec ? [summary.llm.spec] : summary.llm.seats.filter(Boolean);
      for (const spec of specs) expect(spec).toMatchObject({ model: 'fake-model', prompts: 'reference' });
      expect(md).toContain(`| ${arm.arm.label} | 1 | ${arm.llm!.calls} |`);
      // the test endpoint answers the reference formats: nothing re-asked, nothing fell back
      const row = md.split('\n').find((line) => line.startsWith(`| ${arm.arm.label} | 1 |`))!;
      expect(row.endsWith('| 0 fallbacks, 0 re-asks |')).toBe(true);
    }
    // the model against itself makes twice the calls of the model against a scripted seat
    expect(json.arms[0].llm!.calls).toBeGreaterThan(json.arms[1].llm!.calls);
  });
});

describe('npm run reproduce, bad input', () => {
  const fails = (args: string[]) => run(process.execPath, ['--import', 'tsx', 'scripts/reproduce.ts', ...args], { cwd: process.cwd() });

  it('names the experiments, refuses two model sources and a bad spec file, before playing anything', async () => {
    await expect(fails(['constructor', '--agents', 'scripted'])).rejects.toMatchObject({ stderr: expect.stringContaining('choose one of: traitors-2505.12923, trust-split-2511.19405') });
    await expect(fails(['traitors-2505.12923', '--agents', 'scripted', '--model', 'x'])).rejects.toMatchObject({ stderr: expect.stringContaining('give one of --agents scripted, --model or --spec') });
    const dir = mkdtempSync(join(tmpdir(), 'parley-reproduce-spec-'));
    dirs.push(dir);
    writeFileSync(join(dir, 'spec.json'), JSON.stringify({ type: 'llm', model: 'm', provider: 'openai-compatible', baseURL: 'http://127.0.0.1:9/v1', apiKey: 'sk-nope' }));
    await expect(fails(['traitors-2505.12923', '--spec', join(dir, 'spec.json'), '--out', join(dir, 'out')])).rejects.toMatchObject({ stderr: expect.stringContaining('must not contain an API key') });
    expect(existsSync(join(dir, 'out'))).toBe(false);
  });
});
