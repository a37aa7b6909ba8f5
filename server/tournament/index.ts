import { writeResults } from './report.ts';
import { tournamentResults, type TournamentResults } from './results.ts';
import { runTournament, type RunnerOptions } from './runner.ts';
import type { TournamentSpec } from './spec.ts';

export { tournamentSpec, usesLlm, type TournamentSpec, type TournamentOptions } from './spec.ts';
export { TournamentDirError } from './store.ts';
export { buildSchedule, totalGames } from './schedule.ts';

/**
 * Play (or finish) a tournament in DIR and write its results: leaderboard.csv, facing.csv, games.csv,
 * report.html. The results are a function of games.jsonl alone, so a resumed run writes the same bytes
 * as an uninterrupted one.
 */
export async function playTournament(
  spec: TournamentSpec,
  dir: string,
  options: RunnerOptions,
): Promise<{ results: TournamentResults; games: number; resumed: number }> {
  const run = await runTournament(spec, dir, options);
  const results = tournamentResults(spec, run.records);
  writeResults(dir, spec, run.records, results);
  return { results, games: run.records.length, resumed: run.resumed };
}
