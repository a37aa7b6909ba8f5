import { getGame, resolveConfig } from '../../shared/games/index.ts';
import type { TournamentSpec } from './spec.ts';

/**
 * One table of the schedule: which entrant sits at each seat. Every table plays game indexes
 * 0..gamesPerPairing-1, and game k of EVERY table uses the same seed (the simulator derives it from
 * the tournament seed and k): common random numbers, so the same deals and roles meet every lineup.
 */
export interface Table {
  index: number;
  /** entrant index per seat */
  seats: number[];
}

export function seatCount(spec: TournamentSpec): number {
  const game = getGame(spec.game);
  return game.seatCount(resolveConfig(game, spec.preset, spec.config));
}

/**
 * Two-seat games (Trust-and-Split): a round robin over every ordered pair (A at seat 0 against B at
 * seat 1, and B against A) so neither seat's luck favours anyone; with self-play, each agent also
 * meets itself once (both seats are its own).
 *
 * Larger tables (The Traitors): a lineup fills the S seats with the K entrants in turn, and the
 * lineup is rotated through all S seats. With one seed per game index, the traitor seats are the
 * same in every rotation, so each lineup slot sits on each traitor seat exactly once per seed: every
 * agent is traitor T times per S seats it holds. When K does not divide S the K shifts of the lineup
 * are played too, so that every entrant holds the same number of seats overall.
 */
export function buildSchedule(spec: TournamentSpec): Table[] {
  const seats = seatCount(spec);
  const k = spec.entrants.length;
  const tables: Table[] = [];
  if (seats === 2) {
    for (let a = 0; a < k; a++) {
      for (let b = 0; b < k; b++) {
        if (a === b && !spec.selfPlay) continue;
        tables.push({ index: tables.length, seats: [a, b] });
      }
    }
    return tables;
  }
  const shifts = seats % k === 0 ? 1 : k;
  for (let shift = 0; shift < shifts; shift++) {
    for (let rotation = 0; rotation < seats; rotation++) {
      const lineup = Array.from({ length: seats }, (_, seat) => (((seat + rotation) % seats) + shift) % k);
      tables.push({ index: tables.length, seats: lineup });
    }
  }
  return tables;
}

export function totalGames(spec: TournamentSpec, tables: readonly Table[]): number {
  return tables.length * spec.gamesPerPairing;
}
