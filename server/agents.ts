import { scriptedSeatAgent, type SeatAgent } from '../shared/engine/agent.ts';
import type { AnyGame } from '../shared/engine/game.ts';
import type { AgentSpec } from '../shared/protocol/index.ts';

/** Everything a resolver may need to build the agent for one seat. */
export interface AgentRequest {
  game: AnyGame;
  spec: AgentSpec;
  seat: number;
  /** the game state when the agent is created (at session start, or at a takeover) */
  state: unknown;
  config: unknown;
  sessionId: string;
}

/**
 * Turns an agent spec into a SeatAgent, or returns null when the spec is not its kind, so the next
 * resolver can try. The server asks its resolvers in order; LLM agents plug in as one more resolver
 * (startServer({ agentResolvers })) without the room knowing anything about them.
 */
export type AgentResolver = (request: AgentRequest) => SeatAgent | null;

/** "scripted" → the game's role-appropriate scripted agent; a scripted agent's name → that agent. */
export const scriptedAgentResolver: AgentResolver = ({ game, spec, seat, state }) => {
  if (typeof spec !== 'string') return null;
  if (spec === 'scripted') return scriptedSeatAgent(game, game.scriptedAgentFor(state, seat));
  if (Object.hasOwn(game.agents, spec)) return scriptedSeatAgent(game, spec);
  return null;
};

export class UnknownAgentError extends Error {}

export function resolveAgent(resolvers: readonly AgentResolver[], request: AgentRequest): SeatAgent {
  for (const resolver of resolvers) {
    const agent = resolver(request);
    if (agent) return agent;
  }
  const shown = typeof request.spec === 'string' ? `"${request.spec}"` : `of type "${request.spec.type}"`;
  throw new UnknownAgentError(
    `Unknown agent ${shown} for ${request.game.id}. Known: scripted, ${Object.keys(request.game.agents).join(', ')}`,
  );
}
