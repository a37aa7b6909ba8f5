import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Action, Pending } from '../../shared/engine/actions.ts';
import type { CreatedSession, LogRow, StatePayload } from '../../shared/protocol/index.ts';
import { expandFrames, type ReplayPayload } from '../../shared/protocol/replay.ts';
import { bootServer, connectClient, genericAction, rawRequest, type TestClient, type TestServer } from '../integration/helpers.ts';

// A finished Traitors game played live by five socket.io clients (two of them reconnect halfway)
// among three scripted agents; then every state each client received is compared with the replay.

let t: TestServer;
beforeAll(async () => {
  t = await bootServer();
});
afterAll(async () => {
  await t.close();
});

const EXTERNAL = 5;
const seats = [
  ...Array.from({ length: EXTERNAL }, (_, i) => ({ kind: 'external', label: `bot-${i}` })),
  ...Array.from({ length: 8 - EXTERNAL }, () => ({ kind: 'agent', agent: 'scripted' })),
];

/** Traitor-channel text says so, so the test can find it in anything serialised. */
let whispers = 0;
function decide(pending: Pending, rand: () => number, seat: number): Action {
  if (pending.kind === 'speak' && pending.channel === 'traitors') return { kind: 'speak', text: `whisper-${seat}-${++whispers}: take the quiet one tonight` };
  return genericAction(pending, rand, seat);
}

/** A table whose program-played seats hold both roles (seeds tried in order: deterministic). */
async function mixedTable(): Promise<{ created: CreatedSession; roles: string[] }> {
  for (let seed = 1; seed < 50; seed++) {
    const created = await t.createSession({ game: 'traitors', preset: 'table', seed, seats, agentDelayMs: 0 });
    const roles = ((await t.events(created.id))[0].event as unknown as { roles: string[] }).roles;
    const mine = roles.slice(0, EXTERNAL);
    if (mine.includes('traitor') && mine.includes('faithful')) return { created, roles };
    await t.api('POST', `/api/sessions/${created.id}/end`);
  }
  throw new Error('no seed below 50 gives the program seats both roles');
}

async function replayOf(route: string, token: string | null = 'test-admin-token'): Promise<{ status: number; json: ReplayPayload & { error?: string } }> {
  return t.api<ReplayPayload & { error?: string }>('GET', route, undefined, token);
}

/** The frame a viewer was showing at `version`: the last one at or before it. */
function frameAt(frames: StatePayload[], version: number): StatePayload | undefined {
  let found: StatePayload | undefined;
  for (const frame of frames) if (frame.version <= version) found = frame;
  return found;
}

function comparable(payload: StatePayload) {
  const { view, pending, deadline, outcome, status, connected, agentSeats, names, seat, waitingFor, away, takenOver } = payload;
  return { view, pending, deadline, outcome, status, connected, agentSeats, names, seat, waitingFor, away, takenOver };
}

