import type { Action } from '../../../engine/actions.ts';
import type { AgentContext } from '../../../engine/game.ts';
import { beats } from '../hands.ts';
import type { TrustSplitView } from '../view.ts';
import { HONEST_DOUBTFUL, HONEST_LOSING, HONEST_OPENING, HONEST_UNANSWERED, HONEST_WINNING } from './messages.ts';
import { fit, half, otherClaimNow, sayContext, seatView } from './read.ts';

/** States its true hand, answering whatever the other has stated so far this round. */
export function honestMessage(ctx: AgentContext<TrustSplitView>): string {
  const view = seatView(ctx.view);
  const say = sayContext(view);
  const reading = otherClaimNow(view);
  if (reading.kind === 'known') {
    const templates = beats(view.hand, reading.otherHand) ? HONEST_WINNING : HONEST_LOSING;
    return ctx.rng.pick(templates)(say, reading.otherHand);
  }
  if (reading.kind === 'impossible') return ctx.rng.pick(HONEST_DOUBTFUL)(say);
  const otherSpoke = view.messages.some((m) => m.round === view.round && m.seat !== view.seat && m.text.trim() !== '');
  return ctx.rng.pick(otherSpoke ? HONEST_UNANSWERED : HONEST_OPENING)(say);
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
