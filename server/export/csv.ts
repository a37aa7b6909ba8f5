import { stringify, type Options } from 'csv-stringify/sync';

/**
 * The one CSV writer of every table Parley writes (session exports, simulator batches).
 *
 * Spreadsheets run a text cell that starts with = + - @ (or tab / carriage return, which some
 * of them skip first) as a formula, so chat and labels could reach a researcher's machine as
 * code ("CSV injection"). As OWASP recommends, such TEXT cells get a leading single quote and
 * are always quoted: spreadsheets then show the text as text. Numbers are written as numbers
 * (-3 points stays -3), and events.jsonl keeps every text exactly as logged. The full-width
 * forms (＝＋－＠) are included because some spreadsheets normalise them to the ASCII ones.
 */
const FORMULA_LEAD = /^[=+\-@\t\r\uFF1D\uFF0B\uFF0D\uFF20]/;

/** A text cell as it is written: formula-leading text neutralised and quoted. */
function textCell(value: string): string | { value: string; quoted: true } {
  return FORMULA_LEAD.test(value) ? { value: `'${value}`, quoted: true } : value;
}

const OPTIONS: Options = { cast: { string: textCell } };

/** One CSV record (a header or a row), with its line ending. */
export function csvLine(values: readonly unknown[]): string {
  return stringify([values as unknown[]], OPTIONS);
}

/** Several CSV records, or '' for none. */
export function csvRows(rows: readonly (readonly unknown[])[]): string {
  return rows.length ? stringify(rows as unknown[][], OPTIONS) : '';
}
