import type { StudyDefinition } from '../../shared/study/definition.ts';
import type { Payment, ParticipantOutcome } from '../../shared/protocol/study.ts';

/** Cents-exact rounding to two decimals. */
export function round2(x: number): number {
  return Math.round((x + Number.EPSILON) * 100) / 100;
}

/**
 * What a participant is paid, with the status a researcher acts on in Prolific:
 *  - completed: show-up fee + bonusPerPoint × the seat's points + bonusPerWin if the seat won ("approve");
 *  - no_group: the show-up fee ("approve": they were promised a game and waited);
 *  - dropped: the show-up fee, no bonus ("review": the researcher decides);
 *  - failed_quiz: nothing ("return": Prolific asks such participants to return the study).
 */
export function paymentFor(
  def: StudyDefinition,
  outcome: ParticipantOutcome,
  game: { points: number | null; won: boolean } | null,
): Payment & { status: string } {
  const { showUp, bonusPerPoint, bonusPerWin, currency } = def.payment;
  if (outcome === 'failed_quiz') return { showUp: 0, bonus: 0, total: 0, currency, status: 'return' };
  if (outcome !== 'completed' || !game) {
    return { showUp: round2(showUp), bonus: 0, total: round2(showUp), currency, status: outcome === 'dropped' ? 'review' : 'approve' };
  }
  const bonus = round2(Math.max(0, bonusPerPoint * (game.points ?? 0) + (game.won ? bonusPerWin : 0)));
  return { showUp: round2(showUp), bonus, total: round2(showUp + bonus), currency, status: 'approve' };
}

/** A seat's points and whether it won, from a session's outcome (`points` per seat when the game has them). */
export function seatResult(outcome: unknown, seat: number): { points: number | null; won: boolean } | null {
  if (!outcome || typeof outcome !== 'object') return null;
  const o = outcome as { winners?: unknown; points?: unknown };
  const points = Array.isArray(o.points) && typeof o.points[seat] === 'number' ? (o.points[seat] as number) : null;
  const won = Array.isArray(o.winners) && o.winners.includes(seat);
  return { points, won };
}
