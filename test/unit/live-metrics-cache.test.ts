import { describe, expect, it } from 'vitest';
import { LiveMetricsCache } from '../../shared/engine/live-metrics.ts';
import type { AnyGame, GameEventBase } from '../../shared/engine/game.ts';
import { getGame } from '../../shared/games/index.ts';
import { playedGames } from '../export/helpers.ts';

/** The real Traitors definition, counting how often its live metrics are computed. */
function counted(): { game: AnyGame; calls: () => number } {
  const traitors = getGame('traitors');
  let calls = 0;
  const game: AnyGame = {
    ...traitors,
    liveMetrics: (events: GameEventBase[]) => {
      calls++;
      return traitors.liveMetrics!(events);
    },
  };
  return { game, calls: () => calls };
}

describe('the room’s live metrics cache', () => {
  it('computes once per change of the log that its metrics read, however many spectators and presence changes ask', () => {
    const [played] = playedGames('traitors', 'scripted', 1, 5, 'table');
    const { game, calls } = counted();
    const cache = new LiveMetricsCache();
    const log: GameEventBase[] = [];
    for (const event of played.events as GameEventBase[]) {
      log.push(event);
      const first = cache.of(game, log);
      // three spectators and a presence change at the same log: the same list, no new computation
      for (let i = 0; i < 4; i++) expect(cache.of(game, log)).toBe(first);
      expect(first).toEqual(getGame('traitors').liveMetrics!(log));
    }
    const reading = played.events.filter((event) => game.liveMetricsReads!(event)).length;
    // chat and single votes are most of a game: they cost no computation
    expect(reading).toBeLessThan(played.events.length / 2);
    expect(calls()).toBe(reading);
  });

  it('skips only events that change no live metric (Traitors: the event types its headline reads)', () => {
    const traitors = getGame('traitors');
    for (const preset of ['table', 'paper']) {
      for (const played of playedGames('traitors', 'scripted', 4, 11, preset)) {
        const events = played.events as GameEventBase[];
        let before = traitors.liveMetrics!([]);
        for (let i = 0; i < events.length; i++) {
          const after = traitors.liveMetrics!(events.slice(0, i + 1));
          if (!traitors.liveMetricsReads!(events[i])) expect(after, `${preset} event ${i} (${events[i].type})`).toEqual(before);
          before = after;
        }
      }
    }
  });

  it('recomputes after every event for a game that does not say which events its metrics read', () => {
    const { liveMetricsReads: _unused, ...traitors } = getGame('traitors');
    let calls = 0;
    const game = { ...traitors, liveMetrics: (events: GameEventBase[]) => (calls++, traitors.liveMetrics!(events)) } as AnyGame;
    const [played] = playedGames('traitors', 'scripted', 1, 5, 'table');
    const cache = new LiveMetricsCache();
    const log: GameEventBase[] = [];
    for (const event of played.events as GameEventBase[]) {
      log.push(event);
      cache.of(game, log);
    }
    expect(calls).toBe(played.events.length);
  });

  it('is null for a game without live metrics', () => {
    const { liveMetrics: _unused, ...bare } = getGame('trust-split');
    const [played] = playedGames('trust-split', 'greedy', 1, 5);
    expect(new LiveMetricsCache().of(bare as AnyGame, played.events as GameEventBase[])).toBeNull();
  });
});
