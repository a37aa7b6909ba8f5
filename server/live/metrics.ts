import type { AnyGame, GameEventBase, LiveMetric } from '../../shared/engine/game.ts';

/**
 * The spectator's live metrics of one room (StatePayload.metrics), from the room's real log.
 * Computed once per change of the log, not once per spectator or per presence change: the log
 * only grows, so its length names the prefix the metrics were computed from.
 */
export class LiveMetricsCache {
  private length = -1;
  private metrics: LiveMetric[] | null = null;

  of(game: AnyGame, events: readonly GameEventBase[]): LiveMetric[] | null {
    if (events.length !== this.length) {
      this.metrics = game.liveMetrics?.(events) ?? null;
      this.length = events.length;
    }
    return this.metrics;
  }
}
