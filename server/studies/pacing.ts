import type { Pending } from '../../shared/engine/actions.ts';

/**
 * Human-looking agent timing for blind study arms (docs/studies.md, "Blind arms").
 *
 * An agent in a blind arm waits like a person would: a THINK time before it acts, drawn from a
 * lognormal distribution whose median depends on what it is asked (reading and deciding), and,
 * when it writes a message, a TYPING time on top: characters × seconds per character, with a
 * per-message speed factor (lognormal too). Reaction times of people are right-skewed and close to
 * lognormal, which is why the model uses it; the medians are those of people typing in a chat
 * game (about 40 words a minute, 0.3 s a character, including pauses) and deciding a vote or a
 * split in a few seconds. Every draw comes from the session seed's pace stream, so a replay paces
 * alike, and the total always leaves a quarter of the action's time limit unused, so an agent never
 * times out because it "typed" too long.
 */
export interface HumanPacingModel {
  /** median think time (ms) by kind of request */
  thinkMedianMs: Record<Pending['kind'], number>;
  /** lognormal sigma of think times */
  thinkSigma: number;
  /** median typing time per character (ms) */
  typingMsPerChar: number;
  /** lognormal sigma of a message's typing speed */
  typingSigma: number;
  /** shortest think time (ms) */
  minThinkMs: number;
  /** the total stays below this share of the request's time limit */
  maxShareOfLimit: number;
}

export const HUMAN_PACING: Readonly<HumanPacingModel> = {
  thinkMedianMs: { speak: 3500, vote: 5000, beliefs: 9000, propose: 4500, choose: 6000 },
  thinkSigma: 0.55,
  typingMsPerChar: 300,
  typingSigma: 0.3,
  minThinkMs: 800,
  maxShareOfLimit: 0.75,
};

/** A standard normal from two uniforms in [0, 1) (Box–Muller). */
function normal(u1: number, u2: number): number {
  return Math.sqrt(-2 * Math.log(1 - u1)) * Math.cos(2 * Math.PI * u2);
}

/** Think time (ms) before answering `pending`; u1, u2 uniform in [0, 1). */
export function humanThinkMs(pending: Pending, u1: number, u2: number, model: HumanPacingModel = HUMAN_PACING): number {
  const median = model.thinkMedianMs[pending.kind];
  return Math.max(model.minThinkMs, Math.round(median * Math.exp(model.thinkSigma * normal(u1, u2))));
}

/** Typing time (ms) of a message of `chars` characters; u1, u2 uniform in [0, 1). */
export function humanTypingMs(chars: number, u1: number, u2: number, model: HumanPacingModel = HUMAN_PACING): number {
  if (chars <= 0) return 0;
  return Math.round(chars * model.typingMsPerChar * Math.exp(model.typingSigma * normal(u1, u2)));
}

/** The most an agent may spend on a request with this time limit (ms), or Infinity without one. */
export function pacingBudgetMs(pending: Pending, model: HumanPacingModel = HUMAN_PACING): number {
  return pending.timeLimitSec > 0 ? pending.timeLimitSec * 1000 * model.maxShareOfLimit : Infinity;
}
