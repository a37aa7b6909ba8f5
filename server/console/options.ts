import type { AnyGame } from '../../shared/engine/game.ts';
import type { ConsoleOptions } from '../../shared/protocol/console.ts';
import type { Route } from '../http.ts';
import { resolveLlmSpec, type Env } from '../llm/spec.ts';

/**
 * The LLM agents this server can run: the one the PARLEY_LLM_* environment configures, if any.
 * Read from the environment only (no network); keys are never included, only where the model is.
 */
export function configuredLlms(env: Env): ConsoleOptions['llm'] {
  let spec;
  try {
    spec = resolveLlmSpec({ type: 'llm' }, env);
  } catch {
    return []; // not configured (no model, no base URL): the form offers no LLM seat
  }
  const where = spec.baseURL ? ` at ${publicPart(spec.baseURL)}` : ` (${spec.provider})`;
  return [{ spec: 'llm', label: `llm — ${spec.model}${where}` }];
}

/** A base URL without what could be a secret (user:password@, a ?key= query). */
function publicPart(url: string): string {
  try {
    const parsed = new URL(url);
    return parsed.origin + parsed.pathname.replace(/\/+$/, '');
  } catch {
    return '(unreadable base URL)';
  }
}

/** What the create-session form offers: each game with its presets (full configs) and agents, and the LLMs. */
export function consoleOptions(games: Record<string, AnyGame>, llm: ConsoleOptions['llm']): ConsoleOptions {
  return {
    games: Object.values(games).map((game) => ({
      id: game.id,
      title: game.title,
      presets: Object.entries(game.presets).map(([name, config]) => ({
        name,
        seats: game.seatCount(config),
        config: structuredClone(config) as Record<string, unknown>,
      })),
      agents: ['scripted', ...Object.keys(game.agents)],
    })),
    llm,
  };
}

/** GET /api/console/options (admin). `llm` is null when the server has no LLM resolver. */
export function consoleOptionsRoute(games: Record<string, AnyGame>, llmEnv: Env | null): Route {
  return {
    method: 'GET',
    pattern: /^\/api\/console\/options$/,
    admin: true,
    handle: () => consoleOptions(games, llmEnv ? configuredLlms(llmEnv) : []),
  };
}
