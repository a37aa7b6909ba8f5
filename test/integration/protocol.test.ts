import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { io } from 'socket.io-client';
import type { Ack, CreatedSession, LogRow, StatePayload } from '../../shared/protocol/index.ts';
import { bootServer, connectClient, gameRows, type TestClient, type TestServer } from './helpers.ts';

/** vi.waitFor's bound: its default second is short on a loaded machine */
const WAIT = { timeout: 10_000 };

let t: TestServer;
beforeAll(async () => {
  t = await bootServer();
});
afterAll(async () => {
  await t.close();
});

const twoHumans = (config: Record<string, unknown> = {}, extra: Record<string, unknown> = {}) =>
  t.createSession({ game: 'trust-split', preset: 'paper', seed: 5, config: { rounds: 2, ...config }, seats: [{ kind: 'human' }, { kind: 'human' }], ...extra });

/** Everything that must not change when an act is refused: the log, the server's state, the version. */
async function snapshot(sessionId: string): Promise<string> {
  const room = (await t.server.sessions.room(sessionId))!;
  await room.idle();
  return JSON.stringify({ log: await t.events(sessionId), state: room.state, version: room.currentVersion });
}

async function seated(created: CreatedSession): Promise<TestClient[]> {
  const clients = created.seats.map((s, i) => connectClient(t.url, s.token!, { seed: i + 1, idPrefix: `s${i}` }));
  await Promise.all(clients.map((c) => c.connected()));
  return clients;
}

/** The seat asked to speak now, and the other one. */
function speakerFirst(clients: TestClient[]): [TestClient, TestClient] {
  const speaking = clients.findIndex((c) => c.latest?.pending?.kind === 'speak');
  expect(speaking).toBeGreaterThanOrEqual(0);
  return [clients[speaking], clients[1 - speaking]];
}

