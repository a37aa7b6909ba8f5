import type { ScriptedAgent } from '../../../engine/game.ts';
import type { TrustSplitView } from '../view.ts';
import { cooperative } from './cooperative.ts';
import { fair } from './fair.ts';
import { greedy } from './greedy.ts';
import { random } from './random.ts';
import { titForTat } from './tit-for-tat.ts';
import { withStyle } from './style.ts';

/** The scripted baselines of the spec, by name; each speaks in its seat's persona style when it has one (style.ts). */
export const TRUST_SPLIT_AGENTS: Record<string, ScriptedAgent<TrustSplitView>> = {
  cooperative: withStyle(cooperative),
  greedy: withStyle(greedy),
  'tit-for-tat': withStyle(titForTat),
  fair: withStyle(fair),
  random: withStyle(random),
};
