import type { Action } from '../../../engine/actions.ts';
import type { AgentContext } from '../../../engine/game.ts';
import { HANDS } from '../hands.ts';
import { otherSeat } from '../rules.ts';
import type { TrustSplitView } from '../view.ts';
import { CLAIMS, FAIR_TALK, GREEDY_OPENING, HONEST_OPENING, joinSentences, pickFresh, pickFreshOrNothing, RANDOM_CHATTER } from './messages.ts';
import { fit, saidBefore, sayContext, seatView } from './read.ts';

/** "random": a random message (true or false claim, chatter, or silence) and a uniform proposal. */
export function random(ctx: AgentContext<TrustSplitView>): Action {
  const view = seatView(ctx.view);
  const { rng, pending } = ctx;
  if (pending.kind === 'speak') {
    const say = sayContext(view);
    const other = view.names[otherSeat(view.seat)];
    const before = saidBefore(view);
    let text: string;
    switch (rng.int(4)) {
      case 0: // a true claim
        text = joinSentences(pickFresh(rng, CLAIMS(say), before), pickFreshOrNothing(rng, HONEST_OPENING(say), before));
        break;
      case 1: {
        // a random hand, true or not
        const claimed = sayContext(view, rng.pick(HANDS));
        text = joinSentences(pickFresh(rng, CLAIMS(claimed), before), pickFreshOrNothing(rng, GREEDY_OPENING(claimed), before));
        break;
      }
      case 2:
        text = pickFresh(rng, FAIR_TALK(Math.floor(view.config.coins / 2), other), before);
        break;
      default:
        text = pickFresh(rng, RANDOM_CHATTER(other), before);
    }
    return { kind: 'speak', text: fit(text, pending) };
  }
  if (pending.kind !== 'propose') throw new Error(`random cannot ${pending.kind}`);
  return { kind: 'propose', coins: rng.range(pending.min, pending.max) };
}
