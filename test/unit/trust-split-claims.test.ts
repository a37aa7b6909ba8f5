import { describe, expect, it } from 'vitest';
import {
  CLAIM_EXTRACTOR_VERSION,
  claimIsTruthful,
  extractClaim,
  extractClaimFromMessages,
  type HandClaim,
} from '../../shared/games/trust-split/claims.ts';
import { CLAIMS_CORPUS } from './fixtures/claims-corpus.ts';

const hand = (h: HandClaim['hand']): HandClaim => ({ hand: h, position: null });
const position = (p: HandClaim['position']): HandClaim => ({ hand: null, position: p });

/** [message, expected extraction] — own-hand statements in many phrasings, and non-claims. */
const CORPUS: [string, HandClaim | null][] = [
  // plain own-hand claims
  ['I have rock', hand('rock')],
  ['I have rock.', hand('rock')],
  ['my hand is paper', hand('paper')],
  ["My hand's scissors this round.", hand('scissors')],
  ["I've got scissors", hand('scissors')],
  ['Ive got paper lol', hand('paper')],
  ['I got rock this time.', hand('rock')],
  ["I'm holding paper.", hand('paper')],
  ['I hold scissors, what about you?', hand('scissors')],
  ['I was dealt rock.', hand('rock')],
  ['I drew paper', hand('paper')],
  ["I'm rock.", hand('rock')],
  ['Rock here. What do you have?', hand('rock')],
  ['scissors for me', hand('scissors')],
  ['For me it is paper.', hand('paper')],
  ['Mine is rock.', hand('rock')],
  ['Honestly, I really do have scissors.', hand('scissors')],
  ['Paper', hand('paper')],
  ['✊', hand('rock')],
  ['I have a scissor', hand('scissors')],
  ['Got rock. You?', hand('rock')],
  ['MY HAND: PAPER', hand('paper')],
  ['My hand this round is rock, and yours?', hand('rock')],
  ["Scissors beats my paper, so it's yours.", hand('paper')],
  ['Right now I have rock.', hand('rock')],
  ['I also have paper', hand('paper')],
  // position claims
  ['I hold the upper hand', position('upper')],
  ["I'm lower", position('lower')],
  ['I have the lower hand.', position('lower')],
  ['I have the winning hand this round', position('upper')],
  ['my hand beats yours', position('upper')],
  ['My hand is weaker, take the coins.', position('lower')],
  ['I am the upper hand here.', position('upper')],
  // both
  ['I have paper, so I have the upper hand.', { hand: 'paper', position: 'upper' }],
  ["I've got rock and I'm lower, go ahead.", { hand: 'rock', position: 'lower' }],
  // negations
  ["I don't have rock", null],
  ['I do not have paper.', null],
  ["My hand isn't scissors.", null],
  ["I'm not lower.", null],
  ["I don't have the upper hand", null],
  ['I never have rock', null],
  ["I don't have rock, I have paper", hand('paper')],
  // the other's hand, questions, conditionals, hedges, past
  ['you have rock?', null],
  ['Do you have rock?', null],
  ['Your hand is paper, right?', null],
  ['I think you have scissors.', null],
  ['Do I have the upper hand?', null],
  ['I have rock?', null],
  ['If you have scissors, I have the upper hand.', null],
  ['if i have rock then you should concede', null],
  ['Suppose I have paper.', null],
  ["You probably think I have rock but I have paper", hand('paper')],
  ['Last round I had rock.', null],
  ['My hand was scissors last round', null],
  ['I have either rock or paper', null],
  ['I have rock or paper', null],
  ['Rock beats scissors, paper beats rock.', null],
  ["Let's split the coins evenly.", null],
  ['I will take 10 coins.', null],
  ['', null],
  ['You have the upper hand, take it all.', null],
  ['I think I have the upper hand', null],
  ['No idea what you have, but I hold rock.', hand('rock')],
];

describe('hand-claim extraction', () => {
  it('is versioned', () => {
    expect(CLAIM_EXTRACTOR_VERSION).toMatch(/^\d+$/);
  });

  it('has a corpus of at least 25 phrasings', () => {
    expect(CORPUS.length).toBeGreaterThanOrEqual(25);
  });

  it.each(CORPUS)('%j', (message, expected) => {
    expect(extractClaim(message)).toEqual(expected);
  });

  it('has a corpus of at least 100 real-style chat lines (fixtures/claims-corpus.ts), all distinct', () => {
    expect(CLAIMS_CORPUS.length).toBeGreaterThanOrEqual(100);
    expect(new Set(CLAIMS_CORPUS.map(([text]) => text)).size).toBe(CLAIMS_CORPUS.length);
    // it covers both claims and non-claims in quantity
    expect(CLAIMS_CORPUS.filter(([, c]) => c === null).length).toBeGreaterThanOrEqual(30);
    expect(CLAIMS_CORPUS.filter(([, c]) => c !== null).length).toBeGreaterThanOrEqual(60);
  });

  it.each(CLAIMS_CORPUS)('chat line %j', (message, expected) => {
    expect(extractClaim(message)).toEqual(expected);
  });

  it('takes the first claim of each kind across several messages', () => {
    expect(extractClaimFromMessages(['Hello!', 'I have rock.', 'I have paper, I am upper'])).toEqual({ hand: 'rock', position: 'upper' });
    expect(extractClaimFromMessages(['hi', ''])).toBeNull();
  });

  it('judges truthfulness against the actual hand and position', () => {
    expect(claimIsTruthful(hand('rock'), 'rock', 'lower')).toBe(true);
    expect(claimIsTruthful(hand('rock'), 'paper', 'upper')).toBe(false);
    expect(claimIsTruthful(position('upper'), 'paper', 'upper')).toBe(true);
    expect(claimIsTruthful(position('upper'), 'paper', 'lower')).toBe(false);
    expect(claimIsTruthful({ hand: 'paper', position: 'upper' }, 'paper', 'lower')).toBe(false);
  });
});
