import type { Action } from '../../../engine/actions.ts';
import type { AgentContext } from '../../../engine/game.ts';
import { handThatBeats, HANDS } from '../hands.ts';
import type { TrustSplitView } from '../view.ts';
import { GREEDY_BEATING, GREEDY_OPENING } from './messages.ts';
import { fit, otherClaimIn, sayContext, seatView } from './read.ts';

/** Claims the hand that beats the other's stated hand, or a random hand when none was stated. */
export function greedyMessage(ctx: AgentContext<TrustSplitView>): string {
  const view = seatView(ctx.view);
  const stated = otherClaimIn(view, view.round)?.hand ?? null;
  if (stated) {
    const claimed = handThatBeats(stated);
    return ctx.rng.pick(GREEDY_BEATING)(sayContext(view, claimed), stated);
  }
  const claimed = ctx.rng.pick(HANDS);
  return ctx.rng.pick(GREEDY_OPENING)(sayContext(view, claimed));
}

/** "greedy": always proposes every coin, and says whatever might make the other concede. */
export function greedy(ctx: AgentContext<TrustSplitView>): Action {
  if (ctx.pending.kind === 'speak') return { kind: 'speak', text: fit(greedyMessage(ctx), ctx.pending) };
  if (ctx.pending.kind !== 'propose') throw new Error(`greedy cannot ${ctx.pending.kind}`);
  return { kind: 'propose', coins: ctx.pending.max };
}
