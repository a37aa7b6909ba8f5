import type { Rng } from '../../../engine/rng.ts';
import type { Hand } from '../hands.ts';

/**
 * The scripted agents' words. A message is composed of sentences, each picked from a pool; a
 * sentence the agent already said this game is avoided while fresh ones remain, so the agent does
 * not repeat itself. Every claim sentence states its hand in a form claims.ts extracts, and no
 * other sentence states a hand or a position of the speaker (the agents test checks both), so an
 * honest agent never lies by accident.
 */
export interface Say {
  hand: Hand;
  /** the other player's display name */
  other: string;
  coins: number;
}

/** What the other player said this round, as far as a reply needs it. */
export interface Heard {
  /** the other sent a non-empty message this round */
  spoke: boolean;
  /** it asked something ("what do you have?", "do you have rock?") */
  asked: boolean;
  /** it asked us to state our hand first ("you first", "I'll tell you after you") */
  deferred: boolean;
}

const cap = (word: string): string => word.charAt(0).toUpperCase() + word.slice(1);

/**
 * Where a message breaks into the pieces freshness is judged by: after a sentence's end, and after
 * a lead-in's colon ("Since you ask: I have rock." is two pieces). Options and what was said are
 * split the same way, so "said before" is an exact look-up, not a substring search.
 */
const PIECE_END = /(?<=[.!?:])\s+/;

/** Every piece of everything an agent said (from its own messages). */
export function piecesOf(messages: Iterable<string>): Set<string> {
  const said = new Set<string>();
  for (const message of messages) for (const piece of messagePieces(message)) if (piece) said.add(piece);
  return said;
}

/** A message's pieces; agents read their own earlier messages every turn, so each is split once (bounded memo). */
function messagePieces(message: string): readonly string[] {
  let pieces = SPLIT_MESSAGES.get(message);
  if (!pieces) {
    if (SPLIT_MESSAGES.size >= MAX_MEMO) SPLIT_MESSAGES.clear();
    pieces = message.split(PIECE_END);
    SPLIT_MESSAGES.set(message, pieces);
  }
  return pieces;
}
const SPLIT_MESSAGES = new Map<string, readonly string[]>();

/**
 * Each pool's options split into pieces once. Pools are memoised (see `pool`), so this runs once
 * per pool, not per message: agents are hot in simulations.
 */
const PIECES = new WeakMap<readonly string[], readonly (readonly string[])[]>();
function piecesOfOptions(options: readonly string[]): readonly (readonly string[])[] {
  let split = PIECES.get(options);
  if (!split) {
    split = options.map((option) => option.split(PIECE_END));
    PIECES.set(options, split);
  }
  return split;
}

/** Not said yet: none of its pieces was said ('' — silence, or no extra sentence — never counts as said). */
function isFresh(option: string, pieces: readonly string[], said: ReadonlySet<string>): boolean {
  if (option === '' || said.size === 0) return true;
  for (const piece of pieces) if (said.has(piece)) return false;
  return true;
}

/** The indexes of the options not said yet. */
function freshIndexes(options: readonly string[], said: ReadonlySet<string>): number[] {
  const pieces = piecesOfOptions(options);
  const fresh: number[] = [];
  for (let i = 0; i < options.length; i++) if (isFresh(options[i], pieces[i], said)) fresh.push(i);
  return fresh;
}

/** A sentence from `options` not yet said (`said`: piecesOf the agent's earlier messages); any when all were said. */
export function pickFresh(rng: Rng, options: readonly string[], said: ReadonlySet<string>): string {
  const fresh = freshIndexes(options, said);
  return fresh.length > 0 ? options[rng.pick(fresh)] : rng.pick(options);
}

/** Like pickFresh, but says nothing ('') rather than repeat itself. Draws once either way. */
export function pickFreshOrNothing(rng: Rng, options: readonly string[], said: ReadonlySet<string>): string {
  const fresh = freshIndexes(options, said);
  const i = rng.int(Math.max(fresh.length, 1));
  return fresh.length > 0 ? options[fresh[i]] : '';
}

