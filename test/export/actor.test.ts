import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sessionExportFiles } from '../../server/export/session.ts';
import type { HandbackPayload, LogRow, StatePayload } from '../../shared/protocol/index.ts';
import { expandFrames, type ReplayPayload } from '../../shared/protocol/replay.ts';
import { bootServer, connectClient, type TestClient, type TestServer } from '../integration/helpers.ts';
import { csvRecords } from './helpers.ts';

/**
 * Takeovers, end to end on a real server: who sees that an agent plays a dropped player's seat
 * (StatePayload.takenOver), what the returning player is told (`handback`), and the `actor`
 * column of every exported table of actions.
 */

let t: TestServer;
beforeAll(async () => {
  t = await bootServer();
});
afterAll(() => t.close());

async function exported(sessionId: string, file: string): Promise<Record<string, string>[]> {
  const found = (await sessionExportFiles(t.server.store, sessionId))!.find((f) => f.name === file)!;
  let text = '';
  for await (const chunk of found.content()) text += chunk;
  return csvRecords(text);
}

/** The actor the log says each of `seat`'s actions of `types` had, in log order (the test's own clients never use "agent:" ids). */
function actorsInLog(log: LogRow[], seat: number, types: string[]): string[] {
  return log
    .filter((r) => r.kind === 'game' && r.seat === seat && (types.includes(r.event.type) || (r.event.type === 'timeout' && types.includes(`timeout:${String(r.event.action)}`))))
    .map((r) => (r.clientActionId === null ? 'timeout' : r.clientActionId.startsWith('agent:') ? 'takeover' : 'human'));
}

const round = (s: StatePayload) => (s.view as { round: number }).round;

function twoHumans(extra: Record<string, unknown>) {
  return t.createSession({
    game: 'trust-split', preset: 'paper', seed: 7, config: { rounds: 3 },
    seats: [{ kind: 'human', label: 'P-1' }, { kind: 'human', label: 'P-2' }],
    takeoverAfterSec: 0.15, takeoverAgent: 'fair', ...extra,
  });
}

/** The replay rebuilds, at every version a client received live, the same takenOver it was sent. */
async function expectReplayedTakeovers(sessionId: string, as: string, live: readonly StatePayload[]): Promise<void> {
  const { status, json } = await t.api<ReplayPayload>('GET', `/api/sessions/${sessionId}/replay?as=${as}`);
  expect(status).toBe(200);
  const frames = expandFrames(json);
  for (const state of live) {
    const frame = frames.filter((f) => f.version <= state.version).at(-1);
    expect(frame?.takenOver, `${as} at version ${state.version}`).toEqual(state.takenOver);
  }
}

function handbackOf(client: TestClient): Promise<HandbackPayload> {
  return new Promise((resolve) => client.socket.once('handback', resolve));
}

