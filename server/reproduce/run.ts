import { writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { getGame } from '../../shared/games/index.ts';
import { esc, fmt, page, table, type Section } from '../report/html.ts';
import { meanCI, type MeanCI } from '../report/stats.ts';
import type { BatchSpec } from '../sim/batch.ts';
import type { LlmUsage } from '../sim/llm.ts';
import { simulateToDir } from '../sim/run.ts';
import type { Arm, Experiment, ModelSeat } from './experiments.ts';

/**
 * Play an experiment's design through the simulator (one batch per arm, each a normal
 * simulator output folder under DIR/arms/<arm>/) and write DIR/report.md, DIR/report.html and
 * DIR/reproduce.json: Parley's measurements next to the paper's published figures.
 */

export interface ReproduceOptions {
  experiment: Experiment;
  /** the model seats, one arm (Traitors) or one set of pairings (Trust-and-Split) each; empty: the scripted stand-in */
  models: readonly ModelSeat[];
  /** games per arm (default: the experiment's) */
  games?: number;
  seed: number;
  /** games played at once with LLM seats; worker threads for scripted arms */
  concurrency: number;
  outDir: string;
  onArm?: (arm: Arm, index: number, total: number) => void;
}

export interface ArmResult {
  arm: Arm;
  games: number;
  metrics: Record<string, MeanCI>;
  /** model usage from the arm's call log (null: no LLM seat) */
  llm: LlmUsage | null;
  dir: string;
}

export interface ReproduceResult {
  arms: ArmResult[];
  markdown: string;
  html: string;
}

/** The headline value of one game behind a report metric (the batch summary renames faithfulWin). */
function headlineValue(headline: Record<string, number | string | null>, key: string): number | null {
  const value = headline[key === 'faithfulWinRate' ? 'faithfulWin' : key];
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

export async function reproduce(options: ReproduceOptions): Promise<ReproduceResult> {
  const { experiment } = options;
  const models = options.models.length ? options.models : [experiment.scriptedModel];
  // a scripted stand-in can make two pairings the same game (tit-for-tat vs itself and vs tit-for-tat): play it once
  const arms = experiment.arms(models).filter((arm, i, all) => all.findIndex((a) => a.agents === arm.agents) === i);
  const games = options.games ?? experiment.games;
  mkdirSync(options.outDir, { recursive: true });
  const results: ArmResult[] = [];
  for (const [index, arm] of arms.entries()) {
    options.onArm?.(arm, index, arms.length);
    const spec: BatchSpec = {
      game: experiment.game,
      games,
      seed: options.seed,
      preset: experiment.preset,
      agents: arm.agents,
      // the Traitors' games are also read by the reference metrics script (scripts/check-reference-votes.ts)
      ...(experiment.game === 'traitors' ? { votesFormat: 'reference' as const } : {}),
    };
    const dir = join(options.outDir, 'arms', arm.id);
    const batch = await simulateToDir(spec, dir, { concurrency: options.concurrency, exports: true });
    const metrics: Record<string, MeanCI> = {};
    for (const { key, range } of experiment.metrics) {
      metrics[key] = meanCI(batch.rows.map((r) => headlineValue(r.headline, key)).filter((v): v is number => v !== null), range);
    }
    const llm = (batch.summary as { llm?: LlmUsage }).llm ?? null;
    results.push({ arm, games: batch.games, metrics, llm, dir: join('arms', arm.id) });
  }
  const report = { experiment, games, seed: options.seed, arms: results };
  writeFileSync(join(options.outDir, 'reproduce.json'), JSON.stringify({ ...report, experiment: experimentData(experiment) }, null, 2) + '\n');
  const markdown = reportMarkdown(report);
  const html = reportHtml(report);
  writeFileSync(join(options.outDir, 'report.md'), markdown);
  writeFileSync(join(options.outDir, 'report.html'), html);
  return { arms: results, markdown, html };
}

/** The experiment's data without its functions, for reproduce.json. */
function experimentData(e: Experiment): Record<string, unknown> {
  const { arms: _arms, ...data } = e;
  return data;
}

interface Report {
  experiment: Experiment;
  games: number;
  seed: number;
  arms: ArmResult[];
}

const gamesLine = (r: Report) => `${r.games} games per arm (the design: ${r.experiment.games}, ${r.experiment.gamesNote})`;

const cell = (m: MeanCI): string => (m.mean === null ? '—' : m.lo === null ? `${fmt(m.mean)} (n=${m.n})` : `${fmt(m.mean)} [${fmt(m.lo)}, ${fmt(m.hi)}] (n=${m.n})`);

/** The paper's figures for one metric, as one cell: "GPT-4o 0.93 [T2]; …" or "not found". */
function publishedCell(e: Experiment, key: string): string {
  const figures = e.published.filter((f) => f.metric === key);
  return figures.length ? figures.map((f) => `${f.condition} ${fmt(f.value, 2)} [${f.source}]`).join('; ') : 'not found';
}

function metricRows(r: Report): string[][] {
  return r.experiment.metrics.map(({ key, label }) => [label, ...r.arms.map((a) => cell(a.metrics[key])), publishedCell(r.experiment, key)]);
}

function usageRows(r: Report): string[][] {
  return r.arms.map((a) => {
    if (!a.llm) return [a.arm.label, String(a.games), '0', '—', '0', '0', '—'];
    const perGame = (n: number) => fmt(n / Math.max(1, a.games), 1);
    return [a.arm.label, String(a.games), String(a.llm.calls), perGame(a.llm.calls), String(a.llm.inputTokens), String(a.llm.outputTokens), `${a.llm.fallbacks} fallbacks, ${a.llm.reasks} re-asks`];
  });
}

const USAGE_HEADERS = ['Arm', 'Games', 'Model calls', 'Calls per game', 'Input tokens', 'Output tokens', 'Unusable answers'];

function markdownTable(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  const line = (cells: readonly string[]) => `| ${cells.map((c) => c.replace(/\|/g, '\\|')).join(' | ')} |`;
  return [line(headers), line(headers.map(() => '---')), ...rows.map(line)].join('\n');
}

function reportMarkdown(r: Report): string {
  const e = r.experiment;
  const game = getGame(e.game);
  return [
    `# Reproduce ${e.id}: ${e.title}`,
    '',
    `Paper: *${e.paper.title}* (${e.paper.authors}, arXiv ${e.paper.arxiv}). Game: ${game.title}, preset \`${e.preset}\`; ${gamesLine(r)}; batch seed ${r.seed}.`,
    '',
    '## Design',
    '',
    ...e.design.map((d) => `- ${d}`),
    '',
    '## Parley measured, beside the paper',
    '',
    'Mean over games with its 95% confidence interval and the number of games where the metric is defined (Parley\'s definitions: docs/games/*.md). "Paper" is what the paper published, with its source.',
    '',
    markdownTable(['Metric', ...r.arms.map((a) => a.arm.label), 'Paper'], metricRows(r)),
    '',
    '## Model calls and tokens (from each arm\'s llm_calls.jsonl)',
    '',
    markdownTable(USAGE_HEADERS, usageRows(r)),
    '',
    '## Not found',
    '',
    ...e.unsourced.map((u) => `- ${u}`),
    '',
    '## Sources',
    '',
    ...e.sources.map((s) => `- [${s.id}] ${s.where} (${s.kind}): ${s.url}`),
    '',
    '## Data',
    '',
    ...r.arms.map((a) => `- ${a.arm.label}: \`${a.dir}/\` (events.jsonl, games.csv, summary.json, per-game tables, report.html${e.game === 'traitors' ? '; votes.csv in the reference form' : ''})`),
    ...(e.game === 'traitors'
      ? ['', 'The reference metrics script over every game: `npx tsx scripts/check-reference-votes.ts --script <TheTraitors>/src/utils/metrics.py arms` (run in this folder; docs/study-data.md says what it gets wrong).']
      : []),
    '',
  ].join('\n');
}

/** Escaped text with its `code` spans (the design notes are written for Markdown too). */
const inline = (text: string): string => esc(text).replace(/`([^`]+)`/g, '<code>$1</code>');

function reportHtml(r: Report): string {
  const e = r.experiment;
  const sections: Section[] = [
    { title: 'Design', body: `<ul>${e.design.map((d) => `<li>${inline(d)}</li>`).join('')}</ul>`, note: `${gamesLine(r)}; batch seed ${r.seed}` },
    {
      title: 'Parley measured, beside the paper',
      body: table(['Metric', ...r.arms.map((a) => a.arm.label), 'Paper'], metricRows(r)),
      note: 'Mean [95% CI] (n = games where defined); "Paper": the published figure and its source id',
    },
    { title: 'Model calls and tokens', body: table(USAGE_HEADERS, usageRows(r)), note: 'From each arm\'s llm_calls.jsonl' },
    { title: 'Not found', body: `<ul>${e.unsourced.map((u) => `<li>${inline(u)}</li>`).join('')}</ul>` },
    { title: 'Sources', body: `<ul>${e.sources.map((s) => `<li>[${esc(s.id)}] ${esc(s.where)} (${esc(s.kind)}): ${esc(s.url)}</li>`).join('')}</ul>` },
  ];
  return page(`Reproduce ${e.id}`, `${e.paper.title} — arXiv ${e.paper.arxiv}`, sections);
}
