import type { Rng } from './rng.ts';

/**
 * How scripted agents avoid repeating themselves, for every game. A message is judged by its
 * pieces: sentences, and lead-ins ending in a colon ("Since you ask: I have rock." is two). An
 * option is fresh when none of its pieces was said before: an exact look-up in a set, not a
 * substring search over everything said (agents are hot in simulations).
 */

/** A text's pieces: split after `.`, `!`, `?` or `:` followed by whitespace. */
export function splitPieces(text: string): string[] {
  const pieces: string[] = [];
  forEachPiece(text, (piece) => {
    pieces.push(piece);
    return true;
  });
  return pieces;
}

/** Calls `visit` with each piece of `text` in order while it answers true; false when it stopped early. */
function forEachPiece(text: string, visit: (piece: string) => boolean): boolean {
  let start = 0;
  for (let i = 0; i < text.length - 1; i++) {
    const c = text.charCodeAt(i);
    // . ! ? :
    if (c !== 46 && c !== 33 && c !== 63 && c !== 58) continue;
    let j = i + 1;
    while (j < text.length && isSpace(text.charCodeAt(j))) j++;
    if (j === i + 1) continue;
    if (!visit(text.slice(start, i + 1))) return false;
    start = j;
    i = j - 1;
  }
  return start >= text.length || visit(start === 0 ? text : text.slice(start));
}

function isSpace(c: number): boolean {
  return c === 32 || c === 10 || c === 9 || c === 13;
}

/** At most this many texts keep their split cached (agents read their own earlier messages every turn). */
const MAX_MEMO = 5000;
const SPLIT = new Map<string, readonly string[]>();

function piecesOfText(text: string): readonly string[] {
  let pieces = SPLIT.get(text);
  if (!pieces) {
    if (SPLIT.size >= MAX_MEMO) SPLIT.clear();
    pieces = splitPieces(text);
    SPLIT.set(text, pieces);
  }
  return pieces;
}

/** Every piece of every text (e.g. everything one agent said this game). */
export function piecesOf(texts: Iterable<string>): Set<string> {
  const said = new Set<string>();
  for (const text of texts) for (const piece of piecesOfText(text)) if (piece) said.add(piece);
  return said;
}

/** Not said yet: none of its pieces was said ('' — silence, or no extra sentence — never counts as said). */
export function isFresh(option: string, said: ReadonlySet<string>): boolean {
  if (option === '' || said.size === 0) return true;
  // options are built afresh per message: split them in place rather than through the memo
  return forEachPiece(option, (piece) => !said.has(piece));
}

/** The indexes of the options not said yet. */
function freshIndexes(options: readonly string[], said: ReadonlySet<string>): number[] {
  const fresh: number[] = [];
  for (let i = 0; i < options.length; i++) if (isFresh(options[i], said)) fresh.push(i);
  return fresh;
}

/** An option not said yet; any when every one was said. */
export function pickFresh(rng: Rng, options: readonly string[], said: ReadonlySet<string>): string {
  const fresh = freshIndexes(options, said);
  return fresh.length > 0 ? options[rng.pick(fresh)] : rng.pick(options);
}

/** Like pickFresh, but '' rather than repeat itself. Draws once either way. */
export function pickFreshOrNothing(rng: Rng, options: readonly string[], said: ReadonlySet<string>): string {
  const fresh = freshIndexes(options, said);
  const i = rng.int(Math.max(fresh.length, 1));
  return fresh.length > 0 ? options[fresh[i]] : '';
}

/**
 * A pool of sentences that depends on a few words (a hand, a name, a number), built once per
 * distinct words and then reused (bounded).
 */
export function pool<A extends unknown[]>(build: (...args: A) => string[], key: (...args: A) => string): (...args: A) => readonly string[] {
  const memo = new Map<string, readonly string[]>();
  return (...args: A) => {
    const k = key(...args);
    let options = memo.get(k);
    if (!options) {
      if (memo.size >= MAX_MEMO) memo.clear();
      options = build(...args);
      memo.set(k, options);
    }
    return options;
  };
}
