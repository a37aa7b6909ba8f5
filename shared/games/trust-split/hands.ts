/** Rock-paper-scissors hands and who has the upper hand. */
export const HANDS = ['rock', 'paper', 'scissors'] as const;
export type Hand = (typeof HANDS)[number];

/** Which side of the round a seat is on: its hand wins (upper) or loses (lower). */
export type Position = 'upper' | 'lower';

const BEATS: Record<Hand, Hand> = { rock: 'scissors', paper: 'rock', scissors: 'paper' };
const BEATEN_BY: Record<Hand, Hand> = { rock: 'paper', paper: 'scissors', scissors: 'rock' };

/** True when `a` beats `b` (rock > scissors > paper > rock). */
export function beats(a: Hand, b: Hand): boolean {
  return BEATS[a] === b;
}

/** The hand that `hand` beats. */
export function handBeatenBy(hand: Hand): Hand {
  return BEATS[hand];
}

/** The hand that beats `hand`. */
export function handThatBeats(hand: Hand): Hand {
  return BEATEN_BY[hand];
}

export function isHand(value: unknown): value is Hand {
  return value === 'rock' || value === 'paper' || value === 'scissors';
}

/**
 * The other player's hand, known from one's own hand and the other's position: hands always
 * differ, so "the other had the upper hand" pins it down exactly.
 */
export function otherHandFrom(ownHand: Hand, otherPosition: Position): Hand {
  return otherPosition === 'upper' ? handThatBeats(ownHand) : handBeatenBy(ownHand);
}
