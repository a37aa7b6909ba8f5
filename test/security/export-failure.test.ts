import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ExportFile } from '../../server/export/files.ts';
import { writeExportZip } from '../../server/export/write.ts';
import { ADMIN_TOKEN, bootServer, type TestServer } from '../integration/helpers.ts';
import { playedGames, storeSession, unzip } from '../export/helpers.ts';

/**
 * Issue 9.1: a failing export once threw an unhandled 'error' from inside the zip stream, taking
 * the process and every room down. A failure must end that one response and nothing else.
 */

describe('writeExportZip', () => {
  it('rejects with the failing entry\'s error and destroys the output, without an uncaught error', async () => {
    const out = new PassThrough();
    out.resume();
    const files: ExportFile[] = [
      { name: 'a.txt', content: async function* () { yield 'fine'; } },
      { name: 'b.txt', content: async function* () { yield 'half'; throw new Error('table broke'); } },
      { name: 'c.txt', content: async function* () { yield 'never'; } },
    ];
    await expect(writeExportZip(files, out)).rejects.toThrow('table broke');
    expect(out.destroyed).toBe(true);
  });
});

describe('a session whose export fails, on a live server', () => {
  let t: TestServer;
  const logged: string[] = [];
  const BROKEN = 'badbad000001';
  const GOOD = 'aaaa00000002';

  beforeAll(async () => {
    t = await bootServer({ log: (m) => logged.push(m) });
    const [game] = playedGames('trust-split', 'greedy,tit-for-tat', 1, 5);
    await storeSession(t.server.store, GOOD, 'trust-split', game.events);
    // a log row no game could have written (seat 7 of a two-seat game): reading it back throws
    const events = [...game.events] as { type: string }[];
    const at = events.findIndex((e) => e.type === 'roundResolved');
    events.splice(at, 0, { type: 'message', round: 1, seat: 7, text: 'broken' } as never);
    await storeSession(t.server.store, BROKEN, 'trust-split', events as never);
  });
  afterAll(async () => {
    await t.close();
  });

  const get = (route: string) => fetch(t.url + route, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });

  it('ends the export response (after its 200 head) by closing the connection, and logs why', async () => {
    const res = await get(`/api/sessions/${BROKEN}/export`);
    expect(res.status).toBe(200);
    await expect(res.arrayBuffer()).rejects.toThrow();
    expect(logged.some((m) => m.includes(`/api/sessions/${BROKEN}/export`))).toBe(true);
  });

  it('answers the report with a JSON 500', async () => {
    const res = await get(`/api/sessions/${BROKEN}/report`);
    expect(res.status).toBe(500);
    expect(await res.json()).toEqual({ error: expect.any(String) });
  });

  it('still serves other sessions and plays other rooms', async () => {
    const res = await get(`/api/sessions/${GOOD}/export`);
    expect(res.status).toBe(200);
    const files = unzip(Buffer.from(await res.arrayBuffer()));
    expect(files.has(`parley-${GOOD}/rounds.csv`)).toBe(true);
    const created = await t.createSession({ game: 'trust-split', preset: 'human', seed: 3, seats: [{ kind: 'agent', agent: 'fair' }, { kind: 'agent', agent: 'greedy' }] });
    for (let i = 0; i < 400 && (await t.server.store.session(created.id))?.status === 'active'; i++) await new Promise((r) => setTimeout(r, 25));
    expect((await t.server.store.session(created.id))?.status).toBe('finished');
  });
});
