import type { AgentResolver } from '../agents.ts';
import { createLlmAgent, type LlmAgentOptions } from './agent.ts';
import { isLlmSpec, parseAgentSpec } from './spec.ts';

/** True for the agent specs that mean an LLM: "llm", "llm:<model>", {"type":"llm",…} (as object or JSON text). */
export function looksLikeLlmSpec(spec: unknown): boolean {
  if (typeof spec === 'string') {
    const text = spec.trim();
    return text === 'llm' || text.startsWith('llm:') || (text.startsWith('{') && /"type"\s*:\s*"llm"/.test(text));
  }
  return !!spec && typeof spec === 'object' && (spec as { type?: unknown }).type === 'llm';
}

/**
 * The server's hook for LLM seats: pass it in startServer({ agentResolvers: [llmAgentResolver()] }).
 * Sessions then accept agent: "llm", "llm:<model>" or a JSON spec; anything else falls through to
 * the scripted agents. A bad LLM spec throws (the session is refused with the reason).
 */
export function llmAgentResolver(options: LlmAgentOptions = {}): AgentResolver {
  return ({ spec }) => {
    if (!looksLikeLlmSpec(spec)) return null;
    const choice = parseAgentSpec(spec as string | Record<string, unknown>, options.env ?? process.env);
    return isLlmSpec(choice) ? createLlmAgent(choice, options) : null;
  };
}
