import type { Pending } from '../../../engine/actions.ts';
import { claimIsTruthful, extractClaim, type HandClaim } from '../claims.ts';
import { otherHandFrom, type Hand } from '../hands.ts';
import { otherSeat } from '../rules.ts';
import type { TrustSplitSeatView, TrustSplitView } from '../view.ts';
import type { Heard, Say } from './messages.ts';

/**
 * What scripted agents read from their own seat's view. Agents are stateless: everything they
 * "remember" is rebuilt here from the public transcript and the round feedback.
 */

/**
 * The other player's claim in a round (first hand and first position it stated), through the
 * shared claim extractor.
 */
export function otherClaimIn(view: TrustSplitSeatView, round: number): HandClaim | null {
  const other = otherSeat(view.seat);
  let hand: HandClaim['hand'] = null;
  let position: HandClaim['position'] = null;
  // newest messages last: scan back to the round, then read forwards in order
  let from = view.messages.length;
  while (from > 0 && view.messages[from - 1].round >= round) from--;
  for (let i = from; i < view.messages.length; i++) {
    const m = view.messages[i];
    if (m.round !== round || m.seat !== other) continue;
    const claim = extractClaim(m.text); // memoised by text
    if (!claim) continue;
    hand ??= claim.hand;
    position ??= claim.position;
  }
  return hand === null && position === null ? null : { hand, position };
}

/** The other's hand as its claim implies (a stated hand or a position relative to ours). */
export type ClaimReading = { kind: 'unknown' } | { kind: 'impossible' } | { kind: 'known'; otherHand: Hand };

export function readClaim(ownHand: Hand, claim: HandClaim | null): ClaimReading {
  if (!claim) return { kind: 'unknown' };
  const fromHand = claim.hand;
  const fromPosition = claim.position ? otherHandFrom(ownHand, claim.position) : null;
  if (fromHand === ownHand) return { kind: 'impossible' };
  if (fromHand && fromPosition && fromHand !== fromPosition) return { kind: 'impossible' };
  const otherHand = fromHand ?? fromPosition;
  return otherHand ? { kind: 'known', otherHand } : { kind: 'unknown' };
}

/** This round: the other's claimed hand, if it has stated one consistent with ours. */
export function otherClaimNow(view: TrustSplitSeatView): ClaimReading {
  return readClaim(view.hand, otherClaimIn(view, view.round));
}

/**
 * Last round per the feedback: did the other lie (its claim contradicts the revealed position)
 * or grab (propose more than 0 with the lower hand)?
 */
export function otherMisbehavedLastRound(view: TrustSplitSeatView): { lied: boolean; grabbed: boolean } {
  const last = view.history[view.history.length - 1];
  if (!last || last.round !== view.round - 1) return { lied: false, grabbed: false };
  const claim = otherClaimIn(view, last.round);
  const otherHand = otherHandFrom(last.hand, last.otherPosition);
  const lied = claim !== null && !claimIsTruthful(claim, otherHand, last.otherPosition);
  const grabbed = last.otherPosition === 'lower' && last.otherProposal > 0;
  return { lied, grabbed };
}

/** Half the pot, rounded down: the "fair" proposal. */
export function half(pending: Extract<Pending, { kind: 'propose' }>): number {
  return Math.max(pending.min, Math.floor(pending.max / 2));
}

/** Trim a message to the seat's limit. */
export function fit(text: string, pending: Pending): string {
  return pending.kind === 'speak' && text.length > pending.maxChars ? text.slice(0, pending.maxChars) : text;
}

export function seatView(view: TrustSplitView): TrustSplitSeatView {
  if (view.kind !== 'seat') throw new Error('trust-split agents play a seat, not the spectator view');
  return view;
}

/** What the message templates need: the hand to state (our own unless told otherwise), the other's name, the pot. */
export function sayContext(view: TrustSplitSeatView, hand: Hand = view.hand): Say {
  return { hand, other: view.names[otherSeat(view.seat)], coins: view.config.coins };
}

/** Asking us to state our hand first: "you first", "I'll tell you after you", "tell me yours first". */
const DEFERRAL = /\b(you first|after you|you go first|you start|yours first|you tell me first)\b/i;

/** What the other said this round: whether it spoke, asked something, or asked us to go first. */
export function heardThisRound(view: TrustSplitSeatView): Heard {
  const other = otherSeat(view.seat);
  const heard: Heard = { spoke: false, asked: false, deferred: false };
  for (let i = view.messages.length - 1; i >= 0 && view.messages[i].round >= view.round; i--) {
    const m = view.messages[i];
    if (m.round !== view.round || m.seat !== other || m.text.trim() === '') continue;
    heard.spoke = true;
    if (m.text.includes('?')) heard.asked = true;
    if (DEFERRAL.test(m.text)) heard.deferred = true;
  }
  return heard;
}

/** Everything this seat has said so far this game (its sentences are not to be said again). */
export function saidBefore(view: TrustSplitSeatView): string {
  let out = '';
  for (const m of view.messages) if (m.seat === view.seat) out += m.text + '\n';
  return out;
}
