import type { AnyGame } from '../../shared/engine/game.ts';
import { getGame, resolveConfig } from '../../shared/games/index.ts';
import { presetName } from '../sim/batch.ts';
import { AgentSpecError, isLlmSpec, llmAgentName, parseAgentSpec, type Env } from '../llm/spec.ts';

/** One entrant: its label in every table, and the agent as the simulator accepts it for a seat. */
export interface Entrant {
  label: string;
  /** a scripted agent name, "llm", "llm:<model>", or an LLM spec object (never a key) */
  agent: string | Record<string, unknown>;
  llm: boolean;
}

/**
 * Everything that defines a tournament's results. It is written to DIR/tournament.json; a rerun
 * with the same --out must match it exactly (that is what makes resuming safe). Concurrency is
 * not part of it: it never changes the output.
 */
export interface TournamentSpec {
  version: 1;
  game: string;
  preset: string;
  config: Record<string, unknown>;
  entrants: Entrant[];
  gamesPerPairing: number;
  seed: number;
  /** Trust-and-Split: also play each agent against itself (the face-off matrix's diagonal) */
  selfPlay: boolean;
}

export interface TournamentOptions {
  game: string;
  preset?: string;
  config?: Record<string, unknown>;
  /** comma-separated agents, or a JSON array of names and LLM spec objects */
  agents: string;
  gamesPerPairing: number;
  seed: number;
  selfPlay: boolean;
}

/**
 * The entrants of an --agents list. Comma-separated like the simulator's per-seat list; a JSON
 * array when an entry is an LLM spec object (its JSON holds commas).
 */
export function splitAgentList(text: string): (string | Record<string, unknown>)[] {
  const trimmed = text.trim();
  if (!trimmed.startsWith('[')) return trimmed.split(',').map((s) => s.trim()).filter(Boolean);
  let parsed: unknown;
  try {
    parsed = JSON.parse(trimmed);
  } catch (error) {
    throw new AgentSpecError(`the agent list is not valid JSON: ${(error as Error).message}`);
  }
  if (!Array.isArray(parsed)) throw new AgentSpecError('a JSON agent list must be an array');
  return parsed.map((entry) => {
    if (typeof entry === 'string') return entry.trim();
    if (entry && typeof entry === 'object' && !Array.isArray(entry)) return entry as Record<string, unknown>;
    throw new AgentSpecError('each agent must be a name or an LLM spec object');
  });
}

function entrant(game: AnyGame, agent: string | Record<string, unknown>, env: Env): Entrant {
  const choice = parseAgentSpec(agent, env);
  if (isLlmSpec(choice)) return { label: llmAgentName(choice), agent, llm: true };
  if (choice.name !== 'scripted' && !Object.hasOwn(game.agents, choice.name)) {
    throw new AgentSpecError(`unknown agent "${choice.name}" for ${game.id}; known: scripted, ${Object.keys(game.agents).join(', ')}, llm, llm:<model>`);
  }
  return { label: choice.name, agent: choice.name, llm: false };
}

/** Validate the options into a spec; throws with a readable message and touches nothing. */
export function tournamentSpec(options: TournamentOptions, env: Env = process.env): TournamentSpec {
  const game = getGame(options.game);
  const config = options.config ?? {};
  const seats = game.seatCount(resolveConfig(game, options.preset, config));
  const entrants = splitAgentList(options.agents).map((a) => entrant(game, a, env));
  if (entrants.length < 2) throw new AgentSpecError('a tournament needs at least two agents');
  const seen = new Set<string>();
  for (const e of entrants) {
    if (seen.has(e.label)) throw new AgentSpecError(`agent "${e.label}" is listed twice (give LLM specs distinct "name"s)`);
    seen.add(e.label);
  }
  if (!Number.isInteger(options.gamesPerPairing) || options.gamesPerPairing < 2) {
    throw new AgentSpecError('--games-per-pairing must be an integer of at least 2 (a confidence interval needs two games)');
  }
  return {
    version: 1,
    game: game.id,
    preset: presetName(game, options.preset),
    config,
    entrants,
    gamesPerPairing: options.gamesPerPairing,
    seed: options.seed,
    // only pairings have a self-play table; elsewhere the flag would just make a resume refuse
    selfPlay: seats === 2 ? options.selfPlay : false,
  };
}

export function usesLlm(spec: TournamentSpec): boolean {
  return spec.entrants.some((e) => e.llm);
}
