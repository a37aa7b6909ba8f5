import type { Hand, Position } from './hands.ts';

/**
 * Hand-claim extraction: what a message says about the speaker's OWN hand this round.
 * Deterministic and versioned, so metrics computed from logs can say which rules they used;
 * bump the version whenever a change could alter any extraction.
 *
 * How it reads a message (documented in docs/games/trust-and-split.md):
 *  - lower-case, contractions expanded ("I'm" → "i am", "don't" → "do not"), hand emoji mapped;
 *  - split into sentences (. ! ? ; newline) and clauses (commas, colons, dashes, but/and/so/because/…);
 *  - questions are skipped (a clause opening with an auxiliary or wh-word, or the last clause
 *    of a sentence ending in "?"), and so are conditionals: a clause opening with if/unless/
 *    suppose/… and every later clause of that sentence;
 *  - reported or hedged speech is skipped (think/believe/said/guess/pretend/… before the claim);
 *  - own-claim forms: "i [adverbs] have|hold|got|drew|play|am [holding|playing|on] [a|the] X",
 *    "i was dealt X", "my hand [this round] is X", "mine is X", "my X" (X a hand),
 *    "X here|for me|on my side", "for me it is X", a clause opening with "got|holding X",
 *    a message that is a single hand word or its initial (r/p/s), a clause that is a hand word
 *    with only filler around it ("scissors.", "paper now", "rock again for me", "it's rock",
 *    "me: paper"), and "i will|am going to play|go with X";
 *  - common misspellings of the hand words are read as the word ("papper", "sissors", …);
 *  - X is a hand (rock/paper/scissors) or a position: upper/higher/lower, or winning/losing/
 *    stronger/weaker/better/worse followed by hand/one/side; "my hand beats/wins|loses" too;
 *  - a negation (not/never/no) between the subject and X cancels that claim; "X or Y" is no claim.
 * The result holds the FIRST own hand claim and the FIRST own position claim in the message.
 */
export const CLAIM_EXTRACTOR_VERSION = '2';

export interface HandClaim {
  hand: Hand | null;
  position: Position | null;
}

// Word tables are Maps: they are looked up with words from chat, and a plain object would answer
// "constructor" or "__proto__" with Object.prototype's members.
const HAND_WORDS = new Map<string, Hand>([
  ['rock', 'rock'], ['paper', 'paper'], ['scissors', 'scissors'], ['scissor', 'scissors'],
  // misspellings seen in chat (typed fast on a phone); none is an English word of its own
  ['rocks', 'rock'], ['rok', 'rock'], ['rokc', 'rock'], ['rcok', 'rock'], ['roock', 'rock'],
  ['papper', 'paper'], ['papr', 'paper'], ['pper', 'paper'], ['papar', 'paper'], ['paperr', 'paper'], ['peper', 'paper'], ['papers', 'paper'],
  ['scisors', 'scissors'], ['sissors', 'scissors'], ['scisor', 'scissors'], ['sciccors', 'scissors'], ['scizzors', 'scissors'],
  ['sizzors', 'scissors'], ['scissers', 'scissors'], ['siccors', 'scissors'], ['scissorz', 'scissors'], ['sisors', 'scissors'],
  ['scissros', 'scissors'], ['scisssors', 'scissors'], ['sissor', 'scissors'], ['scicors', 'scissors'],
]);
/** A whole message of one letter: "R", "p", "S". */
const HAND_INITIALS = new Map<string, Hand>([['r', 'rock'], ['p', 'paper'], ['s', 'scissors']]);
/**
 * Words that may stand around a hand word in a clause that is nothing but an answer:
 * "Scissors.", "paper now", "rock again for me", "it's rock", "me: paper", "yes, rock".
 */
