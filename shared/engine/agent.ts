import type { Action, Pending, SeatId } from './actions.ts';
import type { AnyGame } from './game.ts';
import type { PersonaStyle } from '../personas.ts';
import type { Rng } from './rng.ts';
import { ownValue } from '../own.ts';

/** What any agent (scripted, LLM, external bridge) is given for one decision: its own seat's view only. */
export interface DecisionContext<View = unknown> {
  gameId: string;
  seat: SeatId;
  view: View;
  pending: Pending;
  /** this decision's own seeded RNG (see agentRng) */
  rng: Rng;
  /** aborted when the decision is no longer wanted (state moved on, room closed) */
  signal?: AbortSignal;
}

/**
 * What an agent may say about a decision besides the action: its private reasoning, whether the
 * action is a fallback after unusable output, and the model calls it made. The harness (room or
 * simulator) links these to the event the action produced and keeps them out of every seat's view.
 */
export interface AgentDecision {
  action: Action;
  /** private reasoning, shown only to the experimenter */
  thoughts?: string;
  /** true when the agent gave up on its own output and took a legal default */
  fallback?: boolean;
  /** one record per model call (provider, model, messages, attempts, tokens, latency, …) */
  calls?: Record<string, unknown>[];
}

/** Agents may answer with a bare action or with an AgentDecision. */
export function toDecision(answer: Action | AgentDecision): AgentDecision {
  return 'action' in answer ? answer : { action: answer };
}

/**
 * A player that is a program. Scripted agents answer synchronously; LLM agents answer later.
 * Rooms and the simulator treat both the same way.
 */
export interface SeatAgent<View = unknown> {
  /** the agent's name as recorded with the data, e.g. "sleuth" or "llm:gpt-4o-mini" */
  readonly name: string;
  decide(ctx: DecisionContext<View>): Action | AgentDecision | Promise<Action | AgentDecision>;
}

/** Wrap one of a game's scripted agents as a SeatAgent, playing a persona's style when given. */
export function scriptedSeatAgent(game: AnyGame, name: string, style?: PersonaStyle): SeatAgent {
  const agent = ownValue(game.agents, name);
  if (!agent) throw new Error(`Unknown agent "${name}" for ${game.id}. Known: ${Object.keys(game.agents).join(', ')}`);
  if (style === undefined || style === 'plain') return { name, decide: (ctx) => agent(ctx) };
  return { name, decide: (ctx) => agent({ ...ctx, style }) };
}
