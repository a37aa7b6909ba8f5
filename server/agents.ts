import { z } from 'zod';
import { scriptedSeatAgent, type SeatAgent } from '../shared/engine/agent.ts';
import type { AnyGame } from '../shared/engine/game.ts';
import { PersonaInputSchema, toPersona, type Persona } from '../shared/personas.ts';
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

/** A scripted agent with a persona: {"type":"scripted","name":"sleuth","persona":{…}} (the persona's style changes its play). */
export const ScriptedAgentSpecSchema = z.strictObject({
  type: z.literal('scripted'),
  /** "scripted" (the role-appropriate agent) or one of the game's scripted agents */
  name: z.string().min(1).max(200),
  persona: PersonaInputSchema.optional(),
});

/** An agent spec's persona (scripted or LLM, as an object or as JSON text), or null. */
export function agentSpecPersona(spec: AgentSpec | undefined): Persona | null {
  let value: unknown = spec;
  if (typeof spec === 'string') {
    if (!spec.trim().startsWith('{')) return null;
    try {
      value = JSON.parse(spec);
    } catch {
      return null;
    }
  }
  if (!value || typeof value !== 'object' || !Object.hasOwn(value, 'persona')) return null;
  const parsed = PersonaInputSchema.safeParse((value as { persona: unknown }).persona);
  return parsed.success ? toPersona(parsed.data) : null;
}

function scriptedName(game: AnyGame, name: string, state: unknown, seat: number): string | null {
  if (name === 'scripted') return game.scriptedAgentFor(state, seat);
  return Object.hasOwn(game.agents, name) ? name : null;
}

/** "scripted" → the game's role-appropriate scripted agent; a scripted agent's name → that agent; a scripted spec object → that agent, styled by its persona. */
export const scriptedAgentResolver: AgentResolver = ({ game, spec, seat, state }) => {
  if (typeof spec === 'string') {
    const name = scriptedName(game, spec, state, seat);
    return name ? scriptedSeatAgent(game, name) : null;
  }
  if (spec.type !== 'scripted') return null;
  const parsed = ScriptedAgentSpecSchema.safeParse(spec);
  if (!parsed.success) throw new Error(`invalid scripted agent spec: ${parsed.error.issues.map((i) => `${i.path.join('.') || 'spec'}: ${i.message}`).join('; ')}`);
  const name = scriptedName(game, parsed.data.name, state, seat);
  if (!name) return null;
  const style = parsed.data.persona === undefined ? undefined : toPersona(parsed.data.persona).style;
  return scriptedSeatAgent(game, name, style);
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