/** At most this many memoised pools per pool kind (names and coin counts are few; this only bounds odd callers). */
const MAX_MEMO = 5000;

/**
 * A pool of sentences that depends on a few words (hand, name, coins), built once per distinct
 * words and then reused: the same array each time, so its sentence split is cached too.
 */
function pool<A extends unknown[]>(build: (...args: A) => string[], key: (...args: A) => string): (...args: A) => readonly string[] {
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
const sayKey = (s: Say) => `${s.hand}|${s.coins}|${s.other}`;
const sayHandKey = (s: Say, x: Hand) => `${sayKey(s)}|${x}`;

export function joinSentences(...parts: string[]): string {
  return parts.filter((p) => p !== '').join(' ');
}

/** States `s.hand` (true or not): each is read by claims.ts as exactly that hand. */
export const CLAIMS = pool((s: Say): string[] => [
  `I have ${s.hand}.`,
  `My hand is ${s.hand} this round.`,
  `I've got ${s.hand}.`,
  `${cap(s.hand)} here.`,
  `Honestly, I'm holding ${s.hand}.`,
  `I was dealt ${s.hand}.`,
  `${cap(s.hand)} for me this round.`,
  `I'm holding ${s.hand}.`,
  `Mine is ${s.hand}.`,
  `For me it is ${s.hand}.`,
  `I got ${s.hand} this time.`,
  `${cap(s.hand)}, honestly.`,
], sayKey);

/** Before the claim, when the other asked a question. */
export const ANSWER_LEADS: readonly string[] = ['Fair question.', 'Since you ask:', 'Happy to answer.', 'To answer you:', 'You asked, so here it is.'];

/** Before the claim, when the other wants us to go first. */
export const GO_FIRST_LEADS: readonly string[] = ["Fine, I'll go first.", 'All right, me first then.', "OK, I'll start.", 'Sure, I can go first.'];

/** Before the claim, acknowledging the other's stated hand. */
export const THANKS = pool((s: Say): string[] => ['Thanks for saying.', `Thanks for being straight, ${s.other}.`, 'Good to know.', 'Noted.', 'OK, thanks.'], sayKey);

/** After an honest claim that beats the other's stated hand `x`. */
export const HONEST_WINNING = pool((s: Say, x: Hand): string[] => [
  `${cap(s.hand)} beats ${x}, so I'll take all ${s.coins} coins. Please propose 0.`,
  `Since ${s.hand} beats your ${x}, the coins should come to me this round.`,
  `That beats ${x}, so I'll keep the ${s.coins} and you keep 0. You'll get them back when you're ahead.`,
  `That beats your ${x}, so I'll propose ${s.coins}.`,
  `Against your ${x} that wins, so the pot is mine this time; propose 0.`,
  `So this round goes to me: ${s.coins} for me, 0 for you.`,
  `Against ${x} that comes out on top, so I'll propose ${s.coins}.`,
  `The pot is mine this time; your turn will come.`,
], sayHandKey);

/** After an honest claim that loses to the other's stated hand `x`. */
export const HONEST_LOSING = pool((s: Say, x: Hand): string[] => [
  `Your ${x} wins, so take all ${s.coins} coins; I'll propose 0.`,
  `${cap(x)} beats it, so the coins are yours this round.`,
  `You win this one, ${s.other}: keep all ${s.coins}.`,
  `${cap(x)} beats that, so go ahead and take everything.`,
  `That loses to your ${x}, so the pot is yours.`,
  `The round is yours; I'll propose 0.`,
  `${cap(x)} takes it. All ${s.coins} coins to you.`,
  `Your ${x} comes out on top, so I'm putting in 0.`,
], sayHandKey);

/** After an honest claim when the other's statement cannot be true (same hand, or self-contradictory). */
export const HONEST_DOUBTFUL: readonly string[] = [
  'That does not add up with what you said: our hands always differ. I\'ll propose an even split.',
  "So your claim can't be right. Let's split evenly this round.",
  'One of us is mistaken, since our hands never match. Half each this time.',
  "That clashes with what you told me, so I'll play it safe with half.",
];

/** After an honest claim when the other spoke without stating a hand and without asking. */
export const HONEST_UNANSWERED: readonly string[] = [
  "You didn't say your hand, so I'll propose half.",
  'Tell me yours next time and we can both do better; for now, half each.',
  'Without your hand I can only offer an even split.',
  'Share your hand and the pot can go to whoever is ahead; until then, half each.',
];

/** After a claim when the other asked or deferred: now it is their turn. */
export const YOUR_TURN = pool((s: Say): string[] => ['Now, what do you have?', 'Your turn: what is yours?', `And you, ${s.other}?`, 'What about you?', 'Over to you.'], sayKey);

/** After an honest claim when the other has not spoken this round. */
export const HONEST_OPENING = pool((s: Say): string[] => [
  `Whoever has the upper hand should take all ${s.coins} coins.`,
  'Tell me yours and the winner takes everything.',
  "If your hand beats it, keep all the coins and I'll propose 0.",
  `What do you have, ${s.other}?`,
  "Let's give the whole pot to the upper hand.",
  "Let's both be open and let the stronger hand take the pot.",
  'Your turn: what is your hand?',
], sayKey);

/** After a greedy claim that "beats" the other's stated hand `x`. */
export const GREEDY_BEATING = pool((s: Say, x: Hand): string[] => [
  `That beats your ${x}. The coins are mine this round.`,
  `Sorry ${s.other}, ${s.hand} beats ${x}, so propose 0.`,
  `So your ${x} loses. Let me take the ${s.coins}.`,
  `${cap(s.hand)} over ${x}: I'm taking the pot.`,
  `Your ${x} doesn't stand a chance; propose 0.`,
], sayHandKey);

/** After a greedy claim with nothing to answer ('' = the claim alone). */
export const GREEDY_OPENING = pool((s: Say): string[] => [
  '',
  `I'm taking all ${s.coins} coins.`,
  "I'm keeping everything.",
  "You'd better concede.",
  'The pot is mine this round.',
  "Propose 0 and we'll be done quickly.",
], sayKey);

/** Fair talk: never mentions a hand. */
export const FAIR_TALK = pool((half: number, other: string): string[] => [
  `Let's keep it simple: ${half} coins each.`,
  `I'll propose ${half} and leave ${half} for you. Fair and square.`,
  'No need to talk hands. An even split is the safest deal for both of us.',
  `Half and half works for me, ${other}.`,
  `I'm proposing ${half}. Even splits keep everyone happy.`,
  `My offer stays the same all game: ${half} each.`,
  'Splitting down the middle; nobody gets burned.',
  `You can count on ${half} from me, ${other}.`,
  "An even split, no games. That's my offer.",
  `${half} for you, ${half} for me.`,
  'Even split. Steady wins the long game.',
  "I'd rather share than guess. Half each.",
], (half, other) => `${half}|${other}`);

/** Fair's reply to a question: it keeps its hand to itself. */
export const FAIR_DEFLECTS: readonly string[] = ["I'd rather not talk hands.", "I'll keep my hand to myself.", 'No hand talk from me.', 'My hand stays private.'];

/** Chatter for the random agent, including position claims and questions ('' = silence). */
export const RANDOM_CHATTER = pool((other: string): string[] => [
  'What hand do you have?',
  'I have the upper hand, trust me.',
  "I'm lower this round, go ahead.",
  `Hi ${other}! Good luck.`,
  'Hmm, let me think about this one.',
  'Tough call this time.',
  'What are you holding?',
  `Your move, ${other}.`,
  '',
], (other) => other);
