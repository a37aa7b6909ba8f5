import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { traitors, type TraitorsEvent, type TraitorsState, type TraitorsView } from '../../shared/games/traitors/index.ts';
import type { CreatedSession, LogRow } from '../../shared/protocol/index.ts';
import { bootServer, connectClient, gameRows, type TestClient, type TestServer } from './helpers.ts';

/**
 * The `reference` preset on a real server: two program-played seats (a faithful and a traitor)
 * among scripted agents play to the end, and nothing either is sent holds a vote but its own —
 * no tally, no ballot, no tie-break — while the spectator is sent them all.
 */

let t: TestServer;
beforeAll(async () => {
  t = await bootServer();
});
afterAll(async () => {
  await t.close();
});

const PLAYERS = 10;
const personas = Array.from({ length: PLAYERS }, (_, s) => (s === 4 ? null : { traits: { age: 30 + s, profession: 'Baker', genderPronoun: 'they' as const } }));
const seats = Array.from({ length: PLAYERS }, (_, s) => (s < 2 ? { kind: 'human', label: `program-${s}` } : { kind: 'agent', agent: 'scripted' }));

/** Seat 0 faithful and seat 1 a traitor; seeds are tried in order, so this is deterministic. */
async function referenceTable(): Promise<CreatedSession> {
  for (let seed = 1; seed < 200; seed++) {
    const created = await t.createSession({ game: 'traitors', preset: 'reference', seed, seats, config: { personas } });
    const setup = (await t.events(created.id))[0].event as unknown as { roles: string[] };
    if (setup.roles[0] === 'faithful' && setup.roles[1] === 'traitor') return created;
    await t.api('POST', `/api/sessions/${created.id}/end`);
  }
  throw new Error('no seed below 200 deals seat 0 faithful and seat 1 a traitor');
}

describe('a reference-preset game on a real server', () => {
  let players: TestClient[];
  let spectator: TestClient;
  let log: LogRow[];

  beforeAll(async () => {
    const created = await referenceTable();
    players = [0, 1].map((seat) => connectClient(t.url, created.seats[seat].token!, { seed: 31 + seat, idPrefix: `p${seat}` }));
    spectator = connectClient(t.url, created.spectatorToken);
    await Promise.all([...players, spectator].map((c) => c.connected()));
    for (const p of players) p.autoplay();
    await Promise.all(players.map((p) => p.waitForOutcome(60_000)));
    await spectator.waitForOutcome();
    log = await t.events(created.id);
  });

  afterAll(() => {
    for (const c of [...players, spectator]) c.close();
  });

  it('plays the reference loop: biographies, a discussion after each banishment, two night passes', () => {
    const events = gameRows(log).map((r) => r.event as unknown as TraitorsEvent);
    expect(events.find((e) => e.type === 'biographiesRead')).toMatchObject({ unknown: [4] });
    const banishments = events.filter((e) => e.type === 'banished').length;
    expect(banishments).toBeGreaterThan(0);
    const after = events.filter((e) => e.type === 'statement' && e.purpose === 'postBanishment');
    expect(after.length).toBeGreaterThan(0);
    const passes = new Set(events.flatMap((e) => (e.type === 'statement' && e.channel === 'traitors' ? [e.pass] : [])));
    expect([...passes].sort()).toEqual([1, 2]);
    expect(events.some((e) => e.type === 'votesRevealed')).toBe(true);
  });

  it('sends no seat another seat\'s vote, a tally or a tie-break; the spectator gets them all', () => {
    const spectatorJson = spectator.received.map((r) => r.json).join('\n');
    // the check can see a leak: these keys are what the spectator's payloads carry
    expect(spectatorJson).toContain('"tally":[');
    expect(spectatorJson).toContain('"castVotes":[');
    for (const [seat, player] of players.entries()) {
      expect(player.received.length).toBeGreaterThan(20);
      for (const { json } of player.received) {
        expect(json).not.toContain('"tally"');
        expect(json).not.toContain('"castVotes"');
        expect(json).not.toContain('"votes":[');
      }
      for (const payload of player.states) {
        const view = payload.view as TraitorsView;
        expect(view.ballots).toEqual([]);
        expect(view.nightBallots ?? []).toEqual([]);
        expect(view.votesRevealed).toBe(false);
        expect(view.traitorCount).toBe(seat === 1 ? 3 : null);
      }
    }
  });

  it('sends each seat exactly its own view of the state at each version', () => {
    const states = new Map<number, TraitorsState>();
    let state: TraitorsState | undefined;
    for (const row of log) {
      if (row.kind === 'game') state = traitors.reduce(state, row.event as unknown as TraitorsEvent);
      states.set(row.seq, state!);
    }
    for (const [seat, player] of players.entries()) {
      for (const payload of player.states) expect(payload.view).toEqual(JSON.parse(JSON.stringify(traitors.view(states.get(payload.version)!, seat))));
    }
  });
});
