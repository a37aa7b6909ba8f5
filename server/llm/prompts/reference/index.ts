import { ownValue } from '../../../../shared/own.ts';
import type { ReferencePrompter } from '../types.ts';
import { traitorsReferencePrompter } from './traitors.ts';
import { trustSplitReferencePrompter } from './trust-split.ts';

export { traitorsReferencePrompter, extractDialogue, firstPlayerNumber } from './traitors.ts';
export { trustSplitReferencePrompter, messageRegex, proposalRegex } from './trust-split.ts';

/** The reference prompt set of each game, by game id (prompts: "reference"). */
export const REFERENCE_PROMPTERS: Record<string, ReferencePrompter> = {
  traitors: traitorsReferencePrompter,
  'trust-split': trustSplitReferencePrompter,
};

export function referencePrompterFor(gameId: string): ReferencePrompter {
  const prompter = ownValue(REFERENCE_PROMPTERS, gameId);
  if (!prompter) throw new Error(`LLM agents have no reference prompts for the game "${gameId}"`);
  return prompter;
}
