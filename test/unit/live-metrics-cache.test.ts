import { describe, expect, it } from 'vitest';
import { LiveMetricsCache } from '../../server/live/metrics.ts';
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
  it('computes once per change of the log, however many spectators and presence changes ask', () => {
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
    expect(calls()).toBe(played.events.length);
  });

  it('is null for a game without live metrics', () => {
    const { liveMetrics: _unused, ...bare } = getGame('trust-split');
    const [played] = playedGames('trust-split', 'greedy', 1, 5);
    expect(new LiveMetricsCache().of(bare as AnyGame, played.events as GameEventBase[])).toBeNull();
  });
});
