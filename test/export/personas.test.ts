import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sessionExportFiles } from '../../server/export/session.ts';
import { gameSeed } from '../../server/sim/batch.ts';
import { simulateToDir } from '../../server/sim/run.ts';
import { gameSeatPersonas } from '../../server/personas.ts';
import { parsePersonaList, type Persona } from '../../shared/personas.ts';
import { bootServer, type TestServer } from '../integration/helpers.ts';
import { csvRecords } from './helpers.ts';

/** Seat personas are recorded with the data: seats.csv's persona column, summary.json, the session record. */

const root = mkdtempSync(join(tmpdir(), 'parley-personas-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const read = (...parts: string[]) => readFileSync(join(root, ...parts), 'utf8');

const examples = parsePersonaList(JSON.parse(readFileSync(new URL('../../docs/examples/personas.json', import.meta.url), 'utf8')));

describe('a simulated batch with a persona list', () => {
  it('deals the personas per game with its seed and records them in seats.csv and summary.json', async () => {
    const spec = { game: 'traitors', games: 4, seed: 21, preset: 'paper', agents: 'scripted', personas: examples };
    await simulateToDir(spec, join(root, 'p'), { concurrency: 1 });
    const seats = csvRecords(read('p', 'seats.csv'));
    expect(seats).toHaveLength(40);
    for (let game = 0; game < 4; game++) {
      const rows = seats.filter((s) => s.game === String(game));
      const recorded = rows.map((s) => JSON.parse(s.persona) as Persona);
      // every example once per game, in the order the game's seed deals them
      expect(recorded.map((p) => JSON.stringify(p)).sort()).toEqual(examples.map((p) => JSON.stringify(p)).sort());
      const choices = new Array(10).fill({ type: 'scripted', name: 'scripted' });
      expect(recorded).toEqual(gameSeatPersonas(choices, examples, gameSeed(21, game)));
      // the per-game folder says the same
      expect(csvRecords(read('p', 'games', String(game), 'seats.csv')).map((s) => s.persona)).toEqual(rows.map((s) => s.persona));
    }
    const orders = new Set([0, 1, 2, 3].map((g) => seats.filter((s) => s.game === String(g)).map((s) => s.persona).join('|')));
    expect(orders.size).toBeGreaterThan(1);
    expect(JSON.parse(read('p', 'summary.json')).personas).toEqual(examples);
  });

  it('without personas: an empty persona column and no personas in the summary; styled seats play other games', async () => {
    await simulateToDir({ game: 'traitors', games: 2, seed: 21, preset: 'paper', agents: 'scripted' }, join(root, 'n'), { concurrency: 1 });
    expect(csvRecords(read('n', 'seats.csv')).every((s) => s.persona === '')).toBe(true);
    expect(JSON.parse(read('n', 'summary.json')).personas).toBeUndefined();
    // styles change play: the persona batch's first game is a different game on the same seed
    const first = (dir: string) => read(dir, 'games', '0', 'events.jsonl');
    expect(first('n')).not.toBe(first('p'));
  });
});

describe('a live session with persona specs', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await bootServer();
  });
  afterAll(async () => {
    await server.close();
  });

  it('records each seat\'s persona in the session and in seats.csv', async () => {
    const persona: Persona = { biography: 'A cautious accountant from Dundee.', style: 'suspicious' };
    const created = await server.createSession({
      game: 'trust-split',
      preset: 'paper',
      seed: 3,
      seats: [
        { kind: 'agent', agent: { type: 'scripted', name: 'greedy', persona } },
        { kind: 'agent', agent: 'fair' },
      ],
    });
    const store = server.server.store;
    expect((await store.session(created.id))!.seats[0].agent).toEqual({ type: 'scripted', name: 'greedy', persona });
    const files = (await sessionExportFiles(store, created.id))!;
    let text = '';
    for await (const chunk of files.find((f) => f.name === 'seats.csv')!.content()) text += chunk;
    const seats = csvRecords(text);
    expect(JSON.parse(seats[0].persona)).toEqual(persona);
    expect(seats[0].agent).toBe('greedy');
    expect(seats[1].persona).toBe('');
  });

  it('refuses a bad persona with a clear message and creates nothing', async () => {
    const before = (await server.server.store.sessions()).length;
    const res = await server.api<{ error: string }>('POST', '/api/sessions', {
      game: 'trust-split',
      seats: [{ kind: 'agent', agent: { type: 'scripted', name: 'greedy', persona: { style: 'sly' } } }, { kind: 'agent', agent: 'fair' }],
    });
    expect(res.status).toBe(400);
    expect(res.json.error).toMatch(/seats\.0\.agent: .*persona/);
    expect(await server.server.store.sessions()).toHaveLength(before);
  });
});
