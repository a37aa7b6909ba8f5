// How scripted agents avoid repeating themselves (shared/engine/phrasing.ts), for both games.
import { describe, expect, it } from 'vitest';
import { isFresh, piecesOf, pickFresh, pickFreshOrNothing, splitPieces } from '../../shared/engine/phrasing.ts';
import { Purpose, Rng } from '../../shared/engine/rng.ts';

describe('phrasing', () => {
  it('splits after a sentence end or a lead-in colon followed by whitespace, and nowhere else', () => {
    expect(splitPieces('Since you ask: I have rock. OK!  Fine?')).toEqual(['Since you ask:', 'I have rock.', 'OK!', 'Fine?']);
    expect(splitPieces('3.5 coins: fair.No space')).toEqual(['3.5 coins:', 'fair.No space']);
    expect(splitPieces('Hello.')).toEqual(['Hello.']);
    expect(splitPieces('')).toEqual([]);
  });

  it('an option is fresh only when none of its pieces was said', () => {
    const said = piecesOf(['Since you ask: I have rock.', 'Noted.']);
    expect(isFresh('Since you ask:', said)).toBe(false);
    expect(isFresh('I have rock.', said)).toBe(false);
    expect(isFresh('Thanks. I have rock.', said)).toBe(false);
    expect(isFresh('I have paper.', said)).toBe(true);
    expect(isFresh('noted.', said)).toBe(true); // exact pieces, not substrings or case-folded
    expect(isFresh('', said)).toBe(true); // silence never counts as said
    expect(isFresh('constructor', piecesOf(['constructor']))).toBe(false);
  });

  it('picks among the unsaid options, and falls back to any (or nothing) when all were said', () => {
    const options = ['A.', 'B.', 'C.'];
    const said = piecesOf(['A. B.']);
    for (let seed = 0; seed < 20; seed++) {
      expect(pickFresh(Rng.stream(seed, Purpose.test), options, said)).toBe('C.');
      expect(pickFreshOrNothing(Rng.stream(seed, Purpose.test), options, said)).toBe('C.');
    }
    const all = piecesOf(['A. B. C.']);
    expect(options).toContain(pickFresh(Rng.stream(1, Purpose.test), options, all));
    expect(pickFreshOrNothing(Rng.stream(1, Purpose.test), options, all)).toBe('');
  });
});
