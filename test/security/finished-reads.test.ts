import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bootServer, tempDir, type TestServer } from '../integration/helpers.ts';

/** Issue 9.9: reading a finished session over REST must not leave its room in memory. */
describe('REST reads of a finished session', () => {
  let t: TestServer;
  let id: string;
  beforeAll(async () => {
    // the session is made and ended by one server; the reads go to a fresh one, where nothing is loaded
    const dataDir = tempDir();
    const first = await bootServer({ dataDir });
    id = (await first.createSession({ game: 'trust-split', preset: 'human', seats: [{ kind: 'human' }, { kind: 'agent', agent: 'scripted' }] })).id;
    expect((await first.api('POST', `/api/sessions/${id}/end`)).status).toBe(200);
    await first.close();
    t = await bootServer({ dataDir });
  });
  afterAll(() => t.close());

  const rooms = async () => (await t.api<{ rooms: number }>('GET', '/api/stats')).json.rooms;

  it('leave the /api/stats room count where it was', async () => {
    const before = await rooms();
    expect(before).toBe(0);
    const detail = await t.api<{ status: string; seats: unknown[]; version: number }>('GET', `/api/sessions/${id}`);
    expect(detail.status).toBe(200);
    expect(detail.json.status).toBe('ended');
    expect(detail.json.seats).toHaveLength(2);
    expect(detail.json.version).toBeGreaterThan(0);
    expect(await rooms()).toBe(before);

    for (const route of ['events', 'export', 'report']) {
      expect((await t.api('GET', `/api/sessions/${id}/${route}`)).status).toBe(200);
      expect(await rooms()).toBe(before);
    }
    const end = await t.api<{ status: string; ended: boolean }>('POST', `/api/sessions/${id}/end`);
    expect(end.json).toMatchObject({ status: 'ended', ended: false });
    expect(await rooms()).toBe(before);
    expect((await t.api('GET', '/api/sessions/ffffffffffff')).status).toBe(404);
    expect(await rooms()).toBe(before);
  });
});
