import type { Action } from '../../../engine/actions.ts';
import type { AgentContext } from '../../../engine/game.ts';
import { beats } from '../hands.ts';
import type { TrustSplitView } from '../view.ts';
import {
  ANSWER_LEADS,
  CLAIMS,
  GO_FIRST_LEADS,
  HONEST_DOUBTFUL,
  HONEST_LOSING,
  HONEST_OPENING,
  HONEST_UNANSWERED,
  HONEST_WINNING,
  joinSentences,
  pickFresh,
  pickFreshOrNothing,
  THANKS,
  YOUR_TURN,
} from './messages.ts';
import { fit, half, heardThisRound, otherClaimNow, saidBefore, sayContext, seatView } from './read.ts';

/**
 * States its true hand, answering what the other said this round: its stated hand (who wins),
 * an impossible statement, a question or a request to go first, or talk without a hand.
 */
export function honestMessage(ctx: AgentContext<TrustSplitView>): string {
  const view = seatView(ctx.view);
  const { rng } = ctx;
  const say = sayContext(view);
  const before = saidBefore(view);
  const heard = heardThisRound(view);
  const reading = otherClaimNow(view);
  if (reading.kind === 'known') {
    const verdict = beats(view.hand, reading.otherHand) ? HONEST_WINNING(say, reading.otherHand) : HONEST_LOSING(say, reading.otherHand);
    return joinSentences(pickFreshOrNothing(rng, THANKS(say), before), pickFresh(rng, CLAIMS(say), before), pickFreshOrNothing(rng, verdict, before));
  }
  if (reading.kind === 'impossible') return joinSentences(pickFresh(rng, CLAIMS(say), before), pickFreshOrNothing(rng, HONEST_DOUBTFUL, before));
  if (heard.deferred || heard.asked) {
    const lead = pickFreshOrNothing(rng, heard.deferred ? GO_FIRST_LEADS : ANSWER_LEADS, before);
    return joinSentences(lead, pickFresh(rng, CLAIMS(say), before), pickFreshOrNothing(rng, YOUR_TURN(say), before));
  }
  return joinSentences(pickFresh(rng, CLAIMS(say), before), pickFreshOrNothing(rng, heard.spoke ? HONEST_UNANSWERED : HONEST_OPENING(say), before));
}

/**
 * All coins when its hand beats the other's stated hand, none when it loses, half when it knows
 * nothing or the statement is impossible.
 */
export function honestProposal(ctx: AgentContext<TrustSplitView>): number {
  const view = seatView(ctx.view);
  if (ctx.pending.kind !== 'propose') throw new Error('not a proposal');
  const reading = otherClaimNow(view);
  if (reading.kind !== 'known') return half(ctx.pending);
  return beats(view.hand, reading.otherHand) ? ctx.pending.max : ctx.pending.min;
}

/** "cooperative": tells the truth and concedes when the hands show it is the lower hand. */
export function cooperative(ctx: AgentContext<TrustSplitView>): Action {
  if (ctx.pending.kind === 'speak') return { kind: 'speak', text: fit(honestMessage(ctx), ctx.pending) };
  return { kind: 'propose', coins: honestProposal(ctx) };
}
