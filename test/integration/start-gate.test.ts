import { afterAll, describe, expect, it } from 'vitest';
import type { LogRow, StatePayload } from '../../shared/protocol/index.ts';
import { expandFrames, type ReplayPayload } from '../../shared/protocol/replay.ts';
import { bootServer, connectClient, type TestClient, type TestServer } from './helpers.ts';

// The start gate (CreateSession waitForHumans): a table starts when its human seats are connected,
// or after its longest wait; until then nobody is asked anything and no clock runs.

const servers: TestServer[] = [];
const clients: TestClient[] = [];
afterAll(async () => {
  for (const client of clients) client.close();
  for (const server of servers) await server.close();
});

async function boot(options: Parameters<typeof bootServer>[0] = {}): Promise<TestServer> {
  const server = await bootServer(options);
  servers.push(server);
  return server;
}

function join(t: TestServer, token: string, seed = 1): TestClient {
  const client = connectClient(t.url, token, { seed, idPrefix: `s${seed}` });
  clients.push(client);
  return client;
}

const twoHumans = { game: 'trust-split', preset: 'paper', seed: 5, seats: [{ kind: 'human' }, { kind: 'human' }] };
const sessionRows = (log: LogRow[], type: string) => log.filter((row) => row.kind === 'session' && row.event.type === type);

