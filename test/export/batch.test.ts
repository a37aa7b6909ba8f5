import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { exportBatch } from '../../server/export/batch.ts';
import { exportFileNames } from '../../server/export/files.ts';
import { simulateToDir } from '../../server/sim/run.ts';
import { csvRecords } from './helpers.ts';

const root = mkdtempSync(join(tmpdir(), 'parley-export-batch-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const read = (...parts: string[]) => readFileSync(join(root, ...parts), 'utf8');

describe('batch exports in the simulator output', () => {
  it('write a folder per game, combined tables with a game column and a report (The Traitors, mixed agents)', async () => {
    const agents = 'sleuth,random,sleuth,random,sleuth,random,sleuth,random,sleuth,random';
    await simulateToDir({ game: 'traitors', games: 12, seed: 4, preset: 'paper', agents }, join(root, 't'), { concurrency: 1 });
    expect(readdirSync(join(root, 't', 'games')).map(Number).sort((a, b) => a - b)).toEqual([...Array(12).keys()]);
    for (const index of [0, 11]) expect(readdirSync(join(root, 't', 'games', String(index))).sort()).toEqual(exportFileNames('traitors').sort());

    // the combined table is the per-game tables stacked, each row prefixed by its game
    const combined = read('t', 'votes.csv');
    expect(combined.split('\n')[0]).toBe('game,Round,Vote_Type,Player_ID,Role,Vote_Target,Eliminated,actor');
    // a batch is all agents: every action row says so (a timeout would say `timeout`)
    for (const file of ['votes.csv', 'statements.csv', 'beliefs.csv']) {
      const actors = new Set(csvRecords(read('t', file)).map((r) => r.actor));
      expect(actors.has('agent')).toBe(true);
      expect([...actors].every((a) => a === 'agent' || a === 'timeout')).toBe(true);
    }
    const stacked = [...Array(12).keys()].flatMap((g) => read('t', 'games', String(g), 'votes.csv').trim().split('\n').slice(1).map((line) => `${g},${line}`));
    expect(combined.trim().split('\n').slice(1)).toEqual(stacked);
    for (const file of ['statements.csv', 'beliefs.csv', 'eliminations.csv', 'seats.csv']) expect(read('t', file).startsWith('game,')).toBe(true);
    const seats = csvRecords(read('t', 'seats.csv'));
    expect(seats).toHaveLength(120);
    expect(new Set(seats.map((s) => s.agent))).toEqual(new Set(['sleuth', 'random']));

    // per-game events.jsonl are the batch's lines for that game
    const lines = read('t', 'events.jsonl').split('\n').filter((l) => l.startsWith('{"game":3,'));
    expect(read('t', 'games', '3', 'events.jsonl').trim().split('\n')).toEqual(lines);
    const games = csvRecords(read('t', 'games.csv'));
    const metrics = JSON.parse(read('t', 'games', '3', 'metrics.json'));
    expect(metrics.headline.FCR ?? '').toBe(games[3].FCR === '' ? '' : Number(games[3].FCR));

    const html = read('t', 'report.html');
    for (const heading of ['95% CI', 'Suspicion heatmaps', 'Trust dynamics', 'Vote flows', 'Face-off matrix']) expect(html).toContain(heading);
    expect(html).not.toMatch(/<script|<link|src=/i);
  });

  it('write rounds.csv and a face-off matrix for Trust-and-Split', async () => {
    await simulateToDir({ game: 'trust-split', games: 6, seed: 2, agents: 'greedy,fair' }, join(root, 's'), { concurrency: 1 });
    const rounds = csvRecords(read('s', 'rounds.csv'));
    expect(rounds).toHaveLength(6 * 10 * 2);
    expect(new Set(rounds.map((r) => r.game))).toEqual(new Set(['0', '1', '2', '3', '4', '5']));
    // all agents: proposals and messages are the agents' own, and a second run writes the same bytes
    expect(new Set(rounds.map((r) => `${r.actor}|${r.message_actor}`))).toEqual(new Set(['agent|agent']));
    const first = read('s', 'rounds.csv');
    await simulateToDir({ game: 'trust-split', games: 6, seed: 2, agents: 'greedy,fair' }, join(root, 's'), { concurrency: 1 });
    expect(read('s', 'rounds.csv')).toBe(first);
    expect(readdirSync(join(root, 's', 'games', '5')).sort()).toEqual(exportFileNames('trust-split').sort());
    const html = read('s', 'report.html');
    expect(html).toContain('Face-off matrix');
    expect(html).toContain('Points, proposals and claims over rounds');
  });

  it('splits the batch\'s llm_calls.jsonl into the game folders', async () => {
    const spec = { game: 'trust-split', games: 3, seed: 2, agents: 'greedy' };
    const out = join(root, 'llm');
    const result = await simulateToDir(spec, out, { concurrency: 1, exports: false });
    const calls = [{ game: 1, seed: 5, eventIndex: 3, model: 'm' }, { game: 2, seed: 6, eventIndex: 1, model: 'm' }, { game: 1, seed: 5, eventIndex: 9, model: 'm' }];
    writeFileSync(join(out, 'llm_calls.jsonl'), calls.map((c) => JSON.stringify(c) + '\n').join(''));
    await exportBatch(spec, out, result.rows);
    const lines = (g: number) => read('llm', 'games', String(g), 'llm_calls.jsonl').split('\n').filter(Boolean).map((l) => JSON.parse(l));
    expect(lines(0)).toEqual([]);
    expect(lines(1)).toEqual([calls[0], calls[2]]);
    expect(lines(2)).toEqual([calls[1]]);
  });

  it('can be turned off', async () => {
    await simulateToDir({ game: 'trust-split', games: 2, seed: 2, agents: 'greedy' }, join(root, 'off'), { concurrency: 1, exports: false });
    expect(existsSync(join(root, 'off', 'games.csv'))).toBe(true);
    expect(existsSync(join(root, 'off', 'games'))).toBe(false);
    expect(existsSync(join(root, 'off', 'report.html'))).toBe(false);
  });
});
