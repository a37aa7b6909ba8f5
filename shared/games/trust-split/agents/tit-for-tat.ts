import type { Action } from '../../../engine/actions.ts';
import type { AgentContext } from '../../../engine/game.ts';
import type { TrustSplitView } from '../view.ts';
import { cooperative } from './cooperative.ts';
import { greedy } from './greedy.ts';
import { otherMisbehavedLastRound, seatView } from './read.ts';

/**
 * "tit-for-tat": cooperative, except for the one round right after the other was caught lying
 * (its claim contradicts the feedback) or grabbed (proposed more than 0 with the lower hand):
 * then it plays exactly as greedy does, message and proposal.
 */
export function titForTat(ctx: AgentContext<TrustSplitView>): Action {
  const { lied, grabbed } = otherMisbehavedLastRound(seatView(ctx.view));
  return lied || grabbed ? greedy(ctx) : cooperative(ctx);
}
