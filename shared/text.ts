import { z } from 'zod';

/**
 * Free text from players and programs (chat, statements, seat labels), made safe to store,
 * broadcast and show: what is logged and sent to the other seats is this cleaned text.
 *
 *  - lone surrogates (half of an emoji, invalid UTF-16) are removed;
 *  - line breaks become "\n" (chat is multi-line: Shift+Enter) and a tab becomes a space; in
 *    single-line text (labels) every line break becomes a space;
 *  - the other C0 controls, DEL and the C1 controls are removed;
 *  - bidi embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069) are removed, so a
 *    message cannot reverse how the text after it (a name, the next message) reads;
 *  - the result is in Unicode NFC, so equal-looking texts are equal strings.
 * Length limits count what a player sees: grapheme clusters (Intl.Segmenter), so "👍🏽" or "é"
 * written as e + accent is one character.
 */

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
// eslint-disable-next-line no-control-regex
const INVISIBLE_CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]/g;
// eslint-disable-next-line no-control-regex
const NEEDS_WORK = /[\u0000-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069\uD800-\uDFFF]/;

/** The cleaned form of a text a player or program sent (see above). Idempotent. */
export function cleanText(text: string, options: { multiline: boolean } = { multiline: true }): string {
  let out = text;
  if (NEEDS_WORK.test(out)) {
    out = out.replace(LONE_SURROGATE, '').replace(/\r\n?/g, '\n').replace(/\t/g, ' ');
    if (!options.multiline) out = out.replace(/\n/g, ' ');
    out = out.replace(INVISIBLE_CONTROL, '');
  }
  return out.normalize('NFC');
}

/** A single-line text (a label, a name): line breaks become spaces. */
export function cleanLine(text: string): string {
  return cleanText(text, { multiline: false });
}

let segmenter: Intl.Segmenter | undefined;

/** How many characters a player sees in `text` (extended grapheme clusters). */
export function visibleLength(text: string): number {
  segmenter ??= new Intl.Segmenter(undefined, { granularity: 'grapheme' });
  let count = 0;
  for (const _ of segmenter.segment(text)) count++;
  return count;
}

/** Whether `text` shows at most `max` characters; cheap for the usual short text. */
export function fitsVisible(text: string, max: number): boolean {
  // every grapheme is at least one UTF-16 unit, so a short string needs no segmenting
  return text.length <= max || visibleLength(text) <= max;
}

/**
 * The raw payload cap in UTF-16 units per visible character allowed: room for emoji and
 * accents, while a flood of combining marks (one "visible character") still has a bound.
 */
export const UNITS_PER_VISIBLE_CHAR = 4;

/**
 * A zod schema for player text: at most `maxVisible` visible characters after cleaning (and
 * at most UNITS_PER_VISIBLE_CHAR times as many UTF-16 units before it); parses to the cleaned text.
 */
export function playerTextSchema(maxVisible: number, options: { multiline: boolean }) {
  return z
    .string()
    .max(maxVisible * UNITS_PER_VISIBLE_CHAR, `at most ${maxVisible} characters`)
    .transform((text) => cleanText(text, options))
    .refine((text) => fitsVisible(text, maxVisible), { message: `at most ${maxVisible} characters` });
}