const BARE_FILLER = new Set([
  'again', 'now', 'this', 'time', 'round', 'too', 'as', 'well', 'still', 'here', 'is', 'it', 'its', 'for', 'me', 'mine', 'on',
  'my', 'side', 'end', 'from', 'hand', 'lol', 'haha', 'hehe', 'ok', 'okay', 'yes', 'yeah', 'yep', 'yup', 'sure', 'honestly',
  'actually', 'really', 'definitely', 'obviously', 'truly', 'literally', 'just', 'a', 'the', 'sir', 'mate', 'friend', 'buddy',
  'xd', 'lmao', 'tbh', 'fr', 'ngl', 'today', 'hi', 'hey', 'hello',
]);
const PLAIN_POSITION = new Map<string, Position>([['upper', 'upper'], ['higher', 'upper'], ['lower', 'lower']]);
/** Need a following hand/one/side: "winning" alone could be about the game. */
const STRENGTH_POSITION = new Map<string, Position>(Object.entries({
  winning: 'upper', stronger: 'upper', better: 'upper', superior: 'upper',
  losing: 'lower', weaker: 'lower', worse: 'lower', inferior: 'lower',
} satisfies Record<string, Position>));
const POSITION_NOUNS = new Set(['hand', 'one', 'side', 'position']);

const NEGATIONS = new Set(['not', 'never', 'no']);
const ADVERBS = new Set([
  'really', 'actually', 'definitely', 'honestly', 'truly', 'just', 'also', 'currently', 'now', 'still',
  'certainly', 'indeed', 'surely', 'totally', 'clearly', 'genuinely', 'literally', 'do', 'did', 'does',
  'happen', 'happened', 'to', 'in', 'fact', 'will', 'gonna', 'going',
]);
const OWN_VERBS = new Set(['have', 'hold', 'holding', 'got', 'drew', 'draw', 'play', 'playing', 'am', 'received', 'pulled', 'was', 'go', 'going', 'show', 'showing']);
/** Words allowed between the verb and the hand/position. */
const AFTER_VERB = new Set([
  'got', 'gotten', 'been', 'dealt', 'given', 'holding', 'playing', 'with', 'on', 'a', 'an', 'the', 'going', 'to', 'play', 'go',
  'definitely', 'actually', 'really', 'indeed', 'certainly', 'clearly', 'just', 'also', 'truly', 'honestly', 'currently',
]);
/** Words allowed between "my hand"/"mine" and the hand/position. */
const AFTER_MY_HAND = new Set([
  'this', 'round', 'for', 'right', 'now', 'today', 'here', 'is', 'currently', 'definitely', 'actually',
  'really', 'honestly', 'truly', 'a', 'an', 'the', 'just', 'indeed', 'certainly',
]);
/** Before a claim, these make it reported, hedged or hypothetical speech. */
const REPORTING = new Set([
  'think', 'thinks', 'thought', 'believe', 'believes', 'said', 'say', 'says', 'claim', 'claims', 'claimed',
  'guess', 'assume', 'suspect', 'pretend', 'pretending', 'wish', 'hope', 'imagine', 'doubt', 'if',
  'unless', 'whether', 'suppose', 'supposing', 'assuming', 'maybe', 'perhaps', 'probably', 'might',
]);
const CONDITIONAL_OPENERS = new Set(['if', 'unless', 'when', 'whenever', 'suppose', 'supposing', 'assuming', 'whether', 'provided', 'should', 'say']);
const QUESTION_OPENERS = new Set([
  'do', 'does', 'did', 'is', 'are', 'am', 'was', 'were', 'can', 'could', 'would', 'will', 'should', 'shall',
  'have', 'has', 'what', 'which', 'who', 'whom', 'whose', 'how', 'why', 'where', 'wanna',
]);

