#!/usr/bin/env tsx
// Run a paper's experiment design through the simulator and report Parley's tables beside the paper's figures.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Command, Option } from 'commander';
import { positiveInt, uint32 } from './cli-options.ts';
import { EXPERIMENTS, experimentById, type ModelSeat } from '../server/reproduce/experiments.ts';
import { reproduce } from '../server/reproduce/run.ts';
import { isLlmSpec, llmAgentName, parseAgentSpec } from '../server/llm/spec.ts';

/** Games per arm of the CI-sized run. */
const SMOKE_GAMES = 4;

const collect = (value: string, previous: string[] = []) => [...previous, ...value.split(',').map((s) => s.trim()).filter(Boolean)];

const program = new Command()
  .name('npm run reproduce --')
  .description('Play a paper\'s experiment design headlessly and write DIR/report.md and DIR/report.html: Parley\'s measured tables beside the paper\'s published figures.')
  .argument('<experiment>', `one of: ${[...EXPERIMENTS.keys()].join(', ')}`)
  .addOption(new Option('--agents <kind>', 'scripted agents in the model\'s seats (no model, no key): a smoke test of the whole pipeline').choices(['scripted']))
  .option('--model <name...>', 'an LLM model for the model seats (endpoint from PARLEY_LLM_*); several (repeat or comma-separate) give one arm each', collect)
  .option('--spec <file>', 'a JSON LLM agent spec for the model seats, or a JSON array of specs (one arm each); "prompts" defaults to "reference"')
  .option('--games <n>', 'games per arm (default: the paper\'s number)', positiveInt)
  .option('--smoke', `CI-sized: ${SMOKE_GAMES} games per arm (unless --games is given)`)
  .option('--seed <s>', 'batch seed of every arm', uint32, 1)
  .option('--concurrency <c>', 'games played at once with LLM seats (worker threads for scripted arms)', positiveInt, 1)
  .option('--out <dir>', 'output directory (default: out/reproduce/<experiment>)')
  .addHelpText('after', '\nExamples:\n  npm run reproduce -- trust-split-2511.19405 --agents scripted --smoke\n  PARLEY_LLM_BASE_URL=http://localhost:11434/v1 npm run reproduce -- traitors-2505.12923 --model llama3.1:8b --concurrency 4\nCost in calls and tokens, and the sources of the papers\' figures: docs/reproduce.md');
program.parse();
const opts = program.opts<{ agents?: 'scripted'; model?: string[]; spec?: string; games?: number; smoke?: boolean; seed: number; concurrency: number; out?: string }>();

const fail = (message: string): never => program.error(`error: ${message}`);

let experiment;
try {
  experiment = experimentById(program.args[0]);
} catch (error) {
  fail((error as Error).message);
}
const given = [opts.agents, opts.model, opts.spec].filter((o) => o !== undefined).length;
if (given > 1) fail('give one of --agents scripted, --model or --spec');

/** An LLM seat: the reference prompt set unless the spec names one; validated now, so a bad spec fails before any game. */
function llmSeat(input: Record<string, unknown>): ModelSeat {
  const withPrompts = { prompts: 'reference', ...input };
  const choice = parseAgentSpec(withPrompts);
  if (!isLlmSpec(choice)) fail('a spec file holds LLM agent specs ({"type":"llm", …}); scripted seats come from --agents scripted');
  return { agent: withPrompts, label: llmAgentName(choice as never) };
}

const models: ModelSeat[] = [];
try {
  for (const model of opts.model ?? []) models.push(llmSeat({ type: 'llm', model }));
  if (opts.spec !== undefined) {
    const parsed: unknown = JSON.parse(readFileSync(resolve(opts.spec), 'utf8'));
    const specs = Array.isArray(parsed) ? parsed : [parsed];
    if (specs.length === 0 || specs.some((s) => !s || typeof s !== 'object' || Array.isArray(s))) fail(`${opts.spec}: expected a JSON spec object or an array of them`);
    for (const spec of specs) models.push(llmSeat(spec as Record<string, unknown>));
  }
} catch (error) {
  fail((error as Error).message);
}

const outDir = resolve(opts.out ?? `out/reproduce/${experiment!.id}`);
const games = opts.games ?? (opts.smoke ? SMOKE_GAMES : undefined);
console.log(`${experiment!.id}: ${models.length ? models.map((m) => m.label).join(', ') : `${experiment!.scriptedModel.label} (no model)`}, ${games ?? experiment!.games} games per arm`);
try {
  const result = await reproduce({
    experiment: experiment!,
    models,
    games,
    seed: opts.seed,
    concurrency: opts.concurrency,
    outDir,
    onArm: (arm, index, total) => console.log(`  arm ${index + 1}/${total}: ${arm.label}`),
  });
  const calls = result.arms.reduce((n, a) => n + (a.llm?.calls ?? 0), 0);
  const tokens = result.arms.reduce((n, a) => n + (a.llm ? a.llm.inputTokens + a.llm.outputTokens : 0), 0);
  console.log(`wrote ${outDir}/{report.md,report.html,reproduce.json} and arms/<arm>/ (${result.arms.reduce((n, a) => n + a.games, 0)} games${calls ? `, ${calls} model calls, ${tokens} tokens` : ''})`);
} catch (error) {
  console.error(`reproduce failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