describe('a dropped player\'s seat played by an agent', () => {
  it('is marked for the other player and the spectator, told to the returning player, and exported as takeover', async () => {
    const created = await twoHumans({});
    const [a, b] = created.seats.map((s, i) => connectClient(t.url, s.token!, { seed: i + 1, idPrefix: `s${i}` }));
    const spectator = connectClient(t.url, created.spectatorToken);
    await Promise.all([a.connected(), b.connected(), spectator.connected()]);
    expect(Array.isArray(a.latest!.takenOver)).toBe(true); // presence is not masked: takeovers are told

    b.close(); // seat 1 drops out and stays away
    a.autoplay();
    await a.waitFor((s) => s.takenOver?.includes(1) === true, 20_000, 'the takeover');
    await spectator.waitFor((s) => s.takenOver?.includes(1) === true, 20_000, 'the takeover (spectator)');
    await a.waitFor((s) => round(s) >= 2, 20_000, 'round 2');
    a.stopAutoplay();

    // the participant returns: told what the agent did, and the others see the seat theirs again
    const back = connectClient(t.url, created.seats[1].token!, { seed: 3, idPrefix: 'back' });
    const told = handbackOf(back);
    await back.connected();
    const notice = await told;
    expect(notice.sessionId).toBe(created.id);
    expect(notice.actions.length).toBeGreaterThan(0);
    expect(notice.actions.some((line) => /^proposed to keep \d+(\.\d+)? coins$/.test(line))).toBe(true);
    expect(back.latest!.takenOver).toEqual([]);
    await a.waitFor((s) => s.takenOver?.length === 0, 20_000, 'the handback');
    await spectator.waitFor((s) => s.takenOver?.length === 0, 20_000, 'the handback (spectator)');

    a.autoplay();
    back.autoplay();
    await Promise.all([a.waitForOutcome(), back.waitForOutcome()]);
    const log = await t.events(created.id);

    // what the agent did is exactly what the player was told, one line per action
    // (the last takeover of seat 1: a seat slow to connect at the start is taken over, briefly, too)
    const takeover = log.map((r) => r.event.type === 'takeover' && r.seat === 1).lastIndexOf(true);
    const handback = log.findIndex((r, i) => i > takeover && r.event.type === 'handback' && r.seat === 1);
    const byAgent = log.slice(takeover, handback).filter((r) => r.kind === 'game' && r.seat === 1);
    expect(notice.actions).toHaveLength(byAgent.length);

    // rounds.csv: each proposal's actor as the log has it; seat 1 has both takeover and human rounds
    const rounds = await exported(created.id, 'rounds.csv');
    for (const seat of [0, 1]) {
      const actors = rounds.filter((r) => r.seat === String(seat)).map((r) => r.actor);
      expect(actors).toEqual(actorsInLog(log, seat, ['proposal', 'timeout:propose']));
    }
    const seat1 = new Set(rounds.filter((r) => r.seat === '1').map((r) => r.actor));
    expect(seat1.has('takeover') && seat1.has('human')).toBe(true);
    expect(rounds.filter((r) => r.seat === '0').every((r) => r.actor === 'human')).toBe(true);

    // statements.csv: every message's actor, in order
    const statements = await exported(created.id, 'statements.csv');
    for (const seat of [0, 1]) {
      expect(statements.filter((r) => r.seat === String(seat)).map((r) => r.actor)).toEqual(actorsInLog(log, seat, ['message', 'timeout:speak']));
    }
    expect(statements.some((r) => r.seat === '1' && r.actor === 'takeover')).toBe(true);
    await expectReplayedTakeovers(created.id, '0', a.states);
    await expectReplayedTakeovers(created.id, 'spectator', spectator.states);
    for (const c of [a, back, spectator]) c.close();
  });

  it('stays indistinguishable for the other player in a blind arm (masked presence), never in the data', async () => {
    const created = await twoHumans({ maskPresence: true, revealAgents: false });
    const [a, b] = created.seats.map((s, i) => connectClient(t.url, s.token!, { seed: i + 1, idPrefix: `s${i}` }));
    const spectator = connectClient(t.url, created.spectatorToken);
    await Promise.all([a.connected(), b.connected(), spectator.connected()]);
    b.close();
    a.autoplay();
    await spectator.waitFor((s) => s.takenOver?.includes(1) === true, 20_000, 'the takeover (spectator)');
    await a.waitFor((s) => round(s) >= 2, 20_000, 'round 2');
    a.stopAutoplay();

    // the returning player is still told: it is their own seat
    const back = connectClient(t.url, created.seats[1].token!, { seed: 3, idPrefix: 'back' });
    const told = handbackOf(back);
    await back.connected();
    expect((await told).actions.length).toBeGreaterThan(0);
    await spectator.waitFor((s) => s.takenOver?.length === 0, 20_000, 'the handback (spectator)');
    a.autoplay();
    back.autoplay();
    await Promise.all([a.waitForOutcome(), back.waitForOutcome()]);

    // the other player never learnt of it: no list in any payload, no presence message
    for (const s of [...a.states, ...back.states]) expect(s.takenOver).toBeNull();
    expect(a.received.every((r) => r.event === 'state')).toBe(true);
    const rounds = await exported(created.id, 'rounds.csv');
    expect(rounds.some((r) => r.seat === '1' && r.actor === 'takeover')).toBe(true);
    await expectReplayedTakeovers(created.id, '0', a.states);
    await expectReplayedTakeovers(created.id, 'spectator', spectator.states);
    for (const c of [a, back, spectator]) c.close();
  });

  it('marks every Traitors action table: votes, statements and beliefs of a seat played by its takeover agent', async () => {
    // seat 0's player never comes: the takeover agent plays it all game
    const created = await t.createSession({
      game: 'traitors', preset: 'table', seed: 11,
      seats: [{ kind: 'human' }, ...Array.from({ length: 7 }, () => ({ kind: 'agent', agent: 'scripted' }))],
      takeoverAfterSec: 0.05,
    });
    const spectator = connectClient(t.url, created.spectatorToken);
    await spectator.connected();
    await spectator.waitForOutcome(60_000);
    const expectActors = (rows: Record<string, string>[], seatColumn: string, timedOut: (r: Record<string, string>) => boolean) => {
      expect(rows.length).toBeGreaterThan(0);
      for (const r of rows) {
        const expected = timedOut(r) ? 'timeout' : r[seatColumn] === '0' ? 'takeover' : 'agent';
        expect(r.actor, `${seatColumn} ${r[seatColumn]} round ${r.round ?? r.Round}`).toBe(expected);
      }
      expect(rows.some((r) => r[seatColumn] === '0' && r.actor === 'takeover')).toBe(true);
    };
    const votes = await exported(created.id, 'votes.csv');
    expect(Object.keys(votes[0]).slice(0, 6)).toEqual(['Round', 'Vote_Type', 'Player_ID', 'Role', 'Vote_Target', 'Eliminated']);
    expectActors(votes, 'Player_ID', (r) => r.Vote_Target === '');
    expectActors(await exported(created.id, 'statements.csv'), 'seat', (r) => r.skipped === 'true');
    expectActors(await exported(created.id, 'beliefs.csv'), 'observer', (r) => r.timed_out === 'true');
    spectator.close();
  });
});
