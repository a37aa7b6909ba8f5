import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GameEventBase, LiveMetric } from '../../shared/engine/game.ts';
import { getGame } from '../../shared/games/index.ts';
import type { CreatedSession, LogRow, StatePayload } from '../../shared/protocol/index.ts';
import { expandFrames, type ReplayPayload } from '../../shared/protocol/replay.ts';
import { ADMIN_TOKEN, bootServer, connectClient, type TestClient, type TestServer } from '../integration/helpers.ts';
import { unzip } from './helpers.ts';

// The spectator's live metrics come from the server, computed on the room's real log: at every
// state the spectator received they are the headline of the log up to that state's version, at
// the end they are the export's, the replay shows the same, and no seat ever gets any.

let t: TestServer;
beforeAll(async () => {
  t = await bootServer();
});
afterAll(async () => {
  await t.close();
});

interface Watched {
  created: CreatedSession;
  spectator: TestClient;
  player: TestClient;
  log: LogRow[];
}

/** A whole game: seat 0 played by a socket.io client, the rest by agents, watched by the spectator from the start. */
async function watchedGame(game: string, preset: string, seatCount: number, agent: string): Promise<Watched> {
  const seats = [{ kind: 'external', label: 'bot' }, ...Array.from({ length: seatCount - 1 }, () => ({ kind: 'agent', agent }))];
  const created = await t.createSession({ game, preset, seed: 11, seats, agentDelayMs: 0 });
  const spectator = connectClient(t.url, created.spectatorToken);
  await spectator.connected();
  const player = connectClient(t.url, created.seats[0].token!, { seed: 3 });
  await player.connected();
  player.autoplay();
  await Promise.all([spectator.waitForOutcome(60_000), player.waitForOutcome(60_000)]);
  const log = await t.events(created.id);
  spectator.close();
  player.close();
  return { created, spectator, player, log };
}

/** The game events logged up to `version`. */
function eventsUpTo(log: readonly LogRow[], version: number): GameEventBase[] {
  return log.filter((row) => row.kind === 'game' && row.seq <= version).map((row) => row.event as GameEventBase);
}

/** A headline value as the spectator gets it: a finite number, else null. */
function asSent(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

function values(metrics: readonly LiveMetric[]): Record<string, number | null> {
  return Object.fromEntries(metrics.map((m) => [m.metric, m.value]));
}

describe.each([
  { game: 'traitors', preset: 'table', seats: 8, agent: 'scripted', keys: ['FCR', 'FAS', 'TAS', 'DES_banish', 'VSF', 'auc', 'brier'] },
  { game: 'trust-split', preset: 'paper', seats: 2, agent: 'tit-for-tat', keys: ['pointsPerRound0', 'pointsPerRound1', 'welfarePerRound', 'splitEfficiency', 'exploitationRate', 'claimRate', 'lieRate'] },
])('live metrics of a $game game, from the server', ({ game, preset, seats, agent, keys }) => {
  let watched: Watched;
  beforeAll(async () => {
    watched = await watchedGame(game, preset, seats, agent);
  }, 90_000);

  it('equal the headline of the log so far at every state the spectator received', () => {
    const definition = getGame(game);
    const { spectator, log } = watched;
    let defined = 0;
    for (const state of spectator.states) {
      const metrics = state.metrics!;
      expect(metrics.map((m) => m.metric), `version ${state.version}`).toEqual(keys);
      const headline = definition.headline(eventsUpTo(log, state.version));
      const expected = Object.fromEntries(keys.map((key) => [key, asSent(headline[key])]));
      expect(values(metrics), `version ${state.version}`).toEqual(expected);
      defined += metrics.filter((m) => m.value !== null).length;
    }
    // the metrics move as the game goes: many states, most metrics defined by the end
    expect(spectator.states.length).toBeGreaterThan(20);
    expect(defined).toBeGreaterThan(50);
  });

  it('equal the metrics the export carries, once the game is over', async () => {
    const { created, spectator } = watched;
    const final = spectator.latest!;
    expect(final.outcome).not.toBeNull();
    const res = await fetch(`${t.url}/api/sessions/${created.id}/export`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
    expect(res.status).toBe(200);
    const files = unzip(Buffer.from(await res.arrayBuffer()));
    const exported = JSON.parse(files.get(`parley-${created.id}/metrics.json`)!.toString()) as { headline: Record<string, unknown> };
    expect(values(final.metrics!)).toEqual(Object.fromEntries(keys.map((key) => [key, asSent(exported.headline[key])])));
    expect(final.metrics!.filter((m) => m.value !== null).length).toBeGreaterThanOrEqual(4);
  });

  it('name Trust-and-Split players by their names, and mark rates as percentages', () => {
    const metrics = watched.spectator.latest!.metrics!;
    const names = watched.spectator.latest!.names;
    if (game === 'trust-split') expect(metrics.slice(0, 2).map((m) => m.label)).toEqual(names.map((name) => `Points per round, ${name}`));
    expect(metrics.some((m) => m.percent === true)).toBe(true);
    expect(metrics.every((m) => m.label.length > 0)).toBe(true);
  });

  it('never reach a seat', () => {
    const { player } = watched;
    expect(player.states.length).toBeGreaterThan(5);
    for (const state of player.states) expect(state.metrics ?? null, `seat state at version ${state.version}`).toBeNull();
  });

  it('are in the replay: the spectator’s frames carry the metrics it received live, a seat’s frames none', async () => {
    const { created, spectator } = watched;
    const replay = async (as: string) => expandFrames((await t.api<ReplayPayload>('GET', `/api/sessions/${created.id}/replay?as=${as}`)).json);
    const frames = await replay('spectator');
    for (const live of spectator.states) {
      const frame = frames.filter((f) => f.version <= live.version).pop();
      expect(frame?.metrics, `spectator frame at version ${live.version}`).toEqual(live.metrics);
    }
    const seatFrames = await replay('0');
    expect(seatFrames.length).toBeGreaterThan(5);
    expect(seatFrames.every((f) => f.metrics === null)).toBe(true);
  });
});
