import { Purpose, Rng, type RngKey, type Seed } from './rng.ts';

/** Human-like display names, so players (and models) cannot tell agents by their names. */
export const PLAYER_NAMES = [
  'Alice', 'Ben', 'Chloe', 'Daniel', 'Elena', 'Farid', 'Grace', 'Hugo', 'Isla', 'Jonas',
  'Keiko', 'Liam', 'Maya', 'Nikhil', 'Olivia', 'Pablo', 'Quinn', 'Rosa', 'Samir', 'Tara',
  'Umar', 'Vera', 'Wes', 'Ximena', 'Yusuf', 'Zoe',
] as const;

/** `count` distinct names in a seeded order (the seed's own names stream, apart from roles). */
export function pickNames(count: number, seed: Seed | RngKey): string[] {
  if (count > PLAYER_NAMES.length) throw new RangeError(`at most ${PLAYER_NAMES.length} named seats`);
  return Rng.stream(seed, Purpose.names).shuffle(PLAYER_NAMES).slice(0, count);
}
