import type { GameDefinition } from '../../engine/game.ts';
import { TRAITORS_AGENTS } from './agents/index.ts';
import { TRAITORS_PRESETS, TraitorsConfigSchema, type TraitorsConfig } from './config.ts';
import { traitorsHeadline, traitorsMetrics } from './metrics.ts';
import * as rules from './rules.ts';
import type { Phase, TraitorsEvent, TraitorsState } from './types.ts';
import { isNightBallot } from './types.ts';
import type { Progress } from '../../engine/game.ts';
import { audience, view, type TraitorsView } from './view.ts';
import { pickLiveMetrics, type ShownMetric } from '../live-metrics.ts';

export * from './config.ts';
export type * from './types.ts';
export * from './metrics.ts';
export * from './records.ts';
export type * from './view.ts';
export { TRAITORS_AGENTS } from './agents/index.ts';
export { turnOrder, tallyVotes, recruitsTonight } from './reduce.ts';
export { isNightBallot, OFFER_OPTIONS } from './types.ts';
export { winnerOf } from './rules.ts';

/** The Traitors (arXiv 2505.12923): a hidden minority of traitors against the faithful. */
export const traitors: GameDefinition<TraitorsConfig, TraitorsState, TraitorsEvent, TraitorsView> = {
  id: 'traitors',
  title: 'The Traitors',
  configSchema: TraitorsConfigSchema,
  presets: TRAITORS_PRESETS,
  seatCount: (config) => config.players,
  start: rules.start,
  reduce: rules.reduce,
  pending: rules.pending,
  validate: rules.validate,
  actionEvent: rules.actionEvent,
  timeoutEvent: rules.timeoutEvent,
  settle: rules.settle,
  view,
  outcome: rules.outcome,
  progress: traitorsProgress,
  audience,
  metrics: (events) => ({ ...traitorsMetrics(events) }),
  headline: traitorsHeadline,
  liveMetrics: (events) => pickLiveMetrics(traitorsHeadline(events), TRAITORS_LIVE_METRICS),
  liveMetricsReads: (event) => HEADLINE_EVENT_TYPES.has(event.type),
  personasField: 'personas',
  agents: TRAITORS_AGENTS,
  scriptedAgentFor: (state, seat) => (state.roles[seat] === 'traitor' ? 'schemer' : 'sleuth'),
};

/** The event types traitorsHeadline reads (metrics.ts gather()): statements, single votes, tie-breaks and announcements change no metric. */
const HEADLINE_EVENT_TYPES: ReadonlySet<TraitorsEvent['type']> = new Set(['setup', 'votesRevealed', 'banished', 'murdered', 'beliefs', 'roundStarted', 'gameOver', 'recruitOffered', 'recruitAnswered', 'timeout']);

/** What the spectator watches live: the votes' headline rates and how well private suspicions found the traitors. */
const TRAITORS_LIVE_METRICS: readonly ShownMetric[] = [
  { key: 'FCR', label: 'Faithful votes on traitors (FCR)', percent: true },
  { key: 'FAS', label: 'Faithful agreement (FAS)', percent: true },
  { key: 'TAS', label: 'Traitor agreement (TAS)', percent: true },
  { key: 'DES_banish', label: 'Faithful banished (DES)', percent: true },
  { key: 'VSF', label: 'Vote switching (VSF)', percent: true },
  { key: 'auc', label: 'Suspicion AUC', percent: false },
  { key: 'brier', label: 'Suspicion Brier', percent: false },
];

/** The phase as the console names it: the night's chat and ballot are "night", a banishment or murder underway "banish"/"murder". */
function phaseWord(phase: Phase): string {
  switch (phase.kind) {
    case 'introductions':
    case 'biographies':
      return 'intro';
    case 'postBanishment':
      return 'after banish';
    case 'nightChat':
      return 'night';
    case 'offering':
    case 'offer':
    case 'refused':
      return 'recruit';
    case 'vote':
    case 'tieBreak':
      return isNightBallot(phase.ballot) ? 'night' : phase.kind === 'tieBreak' ? 'tiebreak' : phase.ballot === 'revote' ? 'revote' : 'vote';
    case 'eliminating':
      return phase.ballot === 'murder' ? 'murder' : 'banish';
    default:
      return phase.kind;
  }
}

/** "day 2 · vote": the round is the day (null during introductions). */
function traitorsProgress(state: TraitorsState): Progress {
  return { phase: phaseWord(state.phase), round: state.round > 0 ? state.round : null };
}