describe('a table that waits for its humans', () => {
  it('starts when both humans are there: the late one gets the full clock, nothing runs before', async () => {
    let clock = 1_000_000;
    const t = await boot({ now: () => clock });
    const created = await t.createSession({ ...twoHumans, waitForHumans: true });
    const first = join(t, created.seats[0].token!, 1);
    const alone = await first.connected();
    expect(alone.pending).toBeNull();
    expect(alone.deadline).toBeNull();
    expect(alone.waitingFor).toEqual([1]);
    const early = await first.act({ kind: 'speak', text: 'hello?' });
    expect(early).toMatchObject({ ok: false, code: 'not_started' });

    clock += 14_000; // the partner opens the link 14 s later
    const second = join(t, created.seats[1].token!, 2);
    const [a, b] = await Promise.all([first.waitFor((s) => s.waitingFor === null), second.waitFor((s) => s.waitingFor === null)]);
    const asked = [a, b].find((s) => s.pending !== null)!;
    expect(asked.pending!.timeLimitSec).toBeGreaterThan(0);
    // the full time limit, measured from the start, not from the session's creation
    expect(asked.deadline! - asked.serverNow).toBe(asked.pending!.timeLimitSec * 1000);

    const log = await t.events(created.id);
    const [started] = sessionRows(log, 'started');
    expect(started.event).toEqual({ type: 'started', absent: [] });
    expect(started.at).toBe(1_014_000);
    expect(sessionRows(log, 'waiting').map((row) => row.event)).toEqual([{ type: 'waiting', seats: [0, 1], maxWaitSec: null, then: 'timeout' }]);
    // nothing was played before the start: every game row before it is the opening batch
    expect(log.filter((row) => row.seq < started.seq && row.kind === 'game').every((row) => row.batch === 1)).toBe(true);
  });

  it('after the longest wait starts without the absent human, whose clock then runs out', async () => {
    const t = await boot();
    const created = await t.createSession({
      game: 'trust-split',
      preset: 'paper',
      seed: 7,
      config: { timeouts: { speak: 1, propose: 1 } },
      seats: [{ kind: 'human' }, { kind: 'human' }],
      waitForHumans: { maxWaitSec: 1 },
    });
    const present = join(t, created.seats[0].token!, 3);
    await present.connected();
    present.autoplay();
    await present.waitFor((s) => s.waitingFor === null, 20_000, 'the start');
    // the absent seat times out as its deadlines pass, and the game goes on
    await present.waitFor((s) => s.version > 8, 20_000, 'timeouts of the absent seat');
    const log = await t.events(created.id);
    const [started] = sessionRows(log, 'started');
    expect(started.event).toEqual({ type: 'started', absent: [1] });
    expect(log.some((row) => row.seq > started.seq && row.kind === 'game' && row.event.type === 'timeout' && row.event.seat === 1)).toBe(true);
    expect(log.filter((row) => row.seq < started.seq && row.kind === 'game').every((row) => row.batch === 1)).toBe(true);
  });

  it('after the longest wait, with then: "takeover", an agent plays the absent seat; agents never act before the start', async () => {
    const t = await boot();
    const created = await t.createSession({
      game: 'trust-split',
      preset: 'paper',
      seed: 8,
      seats: [{ kind: 'human' }, { kind: 'human' }],
      waitForHumans: { maxWaitSec: 1, then: 'takeover' },
      takeoverAgent: 'tit-for-tat',
    });
    const present = join(t, created.seats[0].token!, 4);
    await present.connected();
    present.autoplay();
    await present.waitFor((s) => s.waitingFor === null, 20_000, 'the start');
    await present.waitFor((s) => s.version > 10, 20_000, 'play with the takeover agent');
    const log = await t.events(created.id);
    const [started] = sessionRows(log, 'started');
    expect(started.event).toEqual({ type: 'started', absent: [1] });
    const [takeover] = sessionRows(log, 'takeover');
    expect(takeover.seat).toBe(1);
    expect(takeover.seq).toBeGreaterThan(started.seq);
    // the agent played seat 1 (actions with its agent ids), not timeouts
    expect(log.some((row) => row.kind === 'game' && row.seat === 1 && row.clientActionId?.startsWith('agent:1:'))).toBe(true);
  });

  it('an agent seat waits too: nothing of the game moves before the human arrives', async () => {
    const t = await boot();
    const created = await t.createSession({
      game: 'trust-split',
      preset: 'paper',
      seed: 9,
      seats: [{ kind: 'agent', agent: 'tit-for-tat' }, { kind: 'human' }],
      waitForHumans: { maxWaitSec: 1 },
    });
    // the spectator sees the start when the longest wait runs out; the agent (no delay) had that second to act
    const spectator = join(t, created.spectatorToken, 5);
    const waiting = await spectator.connected();
    expect(waiting.waitingFor).toEqual([1]);
    await spectator.waitFor((s) => s.waitingFor === null, 20_000, 'the start');
    const log = await t.events(created.id);
    const [started] = sessionRows(log, 'started');
    expect(log.filter((row) => row.seq < started.seq && row.kind === 'game').every((row) => row.batch === 1)).toBe(true);
  });

  it('a server restarted before the start still waits, and starts when both are back', async () => {
    const first = await boot({ keepDataDir: true });
    const created = await first.createSession({ ...twoHumans, waitForHumans: { maxWaitSec: 3600 } });
    const early = join(first, created.seats[0].token!, 6);
    await early.connected();
    early.close();
    await first.server.close();

    const t = await boot({ dataDir: first.dataDir });
    const a = join(t, created.seats[0].token!, 7);
    const back = await a.connected();
    expect(back.waitingFor).toEqual([1]);
    expect(back.pending).toBeNull();
    const b = join(t, created.seats[1].token!, 8);
    await b.connected();
    const startedState = await a.waitFor((s) => s.waitingFor === null, 20_000, 'the start');
    const log = await t.events(created.id);
    expect(sessionRows(log, 'recovered')).toHaveLength(1);
    expect(sessionRows(log, 'started')).toHaveLength(1);
    expect(sessionRows(log, 'started')[0].seq).toBeGreaterThan(sessionRows(log, 'recovered')[0].seq);
    const asked = startedState.pending ? startedState : await b.waitFor((s) => s.pending !== null);
    expect(asked.deadline! - sessionRows(log, 'started')[0].at).toBe(asked.pending!.timeLimitSec * 1000);
  });

  it('shows an absent player as away with their deadline, and the replay frames equal the live states', async () => {
    const t = await boot();
    const created = await t.createSession({ ...twoHumans, seed: 11, waitForHumans: true });
    const a = join(t, created.seats[0].token!, 9);
    await a.connected();
    const b = join(t, created.seats[1].token!, 10);
    await b.connected();
    const started = await a.waitFor((s) => s.waitingFor === null);
    // whoever speaks first leaves; the other sees them away, with the leaver's own deadline
    const speakerState = started.pending ? started : await b.waitFor((s) => s.pending !== null);
    const [leaver, stayer] = speakerState.seat === 0 ? [a, b] : [b, a];
    leaver.close();
    const seen = await stayer.waitFor((s) => (s.away ?? []).length > 0, 20_000, 'the away seat');
    expect(seen.away).toEqual([{ seat: speakerState.seat, deadline: speakerState.deadline }]);
    expect(seen.connected[speakerState.seat!]).toBe(false);
    stayer.close();
    await t.api('POST', `/api/sessions/${created.id}/end`, { reason: 'test' });

    for (const client of [a, b]) {
      const seat = client.latest!.seat!;
      const replay = await t.api<ReplayPayload>('GET', `/api/sessions/${created.id}/replay?as=${seat}`);
      const frames = expandFrames(replay.json);
      for (const live of client.states) {
        const frame = frames.filter((f) => f.version <= live.version).pop();
        expect(frame && pick(frame), `seat ${seat} at version ${live.version}`).toEqual(pick(live));
      }
    }
  });
});

function pick(s: StatePayload) {
  const { pending, deadline, connected, waitingFor, away, status, seat } = s;
  return { pending, deadline, connected, waitingFor: waitingFor ?? null, away: away ?? [], status, seat };
}
