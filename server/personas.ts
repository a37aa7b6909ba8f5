import type { Seed } from '../shared/engine/rng.ts';
import type { AnyGame } from '../shared/engine/game.ts';
import { dealPersonas, type Persona } from '../shared/personas.ts';
import { resolveConfig } from '../shared/games/index.ts';
import { choicePersona, type AgentChoice } from './llm/spec.ts';

/**
 * Seat personas where games are set up (sessions and the simulator): which persona each seat plays
 * and how it reaches the game's config. One place, so a session and a simulated game with the same
 * seats put the same personas in the same field.
 */

/**
 * Config overrides carrying the seats' personas into the game (e.g. The Traitors' introductions):
 * {} when the game has no such field, no seat has a persona, or the overrides already set it
 * (an experimenter's explicit config wins).
 */
export function personaConfigOverrides(game: AnyGame, personas: readonly (Persona | null)[], overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const field = game.personasField;
  if (field === undefined || Object.hasOwn(overrides, field)) return {};
  if (!personas.some((p) => p !== null)) return {};
  return { [field]: personas.slice() };
}

/**
 * The persona of every seat of one simulated game: a seat's own spec persona, else the one the
 * batch's list deals it (shuffled with the game's seed), else none.
 */
export function gameSeatPersonas(choices: readonly AgentChoice[], listed: readonly Persona[] | undefined, gameSeed: Seed): (Persona | null)[] {
  const dealt = listed?.length ? dealPersonas(listed, choices.length, gameSeed) : [];
  return choices.map((choice, seat) => choicePersona(choice) ?? dealt[seat] ?? null);
}

/** A game's config with its seats' personas in it where the game takes them; `config` itself otherwise. */
export function configWithSeatPersonas(game: AnyGame, preset: string | undefined, overrides: Record<string, unknown> | undefined, config: unknown, personas: readonly (Persona | null)[]): unknown {
  const extra = personaConfigOverrides(game, personas, overrides ?? {});
  return Object.keys(extra).length ? resolveConfig(game, preset, { ...(overrides ?? {}), ...extra }) : config;
}
