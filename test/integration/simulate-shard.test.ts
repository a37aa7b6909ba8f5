import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mergeShards } from '../../server/sim/merge.ts';
import { simulateToDir } from '../../server/sim/run.ts';
import { decodeRow, encodeRow, parseShard } from '../../server/sim/shard.ts';
import type { BatchSpec } from '../../server/sim/batch.ts';
import { parsePersonaList } from '../../shared/personas.ts';
import { startFakeOpenAI, type FakeServer } from '../llm/fake-openai-server.ts';

const run = promisify(execFile);
const root = mkdtempSync(join(tmpdir(), 'parley-shard-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let dirCount = 0;
const freshDir = (name: string) => join(root, `${name}-${dirCount++}`);

/** Every file under a folder, by relative path. */
function filesOf(dir: string): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (entry.isFile()) files.set(relative(dir, join(entry.parentPath, entry.name)), readFileSync(join(entry.parentPath, entry.name)));
  }
  return files;
}

/** The same file list and the same bytes in every file. */
function expectSameFiles(actualDir: string, expectedDir: string): void {
  expectSameContents(filesOf(actualDir), filesOf(expectedDir));
}

function expectSameContents(actual: Map<string, Buffer>, expected: Map<string, Buffer>): void {
  expect([...actual.keys()].sort()).toEqual([...expected.keys()].sort());
  for (const [path, bytes] of expected) expect(actual.get(path)!.equals(bytes), path).toBe(true);
}

/** Play the batch whole and as `count` shards; return the whole folder and the shard folders. */
async function wholeAndShards(spec: BatchSpec, count: number, options: { concurrency?: number; exports?: boolean } = {}) {
  const whole = freshDir('whole');
  await simulateToDir(spec, whole, { concurrency: options.concurrency ?? 1, exports: options.exports });
  const shards: string[] = [];
  for (let index = 0; index < count; index++) {
    const dir = freshDir(`shard${index}`);
    await simulateToDir(spec, dir, { concurrency: options.concurrency ?? 1, exports: options.exports, shard: { index, count } });
    shards.push(dir);
  }
  return { whole, shards };
}

const personas = parsePersonaList(JSON.parse(readFileSync('docs/examples/personas.json', 'utf8')));
const traitors: BatchSpec = { game: 'traitors', games: 12, seed: 7, preset: 'paper', agents: 'scripted', personas };

describe('sharded batches merged', () => {
  it('12 Traitors games as 3 shards merge into the unsharded batch, every file byte for byte', async () => {
    const { whole, shards } = await wholeAndShards(traitors, 3);
    // each shard holds only its own games: shard 1/3 plays 1, 4, 7, 10
    expect(readdirSync(join(shards[1], 'games')).map(Number).sort((a, b) => a - b)).toEqual([1, 4, 7, 10]);
    expect(JSON.parse(readFileSync(join(shards[1], 'shard.json'), 'utf8'))).toMatchObject({ shard: { index: 1, count: 3 }, complete: true, games: 4 });

    const merged = freshDir('merged');
    // shard folders in any order
    const result = await mergeShards([shards[2], shards[0], shards[1]], merged);
    expect(result.games).toBe(12);
    const files = filesOf(merged);
    for (const file of ['events.jsonl', 'games.csv', 'summary.json', 'report.html', 'votes.csv', 'seats.csv', 'llm_calls.jsonl', 'games/11/votes.csv', 'games/0/metrics.json']) {
      expect(files.has(file), file).toBe(true);
    }
    expect(files.has('shard.json')).toBe(false);
    expectSameFiles(merged, whole);
  });

  it('the reference votes format, uneven shards and a shard with no games merge exactly too', async () => {
    const spec: BatchSpec = { game: 'traitors', games: 5, seed: 3, preset: 'paper', agents: 'scripted', votesFormat: 'reference' };
    const { whole, shards } = await wholeAndShards(spec, 3);
    const merged = freshDir('merged');
    await mergeShards(shards, merged);
    expectSameFiles(merged, whole);
    expect(readFileSync(join(merged, 'votes.csv'), 'utf8')).toMatch(/^game,Round,Vote_Type,Player_ID,Role,Vote_Target,Eliminated/);

    const few: BatchSpec = { game: 'trust-split', games: 2, seed: 8, agents: 'greedy,tit-for-tat' };
    const four = await wholeAndShards(few, 4);
    expect(JSON.parse(readFileSync(join(four.shards[3], 'shard.json'), 'utf8'))).toMatchObject({ games: 0, complete: true });
    const mergedFew = freshDir('merged');
    await mergeShards(four.shards, mergedFew);
    expectSameFiles(mergedFew, four.whole);
  });

  it('Trust-and-Split played on worker threads, without exports, merges exactly', async () => {
    const spec: BatchSpec = { game: 'trust-split', games: 40, seed: 2, agents: 'random,fair' };
    const { whole, shards } = await wholeAndShards(spec, 3, { concurrency: 2, exports: false });
    const merged = freshDir('merged');
    await mergeShards(shards, merged);
    expect(existsSync(join(merged, 'report.html'))).toBe(false);
    expectSameFiles(merged, whole);
  });
});

