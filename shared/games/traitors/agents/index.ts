import type { ScriptedAgent } from '../../../engine/game.ts';
import type { TraitorsView } from '../view.ts';
import { randomAgent } from './random.ts';
import { schemer } from './schemer.ts';
import { sleuth } from './sleuth.ts';

export const TRAITORS_AGENTS: Record<string, ScriptedAgent<TraitorsView>> = {
  sleuth,
  schemer,
  random: randomAgent,
};

export { readEvidence, WEIGHTS } from './evidence.ts';
export { mentionedSeats, readText, type Reading } from './reading.ts';
