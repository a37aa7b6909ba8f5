import type { GameDefinition, LiveMetric } from '../../engine/game.ts';
import { TRUST_SPLIT_AGENTS } from './agents/index.ts';
import { TRUST_SPLIT_PRESETS, TrustSplitConfigSchema, type TrustSplitConfig } from './config.ts';
import type { TrustSplitEvent } from './events.ts';
import { trustSplitHeadline, trustSplitMetrics } from './metrics.ts';
import * as rules from './rules.ts';
import type { TrustSplitState } from './state.ts';
import { view, type TrustSplitView } from './view.ts';
import { pickLiveMetrics, type ShownMetric } from '../live-metrics.ts';

export * from './claims.ts';
export * from './config.ts';
export type * from './events.ts';
export * from './hands.ts';
export * from './metrics.ts';
export * from './rounds.ts';
export type * from './state.ts';
export type * from './view.ts';
export { TRUST_SPLIT_AGENTS } from './agents/index.ts';
export { firstSpeakerOfRound, otherSeat, splitCoins } from './rules.ts';

/** Trust-and-Split (Piche et al., TAS-RPS): two players, hidden hands, talk, then a secret split. */
export const trustSplit: GameDefinition<TrustSplitConfig, TrustSplitState, TrustSplitEvent, TrustSplitView> = {
  id: 'trust-split',
  title: 'Trust-and-Split',
  configSchema: TrustSplitConfigSchema,
  presets: TRUST_SPLIT_PRESETS,
  seatCount: () => rules.SEAT_COUNT,
  start: rules.start,
  reduce: rules.reduce,
  pending: rules.pending,
  validate: rules.validate,
  actionEvent: rules.actionEvent,
  timeoutEvent: rules.timeoutEvent,
  settle: rules.settle,
  view,
  outcome: rules.outcome,
  progress: (state) => ({ phase: state.phase.kind, round: state.round > 0 ? state.round : null }),
  audience: rules.audience,
  metrics: trustSplitMetrics,
  headline: trustSplitHeadline,
  liveMetrics: trustSplitLiveMetrics,
  agents: TRUST_SPLIT_AGENTS,
  scriptedAgentFor: () => 'cooperative',
};

/** What the spectator watches live besides each player's points: the pair's welfare, and how they split and talked. */
const TRUST_SPLIT_LIVE_METRICS: readonly ShownMetric[] = [
  { key: 'welfarePerRound', label: 'Welfare per round', percent: false },
  { key: 'splitEfficiency', label: 'Split efficiency', percent: true },
  { key: 'exploitationRate', label: 'Exploitation', percent: true },
  { key: 'claimRate', label: 'Hand claims', percent: true },
  { key: 'lieRate', label: 'Lies (of claims)', percent: true },
];

/** Each player's points per round, named after the player (the setup event names them), then the rest. */
function trustSplitLiveMetrics(events: TrustSplitEvent[]): LiveMetric[] {
  const names = events[0]?.type === 'setup' ? events[0].names : [];
  const points = [0, 1].map((seat): ShownMetric => ({ key: `pointsPerRound${seat}`, label: `Points per round, ${names[seat] ?? `seat ${seat + 1}`}`, percent: false }));
  return pickLiveMetrics(trustSplitHeadline(events), [...points, ...TRUST_SPLIT_LIVE_METRICS]);
}
