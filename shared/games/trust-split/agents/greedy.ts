import type { Action } from '../../../engine/actions.ts';
import type { AgentContext } from '../../../engine/game.ts';
import { handThatBeats, HANDS } from '../hands.ts';
import type { TrustSplitView } from '../view.ts';
import { ANSWER_LEADS, CLAIMS, GO_FIRST_LEADS, GREEDY_BEATING, GREEDY_OPENING, joinSentences, pickFresh, pickFreshOrNothing, THANKS } from './messages.ts';
import { fit, heardThisRound, otherClaimIn, saidBefore, sayContext, seatView } from './read.ts';

/** Claims the hand that beats the other's stated hand, or a random hand when none was stated. */
export function greedyMessage(ctx: AgentContext<TrustSplitView>): string {
  const view = seatView(ctx.view);
  const { rng } = ctx;
  const before = saidBefore(view);
  const stated = otherClaimIn(view, view.round)?.hand ?? null;
  if (stated) {
    const say = sayContext(view, handThatBeats(stated));
    return joinSentences(pickFreshOrNothing(rng, THANKS(say), before), pickFresh(rng, CLAIMS(say), before), pickFreshOrNothing(rng, GREEDY_BEATING(say, stated), before));
  }
  const say = sayContext(view, rng.pick(HANDS));
  const heard = heardThisRound(view);
  const lead = heard.deferred || heard.asked ? pickFreshOrNothing(rng, heard.deferred ? GO_FIRST_LEADS : ANSWER_LEADS, before) : '';
  return joinSentences(lead, pickFresh(rng, CLAIMS(say), before), pickFreshOrNothing(rng, GREEDY_OPENING(say), before));
}

/** "greedy": always proposes every coin, and says whatever might make the other concede. */
export function greedy(ctx: AgentContext<TrustSplitView>): Action {
  if (ctx.pending.kind === 'speak') return { kind: 'speak', text: fit(greedyMessage(ctx), ctx.pending) };
  if (ctx.pending.kind !== 'propose') throw new Error(`greedy cannot ${ctx.pending.kind}`);
  return { kind: 'propose', coins: ctx.pending.max };
}
