import type { Hand } from '../hands.ts';

/**
 * Natural-language templates for the scripted agents. Every template that states a hand does so
 * in a form claims.ts extracts (the agents test checks each one), and no template states a
 * position, so an honest agent never lies by accident when the other's claim was false.
 */
export interface Say {
  hand: Hand;
  /** the other player's display name */
  other: string;
  coins: number;
}

type Template = (s: Say, otherHand: Hand) => string;
type OpenTemplate = (s: Say) => string;

const cap = (word: string): string => word.charAt(0).toUpperCase() + word.slice(1);

/** Honest opening: states the true hand, asks for the other's. */
export const HONEST_OPENING: OpenTemplate[] = [
  (s) => `I have ${s.hand}. Whoever has the upper hand should take all ${s.coins} coins.`,
  (s) => `My hand is ${s.hand} this round. Tell me yours and the winner takes everything.`,
  (s) => `I've got ${s.hand}. If your hand beats it, keep all the coins and I'll propose 0.`,
  (s) => `${cap(s.hand)} here. What do you have, ${s.other}?`,
  (s) => `Honestly, I'm holding ${s.hand}. Let's give the whole pot to the upper hand.`,
];

/** Honest reply when our hand beats the other's stated hand. */
export const HONEST_WINNING: Template[] = [
  (s, x) => `I have ${s.hand}, and ${s.hand} beats ${x}, so I'll take all ${s.coins} coins. Please propose 0.`,
  (s, x) => `My hand is ${s.hand}. Since ${s.hand} beats your ${x}, the coins should come to me this round.`,
  (s, x) => `I've got ${s.hand}. That beats ${x}, so I'll keep the ${s.coins} and you keep 0. You'll get them back when you're ahead.`,
  (s, x) => `Thanks for being straight, ${s.other}. I'm holding ${s.hand}, which beats ${x}, so I'll propose ${s.coins}.`,
];

/** Honest reply when the other's stated hand beats ours. */
export const HONEST_LOSING: Template[] = [
  (s, x) => `I have ${s.hand}, so your ${x} wins. Take all ${s.coins} coins, I'll propose 0.`,
  (s, x) => `My hand is ${s.hand}. ${cap(x)} beats it, so the coins are yours this round.`,
  (s) => `I'm holding ${s.hand}. You win this one, ${s.other}: keep all ${s.coins}.`,
  (s, x) => `${cap(x)} beats my ${s.hand}. Go ahead and take everything, I'll put in 0.`,
];

/** Honest reply when the other's statement cannot be true (same hand, or self-contradictory). */
export const HONEST_DOUBTFUL: OpenTemplate[] = [
  (s) => `I have ${s.hand}, which does not add up with what you said: our hands always differ. I'll propose an even split.`,
  (s) => `My hand is ${s.hand}, so your claim can't be right. Let's split evenly this round.`,
];

/** Honest reply when the other spoke without stating a hand. */
export const HONEST_UNANSWERED: OpenTemplate[] = [
  (s) => `I have ${s.hand}. You didn't say your hand, so I'll propose half.`,
  (s) => `My hand is ${s.hand}. Tell me yours next time and we can both do better; for now, half each.`,
];

/** Greedy claim of a hand that beats the other's stated hand. */
export const GREEDY_BEATING: Template[] = [
  (s, x) => `I have ${s.hand}, which beats your ${x}. The coins are mine this round.`,
  (s, x) => `My hand is ${s.hand}. Sorry ${s.other}, ${s.hand} beats ${x}, so propose 0.`,
  (s, x) => `I've got ${s.hand}, so your ${x} loses. Let me take the ${s.coins}.`,
];

/** Greedy claim with nothing to answer. */
export const GREEDY_OPENING: OpenTemplate[] = [
  (s) => `I have ${s.hand}.`,
  (s) => `My hand is ${s.hand}, so I'm taking all ${s.coins} coins.`,
  (s) => `Got ${s.hand} this round. I'm keeping everything.`,
  (s) => `I'm holding ${s.hand}. You'd better concede.`,
];

/** Fair talk: never mentions a hand. */
export const FAIR_TALK: ((half: number, other: string) => string)[] = [
  (h) => `Let's keep it simple: ${h} coins each.`,
  (h) => `I'll propose ${h} and leave ${h} for you. Fair and square.`,
  () => `No need to talk hands. An even split is the safest deal for both of us.`,
  (_h, other) => `Half and half works for me, ${other}.`,
  (h) => `I'm proposing ${h}. Even splits keep everyone happy.`,
];

/** Chatter for the random agent, including position claims and questions. */
export const RANDOM_CHATTER: ((other: string) => string)[] = [
  () => 'What hand do you have?',
  () => 'I have the upper hand, trust me.',
  () => "I'm lower this round, go ahead.",
  (other) => `Hi ${other}! Good luck.`,
  () => 'Hmm, let me think about this one.',
  () => '',
];