describe('refused act payloads', () => {
  it('get a clear error and change neither the state nor the log', async () => {
    const created = await twoHumans();
    const other = await twoHumans();
    const clients = await seated(created);
    const [speaker, waiting] = speakerFirst(clients);
    const spectator = connectClient(t.url, created.spectatorToken);
    await spectator.connected();
    const otherSession = connectClient(t.url, other.seats[0].token!);
    await otherSession.connected();
    const statesBefore = clients.map((c) => c.states.length);

    const cases: { who: TestClient; payload: unknown; code: string; mentions?: RegExp }[] = [
      { who: speaker, payload: null, code: 'invalid_payload' },
      { who: speaker, payload: 'speak hello', code: 'invalid_payload' },
      { who: speaker, payload: { action: { kind: 'speak', text: 42 }, clientActionId: 'a' }, code: 'invalid_payload', mentions: /action\.text/ },
      { who: speaker, payload: { action: { kind: 'speak', text: 'hi' } }, code: 'invalid_payload', mentions: /clientActionId/ },
      { who: speaker, payload: { action: { kind: 'speak', text: 'hi' }, clientActionId: 'a', seat: 1 }, code: 'invalid_payload', mentions: /seat/ },
      { who: speaker, payload: { action: { kind: 'speak', text: 'hi', loud: true }, clientActionId: 'a' }, code: 'invalid_payload', mentions: /loud/ },
      { who: speaker, payload: { action: { kind: 'fly' }, clientActionId: 'a' }, code: 'invalid_payload' },
      { who: speaker, payload: { action: { kind: 'vote', target: -1 }, clientActionId: 'a' }, code: 'invalid_payload' },
      // over the protocol's hard cap, and over the game's own limit
      { who: speaker, payload: { action: { kind: 'speak', text: 'x'.repeat(5000) }, clientActionId: 'a' }, code: 'invalid_payload', mentions: /4000/ },
      { who: speaker, payload: { action: { kind: 'speak', text: 'x'.repeat(501) }, clientActionId: 'a' }, code: 'too_long', mentions: /500/ },
      { who: speaker, payload: { action: { kind: 'propose', coins: 5 }, clientActionId: 'a' }, code: 'wrong_action' },
      { who: waiting, payload: { action: { kind: 'speak', text: 'me first' }, clientActionId: 'a' }, code: 'not_your_turn', mentions: /turn/ },
      { who: spectator, payload: { action: { kind: 'speak', text: 'hi' }, clientActionId: 'a' }, code: 'spectator' },
      // a socket of another session names this session: rejected as an unknown field
      { who: otherSession, payload: { action: { kind: 'speak', text: 'hi' }, clientActionId: 'a', sessionId: created.id }, code: 'invalid_payload', mentions: /sessionId/ },
    ];
    for (const { who, payload, code, mentions } of cases) {
      const before = await snapshot(created.id);
      const ack = await who.send(payload);
      expect(ack, JSON.stringify(payload).slice(0, 80)).toMatchObject({ ok: false, code });
      const message = (ack as Extract<Ack, { ok: false }>).message;
      expect(message.length).toBeGreaterThan(10);
      if (mentions) expect(message).toMatch(mentions);
      expect(await snapshot(created.id)).toBe(before);
    }
    // nobody was sent a new state: nothing happened
    expect(clients.map((c) => c.states.length)).toEqual(statesBefore);

    // the other session's seat can only ever act in its own session
    const beforeA = await snapshot(created.id);
    const otherSpeaker = otherSession.latest!.pending?.kind === 'speak';
    const ack = await otherSession.act({ kind: 'speak', text: 'hello from B' });
    expect(ack.ok).toBe(otherSpeaker);
    expect(await snapshot(created.id)).toBe(beforeA);
    const bLog = await t.events(other.id);
    expect(bLog.some((r) => r.clientActionId !== null && r.kind === 'game') ).toBe(otherSpeaker);

    for (const c of [...clients, spectator, otherSession]) c.close();
  });

  it('refuses a connection without a valid token, with a clear message', async () => {
    const created = await twoHumans();
    const attempts: [unknown, RegExp][] = [
      [{ token: 'not-a-real-token' }, /invalid_token: this token does not open any seat/],
      [{ token: created.seats[0].token!.slice(0, -1) }, /invalid_token/],
      [{}, /invalid_auth: connect with auth: \{ token/],
      [{ token: 42 }, /invalid_auth/],
      [{ token: created.seats[0].token, seat: 1 }, /invalid_auth/],
    ];
    for (const [auth, expected] of attempts) {
      const socket = io(t.url, { auth: auth as Record<string, unknown>, transports: ['websocket'], reconnection: false, forceNew: true });
      const err = await new Promise<Error & { data?: { code?: string } }>((resolve, reject) => {
        socket.once('connect_error', resolve);
        socket.once('connect', () => reject(new Error(`connected with ${JSON.stringify(auth)}`)));
      });
      expect(err.message).toMatch(expected);
      expect(err.data?.code).toMatch(/^invalid_(token|auth)$/);
      socket.close();
    }
  });
});

describe('idempotent actions', () => {
  it('answers a resent clientActionId with the same ack and logs it once', async () => {
    const created = await twoHumans();
    const clients = await seated(created);
    const [speaker, waiting] = speakerFirst(clients);
    const payload = { action: { kind: 'speak', text: 'I hold rock.' }, clientActionId: 'msg-1' };
    const first = await speaker.send(payload);
    expect(first.ok).toBe(true);
    const afterFirst = await snapshot(created.id);
    const again = await speaker.send(payload);
    expect(again).toEqual(first);
    expect(await snapshot(created.id)).toBe(afterFirst);
    // still the same answer after the game moved on, even with a different body
    await waiting.waitFor((s) => s.pending?.kind === 'speak');
    expect((await waiting.act({ kind: 'speak', text: 'I hold paper.' })).ok).toBe(true);
    expect(await speaker.send({ action: { kind: 'speak', text: 'something else' }, clientActionId: 'msg-1' })).toEqual(first);
    const rows = (await t.events(created.id)).filter((r) => r.clientActionId === 'msg-1');
    expect(rows).toHaveLength(1);
    expect(rows[0].event).toMatchObject({ type: 'message', text: 'I hold rock.' });
    for (const c of clients) c.close();
  });
});

describe('reconnection', () => {
  it('restores the seat mid-game, and a newer connection replaces an older one', async () => {
    const created = await twoHumans({ rounds: 3 });
    const [a, b] = await seated(created);
    a.autoplay();
    b.autoplay();
    const midGame = await a.waitFor((s) => (s.view as { round: number }).round >= 2);
    expect(midGame.outcome).toBeNull();
    a.stopAutoplay();
    a.close();
    const room = (await t.server.sessions.room(created.id))!;
    // the server hears of the closed socket on its own time: wait for the seat to show as gone
    await vi.waitFor(async () => {
      const detail = await t.api<{ seats: { connected: boolean }[] }>('GET', `/api/sessions/${created.id}`);
      expect(detail.json.seats.map((s) => s.connected)).toEqual([false, true]);
      expect(b.presence.at(-1)?.connected).toEqual([false, true]);
    }, WAIT);
    await room.idle();

    // back with the same token: the same seat, exactly where the game is
    const a2 = connectClient(t.url, created.seats[0].token!, { seed: 9, idPrefix: 'a2' });
    const resumed = await a2.connected();
    expect(resumed.seat).toBe(0);
    expect(resumed.version).toBe(room.currentVersion);
    expect(resumed.view).toEqual(room.statePayload(0).view);

    // a third connection with the same token takes the seat over; the older one is told and closed
    const a3 = connectClient(t.url, created.seats[0].token!, { seed: 10, idPrefix: 'a3' });
    await a3.connected();
    await vi.waitFor(() => {
      expect(a2.replaced).toMatch(/opened somewhere else/);
      expect(a2.socket.connected).toBe(false);
    }, WAIT);
    a3.autoplay();
    const [endA, endB] = await Promise.all([a3.waitForOutcome(), b.waitForOutcome()]);
    expect(endA.outcome).toEqual(endB.outcome);

    const log = await t.events(created.id);
    const presence = log.filter((r) => r.kind === 'session' && r.seat === 0).map((r) => r.event);
    expect(presence).toEqual([
      { type: 'connected', seat: 0, replaced: false },
      { type: 'disconnected', seat: 0 },
      { type: 'connected', seat: 0, replaced: false },
      { type: 'connected', seat: 0, replaced: true },
    ]);
    // the game log is untouched by presence: every accepted action, nothing else from seat 0
    const seat0Actions = gameRows(log).filter((r) => r.seat === 0 && r.clientActionId).map((r) => r.clientActionId);
    const acked = [a, a2, a3].flatMap((c) => c.acks.filter((x) => x.ack.ok).map((x) => x.clientActionId));
    expect(seat0Actions).toEqual(acked);
    for (const c of [a2, a3, b]) c.close();
  });
});

describe('deadlines', () => {
  it('apply the rule defaults when nobody acts in time', async () => {
    const created = await twoHumans({ timeouts: { speak: 0.1, propose: 0.1 } });
    // one seat watches (and never acts); the other never shows up
    const idle = connectClient(t.url, created.seats[0].token!);
    await idle.connected();
    const end = await idle.waitForOutcome(10_000);
    expect(end.status).toBe('finished');
    const log = await t.events(created.id);
    const game = gameRows(log);
    const timeouts = game.filter((r) => r.event.type === 'timeout');
    // 2 rounds × (one message each + one proposal each)
    expect(timeouts).toHaveLength(8);
    for (const row of timeouts) {
      expect(row.clientActionId).toBeNull();
      expect(row.seat).toBe(row.event.seat);
      const event = row.event;
      if (event.action === 'speak') expect(event.text).toBe('');
      else expect(event.coins).toBe(5);
    }
    // each deadline = when the pending request began (a logged batch) + its time limit …
    const batchTimes = new Set(game.map((r) => r.at));
    const withDeadline = idle.states.filter((s) => s.pending && s.deadline);
    expect(withDeadline.length).toBeGreaterThan(0);
    for (const s of withDeadline) expect(batchTimes.has(s.deadline! - s.pending!.timeLimitSec * 1000)).toBe(true);
    // … and no default was applied before it
    const ownTimeouts = timeouts.filter((r) => r.seat === 0);
    expect(ownTimeouts.length).toBe(4);
    for (const row of ownTimeouts) {
      const asked = idle.states.filter((s) => s.version < row.seq && s.pending).at(-1)!;
      expect(row.at).toBeGreaterThanOrEqual(asked.deadline!);
    }
    const resolved = game.filter((r) => r.event.type === 'roundResolved').map((r) => r.event.proposals);
    expect(resolved).toEqual([[5, 5], [5, 5]]);
    idle.close();
  });
});

describe('dropout takeover', () => {
  it('lets a scripted agent play a seat gone too long, and hands it back on return', async () => {
    const created = await twoHumans({ rounds: 3 }, { takeoverAfterSec: 0.15, takeoverAgent: 'fair' });
    const [a, b] = await seated(created);
    b.close(); // seat 1 drops out and stays away
    a.autoplay();
    await a.waitFor((s) => (s.view as { round: number }).round >= 2);
    // seat 0 pauses, so the game waits for it while seat 1 comes back
    a.stopAutoplay();
    let log = await t.events(created.id);
    await vi.waitFor(async () => {
      log = await t.events(created.id);
      expect(log.some((r) => r.event.type === 'takeover')).toBe(true);
    }, WAIT);
    const takeover = log.find((r) => r.event.type === 'takeover');
    expect(takeover).toMatchObject({ kind: 'session', seat: 1, event: { type: 'takeover', seat: 1, agent: 'fair' } });
    expect(gameRows(log).some((r) => r.seat === 1 && r.clientActionId?.startsWith('agent:1:'))).toBe(true);

    // the participant returns: the seat is theirs again
    const back = connectClient(t.url, created.seats[1].token!, { seed: 3, idPrefix: 'back' });
    await back.connected();
    back.autoplay();
    a.autoplay();
    await Promise.all([a.waitForOutcome(), back.waitForOutcome()]);
    log = await t.events(created.id);
    const handback = log.findIndex((r) => r.event.type === 'handback');
    expect(handback).toBeGreaterThan(log.indexOf(log.find((r) => r.event.type === 'takeover')!));
    const afterHandback = gameRows(log.slice(handback)).filter((r) => r.seat === 1 && r.clientActionId);
    expect(afterHandback.length).toBeGreaterThan(0);
    expect(afterHandback.every((r) => r.clientActionId!.startsWith('back-'))).toBe(true);
    a.close();
    back.close();
  });
});

describe('ending a session', () => {
  it('stops play: state says ended, actions are refused, the log records why', async () => {
    const created = await twoHumans();
    const clients = await seated(created);
    const [speaker] = speakerFirst(clients);
    const res = await t.api<{ status: string; ended: boolean }>('POST', `/api/sessions/${created.id}/end`);
    expect(res).toEqual({ status: 200, json: { id: created.id, status: 'ended', ended: true } });
    const ended: StatePayload = await speaker.waitFor((s) => s.status === 'ended');
    expect(ended.pending).toBeNull();
    expect(ended.deadline).toBeNull();
    const before = await snapshot(created.id);
    expect(await speaker.act({ kind: 'speak', text: 'too late' })).toMatchObject({ ok: false, code: 'session_ended' });
    expect(await snapshot(created.id)).toBe(before);
    const log: LogRow[] = await t.events(created.id);
    expect(log.at(-1)?.event).toEqual({ type: 'ended', reason: 'experimenter' });
    const again = await t.api<{ ended: boolean }>('POST', `/api/sessions/${created.id}/end`);
    expect(again.json.ended).toBe(false);
    for (const c of clients) c.close();
  });
});