describe('merge refuses, writing nothing', () => {
  const spec: BatchSpec = { game: 'trust-split', games: 6, seed: 4, agents: 'greedy,fair' };
  let shards: string[] = [];
  let unsharded = '';
  beforeAll(async () => {
    const played = await wholeAndShards(spec, 3, { exports: false });
    shards = played.shards;
    unsharded = played.whole;
  });

  async function refused(dirs: string[], message: RegExp, out = freshDir('refused')) {
    await expect(mergeShards(dirs, out)).rejects.toThrow(message);
    return out;
  }

  it('shards of different batches', async () => {
    const other = freshDir('other');
    await simulateToDir({ ...spec, seed: 5 }, other, { concurrency: 1, exports: false, shard: { index: 1, count: 3 } });
    const out = await refused([shards[0], other, shards[2]], /from different batches/);
    expect(existsSync(out)).toBe(false);
    // the same games with another shard count is another split of the batch: refused too
    const split = freshDir('split');
    await simulateToDir(spec, split, { concurrency: 1, exports: false, shard: { index: 1, count: 2 } });
    expect(existsSync(await refused([shards[0], split], /from different batches/))).toBe(false);
  });

  it('overlapping and missing shards, naming the missing indices', async () => {
    const twice = freshDir('twice');
    cpSync(shards[1], twice, { recursive: true });
    expect(existsSync(await refused([shards[0], shards[1], twice, shards[2]], /shard 1\/3 is given twice/))).toBe(false);
    expect(existsSync(await refused([shards[0], shards[2]], /missing shard 1 of 3/))).toBe(false);
    expect(existsSync(await refused([shards[1]], /missing shards 0, 2 of 3/))).toBe(false);
  });

  it('an incomplete shard, an altered record, a folder that is no shard, and an output over a shard', async () => {
    // a shard whose run never finished: its record still says so (written before its first game)
    const unfinished = freshDir('unfinished');
    cpSync(shards[2], unfinished, { recursive: true });
    const record = JSON.parse(readFileSync(join(unfinished, 'shard.json'), 'utf8'));
    writeFileSync(join(unfinished, 'shard.json'), JSON.stringify({ ...record, complete: false }));
    expect(existsSync(await refused([shards[0], shards[1], unfinished], /incomplete shards .*unfinished.* \(shard 2\/3\)/))).toBe(false);

    const altered = freshDir('altered');
    cpSync(shards[2], altered, { recursive: true });
    writeFileSync(join(altered, 'shard.json'), JSON.stringify({ ...record, spec: { ...record.spec, seed: 99 } }));
    expect(existsSync(await refused([shards[0], shards[1], altered], /has been altered/))).toBe(false);

    expect(existsSync(await refused([shards[0], shards[1], unsharded], /is not a shard's output/))).toBe(false);

    const before = filesOf(shards[0]);
    await refused(shards, /would overwrite the shard folder/, shards[0]);
    expectSameContents(filesOf(shards[0]), before);
  });

  it('an unsharded run or a merge into an old shard folder leaves no shard record behind', async () => {
    const dir = freshDir('reused');
    cpSync(shards[0], dir, { recursive: true });
    await simulateToDir(spec, dir, { concurrency: 1, exports: false });
    expect(existsSync(join(dir, 'shard.json'))).toBe(false);
    expect(existsSync(join(dir, 'games.jsonl'))).toBe(false);

    const mergedHere = freshDir('reused');
    cpSync(shards[1], mergedHere, { recursive: true });
    await mergeShards(shards, mergedHere);
    expectSameFiles(mergedHere, unsharded);
  });

  it('records a game row losslessly, odd metric values included (games.csv and the means are rebuilt from it)', () => {
    const row = { game: 3, seed: 9, agents: 'a;b', outcome: 'x', headline: { nan: NaN, inf: Infinity, neg: -Infinity, none: undefined, nil: null, text: 'faithful', n: 0.1 } };
    const back = decodeRow(encodeRow(row as never));
    expect(Object.keys(back.headline)).toEqual(Object.keys(row.headline));
    for (const [key, value] of Object.entries(row.headline)) expect(Object.is(back.headline[key], value), key).toBe(true);
    expect({ ...back, headline: null }).toEqual({ ...row, headline: null });
  });

  it('parses i/n (0-based) and refuses anything else', () => {
    expect(parseShard('0/1')).toEqual({ index: 0, count: 1 });
    expect(parseShard('2/3')).toEqual({ index: 2, count: 3 });
    for (const bad of ['3/3', '0/0', 'a/b', '-1/3', '1/', '1.5/3', '']) expect(() => parseShard(bad), bad).toThrow(/0 <= i < n/);
  });
});

/** Several real processes each start tsx and load the game code: on a shared 2-core machine that alone can take most of a minute. */
const CLI_TIMEOUT = 180_000;

/** The real command, as a user runs it (`npm run simulate -- …` is `tsx scripts/simulate.ts …`). */
function cli(args: string[], env: NodeJS.ProcessEnv = process.env) {
  return run(process.execPath, ['--import', 'tsx', 'scripts/simulate.ts', ...args], { cwd: process.cwd(), env });
}

describe('npm run simulate -- --shard … and merge, end to end', () => {
  it('three shards from the command line merge into the unsharded run; bad --shard values write nothing', async () => {
    const batch = ['--game', 'traitors', '--preset', 'paper', '--games', '7', '--seed', '21', '--votes-format', 'reference'];
    const whole = freshDir('cli-whole');
    const shards = [0, 1, 2].map(() => freshDir('cli-shard'));
    const bad = ['3/3', '0/0', 'a/b'].map((value) => ({ value, out: freshDir('cli-bad') }));
    const badRuns = bad.map(({ value, out }) => cli([...batch, '--shard', value, '--out', out]).then(() => null, (error: unknown) => error));
    // the unsharded batch in this process (the CLI writes the same bytes: test/integration/simulate.test.ts)
    const [, ...shardRuns] = await Promise.all([
      simulateToDir({ game: 'traitors', preset: 'paper', games: 7, seed: 21, agents: 'scripted', votesFormat: 'reference' }, whole, { concurrency: 1 }),
      ...shards.map((out, i) => cli([...batch, '--shard', `${i}/3`, '--concurrency', i === 1 ? '2' : '1', '--out', out])),
    ]);
    expect(shardRuns[1].stdout).toContain('shard 1/3 of the batch');
    for (const [k, failure] of (await Promise.all(badRuns)).entries()) {
      expect(failure, bad[k].value).toMatchObject({ code: 1, stderr: expect.stringMatching(/option '--shard <i\/n>' argument .* is invalid\. .*0 <= i < n/) });
      expect(existsSync(bad[k].out)).toBe(false);
    }

    const merged = freshDir('cli-merged');
    const { stdout } = await cli(['merge', '--out', merged, ...shards]);
    expect(stdout).toContain('merged 3 shards: 7 games');
    expectSameFiles(merged, whole);

    const refusedOut = freshDir('cli-refused');
    await expect(cli(['merge', '--out', refusedOut, shards[0], shards[2]])).rejects.toMatchObject({ stderr: expect.stringMatching(/merge refused: missing shard 1 of 3/) });
    expect(existsSync(refusedOut)).toBe(false);
  }, CLI_TIMEOUT);
});

describe('an LLM batch in shards', () => {
  let fake: FakeServer;
  beforeAll(async () => {
    fake = await startFakeOpenAI();
  });
  afterAll(() => fake.close());

  it('merges under another environment with the model specs the shards played with', async () => {
    const env = { ...process.env, PARLEY_LLM_PROVIDER: 'openai-compatible', PARLEY_LLM_BASE_URL: fake.url, PARLEY_LLM_MODEL: 'fake-model', PARLEY_LLM_API_KEY: 'sk-x' };
    const batch = ['--game', 'trust-split', '--games', '3', '--seed', '6', '--agents', 'llm,greedy', '--concurrency', '2'];
    const shards = [freshDir('llm-shard'), freshDir('llm-shard')];
    await Promise.all(shards.map((out, i) => cli([...batch, '--shard', `${i}/2`, '--out', out], env)));
    const merged = freshDir('llm-merged');
    // merging needs no endpoint; today's defaults name another model, which must not leak into the batch's files
    await cli(['merge', '--out', merged, shards[1], shards[0]], { ...process.env, PARLEY_LLM_MODEL: 'another-model' });

    const lines = (dir: string, file: string) => readFileSync(join(dir, file), 'utf8').split('\n').filter(Boolean);
    const gameOf = (line: string) => (JSON.parse(line) as { game: number }).game;
    for (const file of ['events.jsonl', 'llm_calls.jsonl']) {
      // the shards' lines, games interleaved back into order (a game's own lines keep theirs)
      const byGame = [...lines(shards[0], file), ...lines(shards[1], file)].map((line, k) => ({ line, k, game: gameOf(line) }));
      const expected = byGame.sort((a, b) => a.game - b.game || a.k - b.k).map((e) => e.line);
      expect(lines(merged, file), file).toEqual(expected);
    }
    expect(new Set(lines(merged, 'llm_calls.jsonl').map(gameOf))).toEqual(new Set([0, 1, 2]));
    const summary = JSON.parse(readFileSync(join(merged, 'summary.json'), 'utf8'));
    expect(summary.games).toBe(3);
    expect(summary.llm.calls).toBe(lines(merged, 'llm_calls.jsonl').length);
    expect(summary.llm.seats[0]).toMatchObject({ model: 'fake-model', baseURL: fake.url });
    const seats = readFileSync(join(merged, 'seats.csv'), 'utf8');
    expect(seats).toContain('fake-model');
    expect(seats).not.toContain('another-model');
    expect(readFileSync(join(merged, 'games/1/llm_calls.jsonl'), 'utf8')).toBe(lines(shards[1], 'llm_calls.jsonl').map((l) => l + '\n').join(''));
  }, CLI_TIMEOUT);
});
