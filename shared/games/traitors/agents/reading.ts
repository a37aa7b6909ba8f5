import type { SeatId } from '../../../engine/actions.ts';
import type { StatementRecord } from '../types.ts';

/**
 * A rough reading of a public statement: whom it accuses and whom it defends. Sentence by
 * sentence: one with a trusting word defends the players it names; otherwise one with an
 * accusing word accuses them. Crude for free text, exact for the scripted templates.
 */
export interface Reading {
  accused: SeatId[];
  defended: SeatId[];
}

const DEFEND = /\b(trust|vouch|believe in|innocent)\b/i;
const ACCUSE = /\b(suspect|suspicious|vote for|voting for|doubts?|traitor|lying|not buying)\b/i;
const NOTHING: Reading = { accused: [], defended: [] };
const LETTER = /\p{L}/u;

function isLetter(ch: string | undefined): boolean {
  return ch !== undefined && LETTER.test(ch);
}

/** Seats whose name appears in the text as a whole word. */
export function mentionedSeats(text: string, names: readonly string[]): SeatId[] {
  const out: SeatId[] = [];
  for (let s = 0; s < names.length; s++) {
    const name = names[s];
    let at = text.indexOf(name);
    while (at >= 0) {
      if (!isLetter(text[at - 1]) && !isLetter(text[at + name.length])) {
        out.push(s);
        break;
      }
      at = text.indexOf(name, at + 1);
    }
  }
  return out;
}

export function readText(text: string, names: readonly string[]): Reading {
  if (text.length === 0) return NOTHING;
  const accused: SeatId[] = [];
  const defended: SeatId[] = [];
  for (const sentence of text.split(/[.!?]+/)) {
    const defends = DEFEND.test(sentence);
    if (!defends && !ACCUSE.test(sentence)) continue;
    const into = defends ? defended : accused;
    for (const s of mentionedSeats(sentence, names)) if (!into.includes(s)) into.push(s);
  }
  return accused.length === 0 && defended.length === 0 ? NOTHING : { accused, defended };
}

/** Who accused and who defended each seat, over a list of public statements. */
export interface StatementDigest {
  /** the reading of statement i (index-aligned with the list; may run past its end, never short) */
  readings: readonly Reading[];
  /** per target: the speakers of each statement accusing it (with repeats) */
  accusedBy: readonly (readonly SeatId[])[];
  defendedBy: readonly (readonly SeatId[])[];
}

interface CachedDigest {
  statements: readonly StatementRecord[];
  digest: StatementDigest;
  /** shared and append-only: older digests only read indexes below their own length */
  readings: Reading[];
}

/**
 * Statement records in state are immutable and the list is append-only, so agents (which are
 * stateless and rebuild their evidence every decision) can share one digest per game, keyed by
 * the game's names array (shared by all its views). A list that extends the cached one (same
 * records, more at the end) is digested incrementally; anything else from scratch. The result
 * always describes exactly the list passed in.
 */
const digests = new WeakMap<readonly string[], CachedDigest>();

export function digestStatements(statements: readonly StatementRecord[], names: readonly string[]): StatementDigest {
  const cached = digests.get(names);
  const known = cached ? cached.statements.length : 0;
  const extends_ = cached !== undefined && known <= statements.length && (known === 0 || statements[known - 1] === cached.statements[known - 1]);
  if (extends_ && known === statements.length) return cached.digest;
  let readings: Reading[];
  let accusedBy: SeatId[][];
  let defendedBy: SeatId[][];
  let from: number;
  if (extends_) {
    // copy the outer arrays (and below, each inner array that changes) so earlier digests stay valid
    readings = cached.readings;
    accusedBy = cached.digest.accusedBy.slice() as SeatId[][];
    defendedBy = cached.digest.defendedBy.slice() as SeatId[][];
    from = known;
  } else {
    readings = [];
    accusedBy = names.map(() => []);
    defendedBy = names.map(() => []);
    from = 0;
  }
  for (let i = from; i < statements.length; i++) {
    const st = statements[i];
    const r = readText(st.text, names);
    readings[i] = r;
    for (const a of r.accused) accusedBy[a] = [...accusedBy[a], st.seat];
    for (const d of r.defended) defendedBy[d] = [...defendedBy[d], st.seat];
  }
  const digest: StatementDigest = { readings, accusedBy, defendedBy };
  digests.set(names, { statements, digest, readings });
  return digest;
}
