import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);

/** Run the real CLI, as a user would: `npm run simulate -- …` is `tsx scripts/simulate.ts …`. */
async function simulate(args: string[]): Promise<{ dir: string; stdout: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'parley-sim-'));
  const { stdout } = await run('npx', ['tsx', 'scripts/simulate.ts', ...args, '--out', dir], { cwd: process.cwd() });
  return { dir, stdout };
}

const read = (dir: string, file: string) => readFileSync(join(dir, file), 'utf8');

describe('npm run simulate', () => {
  it('writes the same bytes for the same arguments, whatever the concurrency', async () => {
    const args = ['--game', 'traitors', '--preset', 'paper', '--games', '40', '--seed', '11'];
    const [a, b, c] = await Promise.all([simulate(args), simulate(args), simulate([...args, '--concurrency', '2'])]);
    expect(read(a.dir, 'events.jsonl')).toBe(read(b.dir, 'events.jsonl'));
    expect(read(a.dir, 'events.jsonl')).toBe(read(c.dir, 'events.jsonl'));
    expect(read(a.dir, 'games.csv')).toBe(read(c.dir, 'games.csv'));

    const lines = read(a.dir, 'events.jsonl').trim().split('\n').map((l) => JSON.parse(l));
    expect(new Set(lines.map((l) => l.game)).size).toBe(40);
    expect(lines[0]).toMatchObject({ game: 0, seq: 0, event: { type: 'setup' } });

    const summary = JSON.parse(read(a.dir, 'summary.json'));
    expect(summary).toMatchObject({ game: 'traitors', preset: 'paper', games: 40, seed: 11, agents: 'scripted' });
    for (const name of ['faithfulWinRate', 'TAS', 'FAS', 'FCR', 'faithfulAccuracy', 'TSR', 'FSR', 'DES_night', 'DES_banish', 'BRR', 'VSF', 'TNS']) {
      expect(summary.metrics[name], name).toBeGreaterThanOrEqual(0);
      expect(summary.metrics[name], name).toBeLessThanOrEqual(1);
    }
    expect(summary.metrics).not.toHaveProperty('winner');
    expect(read(a.dir, 'games.csv').trim().split('\n')).toHaveLength(41);
  });

  it('shapes Trust-and-Split points per round as one number per seat', async () => {
    const { dir } = await simulate(['--game', 'trust-split', '--games', '200', '--agents', 'greedy,fair']);
    const summary = JSON.parse(read(dir, 'summary.json'));
    expect(summary.metrics.pointsPerRound).toHaveLength(2);
    expect(summary.metrics.pointsPerRound[0]).toBeCloseTo(36.67, -0.5);
    expect(summary.metrics.pointsPerRound[1]).toBeCloseTo(18.33, -0.5);
    expect(summary.metrics.welfarePerRound).toBeCloseTo(55, -0.5);
  });

  it('explains bad arguments with what to do instead', async () => {
    await expect(simulate(['--game', 'chess', '--games', '1'])).rejects.toMatchObject({ stderr: expect.stringMatching(/Allowed choices are traitors, trust-split/) });
    await expect(simulate(['--game', 'trust-split', '--games', '2', '--agents', 'greedy,fair,random'])).rejects.toMatchObject({
      stderr: expect.stringMatching(/has 3 entries but the game has 2 seats/),
    });
  });
});
