import { describe, expect, it } from 'vitest';
import { traitorsEventsFromView, traitorsLiveMetrics, trustSplitEventsFromView, trustSplitLiveMetrics } from '../../client/games/live-metrics.ts';
import { replay } from '../../shared/engine/match.ts';
import { getGame } from '../../shared/games/index.ts';
import { traitorsHeadline, type TraitorsEvent, type TraitorsView } from '../../shared/games/traitors/index.ts';
import { trustSplitHeadline, type TrustSplitEvent, type TrustSplitSpectatorView, type TrustSplitState } from '../../shared/games/trust-split/index.ts';
import { playedGames } from './helpers.ts';

/** Every few events of a game: the log so far and what the spectator sees then. */
function* checkpoints(gameId: string, events: readonly unknown[]): Generator<{ prefix: unknown[]; view: unknown }> {
  const game = getGame(gameId);
  for (let k = 2; k <= events.length; k += k < events.length - 7 ? 7 : 1) {
    const prefix = events.slice(0, k);
    yield { prefix, view: game.view(replay(game, prefix as never) as never, 'spectator') };
  }
}

describe('live metrics in the spectator view', () => {
  it('Traitors: the metrics of the rebuilt log equal those of the real log, all game long', () => {
    let compared = 0;
    for (const game of [...playedGames('traitors', 'scripted', 4, 13, 'paper'), ...playedGames('traitors', 'random', 3, 14, 'table')]) {
      for (const { prefix, view } of checkpoints('traitors', game.events)) {
        const live = traitorsLiveMetrics(view as TraitorsView)!;
        const truth = traitorsHeadline(prefix as TraitorsEvent[]) as Record<string, unknown>;
        for (const m of live) expect(m.value, `${m.key} after ${prefix.length} events`).toBe(truth[m.key]);
        compared += live.filter((m) => m.value !== null).length;
      }
    }
    expect(compared).toBeGreaterThan(200);
  });

  it('Traitors: players never get metrics (their view has no spectator details)', () => {
    const [game] = playedGames('traitors', 'scripted', 1, 13, 'paper');
    const traitors = getGame('traitors');
    const seatView = traitors.view(replay(traitors, game.events as never) as never, 0) as TraitorsView;
    expect(traitorsEventsFromView(seatView)).toBeNull();
    expect(traitorsLiveMetrics(seatView)).toBeNull();
  });

  it('Trust-and-Split: points, welfare, exploitation and claims equal the real log’s', () => {
    let compared = 0;
    for (const game of [...playedGames('trust-split', 'greedy,tit-for-tat', 2, 21), ...playedGames('trust-split', 'random', 2, 22)]) {
      for (const { prefix, view } of checkpoints('trust-split', game.events)) {
        const live = trustSplitLiveMetrics(view as TrustSplitSpectatorView);
        const truth = trustSplitHeadline(prefix as TrustSplitEvent[]);
        for (const m of live) expect(m.value, `${m.key} after ${prefix.length} events`).toBe(truth[m.key]);
        compared += live.filter((m) => m.value !== null).length;
      }
      expect(trustSplitEventsFromView(getGame('trust-split').view(replay(getGame('trust-split'), game.events as never) as TrustSplitState, 'spectator') as TrustSplitSpectatorView).filter((e) => e.type === 'roundResolved')).toHaveLength(10);
    }
    expect(compared).toBeGreaterThan(100);
  });
});