const NOT_CONTRACTIONS = new Map<string, string>(Object.entries({ don: 'do', doesn: 'does', didn: 'did', isn: 'is', aren: 'are', wasn: 'was', weren: 'were', haven: 'have', hasn: 'has', hadn: 'had', can: 'can', won: 'will', wouldn: 'would', ain: 'am', shouldn: 'should', couldn: 'could' }));
const APOSTROPHE_FREE = new Map<string, string[]>(Object.entries({
  im: ['i', 'am'], ive: ['i', 'have'], dont: ['do', 'not'], doesnt: ['does', 'not'], didnt: ['did', 'not'],
  isnt: ['is', 'not'], havent: ['have', 'not'], cant: ['can', 'not'], cannot: ['can', 'not'], wont: ['will', 'not'],
  aint: ['am', 'not'], wasnt: ['was', 'not'],
}));
const SUFFIXES = new Map<string, string>(Object.entries({ m: 'am', ve: 'have', re: 'are', ll: 'will', d: 'would', s: 'is' }));

const EMOJI: [RegExp, string][] = [
  [/✊|👊|🪨/gu, ' rock '],
  [/✋|🖐️?|🤚|📄|📃/gu, ' paper '],
  [/✌️?|✂️?/gu, ' scissors '],
];

function normalize(text: string): string {
  let out = text.toLowerCase().replace(/[’‘`´]/g, "'");
  // eslint-disable-next-line no-control-regex
  if (/[^\x00-\x7f]/.test(out)) for (const [pattern, word] of EMOJI) out = out.replace(pattern, word);
  return out;
}

function tokenize(clause: string): string[] {
  const tokens: string[] = [];
  for (const raw of clause.split(/[^a-z']+/)) {
    const word = raw.replace(/^'+|'+$/g, '');
    if (!word) continue;
    const quote = word.indexOf("'");
    if (quote < 0) {
      const expanded = APOSTROPHE_FREE.get(word);
      if (expanded) tokens.push(...expanded);
      else tokens.push(word);
      continue;
    }
    const stem = word.slice(0, quote);
    const suffix = word.slice(quote + 1);
    if (suffix === 't' && stem.endsWith('n')) {
      const base = NOT_CONTRACTIONS.get(stem) ?? stem.slice(0, -1);
      tokens.push(base, 'not');
    } else if (SUFFIXES.has(suffix)) {
      tokens.push(stem, SUFFIXES.get(suffix)!);
    } else {
      tokens.push(stem);
    }
  }
  return tokens;
}

interface Clause {
  tokens: string[];
  /** a question or a conditional: claims in it are not assertions */
  skipped: boolean;
}

const SENTENCE = /[^.!?;\n]+[.!?;\n]*/g;
const CLAUSE_BREAK = /,|:|—|–|\s-\s|\(|\)|"|\b(?:but|and|so|while|whereas|though|although|because|since|then)\b/;

function clausesOf(text: string): Clause[] {
  const clauses: Clause[] = [];
  for (const match of text.matchAll(SENTENCE)) {
    const sentence = match[0];
    const isQuestion = sentence.includes('?');
    const parts = sentence.replace(/[.!?;\n]+$/, '').split(CLAUSE_BREAK);
    let conditional = false;
    const sentenceClauses: Clause[] = [];
    for (const part of parts) {
      if (part === undefined) continue;
      const tokens = tokenize(part);
      if (tokens.length === 0) continue;
      const opener = tokens[0] === 'what' && tokens[1] === 'if' ? 'if' : tokens[0];
      if (CONDITIONAL_OPENERS.has(opener) || (tokens[0] === 'in' && tokens[1] === 'case')) conditional = true;
      sentenceClauses.push({ tokens, skipped: conditional || QUESTION_OPENERS.has(tokens[0]) });
    }
    if (isQuestion && sentenceClauses.length > 0) sentenceClauses[sentenceClauses.length - 1].skipped = true;
    clauses.push(...sentenceClauses);
  }
  return clauses;
}

type Found = { kind: 'hand'; hand: Hand } | { kind: 'position'; position: Position } | null;

/**
 * Reads a hand or position at tokens[i]; "X or Y" is undecided, so no claim. Strength words
 * ("stronger") need a following hand/one/side unless the subject is the hand itself.
 */
function claimAt(tokens: string[], i: number, subjectIsHand = false): Found {
  const word = tokens[i];
  if (word === undefined) return null;
  const hand = HAND_WORDS.get(word);
  if (hand) return tokens[i + 1] === 'or' ? null : { kind: 'hand', hand };
  const plain = PLAIN_POSITION.get(word);
  if (plain) return { kind: 'position', position: plain };
  const strength = STRENGTH_POSITION.get(word);
  if (strength && (subjectIsHand || POSITION_NOUNS.has(tokens[i + 1] ?? ''))) return { kind: 'position', position: strength };
  return null;
}

/** Skip allowed words (noting negations), then read the claim; a negation cancels it. */
function claimAfter(tokens: string[], from: number, allowed: Set<string>, subjectIsHand = false): Found {
  let negated = false;
  let i = from;
  while (i < tokens.length && (allowed.has(tokens[i]) || NEGATIONS.has(tokens[i]))) {
    if (NEGATIONS.has(tokens[i])) negated = true;
    i++;
  }
  const found = claimAt(tokens, i, subjectIsHand);
  return negated ? null : found;
}

/** "i [adverbs] verb [words] X" starting at the token "i". */
function claimFromI(tokens: string[], at: number): Found {
  let i = at + 1;
  let negated = false;
  while (i < tokens.length && (ADVERBS.has(tokens[i]) || NEGATIONS.has(tokens[i]))) {
    if (NEGATIONS.has(tokens[i])) negated = true;
    i++;
  }
  const verb = tokens[i];
  if (verb === undefined || !OWN_VERBS.has(verb)) return null;
  // "i was X" is the past; only "i was dealt/given X" speaks of this round
  if (verb === 'was' && tokens[i + 1] !== 'dealt' && tokens[i + 1] !== 'given') return null;
  const found = claimAfter(tokens, i + 1, AFTER_VERB);
  return negated ? null : found;
}

function claimFromMyHand(tokens: string[], at: number): Found {
  // "my hand beats yours" / "my hand wins" / "my hand loses"
  const next = tokens[at + 2];
  if (next === 'beats' || next === 'wins' || next === 'trumps') return { kind: 'position', position: 'upper' };
  if (next === 'loses') return { kind: 'position', position: 'lower' };
  return claimAfter(tokens, at + 2, AFTER_MY_HAND, true);
}

const MY_SIDE = [['here'], ['for', 'me'], ['on', 'my', 'side'], ['on', 'my', 'end'], ['from', 'me']];

function startsWith(tokens: string[], at: number, phrase: string[]): boolean {
  for (let k = 0; k < phrase.length; k++) if (tokens[at + k] !== phrase[k]) return false;
  return true;
}

/** Every own claim in one clause, in order of appearance. */
function claimsInClause(tokens: string[]): Found[] {
  const found: Found[] = [];
  let reported = false;
  for (let i = 0; i < tokens.length; i++) {
    const word = tokens[i];
    if (REPORTING.has(word)) reported = true;
    if (reported) continue;
    let claim: Found = null;
    if (word === 'i') claim = claimFromI(tokens, i);
    else if (word === 'my' && tokens[i + 1] === 'hand') claim = claimFromMyHand(tokens, i);
    else if (word === 'my' && tokens[i + 1] === 'own' && tokens[i + 2] === 'hand') claim = claimFromMyHand(tokens, i + 1);
    else if (word === 'my' && HAND_WORDS.has(tokens[i + 1])) claim = claimAt(tokens, i + 1);
    else if (word === 'mine' && tokens[i + 1] === 'is') claim = claimAfter(tokens, i + 2, AFTER_MY_HAND, true);
    else if (HAND_WORDS.has(word) && MY_SIDE.some((p) => startsWith(tokens, i + 1, p)) && !tokens.slice(0, i).some((t) => t === 'you' || t === 'your' || NEGATIONS.has(t))) {
      claim = claimAt(tokens, i);
    } else if (i === 0 && (word === 'got' || word === 'holding' || word === 'drew')) claim = claimAfter(tokens, 1, AFTER_VERB);
    else {
      const side = MY_SIDE.find((p) => p.length > 1 && startsWith(tokens, i, p));
      if (side && (i === 0 || tokens[i - 1] !== 'is')) {
        let j = i + side.length;
        if (tokens[j] === 'it' && tokens[j + 1] === 'is') j += 2;
        claim = claimAfter(tokens, j, AFTER_MY_HAND);
      }
    }
    if (claim) found.push(claim);
  }
  return found;
}

/**
 * The speaker's own hand and/or position as stated in `text`, or null when it states neither.
 * Claims about the other player's hand, questions, negations and conditionals are not claims.
 * The result is frozen: it may be shared between callers.
 */
export function extractClaim(text: string): Readonly<HandClaim> | null {
  // Agents read the same few messages again and again within a round: a tiny recent-texts
  // cache answers those without hashing the string.
  for (let i = 0; i < RECENT; i++) if (recentTexts[i] === text) return recentClaims[i];
  let claim = memo.get(text);
  if (claim === undefined) {
    claim = parseClaim(text);
    // a pure function of the text, so a bounded memo is safe; simulations repeat few messages
    if (memo.size >= MEMO_LIMIT) memo.clear();
    memo.set(text, claim);
  }
  recentTexts[recentNext] = text;
  recentClaims[recentNext] = claim;
  recentNext = (recentNext + 1) % RECENT;
  return claim;
}

const MEMO_LIMIT = 20_000;
const memo = new Map<string, Readonly<HandClaim> | null>();
const RECENT = 4;
const recentTexts: (string | undefined)[] = new Array(RECENT).fill(undefined);
const recentClaims: (Readonly<HandClaim> | null)[] = new Array(RECENT).fill(null);
let recentNext = 0;

/** The hand of a clause that is one hand word and filler only ("Scissors.", "paper now"), else null. */
function bareHand(tokens: readonly string[]): Hand | null {
  let found: Hand | null = null;
  for (const token of tokens) {
    const hand = HAND_WORDS.get(token);
    if (hand) {
      if (found !== null) return null;
      found = hand;
    } else if (!BARE_FILLER.has(token)) return null;
  }
  return found;
}

function parseClaim(text: string): Readonly<HandClaim> | null {
  const normalized = normalize(text);
  let hand: Hand | null = null;
  let position: Position | null = null;

  const whole = tokenize(normalized);
  // "Rock?" asks; it does not answer
  const single = whole.length === 1 && !normalized.includes('?') ? (HAND_WORDS.get(whole[0]) ?? HAND_INITIALS.get(whole[0])) : undefined;
  if (single) return Object.freeze({ hand: single, position: null });

  for (const clause of clausesOf(normalized)) {
    if (clause.skipped) continue;
    const bare = bareHand(clause.tokens);
    if (bare) {
      hand ??= bare;
      continue;
    }
    for (const claim of claimsInClause(clause.tokens)) {
      if (!claim) continue;
      if (claim.kind === 'hand' && hand === null) hand = claim.hand;
      if (claim.kind === 'position' && position === null) position = claim.position;
    }
    if (hand !== null && position !== null) break;
  }
  return hand === null && position === null ? null : Object.freeze({ hand, position });
}

/** The first claim across several messages of one speaker (each field taken from its first statement). */
export function extractClaimFromMessages(texts: readonly string[]): HandClaim | null {
  let hand: Hand | null = null;
  let position: Position | null = null;
  for (const text of texts) {
    const claim = extractClaim(text);
    if (!claim) continue;
    hand ??= claim.hand;
    position ??= claim.position;
  }
  return hand === null && position === null ? null : { hand, position };
}

/**
 * Whether a claim is true given the speaker's actual hand and position. A claim is a lie when
 * any part of it is false.
 */
export function claimIsTruthful(claim: HandClaim, hand: Hand, position: Position): boolean {
  return (claim.hand === null || claim.hand === hand) && (claim.position === null || claim.position === position);
}
