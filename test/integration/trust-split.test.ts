import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { replay } from '../../shared/engine/match.ts';
import { trustSplit } from '../../shared/games/trust-split/index.ts';
import { AckSchema, StatePayloadSchema, type LogRow, type StatePayload } from '../../shared/protocol/index.ts';
import { bootServer, connectClient, gameRows, type TestClient, type TestServer } from './helpers.ts';

let t: TestServer;
beforeAll(async () => {
  t = await bootServer();
});
afterAll(async () => {
  await t.close();
});

describe('a full Trust-and-Split game between two program-played humans', () => {
  let sessionId: string;
  let players: TestClient[];
  let spectator: TestClient;
  let log: LogRow[];
  let finals: StatePayload[];

  beforeAll(async () => {
    const created = await t.createSession({ game: 'trust-split', preset: 'human', seed: 11, seats: [{ kind: 'human', label: 'P1' }, { kind: 'human', label: 'P2' }] });
    sessionId = created.id;
    expect(created.seats.map((s) => s.kind)).toEqual(['human', 'human']);
    expect(created.seats.every((s) => s.token && s.joinUrl === `${t.server.url}/play/${s.token}?session=${created.id}`)).toBe(true);
    expect(created.spectatorUrl).toBe(`${t.server.url}/watch/${created.spectatorToken}?session=${created.id}`);
    spectator = connectClient(t.url, created.spectatorToken);
    players = created.seats.map((s, i) => connectClient(t.url, s.token!, { seed: 100 + i }));
    await Promise.all([spectator.connected(), ...players.map((p) => p.connected())]);
    for (const p of players) p.autoplay();
    finals = await Promise.all(players.map((p) => p.waitForOutcome()));
    await spectator.waitForOutcome();
    log = await t.events(sessionId);
  });

  it('ends with the same outcome for both players, as the folded log says', () => {
    expect(finals[0].outcome).toEqual(finals[1].outcome);
    expect(finals[0].status).toBe('finished');
    const state = replay(trustSplit, gameRows(log).map((r) => r.event as never));
    expect(trustSplit.outcome(state as never)).toEqual(finals[0].outcome);
    expect(finals[0].outcome!.points).toHaveLength(2);
  });

  it('logs every acknowledged action exactly once, with its clientActionId, before acking it', () => {
    for (const [seat, player] of players.entries()) {
      const accepted = player.acks.filter((a) => a.ack.ok);
      expect(accepted.length).toBeGreaterThan(5);
      for (const { clientActionId, ack } of accepted) {
        const rows = log.filter((r) => r.seat === seat && r.clientActionId === clientActionId);
        expect(rows).toHaveLength(1);
        expect(rows[0].kind).toBe('game');
        // the ack's version is the last row of the action's batch
        expect(ack.ok && ack.version).toBe(Math.max(...log.filter((r) => r.batch === rows[0].batch).map((r) => r.seq)));
      }
    }
    const seqs = log.map((r) => r.seq);
    expect(seqs).toEqual(seqs.map((_, i) => i + 1));
  });

  it('sends payloads that match the protocol schemas', () => {
    for (const client of [...players, spectator]) for (const state of client.states) StatePayloadSchema.parse(state);
    for (const player of players) for (const { ack } of player.acks) AckSchema.parse(ack);
  });

  it('sends each seat only its own view, with versions that never go back', () => {
    for (const [seat, player] of players.entries()) {
      let version = 0;
      for (const state of player.states) {
        expect(state.seat).toBe(seat);
        expect(state.sessionId).toBe(sessionId);
        expect(state.version).toBeGreaterThanOrEqual(version);
        version = state.version;
        const view = state.view as Record<string, unknown>;
        expect(view.kind).toBe('seat');
        expect(view.seat).toBe(seat);
        // the other's hand and the upper seat are the spectator's only
        expect(view).not.toHaveProperty('hands');
        expect(view).not.toHaveProperty('upper');
        expect(state.agentSeats).toBeNull();
      }
    }
  });

  it('shows the spectator everything and asks nothing of it', () => {
    expect(spectator.states.length).toBeGreaterThan(10);
    for (const state of spectator.states) {
      expect(state.seat).toBeNull();
      expect(state.pending).toBeNull();
      expect(state.deadline).toBeNull();
      expect((state.view as { kind: string }).kind).toBe('spectator');
    }
  });

  it('gives every pending action the deadline of the preset, from when it began', () => {
    const withPending = players.flatMap((p) => p.states.filter((s) => s.pending));
    expect(withPending.length).toBeGreaterThan(0);
    for (const s of withPending) {
      expect(s.deadline).not.toBeNull();
      const limit = s.pending!.timeLimitSec * 1000;
      expect(limit).toBeGreaterThan(0);
      expect(s.deadline! - s.serverNow).toBeLessThanOrEqual(limit);
      expect(s.deadline! - s.serverNow).toBeGreaterThan(limit - 5_000);
    }
  });

  it('reports the finished session over REST', async () => {
    for (const p of [...players, spectator]) p.close();
    const res = await t.api<{ status: string; outcome: unknown; seats: { label?: string; kind: string }[]; version: number }>('GET', `/api/sessions/${sessionId}`);
    expect(res.status).toBe(200);
    expect(res.json.status).toBe('finished');
    expect(res.json.outcome).toEqual(finals[0].outcome);
    expect(res.json.seats.map((s) => s.label)).toEqual(['P1', 'P2']);
    const list = await t.api<{ sessions: { id: string; status: string }[] }>('GET', '/api/sessions');
    expect(list.json.sessions.find((s) => s.id === sessionId)?.status).toBe('finished');
  });
});
