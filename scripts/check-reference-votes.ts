#!/usr/bin/env tsx
// Run the reference implementation's metrics script over reference-form votes.csv files and say
// whether it read every one, and how its numbers compare with Parley's own (metrics.json).
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { Command } from 'commander';

const program = new Command()
  .name('npx tsx scripts/check-reference-votes.ts')
  .description(
    'Run the reference metrics script (pedrocurvo/TheTraitors src/utils/metrics.py, from your own checkout) over every votes.csv ' +
      'under the given folders — e.g. a batch from `npm run simulate -- --game traitors … --votes-format reference --out DIR` — ' +
      'and report files it could not read. Needs Python 3 with pandas.',
  )
  .requiredOption('--script <path>', 'the reference metrics.py')
  .option('--python <exe>', 'the Python interpreter', 'python3')
  .option('--na-none', 'also read "None" as missing, as pandas >= 2.0 does by default (emulated with na_values on older pandas)')
  .argument('<dirs...>', 'folders to search for votes.csv (a batch folder: its games/<index>/votes.csv)')
  .addHelpText('after', '\nExample:\n  npx tsx scripts/check-reference-votes.ts --script ../TheTraitors/src/utils/metrics.py out/traitors-ref');
program.parse();
const opts = program.opts<{ script: string; python: string; naNone?: boolean }>();

/** votes.csv files under a folder; a batch's combined DIR/votes.csv (it has a `game` column) is skipped. */
function votesFiles(dir: string, top = true): string[] {
  const found: string[] = [];
  for (const entry of readdirSync(dir).sort((a, b) => a.localeCompare(b, 'en', { numeric: true }))) {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) found.push(...votesFiles(path, false));
    else if (entry === 'votes.csv' && !(top && existsSync(join(dir, 'games')))) found.push(path);
  }
  return found;
}

// Calls the script's function exactly as the reference's post_game_analysis does (csv_file=…),
// one file at a time, and reports each outcome as a JSON line.
const DRIVER = String.raw`
import importlib.util, json, math, sys, traceback, warnings
warnings.simplefilter("ignore")
import pandas as pd
spec = importlib.util.spec_from_file_location("reference_metrics", sys.argv[1])
module = importlib.util.module_from_spec(spec)
spec.loader.exec_module(module)
na_none = sys.argv[2] == "1"
def plain(value):
    try:
        number = float(value)
        return None if math.isnan(number) else number
    except Exception:
        return str(value)
for path in sys.stdin.read().splitlines():
    try:
        if na_none:
            result = module.compute_traitors_game_metrics(df=pd.read_csv(path, na_values=["None"]))
        else:
            result = module.compute_traitors_game_metrics(csv_file=path)
        print(json.dumps({"file": path, "ok": True, "metrics": {k: plain(v) for k, v in result.items()}}))
    except Exception as error:
        print(json.dumps({"file": path, "ok": False, "error": type(error).__name__ + ": " + str(error)}))
`;

const files = program.args.flatMap((dir) => votesFiles(resolve(dir)));
if (files.length === 0) {
  console.error(`No votes.csv under ${program.args.join(', ')}.`);
  process.exit(2);
}
const header = 'Round,Vote_Type,Player_ID,Role,Vote_Target,Eliminated';
const notReference = files.filter((f) => readFileSync(f, 'utf8').split('\n')[0] !== header);
if (notReference.length) {
  console.error(`${notReference.length} file(s) are not in the reference form (header ${header}), e.g. ${notReference[0]}; export with --votes-format reference.`);
  process.exit(2);
}

let output: string;
try {
  output = execFileSync(opts.python, ['-c', DRIVER, resolve(opts.script), opts.naNone ? '1' : '0'], { input: files.join('\n'), maxBuffer: 1 << 30, encoding: 'utf8' });
} catch (error) {
  console.error(`could not run ${opts.python} with ${opts.script}: ${(error as Error).message}`);
  process.exit(2);
}

