import type { ScriptedAgent } from '../../../engine/game.ts';
import type { TrustSplitView } from '../view.ts';
import { cooperative } from './cooperative.ts';
import { fair } from './fair.ts';
import { greedy } from './greedy.ts';
import { random } from './random.ts';
import { titForTat } from './tit-for-tat.ts';

/** The scripted baselines of the spec, by name. */
export const TRUST_SPLIT_AGENTS: Record<string, ScriptedAgent<TrustSplitView>> = {
  cooperative,
  greedy,
  'tit-for-tat': titForTat,
  fair,
  random,
};
