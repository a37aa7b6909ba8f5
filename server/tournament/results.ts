import type { GameRecord } from './record.ts';
import { rateGames, type AgentRating } from './ratings.ts';
import { Clustered, type Interval } from './stats.ts';
import type { TournamentSpec } from './spec.ts';

/** The Traitors' role-specific measures of one agent. */
export interface RoleMeasures {
  /** seats held as traitor / as faithful */
  traitorSeats: number;
  faithfulSeats: number;
  traitorWin: Interval;
  faithfulWin: Interval;
  /** traitor seats never banished */
  deception: Interval;
  /** faithful seats' round-table votes on a traitor */
  detection: Interval;
}

export interface LeaderRow {
  agent: string;
  /** games the agent played in (a game it holds several seats of counts once) */
  games: number;
  /** seats held over all games */
  seats: number;
  /** points per round (Trust-and-Split) or win rate (The Traitors), by seed, over all its seats */
  score: Interval;
  rating: AgentRating;
  roles?: RoleMeasures;
}

export interface FaceOffCell {
  row: string;
  column: string;
  /** seats of the row agent that met the column agent */
  seats: number;
  score: Interval;
}

export interface TournamentResults {
  /** "points per round" or "win rate" */
  scoreName: string;
  leaderboard: LeaderRow[];
  /** row-major over agents in entrant order */
  faceOff: FaceOffCell[];
  agents: string[];
}

const RATE = [0, 1] as const;

class AgentTally {
  games = 0;
  seats = 0;
  traitorSeats = 0;
  faithfulSeats = 0;
  readonly score = new Clustered();
  readonly traitorWin = new Clustered();
  readonly faithfulWin = new Clustered();
  readonly deception = new Clustered();
  readonly detection = new Clustered();
}

/**
 * Leaderboard, face-off matrix and ratings from the finished games. The independent unit of every
 * interval is the game index (one seed, common to all tables): see Clustered.
 */
export function tournamentResults(spec: TournamentSpec, records: readonly GameRecord[]): TournamentResults {
  const agents = spec.entrants.map((e) => e.label);
  const tallies = new Map(agents.map((a) => [a, new AgentTally()]));
  const faceOff = new Map<string, { seats: number; score: Clustered }>();
  const cell = (row: string, column: string) => {
    const key = JSON.stringify([row, column]);
    let c = faceOff.get(key);
    if (!c) faceOff.set(key, (c = { seats: 0, score: new Clustered() }));
    return c;
  };
  const hasRoles = spec.game === 'traitors';
  // Traitors scores are rates: a t-interval over few seeds can overshoot [0, 1], so it is cut there
  const scoreRange = hasRoles ? RATE : undefined;

  for (const record of records) {
    const unit = record.game;
    for (const agent of new Set(record.seats.map((s) => s.agent))) tallies.get(agent)!.games++;
    record.seats.forEach((seat, i) => {
      const t = tallies.get(seat.agent)!;
      t.seats++;
      t.score.add(unit, seat.score);
      if (seat.role === 'traitor') {
        t.traitorSeats++;
        t.traitorWin.add(unit, seat.score);
        t.deception.add(unit, seat.deceived);
      } else if (seat.role === 'faithful') {
        t.faithfulSeats++;
        t.faithfulWin.add(unit, seat.score);
        t.detection.add(unit, seat.detection);
      }
      // who this seat played against: the other seat, or every agent of the other camp
      const opponents = hasRoles
        ? new Set(record.seats.filter((o) => o.role !== seat.role).map((o) => o.agent))
        : new Set(record.seats.filter((_, j) => j !== i).map((o) => o.agent));
      for (const opponent of opponents) {
        const c = cell(seat.agent, opponent);
        c.seats++;
        c.score.add(unit, seat.score);
      }
    });
  }

  const ratings = rateGames(agents, records);
  const leaderboard = agents.map((agent): LeaderRow => {
    const t = tallies.get(agent)!;
    return {
      agent,
      games: t.games,
      seats: t.seats,
      score: t.score.interval(scoreRange),
      rating: ratings.get(agent)!,
      ...(hasRoles
        ? {
            roles: {
              traitorSeats: t.traitorSeats,
              faithfulSeats: t.faithfulSeats,
              traitorWin: t.traitorWin.interval(RATE),
              faithfulWin: t.faithfulWin.interval(RATE),
              deception: t.deception.interval(RATE),
              detection: t.detection.interval(RATE),
            },
          }
        : {}),
    };
  });
  // best first; the entrant order breaks exact ties so the order is reproducible
  leaderboard.sort((a, b) => (b.score.mean ?? -Infinity) - (a.score.mean ?? -Infinity) || agents.indexOf(a.agent) - agents.indexOf(b.agent));

  const cells: FaceOffCell[] = [];
  for (const row of agents) {
    for (const column of agents) {
      const c = faceOff.get(JSON.stringify([row, column]));
      cells.push({ row, column, seats: c?.seats ?? 0, score: c ? c.score.interval(scoreRange) : { n: 0, mean: null, lo: null, hi: null } });
    }
  }
  return { scoreName: hasRoles ? 'win rate' : 'points per round', leaderboard, faceOff: cells, agents };
}
