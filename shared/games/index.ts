import type { AnyGame, GameId } from '../engine/game.ts';
import { traitors } from './traitors/index.ts';
import { trustSplit } from './trust-split/index.ts';
import { ownValue } from '../own.ts';

/** Every game Parley can run, by id. */
export const GAMES: Record<GameId, AnyGame> = {
  traitors,
  'trust-split': trustSplit,
};

export const GAME_IDS = Object.keys(GAMES) as GameId[];

export function getGame(id: string): AnyGame {
  const game = ownValue(GAMES as Record<string, AnyGame>, id);
  if (!game) throw new Error(`Unknown game "${id}". Choose one of: ${GAME_IDS.join(', ')}`);
  return game;
}

/** A preset, optionally overridden, validated by the game's zod schema. */
export function resolveConfig(game: AnyGame, preset?: string, overrides: Record<string, unknown> = {}): unknown {
  const presetName = preset ?? Object.keys(game.presets)[0];
  const base = ownValue(game.presets, presetName);
  if (!base) {
    throw new Error(`Unknown preset "${presetName}" for ${game.id}. Choose one of: ${Object.keys(game.presets).join(', ')}`);
  }
  const parsed = game.configSchema.safeParse({ ...base, ...overrides });
  if (!parsed.success) throw new Error(`Invalid ${game.id} config: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  return parsed.data;
}
