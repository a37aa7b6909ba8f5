#!/usr/bin/env tsx
// Headless simulator: plays N games with agents in every seat and writes the batch's data.
import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import { Command, InvalidArgumentError, Option } from 'commander';
import { positiveInt, uint32, jsonObject } from './cli-options.ts';
import cliProgress from 'cli-progress';
import { GAME_IDS, getGame } from '../shared/games/index.ts';
import { simulateToDir } from '../server/sim/run.ts';
import { mergeShards } from '../server/sim/merge.ts';
import { batchGames, parseShard, shardLabel, type Shard } from '../server/sim/shard.ts';
import { batchUsesLlm } from '../server/sim/llm.ts';
import { VOTES_FORMATS, type VotesFormat } from '../server/export/tables.ts';
import { readFileSync } from 'node:fs';
import { parsePersonaList, type Persona } from '../shared/personas.ts';

function shardOption(value: string): Shard {
  try {
    return parseShard(value);
  } catch (error) {
    throw new InvalidArgumentError(error instanceof Error ? error.message : String(error));
  }
}

function progressBar(label: string) {
  return process.stderr.isTTY
    ? new cliProgress.SingleBar(
        { format: `${label}{bar} {percentage}% | {value}/{total} games | {eta_formatted} left`, hideCursor: true, stream: process.stderr },
        cliProgress.Presets.shades_classic,
      )
    : null;
}

