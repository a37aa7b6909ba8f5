import type { Action } from '../../../engine/actions.ts';
import type { AgentContext } from '../../../engine/game.ts';
import { otherSeat } from '../rules.ts';
import type { TrustSplitView } from '../view.ts';
import { FAIR_DEFLECTS, FAIR_TALK, joinSentences, pickFresh, pickFreshOrNothing } from './messages.ts';
import { fit, heardThisRound, saidBefore, seatView } from './read.ts';

/** "fair": never says anything about its hand and always proposes half the coins. */
export function fair(ctx: AgentContext<TrustSplitView>): Action {
  const view = seatView(ctx.view);
  const halfCoins = Math.floor(view.config.coins / 2);
  if (ctx.pending.kind === 'speak') {
    // a question about hands gets a polite refusal before the offer
    const before = saidBefore(view);
    const heard = heardThisRound(view);
    const deflect = heard.asked || heard.deferred ? pickFreshOrNothing(ctx.rng, FAIR_DEFLECTS, before) : '';
    const text = joinSentences(deflect, pickFresh(ctx.rng, FAIR_TALK(halfCoins, view.names[otherSeat(view.seat)]), before));
    return { kind: 'speak', text: fit(text, ctx.pending) };
  }
  if (ctx.pending.kind !== 'propose') throw new Error(`fair cannot ${ctx.pending.kind}`);
  return { kind: 'propose', coins: Math.min(ctx.pending.max, Math.max(ctx.pending.min, halfCoins)) };
}
