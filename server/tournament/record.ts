import type { GameEventBase } from '../../shared/engine/game.ts';
import { faithfulVotesBySeat, traitorsMetrics, type Role, type TraitorsEvent } from '../../shared/games/traitors/index.ts';
import type { GameRow } from '../sim/serialize.ts';
import type { TournamentSpec } from './spec.ts';
import type { Table } from './schedule.ts';

/** What one seat of one game contributes to the tournament's statistics. */
export interface SeatRecord {
  agent: string;
  /** Trust-and-Split: points per round; The Traitors: 1 when the seat's side won, else 0 */
  score: number | null;
  /** The Traitors only: the role dealt */
  role?: Role;
  /** The Traitors: a dealt faithful who accepted the traitors' offer (and so won or lost with them) */
  recruited?: true;
  /** The Traitors, traitor seats: 1 when never banished (their cover held to the end), else 0 */
  deceived?: number;
  /** The Traitors, faithful seats: share of their round-table votes cast on a traitor (null: never voted) */
  detection?: number | null;
}

/** One line of DIR/games.jsonl: a finished game of the schedule. */
export interface GameRecord {
  table: number;
  game: number;
  seed: number;
  outcome: string;
  seats: SeatRecord[];
  headline: Record<string, number | string | null>;
}

/** Whether the seat measures need the game's events (not only its headline numbers). */
export function needsEvents(gameId: string): boolean {
  return gameId === 'traitors';
}

/**
 * The Traitors per seat, from the game's metrics (shared/games/traitors/metrics.ts). `role` is the
 * role dealt, the one the schedule balances; whether the seat won is the engine's answer (the side it
 * was on at the end), so a faithful recruited into the traitors wins when they do. Deception is per
 * dealt traitor; detection per dealt faithful, over the round-table votes it cast while faithful,
 * which FCR / faithfulAccuracy pool over all faithful.
 */
function traitorsSeats(labels: string[], events: readonly TraitorsEvent[]): SeatRecord[] {
  const { outcome, recruitment } = traitorsMetrics(events);
  const votes = faithfulVotesBySeat(events);
  return labels.map((agent, seat) => {
    const role = recruitment.initialRoles[seat];
    const side = recruitment.finalRoles[seat];
    const won = outcome.winner === null ? null : (outcome.winner === 'traitors') === (side === 'traitor') ? 1 : 0;
    const recruited = side !== role ? { recruited: true as const } : {};
    if (role === 'traitor') {
      const banished = outcome.eliminations.some((e) => e.seat === seat && e.cause === 'banished');
      return { agent, score: won, role, deceived: banished ? 0 : 1 };
    }
    const { cast, onTraitor } = votes[seat];
    return { agent, score: won, role, ...recruited, detection: cast === 0 ? null : onTraitor / cast };
  });
}

/** Trust-and-Split per seat: points per round, from the headline. */
function pointsSeats(labels: string[], headline: GameRow['headline']): SeatRecord[] {
  return labels.map((agent, seat) => {
    const points = headline[`pointsPerRound${seat}`];
    return { agent, score: typeof points === 'number' ? points : null };
  });
}

export function gameRecord(
  spec: TournamentSpec,
  table: Table,
  row: Pick<GameRow, 'game' | 'seed' | 'outcome' | 'headline'>,
  events: readonly GameEventBase[] | undefined,
): GameRecord {
  const labels = table.seats.map((e) => spec.entrants[e].label);
  let seats: SeatRecord[];
  if (spec.game === 'traitors') {
    if (!events) throw new Error('traitors seat measures need the game events');
    seats = traitorsSeats(labels, events as TraitorsEvent[]);
  } else {
    seats = pointsSeats(labels, row.headline);
  }
  return { table: table.index, game: row.game, seed: row.seed, outcome: row.outcome, seats, headline: row.headline };
}

/** Events per game index from a chunk's events.jsonl text (the simulator's worker output). */
export function eventsByGame(eventLines: string): Map<number, GameEventBase[]> {
  const byGame = new Map<number, GameEventBase[]>();
  for (const line of eventLines.split('\n')) {
    if (!line) continue;
    const { game, event } = JSON.parse(line) as { game: number; event: GameEventBase };
    const list = byGame.get(game);
    if (list) list.push(event);
    else byGame.set(game, [event]);
  }
  return byGame;
}
