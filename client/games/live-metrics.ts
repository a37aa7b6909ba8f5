// The spectator's "Live metrics" panel. The numbers come from the server (StatePayload.metrics),
// computed on the real log by the game's own metric functions: the ones exports carry.
import type { LiveMetric } from '../../shared/engine/game.ts';
import type { StatePayload } from '../../shared/protocol/index.ts';
import { h } from '../dom.ts';

function shown(metric: LiveMetric): string {
  if (metric.value === null) return '—';
  return metric.percent ? `${Math.round(metric.value * 100)}%` : metric.value.toFixed(metric.value >= 10 ? 1 : 2);
}

/** A small definition list, — where a metric is not yet defined; nothing for seats (they get no metrics). */
export function liveMetricsPanel(payload: StatePayload): HTMLElement | null {
  const metrics = payload.metrics;
  if (!metrics) return null;
  return h(
    'div',
    { class: 'live-metrics', 'aria-label': 'Live metrics' },
    h('h3', { text: 'Live metrics' }),
    h('dl', {}, ...metrics.flatMap((m) => [h('dt', { text: m.label }), h('dd', { text: shown(m) })])),
  );
}
