import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { playTournament, tournamentSpec } from '../../server/tournament/index.ts';
import { readCsv, runCli, savedGames, startCli, waitFor } from './helpers.ts';

const AGENTS = 'cooperative,greedy,tit-for-tat,fair,random';
const OUTPUTS = ['games.jsonl', 'games.csv', 'leaderboard.csv', 'facing.csv', 'report.html', 'tournament.json'];
const dirs: string[] = [];
const tempDir = (name: string) => {
  const dir = mkdtempSync(join(tmpdir(), `parley-tournament-${name}-`));
  dirs.push(dir);
  return dir;
};
const sha = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe('npm run tournament: 5 Trust-and-Split strategies × 200 games per pairing', () => {
  it('is killed part-way, resumed, and ends byte-identical to an uninterrupted run, with CIs that separate as the payoffs say', async () => {
    const out = tempDir('resumed');
    const args = ['--game', 'trust-split', '--agents', AGENTS, '--games-per-pairing', '200', '--seed', '7', '--concurrency', '2', '--out', out];
    const total = 25 * 200; // 20 ordered pairs + 5 self-play pairings

    // first run: killed without warning once some games are saved
    const first = startCli(args);
    await waitFor(() => savedGames(out) >= 1000, 'a fifth of the games saved');
    first.child.kill('SIGKILL');
    const killed = await first.done;
    expect(killed.signal).toBe('SIGKILL');
    const savedBefore = savedGames(out);
    expect(savedBefore).toBeGreaterThan(0);
    expect(savedBefore).toBeLessThan(total);

    // the same command again continues after the saved games
    const started = performance.now();
    const second = await runCli(args);
    const seconds = (performance.now() - started) / 1000;
    expect(second.code, second.stderr).toBe(0);
    const resumed = Number(/\((\d+) resumed/.exec(second.stderr)?.[1]);
    expect(resumed).toBeGreaterThan(0);
    expect(resumed).toBeLessThan(total);
    expect(savedGames(out)).toBe(total);
    console.log(`resumed tournament: ${total - resumed} of ${total} games in ${seconds.toFixed(1)} s (CLI start-up included)`);

    // an uninterrupted run (in this process, one thread) writes the same bytes
    const fresh = tempDir('fresh');
    const spec = tournamentSpec({ game: 'trust-split', agents: AGENTS, gamesPerPairing: 200, seed: 7, selfPlay: true });
    const t0 = performance.now();
    await playTournament(spec, fresh, { concurrency: 1 });
    console.log(`uninterrupted tournament: ${total} games in ${((performance.now() - t0) / 1000).toFixed(1)} s on one thread`);
    for (const file of OUTPUTS) expect(readFileSync(join(out, file), 'utf8'), file).toBe(readFileSync(join(fresh, file), 'utf8'));

    // the face-off matrix against the analytic payoffs (docs/games/trust-and-split.md), with the intervals
    const facing = readCsv(join(out, 'facing.csv'));
    const cell = (agent: string, opponent: string) => {
      const row = facing.rows.find((r) => r.agent === agent && r.opponent === opponent)!;
      return { mean: Number(row.points_per_round), lo: Number(row.points_per_round_ci95_low), hi: Number(row.points_per_round_ci95_high), seats: Number(row.seats) };
    };
    const contains = (c: { lo: number; hi: number }, value: number) => c.lo - 1e-6 <= value && value <= c.hi + 1e-6;
    const coop = cell('cooperative', 'cooperative');
    const greedy = cell('greedy', 'greedy');
    expect(coop.seats).toBe(400);
    expect(contains(coop, 50)).toBe(true);
    expect(contains(greedy, 27.5)).toBe(true);
    expect(coop.lo).toBeGreaterThan(greedy.hi);
    const greedyVsFair = cell('greedy', 'fair');
    const fairVsGreedy = cell('fair', 'greedy');
    expect(contains(greedyVsFair, 110 / 3)).toBe(true);
    expect(contains(fairVsGreedy, 55 / 3)).toBe(true);
    expect(greedyVsFair.lo).toBeGreaterThan(fairVsGreedy.hi);
    // the dilemma: against a cooperator, greed pays more than cooperating (T > R) …
    const greedyVsCoop = cell('greedy', 'cooperative');
    const coopVsCoop = coop;
    expect(greedyVsCoop.lo).toBeGreaterThan(cell('cooperative', 'greedy').hi);
    // … yet two cooperators do better than two greedy players (R > P), by disjoint intervals
    expect(coopVsCoop.lo).toBeGreaterThan(greedy.hi);
    // random play has a real spread: a non-degenerate interval around its mean
    const random = cell('random', 'random');
    expect(random.lo).toBeLessThan(random.mean);
    expect(random.hi).toBeGreaterThan(random.mean);

    // the leaderboard: every agent met every agent (itself included) in both seats
    const board = readCsv(join(out, 'leaderboard.csv'));
    expect(board.rows.map((r) => r.agent).sort()).toEqual(AGENTS.split(',').sort());
    for (const r of board.rows) {
      expect(Number(r.games)).toBe(1800);
      expect(Number(r.seats)).toBe(2000);
      expect(Number(r.points_per_round_ci95_low)).toBeLessThanOrEqual(Number(r.points_per_round));
      expect(Number(r.points_per_round_ci95_high)).toBeGreaterThanOrEqual(Number(r.points_per_round));
      expect(Number(r.sigma)).toBeGreaterThan(0);
      expect(Number(r.ordinal)).toBeCloseTo(Number(r.mu) - 3 * Number(r.sigma), 4);
    }
    const ranks = board.rows.map((r) => Number(r.points_per_round));
    expect(ranks).toEqual([...ranks].sort((a, b) => b - a));
    const report = readFileSync(join(out, 'report.html'), 'utf8');
    expect(report).toContain('Face-off matrix');
    expect(report).not.toMatch(/<script|https?:\/\//);
  }, 240_000);

  it('continues after a game line cut off mid-write, and refuses a different tournament in the same folder', async () => {
    const spec = tournamentSpec({ game: 'trust-split', agents: 'greedy,fair,cooperative', gamesPerPairing: 6, seed: 3, selfPlay: false });
    const whole = tempDir('whole');
    await playTournament(spec, whole, { concurrency: 1 });
    expect(savedGames(whole)).toBe(6 * 6);

    const cut = tempDir('cut');
    const lines = readFileSync(join(whole, 'games.jsonl'), 'utf8');
    const cutAt = lines.indexOf('\n', lines.length / 2) + 40; // 40 bytes into the next line
    writeFileSync(join(cut, 'games.jsonl'), lines.slice(0, cutAt));
    writeFileSync(join(cut, 'tournament.json'), readFileSync(join(whole, 'tournament.json')));
    const { resumed } = await playTournament(spec, cut, { concurrency: 2 });
    expect(resumed).toBe(lines.slice(0, cutAt).split('\n').length - 1);
    for (const file of OUTPUTS) expect(readFileSync(join(cut, file), 'utf8'), file).toBe(readFileSync(join(whole, file), 'utf8'));

    // other options, same --out: refused, nothing changed
    const before = Object.fromEntries(OUTPUTS.map((f) => [f, sha(join(whole, f))]));
    const other = await runCli(['--game', 'trust-split', '--agents', 'greedy,fair,cooperative', '--games-per-pairing', '7', '--seed', '3', '--no-self-play', '--out', whole]);
    expect(other.code).not.toBe(0);
    expect(other.stderr).toContain('holds a different tournament');
    expect(other.stderr).toContain('gamesPerPairing');
    for (const f of OUTPUTS) expect(sha(join(whole, f)), f).toBe(before[f]);
    // the same options finish at once: nothing left to play, the same bytes
    const same = await runCli(['--game', 'trust-split', '--agents', 'greedy,fair,cooperative', '--games-per-pairing', '6', '--seed', '3', '--no-self-play', '--out', whole]);
    expect(same.code, same.stderr).toBe(0);
    expect(same.stderr).toContain('36 games (36 resumed, 0 played');
    for (const f of OUTPUTS) expect(sha(join(whole, f)), f).toBe(before[f]);
  }, 120_000);

  it('stops on Ctrl-C (SIGINT) with its games saved and a note on how to resume', async () => {
    const out = tempDir('sigint');
    const run = startCli(['--game', 'trust-split', '--agents', 'cooperative,greedy,fair', '--games-per-pairing', '3000', '--out', out]);
    await waitFor(() => savedGames(out) >= 50, 'the first saved games');
    run.child.kill('SIGINT');
    const stopped = await run.done;
    expect(stopped.code).toBe(130);
    expect(stopped.stderr).toContain('rerun the same command to resume');
    const text = readFileSync(join(out, 'games.jsonl'), 'utf8');
    expect(text.endsWith('\n')).toBe(true);
    expect(savedGames(out)).toBeLessThan(9 * 3000);
    expect(() => readFileSync(join(out, 'leaderboard.csv'))).toThrow();
  }, 60_000);

  it('refuses bad options on the command line with a clear message and writes nothing', async () => {
    const out = join(tempDir('bad'), 'never');
    const result = await runCli(['--game', 'trust-split', '--agents', 'greedy,constructor', '--games-per-pairing', '4', '--out', out]);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain('unknown agent "constructor"');
    expect(() => readFileSync(join(out, 'tournament.json'))).toThrow();
  }, 60_000);
});
