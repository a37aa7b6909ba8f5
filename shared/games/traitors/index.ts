import type { GameDefinition } from '../../engine/game.ts';
import { TRAITORS_AGENTS } from './agents/index.ts';
import { TRAITORS_PRESETS, TraitorsConfigSchema, type TraitorsConfig } from './config.ts';
import { traitorsHeadline, traitorsMetrics } from './metrics.ts';
import * as rules from './rules.ts';
import type { TraitorsEvent, TraitorsState } from './types.ts';
import { audience, view, type TraitorsView } from './view.ts';

export * from './config.ts';
export type * from './types.ts';
export * from './metrics.ts';
export * from './records.ts';
export type * from './view.ts';
export { TRAITORS_AGENTS } from './agents/index.ts';
export { turnOrder, tallyVotes } from './reduce.ts';
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
  audience,
  metrics: (events) => ({ ...traitorsMetrics(events) }),
  headline: traitorsHeadline,
  agents: TRAITORS_AGENTS,
  scriptedAgentFor: (state, seat) => (state.roles[seat] === 'traitor' ? 'schemer' : 'sleuth'),
};
