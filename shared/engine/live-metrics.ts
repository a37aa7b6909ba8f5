import type { AnyGame, GameEventBase, LiveMetric } from './game.ts';

/**
 * The spectator's live metrics of one room (StatePayload.metrics), from the room's real log.
 * Computed once per change of the log, not once per spectator or per presence change: the log
 * only grows, so its length names the prefix the metrics were computed from. Events the game
 * says its metrics never read (GameDefinition.liveMetricsReads) keep the metrics as they were.
 */
export class LiveMetricsCache {
  private length = -1;
  private metrics: LiveMetric[] | null = null;

  of(game: AnyGame, events: readonly GameEventBase[]): LiveMetric[] | null {
    if (events.length !== this.length) {
      if (this.length < 0 || events.length < this.length || readsAny(game, events, this.length)) {
        this.metrics = game.liveMetrics?.(events) ?? null;
      }
      this.length = events.length;
    }
    return this.metrics;
  }
}

/** Whether any event after the first `from` can change the game's live metrics. */
function readsAny(game: AnyGame, events: readonly GameEventBase[], from: number): boolean {
  const reads = game.liveMetricsReads;
  if (!reads) return true;
  for (let i = from; i < events.length; i++) if (reads(events[i])) return true;
  return false;
}
