import type { SeatId } from '../../../engine/actions.ts';
import type { PersonaStyle } from '../../../personas.ts';

/**
 * How a persona's style changes a scripted Traitors agent (shared/personas.ts). Plain (or no
 * style) changes nothing, so unstyled games replay exactly as before:
 *   talkative   one more sentence per statement (an accusation of its next suspect)
 *   reserved    only the first sentence of each statement
 *   suspicious  joins the table's accusations quickly: votes for this round's most accused player
 *               when that player is in the top half of its own suspects; rates suspicion higher
 *   trusting    never joins a bandwagon it does not lead (speaks and votes from its own evidence);
 *               rates suspicion lower
 */

const SENTENCE_BREAK = /(?<=[.!?])\s+/;

/** A statement in the persona's style; `more` gives the talkative persona's extra sentence. */
export function styledStatement(style: PersonaStyle | undefined, text: string, more: () => string): string {
  if (style === 'talkative') return `${text} ${more()}`;
  if (style === 'reserved') return text.split(SENTENCE_BREAK)[0];
  return text;
}

/** A suspicion rating (0–100) as the persona reports it. */
export function styledSuspicion(style: PersonaStyle | undefined, value: number): number {
  if (style === 'suspicious') return Math.min(100, Math.round(value * 1.25 + 10));
  if (style === 'trusting') return Math.max(0, Math.round(value * 0.75));
  return value;
}

/**
 * The suspicious persona's vote: the player most accused this round when it sits in the top half
 * of its own ranking (ranked: most suspected first); null when the persona keeps its own choice.
 */
export function suspiciousVote(style: PersonaStyle | undefined, options: readonly SeatId[], ranked: readonly SeatId[], accused: readonly number[]): SeatId | null {
  if (style !== 'suspicious') return null;
  let best: SeatId | null = null;
  for (const s of options) if (accused[s] > 0 && (best === null || accused[s] > accused[best])) best = s;
  if (best === null) return null;
  const rank = ranked.indexOf(best);
  return rank >= 0 && rank < Math.ceil(ranked.length / 2) ? best : null;
}
