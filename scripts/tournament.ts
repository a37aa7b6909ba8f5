#!/usr/bin/env tsx
// Tournaments: a round robin of agents with paired seeds; leaderboard, face-off matrix and report (docs/tournaments.md).
import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import { Command, Option } from 'commander';
import { positiveInt, uint32, jsonObject } from './cli-options.ts';
import cliProgress from 'cli-progress';
import { GAME_IDS } from '../shared/games/index.ts';
import { playTournament, tournamentSpec, usesLlm, type TournamentSpec } from '../server/tournament/index.ts';


const program = new Command()
  .name('npm run tournament --')
  .description('Round-robin tournament of agents with paired seeds; writes leaderboard.csv, facing.csv, games.csv and report.html. Rerun the same command to resume.')
  .addOption(new Option('--game <game>', 'which game').choices(GAME_IDS).makeOptionMandatory())
  .requiredOption('--agents <list>', 'comma-separated agents (scripted names, llm, llm:<model>), or a JSON array of names and LLM spec objects')
  .requiredOption('--games-per-pairing <n>', 'games per pairing (Trust-and-Split) or per table rotation (The Traitors)', positiveInt)
  .requiredOption('--out <dir>', 'output directory (an existing one of the same tournament is resumed)')
  .option('--seed <s>', 'tournament seed (game k of every table uses a seed derived from it and k)', uint32, 1)
  .option('--preset <name>', "config preset (default: the game's first preset)")
  .option('--config <json>', 'config overrides on top of the preset, as JSON', jsonObject)
  .option('--no-self-play', 'Trust-and-Split: leave out each agent against itself')
  .option('--concurrency <c>', 'worker threads; with LLM seats: games played at once (requests per endpoint stay within PARLEY_LLM_CONCURRENCY)', positiveInt, 1)
  .addHelpText('after', `\nExample: npm run tournament -- --game trust-split --agents cooperative,greedy,tit-for-tat,fair,random --games-per-pairing 200 --concurrency 2 --out out/ts`);

program.parse();
const opts = program.opts<{
  game: string; agents: string; gamesPerPairing: number; out: string; seed: number; preset?: string;
  config?: Record<string, unknown>; selfPlay: boolean; concurrency: number;
}>();

function validated(): TournamentSpec {
  try {
    return tournamentSpec(opts);
  } catch (error) {
    return program.error(`error: ${error instanceof Error ? error.message : String(error)}`);
  }
}
const spec = validated();
if (!usesLlm(spec) && opts.concurrency > availableParallelism()) {
  console.error(`note: --concurrency ${opts.concurrency} is more than this machine's ${availableParallelism()} cores`);
}

const outDir = resolve(opts.out);
// a bar on a terminal only; elsewhere (logs, CI) one line at the end
const bar = process.stderr.isTTY
  ? new cliProgress.SingleBar(
      { format: ' {bar} {value}/{total} games | {rate} games/s | {eta_formatted} left', hideCursor: true, stream: process.stderr, etaBuffer: 50 },
      cliProgress.Presets.shades_classic,
    )
  : null;
const started = performance.now();
// the rate counts games played by this run, from its first progress report (after start-up)
let first: { done: number; at: number } | null = null;
process.once('SIGINT', () => {
  bar?.stop();
  console.error(`\ninterrupted: finished games are saved in ${outDir}/games.jsonl; rerun the same command to resume`);
  process.exit(130);
});
try {
  const { results, games, resumed } = await playTournament(spec, outDir, {
    concurrency: opts.concurrency,
    onProgress: (done, total) => {
      if (!bar) return;
      if (!first) {
        first = { done, at: performance.now() };
        bar.start(total, done, { rate: 0 });
        return;
      }
      const seconds = (performance.now() - first.at) / 1000;
      bar.update(done, { rate: seconds > 0 ? Math.round((done - first.done) / seconds) : 0 });
    },
  });
  bar?.stop();
  const seconds = (performance.now() - started) / 1000;
  const played = games - resumed;
  console.error(`tournament: ${games} games (${resumed} resumed, ${played} played in ${seconds.toFixed(1)} s${played && seconds > 0 ? `, ${Math.round(played / seconds)} games/s` : ''})`);
  console.log(`wrote ${outDir}/{leaderboard.csv,facing.csv,games.csv,report.html}`);
  for (const [i, r] of results.leaderboard.entries()) {
    const ci = r.score.lo === null ? '' : ` [${r.score.lo.toFixed(3)}, ${r.score.hi!.toFixed(3)}]`;
    console.log(`${String(i + 1).padStart(2)}. ${r.agent.padEnd(16)} ${results.scoreName} ${r.score.mean?.toFixed(3) ?? '—'}${ci}  ordinal ${r.rating.ordinal.toFixed(2)}`);
  }
} catch (error) {
  bar?.stop();
  console.error(`tournament failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