type Outcome = { file: string; ok: true; metrics: Record<string, number | string | null> } | { file: string; ok: false; error: string };
const outcomes = output.trim().split('\n').map((line) => JSON.parse(line) as Outcome);
const failed = outcomes.filter((o): o is Extract<Outcome, { ok: false }> => !o.ok);

// Side by side with Parley's metrics of the same game (metrics.json beside votes.csv), where present.
const pairs: Record<string, [number, number][]> = { FCR: [], TAS: [], TSR: [], FSR: [], eliminations: [] };
const referenceKeys: Record<string, string> = {
  FCR: 'Faithful Correctness Rate (FCR)',
  TAS: 'Traitor Agreement Score (TAS)',
  TSR: 'Traitor Survival Rate (TSR)',
  FSR: 'Faithful Survival Rate (FSR)',
  eliminations: 'total_eliminations',
};
for (const o of outcomes) {
  const parleyFile = join(dirname(o.file), 'metrics.json');
  if (!o.ok || !existsSync(parleyFile)) continue;
  const parley = JSON.parse(readFileSync(parleyFile, 'utf8')) as { headline: Record<string, number | null>; metrics: { outcome?: { eliminations?: unknown[] } } };
  for (const [name, key] of Object.entries(referenceKeys)) {
    const theirs = o.metrics[key];
    const ours = name === 'eliminations' ? (parley.metrics.outcome?.eliminations?.length ?? null) : parley.headline[name];
    if (typeof theirs === 'number' && typeof ours === 'number') pairs[name].push([theirs, ours]);
  }
}

/**
 * Why the script cannot read a file that is nevertheless exactly what the reference writes: its
 * own file of such a game fails the same way (docs/study-data.md, "Reading it with the reference
 * script"). null: no known reason, a real failure.
 */
function knownLimit(file: string): string | null {
  const rows = readFileSync(file, 'utf8').trim().split('\n').slice(1).map((line) => line.split(','));
  // DES groups the night rows; with none, its mean is an empty frame that round() rejects
  if (!rows.some((r) => r[1] === 'Traitor')) return 'no night elimination in the game (no Traitor rows)';
  const faithfulDay = rows.filter((r) => r[1] === 'General' && r[3] === 'Faithful');
  if (faithfulDay.length === 0) return 'no round-table elimination in the game (no General rows)';
  // BRR takes idxmax of each round's faithful vote counts, empty when every faithful vote is missing
  if (opts.naNone) {
    const rounds = new Set(faithfulDay.map((r) => r[0]));
    for (const round of rounds) if (faithfulDay.filter((r) => r[0] === round).every((r) => r[4] === 'None')) return `every faithful vote of round ${round} missing`;
  }
  return null;
}
const explained = failed.map((f) => ({ ...f, limit: knownLimit(f.file) }));
const unexpected = explained.filter((f) => f.limit === null);
const reasons = new Map<string, number>();
for (const f of explained) if (f.limit) reasons.set(f.limit.replace(/round \d+/, 'a round'), (reasons.get(f.limit.replace(/round \d+/, 'a round')) ?? 0) + 1);

console.log(`${outcomes.length} votes.csv file(s), ${outcomes.length - failed.length} read without error, ${failed.length} failed${opts.naNone ? ' ("None" read as missing)' : ''}.`);
for (const [reason, count] of reasons) console.log(`  ${count} failed where the reference's own file fails too: ${reason}`);
console.log(`  ${unexpected.length} failed for no known reason`);
for (const f of unexpected.slice(0, 20)) console.log(`  FAILED ${f.file}: ${f.error}`);
const mean = (values: number[]) => (values.length ? values.reduce((a, b) => a + b, 0) / values.length : NaN);
for (const [name, list] of Object.entries(pairs)) {
  if (!list.length) continue;
  const differ = list.filter(([a, b]) => Math.abs(a - b) > 0.0005).length;
  console.log(`  ${name.padEnd(12)} reference script mean ${mean(list.map((p) => p[0])).toFixed(3)}, Parley mean ${mean(list.map((p) => p[1])).toFixed(3)}, differ in ${differ}/${list.length} games`);
}
process.exit(unexpected.length ? 1 : 0);
