import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { stringify } from 'csv-stringify/sync';
import { sessionExportFiles } from '../../server/export/session.ts';
import { csvLine } from '../../server/export/csv.ts';
import { tableCsv, tablesFor, type LoggedEvent } from '../../server/export/tables.ts';
import { writeExportDir } from '../../server/export/write.ts';
import { SqliteStore } from '../../server/store/sqlite.ts';
import { traitors, TraitorsConfigSchema, traitorsMetrics, type TraitorsEvent } from '../../shared/games/traitors/index.ts';
import { playScripted } from '../../shared/engine/play.ts';
import { pickNames } from '../../shared/engine/names.ts';
import { trustSplitMetrics, type TrustSplitEvent } from '../../shared/games/trust-split/index.ts';
import { csvRecords, playedGames, storeSession } from './helpers.ts';

const dir = mkdtempSync(join(tmpdir(), 'parley-export-'));
const store = new SqliteStore(join(dir, 'data'), { durability: 'normal' });
afterAll(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

async function collect(chunks: AsyncIterable<string>): Promise<string> {
  let text = '';
  for await (const chunk of chunks) text += chunk;
  return text;
}

/** A session of `events` exported to a directory through the store, as `npm run export` does. */
async function exportThroughStore(id: string, game: string, events: readonly LoggedEvent[], agents?: string[]): Promise<string> {
  await storeSession(store, id, game, events as never, { agents });
  const out = join(dir, id);
  await writeExportDir((await sessionExportFiles(store, id))!, out);
  return out;
}

const mean = (values: number[]) => (values.length ? values.reduce((a, b) => a + b, 0) / values.length : null);

/** FCR and TAS as a reader of votes.csv alone computes them (the reference definitions). */
function metricsFromVotesCsv(text: string): { FCR: number | null; TAS: number | null } {
  const rows = csvRecords(text);
  // every seat votes (or abstains) on round 1's round table, so roles are all in the file
  const roleOf = new Map(rows.map((r) => [r.Player_ID, r.Role]));
  const rounds = [...new Set(rows.map((r) => Number(r.Round)))].sort((a, b) => a - b);
  const fcr: number[] = [];
  const tas: number[] = [];
  for (const round of rounds) {
    // the main ballot is each player's first General vote of the round (a revote comes after)
    const seen = new Set<string>();
    const main = rows.filter((r) => Number(r.Round) === round && r.Vote_Type === 'General' && !seen.has(r.Player_ID) && seen.add(r.Player_ID));
    const faithfulTargets = main.filter((r) => r.Role === 'Faithful' && r.Vote_Target !== '').map((r) => r.Vote_Target);
    if (faithfulTargets.length) fcr.push(faithfulTargets.filter((t) => roleOf.get(t) === 'Traitor').length / faithfulTargets.length);
    const night = rows.filter((r) => Number(r.Round) === round && r.Vote_Type === 'Traitor' && r.Vote_Target !== '').map((r) => r.Vote_Target);
    if (night.length) {
      const counts = new Map<string, number>();
      for (const t of night) counts.set(t, (counts.get(t) ?? 0) + 1);
      tas.push(Math.max(...counts.values()) / night.length);
    }
  }
  return { FCR: mean(fcr), TAS: mean(tas) };
}

describe('streamed tables', () => {
  it('slicing the log at round boundaries gives exactly the whole-log tables', async () => {
    const cases = [
      ...playedGames('traitors', 'scripted', 6, 3, 'paper'),
      ...playedGames('traitors', 'random', 4, 5, 'table'),
      ...playedGames('trust-split', 'greedy,fair', 3, 9),
      ...playedGames('trust-split', 'random', 3, 11),
    ];
    let checked = 0;
    for (const game of cases) {
      const gameId = 'roles' in (game.events[0] as object) ? 'traitors' : 'trust-split';
      for (const table of tablesFor(gameId)) {
        const streamed = await collect(tableCsv(gameId, table, game.events as LoggedEvent[]));
        const whole = csvLine(table.columns) + (table.rows(game.events as LoggedEvent[]).length ? stringify(table.rows(game.events as LoggedEvent[])) : '');
        expect(streamed).toBe(whole);
        checked += streamed.split('\n').length;
      }
    }
    expect(checked).toBeGreaterThan(500);
  });
});

describe('streamed tables with recruitment', () => {
  it('carry a recruit\'s new role into every later slice: streamed = whole log, roles at the time', async () => {
    const config = TraitorsConfigSchema.parse({ ...traitors.presets.paper, recruitment: { refusal: 'none' } });
    let recruitsWithLaterRows = 0;
    for (let seed = 1; seed <= 40; seed++) {
      const events = playScripted<TraitorsEvent>(traitors, config, seed, pickNames(10, seed), new Array<string>(10).fill('scripted')).events;
      const recruit = events.find((e) => e.type === 'recruitAnswered' && e.accepted);
      for (const table of tablesFor('traitors')) {
        const streamed = await collect(tableCsv('traitors', table, events as unknown as LoggedEvent[]));
        const rows = table.rows(events as unknown as LoggedEvent[]);
        expect(streamed).toBe(csvLine(table.columns) + (rows.length ? stringify(rows) : ''));
      }
      if (!recruit || recruit.type !== 'recruitAnswered') continue;
      // the recruit's votes after the night they joined are a traitor's rows, before it a faithful's
      const votes = csvRecords(await collect(tableCsv('traitors', tablesFor('traitors')[0], events as unknown as LoggedEvent[])));
      const theirs = votes.filter((r) => Number(r.Player_ID) === recruit.seat);
      expect(theirs.filter((r) => Number(r.Round) <= recruit.round).every((r) => r.Role === 'Faithful')).toBe(true);
      expect(theirs.filter((r) => Number(r.Round) > recruit.round).every((r) => r.Role === 'Traitor')).toBe(true);
      if (theirs.some((r) => Number(r.Round) > recruit.round)) recruitsWithLaterRows++;
      const offers = csvRecords(await collect(tableCsv('traitors', tablesFor('traitors').find((t) => t.file === 'recruitment.csv')!, events as unknown as LoggedEvent[])));
      expect(offers.filter((r) => r.accepted === 'true').map((r) => Number(r.seat))).toContain(recruit.seat);
    }
    expect(recruitsWithLaterRows).toBeGreaterThan(0);
  });
});

describe('votes.csv', () => {
  it('has exactly the reference columns and values', async () => {
    const [game] = playedGames('traitors', 'scripted', 1, 21, 'paper');
    const out = await exportThroughStore('aa0001', 'traitors', game.events as LoggedEvent[]);
    const text = readFileSync(join(out, 'votes.csv'), 'utf8');
    // the reference columns first and unchanged (its script reads them by name), then `actor`
    expect(text.split('\n')[0]).toBe('Round,Vote_Type,Player_ID,Role,Vote_Target,Eliminated,actor');
    const rows = csvRecords(text);
    expect(new Set(rows.map((r) => r.Vote_Type))).toEqual(new Set(['General', 'Traitor']));
    expect(new Set(rows.map((r) => r.Role))).toEqual(new Set(['Faithful', 'Traitor']));
    for (const r of rows) expect(r.Eliminated === 'False' || /^\d+$/.test(r.Eliminated)).toBe(true);
  });

  it('read back reproduces FCR and TAS exactly as traitorsMetrics computes them from the log', async () => {
    const games = [...playedGames('traitors', 'scripted', 12, 31, 'paper'), ...playedGames('traitors', 'random', 8, 32, 'table')];
    let defined = 0;
    for (const [i, game] of games.entries()) {
      const out = await exportThroughStore(`bb${String(i).padStart(4, '0')}`, 'traitors', game.events as LoggedEvent[]);
      const fromCsv = metricsFromVotesCsv(readFileSync(join(out, 'votes.csv'), 'utf8'));
      const fromLog = traitorsMetrics(game.events as TraitorsEvent[]);
      expect(fromCsv.FCR).toBe(fromLog.FCR);
      expect(fromCsv.TAS).toBe(fromLog.TAS);
      if (fromLog.FCR !== null && fromLog.TAS !== null) defined++;
    }
    expect(defined).toBeGreaterThan(10);
  });
});

describe('rounds.csv', () => {
  it('carries the extracted hand claims that the honesty metrics count', async () => {
    const games = playedGames('trust-split', 'greedy,random', 6, 41);
    let claims = 0;
    for (const [i, game] of games.entries()) {
      const out = await exportThroughStore(`cc${String(i).padStart(4, '0')}`, 'trust-split', game.events as LoggedEvent[]);
      const rows = csvRecords(readFileSync(join(out, 'rounds.csv'), 'utf8'));
      const honesty = trustSplitMetrics(game.events as TrustSplitEvent[]).honesty;
      for (const seat of [0, 1]) {
        const own = rows.filter((r) => Number(r.seat) === seat);
        expect(own.filter((r) => r.claimed_hand !== '' || r.claimed_position !== '').length).toBe(honesty.claims[seat]);
        expect(own.filter((r) => r.claim_truthful === 'false').length).toBe(honesty.lies[seat]);
      }
      claims += honesty.claims[0] + honesty.claims[1];
      const metrics = JSON.parse(readFileSync(join(out, 'metrics.json'), 'utf8'));
      expect(metrics.claimExtractorVersion).toBe(honesty.claimExtractorVersion);
      expect(metrics.metrics.honesty).toEqual(honesty);
    }
    expect(claims).toBeGreaterThan(5);
  });
});
