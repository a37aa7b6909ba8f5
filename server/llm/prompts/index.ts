import type { GamePrompter } from './types.ts';
import { traitorsPrompter } from './traitors.ts';
import { trustSplitPrompter } from './trust-split.ts';
import { ownValue } from '../../../shared/own.ts';

export * from './types.ts';
export { traitorsPrompter, TRAITORS_FULL_ROUNDS } from './traitors.ts';
export { trustSplitPrompter } from './trust-split.ts';

/** The prompt builder of each game, by game id. */
export const PROMPTERS: Record<string, GamePrompter> = {
  traitors: traitorsPrompter,
  'trust-split': trustSplitPrompter,
};

export function prompterFor(gameId: string): GamePrompter {
  const prompter = ownValue(PROMPTERS, gameId);
  if (!prompter) throw new Error(`LLM agents have no prompts for the game "${gameId}"`);
  return prompter;
}
export { referencePrompterFor, REFERENCE_PROMPTERS } from './reference/index.ts';
