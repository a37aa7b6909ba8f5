import type { Action } from '../../../engine/actions.ts';
import type { AgentContext } from '../../../engine/game.ts';
import { HANDS } from '../hands.ts';
import { otherSeat } from '../rules.ts';
import type { TrustSplitView } from '../view.ts';
import { FAIR_TALK, GREEDY_OPENING, HONEST_OPENING, RANDOM_CHATTER } from './messages.ts';
import { fit, sayContext, seatView } from './read.ts';

/** "random": a random message (true or false claim, chatter, or silence) and a uniform proposal. */
export function random(ctx: AgentContext<TrustSplitView>): Action {
  const view = seatView(ctx.view);
  const { rng, pending } = ctx;
  if (pending.kind === 'speak') {
    const say = sayContext(view);
    const other = view.names[otherSeat(view.seat)];
    let text: string;
    switch (rng.int(4)) {
      case 0:
        text = rng.pick(HONEST_OPENING)(say);
        break;
      case 1:
        text = rng.pick(GREEDY_OPENING)(sayContext(view, rng.pick(HANDS)));
        break;
      case 2:
        text = rng.pick(FAIR_TALK)(Math.floor(view.config.coins / 2), other);
        break;
      default:
        text = rng.pick(RANDOM_CHATTER)(other);
    }
    return { kind: 'speak', text: fit(text, pending) };
  }
  if (pending.kind !== 'propose') throw new Error(`random cannot ${pending.kind}`);
  return { kind: 'propose', coins: rng.range(pending.min, pending.max) };
}
