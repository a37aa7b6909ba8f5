// The HTML report says what its metrics mean and who dropped out or was taken over (issue 12, item 11).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LogRow } from '../../shared/protocol/index.ts';
import { seatAttendance } from '../../server/report/attendance.ts';
import { metricDefinition } from '../../server/report/definitions.ts';
import { traitorsHeadline } from '../../shared/games/traitors/metrics.ts';
import { trustSplitHeadline } from '../../shared/games/trust-split/metrics.ts';
import { bootServer, connectClient, type TestServer } from '../integration/helpers.ts';

const row = (seq: number, at: number, kind: LogRow['kind'], seat: number | null, event: LogRow['event']): LogRow => ({ sessionId: 's', seq, batch: seq, at, kind, seat, clientActionId: null, event });

describe('seatAttendance', () => {
  it('counts departures, time away, takeovers, timeouts, and who was gone at the end', () => {
    const rows = [
      row(1, 1_000, 'session', 0, { type: 'connected', seat: 0, replaced: false }),
      row(2, 2_000, 'session', 0, { type: 'disconnected', seat: 0 }),
      row(3, 4_500, 'session', 0, { type: 'connected', seat: 0, replaced: false }),
      row(4, 5_000, 'game', 0, { type: 'timeout', seat: 0 }),
      row(5, 6_000, 'session', 0, { type: 'disconnected', seat: 0 }),
      row(6, 8_000, 'session', 0, { type: 'takeover', seat: 0, agent: 'scripted', goneSec: 2 }),
      row(7, 10_000, 'game', 1, { type: 'message', seat: 1 }),
    ];
    const [human, agent] = seatAttendance(rows, [{ name: 'Ada', kind: 'human' }, { name: 'Bot', kind: 'agent' }]);
    expect(human).toEqual({ seat: 0, name: 'Ada', kind: 'human', disconnections: 2, awaySec: 2.5 + 4, droppedOut: true, takeovers: 1, timeouts: 1 });
    expect(agent).toMatchObject({ disconnections: 0, droppedOut: false, takeovers: 0, timeouts: 0 });
  });
});

describe('metric definitions', () => {
  it('define every headline metric the issue names, and none by guess', () => {
    for (const key of ['TAS', 'FAS', 'FCR', 'DES_night', 'DES_banish', 'BRR', 'VSF', 'TNS']) expect(metricDefinition('traitors', key)).toMatch(/\w{4,}/);
    // every key of either game's headline has a definition (a new metric needs one)
    for (const key of Object.keys(traitorsHeadline([]))) expect(metricDefinition('traitors', key), key).not.toBe('');
    for (const key of Object.keys(trustSplitHeadline([]))) expect(metricDefinition('trust-split', key), key).not.toBe('');
    expect(metricDefinition('traitors', 'constructor')).toBe('');
    expect(metricDefinition('trust-split', 'TAS')).toBe('');
  });
});

describe('GET /api/sessions/:id/report of a session with a dropout', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await bootServer();
  });
  afterAll(async () => {
    await server.close();
  });

  it('has the metrics with their meaning, and a seat that left and was taken over', async () => {
    const created = await server.createSession({
      game: 'trust-split',
      preset: 'paper',
      config: { rounds: 2 },
      seed: 3,
      agentDelayMs: 0,
      takeoverAfterSec: 0.2,
      // the table starts when the human is here, so the 0.2 s runs from its leaving, not from a slow connect
      waitForHumans: true,
      seats: [{ kind: 'human', label: 'P-1' }, { kind: 'agent', agent: 'fair' }],
    });
    const client = connectClient(server.url, created.seats[0].token!);
    await client.connected();
    client.socket.disconnect();
    // the agent takes the seat over and the game plays to its end
    for (let i = 0; i < 400 && (await server.server.store.session(created.id))?.status === 'active'; i++) await new Promise((r) => setTimeout(r, 25));
    expect((await server.server.store.session(created.id))?.status).toBe('finished');
    const { status, json: html } = await server.api<string>('GET', `/api/sessions/${created.id}/report`);
    expect(status).toBe(200);
    expect(html).toContain('<h2>Dropouts and takeovers</h2>');
    expect(html).toContain('1 of 1 human or external seat(s) were gone at the end of the log (dropouts); 1 were played by an agent for a while (takeovers).');
    // on a failure, the session's own rows say what happened to the seat
    const sessionRows = (await server.server.store.log(created.id)).filter((r) => r.kind === 'session').map((r) => `${r.seq} ${JSON.stringify(r.event)}`);
    expect(html, sessionRows.join('\n')).toMatch(/<td>human<\/td><td>1<\/td><td>\d+<\/td><td>yes<\/td><td>1<\/td><td>0<\/td>/);
    expect(html).toContain('<th>what it measures</th>');
    expect(html).toContain('Per round, joint welfare as a share of the most possible');
  });
});