// `npm run simulate -- merge --out DIR SHARD_DIR…`: its own command, so the batch options stay required for a run
if (process.argv[2] === 'merge') {
  const merge = new Command()
    .name('npm run simulate -- merge')
    .description('Join the folders of shards 0/n … (n-1)/n of one batch into what one unsharded run would have written, byte for byte.')
    .argument('<shard-dirs...>', 'the shard folders (each written by a run with --shard i/n), in any order')
    .requiredOption('--out <dir>', 'where to write the merged batch')
    .addHelpText('after', '\nExample: npm run simulate -- merge --out out/all out/s0 out/s1 out/s2')
    .parse(process.argv.slice(3), { from: 'user' });
  const bar = progressBar(' merge ');
  try {
    const outDir = resolve(merge.opts<{ out: string }>().out);
    const result = await mergeShards(merge.args, outDir, (done, total) => {
      if (done === 1) bar?.start(total, 0);
      bar?.update(done);
    });
    bar?.stop();
    console.log(`merged ${merge.args.length} shards: ${result.games} games, ${result.events} events into ${outDir}`);
    process.exit(0);
  } catch (error) {
    bar?.stop();
    console.error(`merge refused: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  }
}

function personaFile(path: string): Persona[] {
  try {
    return parsePersonaList(JSON.parse(readFileSync(path, 'utf8')));
  } catch (error) {
    throw new InvalidArgumentError(`${path}: ${error instanceof Error ? error.message : String(error)}`);
  }
}

const program = new Command()
  .name('npm run simulate --')
  .description('Play games headlessly with agents in every seat; write events.jsonl, games.csv and summary.json.')
  .addOption(new Option('--game <game>', 'which game').choices(GAME_IDS).makeOptionMandatory())
  .requiredOption('--games <n>', 'number of games', positiveInt)
  .option('--seed <s>', 'batch seed (game i uses a seed derived from it)', uint32, 1)
  .option('--preset <name>', 'config preset (default: the game\'s first preset)')
  .option('--config <json>', 'config overrides on top of the preset, as JSON', jsonObject)
  .option('--agents <spec>', 'one agent for every seat, or comma-separated per seat; traitors: "scripted" = sleuth/schemer by role; "llm", "llm:<model>", a JSON spec or a JSON array of per-seat specs for LLM seats', 'scripted')
  .option('--concurrency <c>', 'worker threads; with LLM seats: games played at once (model calls are I/O-bound)', positiveInt, 1)
  .option('--personas <file>', 'a JSON list of personas dealt to each game\'s seats, shuffled with the game\'s seed (e.g. docs/examples/personas.json)', personaFile)
  .requiredOption('--out <dir>', 'output directory')
  .option('--shard <i/n>', 'play only shard i of n (0-based: 0/4 … 3/4): games i, i+n, i+2n, …, each exactly as the whole batch plays it; join the shard folders with "merge"', shardOption)
  .option('--no-export', 'skip the study-data exports (DIR/games/<index>/, combined tables, report.html)')
  .addOption(
    new Option('--votes-format <form>', 'The Traitors\' votes.csv: "parley" (every ballot, actor column) or "reference" (the reference implementation\'s own rows, docs/study-data.md)')
      .choices(VOTES_FORMATS)
      .default('parley'),
  )
  .addHelpText(
    'after',
    `\nAgents: traitors: scripted, sleuth, schemer, random; trust-split: scripted, cooperative, greedy, tit-for-tat, fair, random.
LLM seats: "llm" (model and endpoint from PARLEY_LLM_PROVIDER, PARLEY_LLM_BASE_URL, PARLEY_LLM_MODEL, PARLEY_LLM_API_KEY),
"llm:<model>", or '{"type":"llm","provider":"openai-compatible","model":"…","baseURL":"…"}'; mix per seat, e.g. llm,greedy.
Model calls go to DIR/llm_calls.jsonl. See docs/llm-agents.md.
Example: npm run simulate -- --game trust-split --games 2000 --agents greedy,fair --out out/gf
Sharded: run --shard 0/3, 1/3 and 2/3 (anywhere, same other options), then
  npm run simulate -- merge --out DIR SHARD_DIR… (see npm run simulate -- merge --help)`,
  );

program.parse();
const opts = program.opts<{
  game: string; games: number; seed: number; preset?: string; config?: Record<string, unknown>;
  agents: string; concurrency: number; out: string; export: boolean; votesFormat: VotesFormat; personas?: Persona[]; shard?: Shard;
}>();

const game = getGame(opts.game);
if (opts.preset && !game.presets[opts.preset]) {
  program.error(`error: unknown preset "${opts.preset}" for ${game.id}; choose one of: ${Object.keys(game.presets).join(', ')}`);
}
let usesLlm = false;
try {
  usesLlm = batchUsesLlm({ game: opts.game, games: opts.games, seed: opts.seed, preset: opts.preset, config: opts.config, agents: opts.agents });
} catch (error) {
  program.error(`error: ${error instanceof Error ? error.message : String(error)}`);
}
if (!usesLlm && opts.concurrency > availableParallelism()) {
  console.error(`note: --concurrency ${opts.concurrency} is more than this machine's ${availableParallelism()} cores`);
}

const outDir = resolve(opts.out);
const bar = progressBar(opts.shard ? ` shard ${shardLabel(opts.shard)} ` : ' ');
bar?.start(batchGames(opts.games, opts.shard).length, 0);
const started = performance.now();
try {
  const result = await simulateToDir(
    { game: opts.game, games: opts.games, seed: opts.seed, preset: opts.preset, config: opts.config, agents: opts.agents, votesFormat: opts.votesFormat, ...(opts.personas ? { personas: opts.personas } : {}) },
    outDir,
    { concurrency: opts.concurrency, onProgress: (done) => bar?.update(done), exports: opts.export, ...(opts.shard ? { shard: opts.shard } : {}) },
  );
  bar?.stop();
  const seconds = (performance.now() - started) / 1000;
  console.log(`${result.games} ${game.title} games, ${result.events} events in ${seconds.toFixed(2)} s (${(result.games / seconds).toFixed(0)} games/s)`);
  console.log(`wrote ${outDir}/{events.jsonl,games.csv,summary.json${usesLlm || opts.export ? ',llm_calls.jsonl' : ''}}`);
  if (opts.shard) {
    console.log(`shard ${shardLabel(opts.shard)} of the batch (0-based; ${outDir}/shard.json): once every shard is done, npm run simulate -- merge --out DIR <the ${opts.shard.count} shard folders>`);
  }
  if (opts.export) console.log(`study data: ${outDir}/games/<index>/, combined tables with a game column, ${outDir}/report.html (docs/study-data.md)`);
  const llm = (result.summary as { llm?: { calls: number; fallbacks: number; inputTokens: number; outputTokens: number } }).llm;
  if (llm) console.log(`LLM: ${llm.calls} calls, ${llm.fallbacks} fallbacks, ${llm.inputTokens} input and ${llm.outputTokens} output tokens`);
  console.log(JSON.stringify((result.summary as { metrics: unknown }).metrics, null, 2));
} catch (error) {
  bar?.stop();
  console.error(`simulate failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
