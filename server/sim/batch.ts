import type { AnyGame, GameEventBase } from '../../shared/engine/game.ts';
import { pickNames } from '../../shared/engine/names.ts';
import { playScripted, type PlayedGame } from '../../shared/engine/play.ts';
import { Purpose, Rng } from '../../shared/engine/rng.ts';
import { getGame, resolveConfig } from '../../shared/games/index.ts';
import { isLlmSpec, parseAgentList } from '../llm/spec.ts';
import type { VotesFormat } from '../export/tables.ts';
import type { Persona } from '../../shared/personas.ts';
import { configWithSeatPersonas, gameSeatPersonas } from '../personas.ts';

/** Everything that defines a batch; the same spec gives the same bytes. */
export interface BatchSpec {
  game: string;
  games: number;
  seed: number;
  preset?: string;
  /** config overrides on top of the preset */
  config?: Record<string, unknown>;
  /** one agent name for every seat, or comma-separated names per seat */
  agents: string;
  /** the form of the exported votes.csv (server/export/tables.ts; default 'parley') */
  votesFormat?: VotesFormat;
  /** personas dealt to each game's seats, shuffled with the game's seed (server/personas.ts); a seat's own spec persona wins */
  personas?: Persona[];
}

/** One finished game: its log and its flat headline metrics. */
export interface GameResult {
  index: number;
  seed: number;
  agents: string[];
  names: string[];
  events: GameEventBase[];
  headline: Record<string, number | string | null>;
  summary: string;
}

/**
 * Per-game seeds are derived, so game i is the same game whatever the batch size or worker count.
 * Short integers on purpose: a simulated game is reproducible from its games.csv row (no secrecy).
 */
export function gameSeed(batchSeed: number, index: number): number {
  return Rng.stream(batchSeed, Purpose.batch, index).uint32();
}

export function presetName(game: AnyGame, preset?: string): string {
  return preset ?? Object.keys(game.presets)[0];
}

/** The scripted agent per seat from an --agents list (parsed like every agent list; LLM seats go to sim/llm.ts). */
export function seatAgents(spec: string, seats: number): string[] {
  return parseAgentList(spec, seats).map((choice) => {
    if (isLlmSpec(choice)) throw new Error('LLM seats are played by the LLM batch runner, not by scripted workers');
    return choice.name;
  });
}

/** Play games [from, to) of a batch. */
export function playRange(spec: BatchSpec, from: number, to: number): GameResult[] {
  return playGames(spec, Array.from({ length: Math.max(0, to - from) }, (_, k) => from + k));
}

/**
 * Play the listed games of a batch, in the order given. Pure function of the spec and each game's
 * index (never of its position in the list): workers call this on their share, shards on theirs.
 */
export function playGames(spec: BatchSpec, indices: readonly number[]): GameResult[] {
  const game = getGame(spec.game);
  const config = resolveConfig(game, spec.preset, spec.config);
  const seats = game.seatCount(config);
  const requested = seatAgents(spec.agents, seats);
  const choices = parseAgentList(spec.agents, seats);
  const results: GameResult[] = [];
  for (const index of indices) {
    const seed = gameSeed(spec.seed, index);
    const names = pickNames(seats, seed);
    const personas = gameSeatPersonas(choices, spec.personas, seed);
    const gameConfig = configWithSeatPersonas(game, spec.preset, spec.config, config, personas);
    results.push(toGameResult(game, index, seed, names, playScripted(game, gameConfig, seed, names, requested, personas.map((p) => p?.style))));
  }
  return results;
}

/** A played game as the batch writers want it, whichever play loop produced it. */
export function toGameResult(game: AnyGame, index: number, seed: number, names: string[], played: PlayedGame): GameResult {
  return {
    index,
    seed,
    agents: played.agents,
    names,
    events: played.events,
    headline: game.headline(played.events),
    summary: played.outcome.summary,
  };
}