describe('replay of a finished Traitors game', () => {
  let created: CreatedSession;
  let roles: string[];
  const clients: TestClient[] = [];
  let spectator: TestClient;
  let log: LogRow[];
  let liveSeatAnswer: { status: number; json: { error?: string } };
  let liveSpectatorAnswer: { status: number; json: ReplayPayload };

  beforeAll(async () => {
    ({ created, roles } = await mixedTable());
    liveSeatAnswer = await replayOf(`/api/replay/${created.seats[0].token}`, null);
    spectator = connectClient(t.url, created.spectatorToken);
    await spectator.connected();
    for (let seat = 0; seat < EXTERNAL; seat++) clients.push(connectClient(t.url, created.seats[seat].token!, { seed: 40 + seat, idPrefix: `s${seat}` }));
    await Promise.all(clients.map((c) => c.connected()));
    liveSpectatorAnswer = await replayOf(`/api/replay/${created.spectatorToken}`, null);
    for (const client of clients) client.autoplay(decide);
    // two seats drop out and come back halfway: presence rows, a fresh state on reconnect
    await clients[0].waitFor((s) => s.version >= 60, 30_000, 'version 60');
    for (const seat of [0, 1]) {
      clients[seat].stopAutoplay();
      clients[seat].close();
      const again = connectClient(t.url, created.seats[seat].token!, { seed: 80 + seat, idPrefix: `r${seat}` });
      await again.connected();
      again.autoplay(decide);
      clients.push(again);
    }
    const live = clients.filter((c) => c.socket.connected);
    await Promise.all([...live.map((c) => c.waitForOutcome(60_000)), spectator.waitForOutcome(60_000)]);
    log = await t.events(created.id);
  }, 120_000);

  afterAll(() => {
    for (const client of clients) client.close();
    spectator.close();
  });

  it('played a whole game with traitor chat, presence changes and deadlines', () => {
    expect(log.some((r) => r.kind === 'game' && r.event.type === 'gameOver')).toBe(true);
    expect(log.some((r) => r.kind === 'game' && r.event.type === 'statement' && r.event.channel === 'traitors')).toBe(true);
    expect(log.filter((r) => r.event.type === 'disconnected').length).toBeGreaterThanOrEqual(1);
    expect(clients.flatMap((c) => c.states).some((s) => s.deadline !== null)).toBe(true);
  });

  it('gives every viewer, at every version it received live, exactly the state it received', async () => {
    const viewers: { as: string; states: StatePayload[] }[] = [
      { as: 'spectator', states: spectator.states },
      ...clients.map((c) => ({ as: String(c.states[0].seat), states: c.states })),
    ];
    let compared = 0;
    for (const viewer of viewers) {
      const { status, json } = await replayOf(`/api/sessions/${created.id}/replay?as=${viewer.as}`);
      expect(status).toBe(200);
      const frames = expandFrames(json);
      expect(frames.map((f) => f.version)).toEqual([...frames.map((f) => f.version)].sort((a, b) => a - b));
      for (const live of viewer.states) {
        const frame = frameAt(frames, live.version);
        expect(frame, `${viewer.as} has a frame at or before version ${live.version}`).toBeDefined();
        expect(comparable(frame!), `${viewer.as} at version ${live.version}`).toEqual(comparable(live));
        compared++;
      }
    }
    expect(compared).toBeGreaterThan(100);
  });

  it("shows the traitors' chat to the spectator and never to a faithful seat", async () => {
    const whispered = log.filter((r) => r.kind === 'game' && r.event.type === 'statement' && r.event.channel === 'traitors').map((r) => String(r.event.text));
    const ours = whispered.filter((text) => text.startsWith('whisper-'));
    expect(ours.length).toBeGreaterThan(0);
    const spectatorJson = JSON.stringify((await replayOf(`/api/sessions/${created.id}/replay?as=spectator`)).json);
    for (const text of whispered) expect(spectatorJson).toContain(JSON.stringify(text).slice(1, -1));
    const traitorSeat = roles.indexOf('traitor');
    const traitorJson = JSON.stringify((await replayOf(`/api/sessions/${created.id}/replay?as=${traitorSeat}`)).json);
    for (const text of ours) expect(traitorJson).toContain(text);
    const faithfulSeats = roles.map((role, seat) => (role === 'faithful' ? seat : -1)).filter((seat) => seat >= 0);
    for (const seat of faithfulSeats) {
      const { json } = await replayOf(`/api/sessions/${created.id}/replay?as=${seat}`);
      const text = JSON.stringify(json);
      for (const whisper of ours) expect(text, `seat ${seat}`).not.toContain(whisper);
      // what a faithful never learns from its own replay: the roles, before the game over reveals them
      expect(JSON.stringify(json.frames.filter((f) => f.outcome === null))).not.toContain('"roles":');
      expect(json.frames.every((f) => !/whisper/.test(f.label))).toBe(true);
    }
  });

  it('lets a seat token replay only its own seat, and only once the game is over', async () => {
    expect(liveSeatAnswer.status).toBe(403);
    expect(liveSeatAnswer.json.error).toMatch(/still being played/);
    expect(liveSpectatorAnswer.status).toBe(200);
    expect(liveSpectatorAnswer.json.status).toBe('active');

    const faithful = roles.slice(0, EXTERNAL).indexOf('faithful');
    const own = await replayOf(`/api/replay/${created.seats[faithful].token}`, null);
    expect(own.status).toBe(200);
    expect(own.json.viewer.seat).toBe(faithful);
    expect(own.json.viewpoints).toEqual([{ as: String(faithful), label: expect.stringContaining(`Seat ${faithful} · `) }]);
    expect(JSON.stringify(own.json)).not.toContain('(traitor)');
    const admin = await replayOf(`/api/sessions/${created.id}/replay?as=${faithful}`);
    expect(own.json.frames).toEqual(admin.json.frames);

    const other = (faithful + 1) % 8;
    const asOther = await replayOf(`/api/replay/${created.seats[faithful].token}?as=${other}`, null);
    expect(asOther.status).toBe(403);
    expect(asOther.json.error).toMatch(/only its own viewpoint/);
    const asSpectator = await replayOf(`/api/replay/${created.seats[faithful].token}?as=spectator`, null);
    expect(asSpectator.status).toBe(403);
    expect((await replayOf(`/api/replay/${created.seats[faithful].token}?as=${faithful}`, null)).status).toBe(200);
  });

  it('refuses the admin replay without the admin token, and bad ids, tokens and viewpoints', async () => {
    const anonymous = await replayOf(`/api/sessions/${created.id}/replay`, null);
    expect(anonymous.status).toBe(401);
    expect(anonymous.json.error).toMatch(/admin token/);
    expect((await replayOf(`/api/sessions/${created.id}/replay`, 'wrong-token')).status).toBe(401);
    expect((await replayOf('/api/sessions/ffffffffffff/replay')).status).toBe(404);
    const unknownToken = await replayOf('/api/replay/not-a-token', null);
    expect(unknownToken.status).toBe(404);
    expect(unknownToken.json.error).toMatch(/does not open any session/);
    for (const as of ['8', '99', 'constructor', '__proto__', '-1', '']) {
      const bad = await replayOf(`/api/sessions/${created.id}/replay?as=${as}`);
      expect(bad.status, `as=${as}`).toBe(400);
      expect(bad.json.error).toMatch(/"as" must be "spectator" or a seat number from 0 to 7/);
    }
  });

  it("links the replay from the session's HTML report, at the server's own address", async () => {
    const report = await t.api<string>('GET', `/api/sessions/${created.id}/report`);
    expect(report.status).toBe(200);
    expect(report.json).toContain(`<a href="http://localhost:${t.server.port}/replay/${created.id}">`);
  });

  it('lists every viewpoint for the admin and gzips when asked', async () => {
    const { json } = await replayOf(`/api/sessions/${created.id}/replay`);
    expect(json.viewer).toEqual({ seat: null, label: 'Spectator (everything)' });
    expect(json.viewpoints.map((v) => v.as)).toEqual(['spectator', '0', '1', '2', '3', '4', '5', '6', '7']);
    expect(json.viewpoints[1 + roles.indexOf('traitor')].label).toMatch(/^Seat \d · .+ \(traitor\)$/);
    expect(json.status).toBe('finished');
    expect(json.frames[json.frames.length - 1].label).toMatch(/Game over/);
    // a frame's view is sent only when it changed
    expect(json.frames.filter((f) => 'view' in f).length).toBeLessThan(json.frames.length);

    const raw = await new Promise<{ status: number; encoding: string | undefined; body: Buffer }>((resolve, reject) => {
      import('node:http').then(({ request }) => {
        const req = request(`${t.url}/api/sessions/${created.id}/replay`, { headers: { authorization: 'Bearer test-admin-token', 'accept-encoding': 'gzip' } }, (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => resolve({ status: res.statusCode!, encoding: res.headers['content-encoding'], body: Buffer.concat(chunks) }));
        });
        req.on('error', reject);
        req.end();
      }, reject);
    });
    expect(raw.status).toBe(200);
    expect(raw.encoding).toBe('gzip');
    expect(JSON.parse(gunzipSync(raw.body).toString('utf8'))).toEqual(json);
    const plain = await rawRequest(`${t.url}/api/sessions/${created.id}/replay`, 'GET', { authorization: 'Bearer test-admin-token' });
    expect(plain.headers['content-encoding']).toBeUndefined();
  });
});
