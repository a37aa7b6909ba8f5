import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildSchedule, playTournament, tournamentSpec } from '../../server/tournament/index.ts';
import type { GameRecord } from '../../server/tournament/record.ts';
import { readCsv } from './helpers.ts';

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

async function traitorsTournament(preset: string, gamesPerPairing: number, config?: Record<string, unknown>) {
  const out = mkdtempSync(join(tmpdir(), `parley-tournament-traitors-${preset}-`));
  dirs.push(out);
  const spec = tournamentSpec({ game: 'traitors', preset, config, agents: 'scripted,sleuth,schemer,random', gamesPerPairing, seed: 5, selfPlay: true });
  const { results } = await playTournament(spec, out, { concurrency: 2 });
  const records = readFileSync(join(out, 'games.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as GameRecord);
  return { spec, out, results, records };
}

describe('a Traitors tournament', () => {
  it.each([
    ['table', 8, 2, 1], // 4 agents divide 8 seats: one lineup, rotated through the 8 seats
    ['paper', 10, 3, 4], // 4 agents do not divide 10 seats: the lineup's 4 shifts, each rotated
  ])('balances roles (%s: %i seats, %i traitors)', async (preset, seats, traitors, shifts) => {
    const perTable = 3;
    const { spec, out, results, records } = await traitorsTournament(preset, perTable);
    expect(buildSchedule(spec)).toHaveLength(seats * shifts);
    const games = seats * shifts * perTable;
    expect(records).toHaveLength(games);

    // common random numbers: game k of every table has the same seed, so the same traitor seats
    for (let k = 0; k < perTable; k++) {
      const sameK = records.filter((r) => r.game === k);
      expect(new Set(sameK.map((r) => r.seed)).size).toBe(1);
      expect(new Set(sameK.map((r) => r.seats.map((s) => s.role).join())).size).toBe(1);
    }
    // every agent holds as many traitor seats, and as many faithful seats, as every other
    const traitorSeats = games * traitors / 4;
    const faithfulSeats = games * (seats - traitors) / 4;
    for (const row of results.leaderboard) {
      expect(row.roles, row.agent).toMatchObject({ traitorSeats, faithfulSeats });
      const counted = records.flatMap((r) => r.seats).filter((s) => s.agent === row.agent);
      expect(counted.filter((s) => s.role === 'traitor')).toHaveLength(traitorSeats);
      expect(counted.filter((s) => s.role === 'faithful')).toHaveLength(faithfulSeats);
      for (const measure of [row.roles!.traitorWin, row.roles!.faithfulWin, row.roles!.deception, row.roles!.detection, row.score]) {
        expect(measure.mean).not.toBeNull();
        expect(measure.lo!).toBeGreaterThanOrEqual(0);
        expect(measure.hi!).toBeLessThanOrEqual(1);
        expect(measure.lo!).toBeLessThanOrEqual(measure.mean!);
        expect(measure.hi!).toBeGreaterThanOrEqual(measure.mean!);
      }
    }
    // seat measures agree with each game's own outcome
    for (const r of records) {
      const traitorsWon = r.headline.winner === 'traitors';
      for (const s of r.seats) {
        expect(s.score).toBe((s.role === 'traitor') === traitorsWon ? 1 : 0);
        if (s.role === 'traitor') expect([0, 1]).toContain(s.deceived);
        else expect(s.detection === null || (s.detection! >= 0 && s.detection! <= 1)).toBe(true);
      }
      // the faithful win only when no traitor is left, so then every traitor was banished
      if (!traitorsWon) expect(r.seats.filter((s) => s.role === 'traitor').every((s) => s.deceived === 0)).toBe(true);
    }

    const board = readCsv(join(out, 'leaderboard.csv'));
    for (const column of ['win_rate_traitor', 'deception_success', 'win_rate_faithful', 'detection', 'traitor_seats', 'faithful_seats']) expect(board.header).toContain(column);
    const report = readFileSync(join(out, 'report.html'), 'utf8');
    expect(report).toContain('deception success');
    expect(report).toContain('Face-off matrix');
  }, 120_000);

  it('with recruitment on, a recruit wins or loses with the traitors, and keeps the role dealt', async () => {
    const { records, results, out } = await traitorsTournament('table', 2, { recruitment: { refusal: 'none' } });
    const recruits = records.flatMap((r) => r.seats.filter((s) => s.recruited).map((s) => ({ r, s })));
    expect(recruits.length).toBeGreaterThan(0);
    for (const r of records) {
      const traitorsWon = r.headline.winner === 'traitors';
      for (const s of r.seats) {
        // the side at the end decides, as in the engine's Outcome.winners
        const side = s.recruited ? 'traitor' : s.role;
        expect(s.score).toBe((side === 'traitor') === traitorsWon ? 1 : 0);
      }
      // recruitment does not unbalance the deal: still 2 traitor seats per game
      expect(r.seats.filter((s) => s.role === 'traitor')).toHaveLength(2);
    }
    for (const { s } of recruits) {
      expect(s.role).toBe('faithful');
      expect(s.deceived).toBeUndefined();
    }
    for (const row of results.leaderboard) expect(row.roles).toMatchObject({ traitorSeats: 16 * 2 / 4, faithfulSeats: 16 * 6 / 4 });
    const games = readCsv(join(out, 'games.csv'));
    expect(games.rows.filter((row) => row.roles.split(';').includes('faithful>traitor'))).toHaveLength(new Set(recruits.map(({ r }) => `${r.table}:${r.game}`)).size);
  }, 120_000);
});
