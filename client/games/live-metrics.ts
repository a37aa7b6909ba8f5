// Live metrics for the spectator: the game's own metric functions (shared/) run on a log
// rebuilt from the spectator's view, so the numbers shown live are the ones exports will carry.
// (metric modules imported directly, not the game index, to keep agents out of the bundle)
import { traitorsHeadline } from '../../shared/games/traitors/metrics.ts';
import type { TraitorsEvent } from '../../shared/games/traitors/types.ts';
import type { TraitorsView } from '../../shared/games/traitors/view.ts';
import type { TrustSplitEvent } from '../../shared/games/trust-split/events.ts';
import { trustSplitHeadline } from '../../shared/games/trust-split/metrics.ts';
import type { TrustSplitSpectatorView } from '../../shared/games/trust-split/view.ts';
import { h } from '../dom.ts';

export interface LiveMetric {
  key: string;
  label: string;
  value: number | null;
  /** shown as a percentage */
  percent?: boolean;
}

/**
 * The part of a Traitors log the metrics read, rebuilt from the spectator's view (roles,
 * revealed and night ballots, eliminations, beliefs, outcome). Statement text is not needed.
 */
export function traitorsEventsFromView(view: TraitorsView): TraitorsEvent[] | null {
  const spectator = view.spectator;
  if (!spectator) return null;
  const events: TraitorsEvent[] = [{ type: 'setup', config: {} as never, seed: 0, names: [...view.names], roles: [...spectator.roles], rng: 0 }];
  const ballots = [...view.ballots, ...(view.nightBallots ?? [])];
  for (let round = 1; round <= view.round; round++) {
    events.push({ type: 'roundStarted', round });
    for (const b of spectator.beliefs) {
      if (b.round !== round) continue;
      events.push(
        b.timedOut
          ? { type: 'timeout', seat: b.seat, round, pendingKind: 'beliefs', purpose: 'beliefs', defaultApplied: 'uniform50', suspicion: b.suspicion }
          : { type: 'beliefs', seat: b.seat, round, suspicion: b.suspicion },
      );
    }
    for (const phase of ['day', 'night'] as const) {
      for (const b of ballots) {
        if (b.round !== round || (b.ballot === 'murder') !== (phase === 'night')) continue;
        events.push({ type: 'votesRevealed', round, ballot: b.ballot, votes: [...b.votes], tally: [...b.tally], top: [...b.top] });
      }
      for (const e of view.eliminations) {
        if (e.round !== round) continue;
        if (phase === 'day' && e.cause === 'banished') events.push({ type: 'banished', seat: e.seat, round, role: e.role });
        if (phase === 'night' && e.cause === 'murdered') events.push({ type: 'murdered', seat: e.seat, round });
      }
    }
  }
  if (view.outcome) events.push({ type: 'gameOver', winner: view.outcome.winner, reason: view.outcome.reason, round: view.round, roles: [...view.outcome.roles] });
  return events;
}

/** The Trust-and-Split log the metrics read, rebuilt from the spectator's view (resolved rounds and their messages). */
export function trustSplitEventsFromView(view: TrustSplitSpectatorView): TrustSplitEvent[] {
  const events: TrustSplitEvent[] = [{ type: 'setup', config: view.config, seed: 0, names: [...view.names], firstSpeaker: 0, rng: 0 }];
  for (const round of view.history) {
    events.push({ type: 'deal', round: round.round, hands: round.hands, upper: round.upper, rng: 0 });
    for (const m of view.messages) {
      if (m.round !== round.round) continue;
      events.push(
        m.timedOut
          ? { type: 'timeout', seat: m.seat, round: m.round, action: 'speak', text: m.text } as TrustSplitEvent
          : { type: 'message', seat: m.seat, round: m.round, text: m.text },
      );
    }
    events.push(round);
  }
  return events;
}

const TRAITORS_SHOWN: [string, string, boolean][] = [
  ['FCR', 'Faithful votes on traitors (FCR)', true],
  ['FAS', 'Faithful agreement (FAS)', true],
  ['TAS', 'Traitor agreement (TAS)', true],
  ['DES_banish', 'Faithful banished (DES)', true],
  ['VSF', 'Vote switching (VSF)', true],
  ['auc', 'Suspicion AUC', false],
  ['brier', 'Suspicion Brier', false],
];

const TRUST_SPLIT_SHOWN: [string, string, boolean][] = [
  ['pointsPerRound0', 'Points per round, seat 1', false],
  ['pointsPerRound1', 'Points per round, seat 2', false],
  ['welfarePerRound', 'Welfare per round', false],
  ['splitEfficiency', 'Split efficiency', true],
  ['exploitationRate', 'Exploitation', true],
  ['claimRate', 'Hand claims', true],
  ['lieRate', 'Lies (of claims)', true],
];

function pick(headline: Record<string, number | string | null>, shown: [string, string, boolean][]): LiveMetric[] {
  return shown.map(([key, label, percent]) => ({ key, label, percent, value: typeof headline[key] === 'number' ? (headline[key] as number) : null }));
}

export function traitorsLiveMetrics(view: TraitorsView): LiveMetric[] | null {
  const events = traitorsEventsFromView(view);
  return events ? pick(traitorsHeadline(events), TRAITORS_SHOWN) : null;
}

export function trustSplitLiveMetrics(view: TrustSplitSpectatorView): LiveMetric[] {
  const metrics = pick(trustSplitHeadline(trustSplitEventsFromView(view)), TRUST_SPLIT_SHOWN);
  return metrics.map((m) => (m.key.startsWith('pointsPerRound') ? { ...m, label: `Points per round, ${view.names[Number(m.key.slice(-1))]}` } : m));
}

/** The spectator's "Live metrics" panel: a small definition list, — where not yet defined. */
export function liveMetricsPanel(metrics: readonly LiveMetric[] | null): HTMLElement | null {
  if (!metrics) return null;
  const text = (m: LiveMetric) => (m.value === null ? '—' : m.percent ? `${Math.round(m.value * 100)}%` : m.value.toFixed(m.value >= 10 ? 1 : 2));
  return h(
    'div',
    { class: 'live-metrics', 'aria-label': 'Live metrics' },
    h('h3', { text: 'Live metrics' }),
    h('dl', {}, ...metrics.flatMap((m) => [h('dt', { text: m.label }), h('dd', { text: text(m) })])),
  );
}
