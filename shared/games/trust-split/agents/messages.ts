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

/** Not said yet: none of its sentences is in `before` ('' — silence, or no extra sentence — never counts as said). */
const isFresh = (before: string) => (option: string) => {
  if (option === '' || before === '') return true;
  // most options are one sentence: no need to split them (agents are hot in simulations)
  if (!INNER_BREAK.test(option)) return !before.includes(option);
  return option.split(SENTENCE_END).every((sentence) => !before.includes(sentence));
};
const INNER_BREAK = /[.!?]\s/;
const SENTENCE_END = /(?<=[.!?])\s+/;

/** A sentence from `options` not yet in `before` (the agent's earlier messages); any when all were said. */
export function pickFresh(rng: Rng, options: readonly string[], before: string): string {
  const fresh = options.filter(isFresh(before));
  return rng.pick(fresh.length > 0 ? fresh : options);
}

/** Like pickFresh, but says nothing ('') rather than repeat itself. Draws once either way. */
export function pickFreshOrNothing(rng: Rng, options: readonly string[], before: string): string {
  const fresh = options.filter(isFresh(before));
  const i = rng.int(Math.max(fresh.length, 1));
  return fresh.length > 0 ? fresh[i] : '';
}

export function joinSentences(...parts: string[]): string {
  return parts.filter((p) => p !== '').join(' ');
}

/** States `s.hand` (true or not): each is read by claims.ts as exactly that hand. */
export const CLAIMS = (s: Say): string[] => [
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
];

/** Before the claim, when the other asked a question. */
export const ANSWER_LEADS: readonly string[] = ['Fair question.', 'Since you ask:', 'Happy to answer.', 'To answer you:', 'You asked, so here it is.'];

/** Before the claim, when the other wants us to go first. */
export const GO_FIRST_LEADS: readonly string[] = ["Fine, I'll go first.", 'All right, me first then.', "OK, I'll start.", 'Sure, I can go first.'];

/** Before the claim, acknowledging the other's stated hand. */
export const THANKS = (s: Say): string[] => ['Thanks for saying.', `Thanks for being straight, ${s.other}.`, 'Good to know.', 'Noted.', 'OK, thanks.'];

/** After an honest claim that beats the other's stated hand `x`. */
export const HONEST_WINNING = (s: Say, x: Hand): string[] => [
  `${cap(s.hand)} beats ${x}, so I'll take all ${s.coins} coins. Please propose 0.`,
  `Since ${s.hand} beats your ${x}, the coins should come to me this round.`,
  `That beats ${x}, so I'll keep the ${s.coins} and you keep 0. You'll get them back when you're ahead.`,
  `That beats your ${x}, so I'll propose ${s.coins}.`,
  `Against your ${x} that wins, so the pot is mine this time; propose 0.`,
  `So this round goes to me: ${s.coins} for me, 0 for you.`,
  `Against ${x} that comes out on top, so I'll propose ${s.coins}.`,
  `The pot is mine this time; your turn will come.`,
];

/** After an honest claim that loses to the other's stated hand `x`. */
export const HONEST_LOSING = (s: Say, x: Hand): string[] => [
  `Your ${x} wins, so take all ${s.coins} coins; I'll propose 0.`,
  `${cap(x)} beats it, so the coins are yours this round.`,
  `You win this one, ${s.other}: keep all ${s.coins}.`,
  `${cap(x)} beats that, so go ahead and take everything.`,
  `That loses to your ${x}, so the pot is yours.`,
  `The round is yours; I'll propose 0.`,
  `${cap(x)} takes it. All ${s.coins} coins to you.`,
  `Your ${x} comes out on top, so I'm putting in 0.`,
];

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
export const YOUR_TURN = (s: Say): string[] => ['Now, what do you have?', 'Your turn: what is yours?', `And you, ${s.other}?`, 'What about you?', 'Over to you.'];

/** After an honest claim when the other has not spoken this round. */
export const HONEST_OPENING = (s: Say): string[] => [
  `Whoever has the upper hand should take all ${s.coins} coins.`,
  'Tell me yours and the winner takes everything.',
  "If your hand beats it, keep all the coins and I'll propose 0.",
  `What do you have, ${s.other}?`,
  "Let's give the whole pot to the upper hand.",
  "Let's both be open and let the stronger hand take the pot.",
  'Your turn: what is your hand?',
];

/** After a greedy claim that "beats" the other's stated hand `x`. */
export const GREEDY_BEATING = (s: Say, x: Hand): string[] => [
  `That beats your ${x}. The coins are mine this round.`,
  `Sorry ${s.other}, ${s.hand} beats ${x}, so propose 0.`,
  `So your ${x} loses. Let me take the ${s.coins}.`,
  `${cap(s.hand)} over ${x}: I'm taking the pot.`,
  `Your ${x} doesn't stand a chance; propose 0.`,
];

/** After a greedy claim with nothing to answer ('' = the claim alone). */
export const GREEDY_OPENING = (s: Say): string[] => [
  '',
  `I'm taking all ${s.coins} coins.`,
  "I'm keeping everything.",
  "You'd better concede.",
  'The pot is mine this round.',
  "Propose 0 and we'll be done quickly.",
];

/** Fair talk: never mentions a hand. */
export const FAIR_TALK = (half: number, other: string): string[] => [
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
];

/** Fair's reply to a question: it keeps its hand to itself. */
export const FAIR_DEFLECTS: readonly string[] = ["I'd rather not talk hands.", "I'll keep my hand to myself.", 'No hand talk from me.', 'My hand stays private.'];

/** Chatter for the random agent, including position claims and questions ('' = silence). */
export const RANDOM_CHATTER = (other: string): string[] => [
  'What hand do you have?',
  'I have the upper hand, trust me.',
  "I'm lower this round, go ahead.",
  `Hi ${other}! Good luck.`,
  'Hmm, let me think about this one.',
  'Tough call this time.',
  'What are you holding?',
  `Your move, ${other}.`,
  '',
];
