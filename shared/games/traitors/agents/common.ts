import type { SeatId } from '../../../engine/actions.ts';
import type { TraitorsView } from '../view.ts';

/** Small helpers shared by the scripted agents. */

/** The option with the highest value (the first wins ties, so pass options in a deliberate order). */
export function argmax(options: readonly SeatId[], values: readonly number[]): SeatId {
  let best = options[0];
  for (let i = 1; i < options.length; i++) if (values[options[i]] > values[best]) best = options[i];
  return best;
}

/** Living seats other than `self`. */
export function livingOthers(view: TraitorsView, self: SeatId): SeatId[] {
  const out: SeatId[] = [];
  for (let s = 0; s < view.alive.length; s++) if (s !== self && view.alive[s]) out.push(s);
  return out;
}

/** Speakers other than `seat`. */
export function othersThan(count: number, seat: SeatId): boolean[] {
  const out = new Array<boolean>(count).fill(true);
  out[seat] = false;
  return out;
}

export function clip(text: string, maxChars: number): string {
  return text.length <= maxChars ? text : text.slice(0, maxChars);
}
