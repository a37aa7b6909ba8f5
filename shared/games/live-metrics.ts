import type { LiveMetric } from '../engine/game.ts';

/** A headline metric the spectator sees live: its key in the headline, its label, whether it is a rate. */
export interface ShownMetric {
  key: string;
  label: string;
  percent: boolean;
}

/**
 * The shown metrics' values in a game's headline (GameDefinition.liveMetrics). Anything but a
 * finite number (not yet defined, NaN) is null, so what the spectator gets survives JSON unchanged.
 */
export function pickLiveMetrics(headline: Record<string, number | string | null>, shown: readonly ShownMetric[]): LiveMetric[] {
  return shown.map(({ key, label, percent }) => {
    const value = Object.hasOwn(headline, key) ? headline[key] : null;
    return { metric: key, label, percent, value: typeof value === 'number' && Number.isFinite(value) ? value : null };
  });
}
