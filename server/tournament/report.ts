import { writeFileSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { csvLine, csvRows } from '../export/csv.ts';
import { esc, fmt, page, table, type Section } from '../report/html.ts';
import type { GameRecord } from './record.ts';
import type { FaceOffCell, TournamentResults } from './results.ts';
import { buildSchedule } from './schedule.ts';
import type { TournamentSpec } from './spec.ts';
import type { Interval } from './stats.ts';

/** Six decimals in the CSVs: enough for any reading, and the same bytes on every run. */
function num(value: number | null | undefined): number | string {
  return value === null || value === undefined ? '' : Number(value.toFixed(6));
}

const ciColumns = (prefix: string) => [prefix, `${prefix}_ci95_low`, `${prefix}_ci95_high`];
const ciValues = (i: Interval) => [num(i.mean), num(i.lo), num(i.hi)];

export function leaderboardCsv(results: TournamentResults): string {
  const roles = results.leaderboard.some((r) => r.roles);
  const scoreColumn = results.scoreName === 'win rate' ? 'win_rate' : 'points_per_round';
  const header = ['rank', 'agent', 'games', 'seats', ...ciColumns(scoreColumn), 'mu', 'sigma', 'ordinal'];
  if (roles) {
    header.push('traitor_seats', ...ciColumns('win_rate_traitor'), ...ciColumns('deception_success'));
    header.push('faithful_seats', ...ciColumns('win_rate_faithful'), ...ciColumns('detection'));
  }
  const rows = results.leaderboard.map((r, i) => {
    const row: unknown[] = [i + 1, r.agent, r.games, r.seats, ...ciValues(r.score), num(r.rating.mu), num(r.rating.sigma), num(r.rating.ordinal)];
    if (r.roles) {
      row.push(r.roles.traitorSeats, ...ciValues(r.roles.traitorWin), ...ciValues(r.roles.deception));
      row.push(r.roles.faithfulSeats, ...ciValues(r.roles.faithfulWin), ...ciValues(r.roles.detection));
    }
    return row;
  });
  return csvLine(header) + csvRows(rows);
}

/** The face-off matrix in long form: one row per (row agent, column agent) cell. */
export function facingCsv(results: TournamentResults): string {
  const scoreColumn = results.scoreName === 'win rate' ? 'win_rate' : 'points_per_round';
  return (
    csvLine(['agent', 'opponent', 'seats', ...ciColumns(scoreColumn)]) +
    csvRows(results.faceOff.map((c) => [c.row, c.column, c.seats, ...ciValues(c.score)]))
  );
}

export function gamesCsv(spec: TournamentSpec, records: readonly GameRecord[]): string {
  const seats = records[0]?.seats.length ?? 0;
  const roles = records.some((r) => r.seats.some((s) => s.role));
  const headlineKeys = records.length ? Object.keys(records[0].headline) : [];
  const header = ['table', 'game', 'seed', 'agents', ...(roles ? ['roles'] : []), ...Array.from({ length: seats }, (_, i) => `score_${i}`), 'outcome', ...headlineKeys];
  const rows = records.map((r) => [
    r.table,
    r.game,
    r.seed,
    r.seats.map((s) => s.agent).join(';'),
    ...(roles ? [r.seats.map((s) => (s.recruited ? `${s.role}>traitor` : (s.role ?? ''))).join(';')] : []),
    ...r.seats.map((s) => num(s.score)),
    r.outcome,
    ...headlineKeys.map((k) => {
      const v = r.headline[k];
      return typeof v === 'number' ? num(v) : (v ?? '');
    }),
  ]);
  return csvLine(header) + csvRows(rows);
}

function ci(i: Interval, digits: number): string {
  if (i.mean === null) return '—';
  return i.lo === null ? fmt(i.mean, digits) : `${fmt(i.mean, digits)} [${fmt(i.lo, digits)}, ${fmt(i.hi, digits)}]`;
}

/** White → dark teal over the matrix's own range; grey where two agents never met. */
function shade(value: number | null, min: number, max: number): string {
  if (value === null) return '#eeeeee';
  const v = max === min ? 0.5 : (value - min) / (max - min);
  const light = Math.round(96 - v * 62);
  return `hsl(183,55%,${light}%)`;
}

function faceOffTable(results: TournamentResults, digits: number): string {
  const cells = new Map(results.faceOff.map((c) => [JSON.stringify([c.row, c.column]), c] as const));
  const means = results.faceOff.flatMap((c) => (c.score.mean === null ? [] : [c.score.mean]));
  const min = Math.min(...means);
  const max = Math.max(...means);
  const head = `<tr><th>row against column</th>${results.agents.map((a) => `<th>${esc(a)}</th>`).join('')}</tr>`;
  const body = results.agents
    .map((row) => {
      const tds = results.agents.map((column) => {
        const c = cells.get(JSON.stringify([row, column])) as FaceOffCell;
        const dark = c.score.mean !== null && max > min && (c.score.mean - min) / (max - min) > 0.6;
        return `<td style="background:${shade(c.score.mean, min, max)};${dark ? 'color:#fff;' : ''}" title="${esc(`${row} against ${column}: ${c.seats} seats`)}">${esc(ci(c.score, digits))}</td>`;
      });
      return `<tr><th>${esc(row)}</th>${tds.join('')}</tr>`;
    })
    .join('');
  return `<table class="heat"><thead>${head}</thead><tbody>${body}</tbody></table>`;
}

function methodNotes(spec: TournamentSpec, tables: number): string {
  const twoSeats = spec.game !== 'traitors';
  const items = [
    twoSeats
      ? `Schedule: a round robin over every ordered pair of agents (A at seat 1 against B at seat 2 and the reverse)${spec.selfPlay ? ', plus each agent against itself' : ''}: ${tables} pairings × ${spec.gamesPerPairing} games.`
      : `Schedule: ${tables} tables × ${spec.gamesPerPairing} games. A lineup fills the seats with the agents in turn and is rotated through every seat (and shifted through the agents when their number does not divide the seats), so every agent holds each seat, and so the traitor seats, equally often.`,
    `Common random numbers: game k of every table uses the same seed (derived from the tournament seed ${spec.seed} and k), so every lineup meets the same ${twoSeats ? 'hands' : 'roles and names'}${twoSeats ? '; with the seat order reversed the two agents swap hands, so luck cancels within a pair' : ''}.`,
    `Intervals: games with the same seed are not independent, seeds are. For each seed an agent's value is its mean over all its seats in games with that seed; the estimate is the mean over seeds and the 95% interval is Student's t over the seeds (n − 1 degrees of freedom). An interval of zero width means the value did not vary from seed to seed (e.g. a deterministic pairing whose luck cancels between the two seat orders).${twoSeats ? '' : ' Intervals of rates are cut to [0, 1].'}`,
    `Rating: openskill (Plackett–Luce, default parameters), games rated in round-robin order (every table's game 0, then game 1, …); every seat is ranked on its own by its ${twoSeats ? 'points' : 'result (its camp won or lost; a camp as one team would weigh six faithful against two traitors)'}; an agent holding several seats of one game takes the mean of their updates; games of an agent against only itself are not rated. Ordinal = μ − 3σ.`,
    ...(twoSeats
      ? ['Score: points per round (coins received × own coin value, averaged over the rounds of a game).']
      : [
          'Score: win rate, the share of an agent’s seats whose camp won.',
          'Deception success (as traitor): the share of its traitor seats never banished (metrics.ts outcome.eliminations; traitors are never murdered).',
          'Detection (as faithful): per faithful seat, the share of its round-table votes (first ballot of each round, as FCR and faithfulAccuracy in metrics.ts) cast on a traitor; seats that never voted are left out.',
          'Face-off: the row agent’s win rate over its seats in games where the column agent sat in the other camp.',
        ]),
  ];
  return `<ul>${items.map((i) => `<li>${esc(i)}</li>`).join('')}</ul>`;
}

export function reportHtml(spec: TournamentSpec, results: TournamentResults, games: number): string {
  const digits = results.scoreName === 'win rate' ? 3 : 2;
  const tables = buildSchedule(spec).length;
  const headers = ['#', 'agent', 'games', `${results.scoreName} [95% CI]`, 'μ', 'σ', 'ordinal'];
  const roles = results.leaderboard.some((r) => r.roles);
  if (roles) headers.push('win rate as traitor', 'deception success', 'win rate as faithful', 'detection');
  const rows = results.leaderboard.map((r, i) => {
    const row: unknown[] = [i + 1, r.agent, r.games, ci(r.score, digits), fmt(r.rating.mu, 2), fmt(r.rating.sigma, 2), fmt(r.rating.ordinal, 2)];
    if (r.roles) row.push(ci(r.roles.traitorWin, 3), ci(r.roles.deception, 3), ci(r.roles.faithfulWin, 3), ci(r.roles.detection, 3));
    return row;
  });
  const sections: Section[] = [
    { title: 'Leaderboard', body: table(headers, rows), note: `Best ${results.scoreName} first. Intervals are 95% Student-t over seeds (see Method).` },
    {
      title: 'Face-off matrix',
      body: faceOffTable(results, digits),
      note: `Each cell: the row agent's ${results.scoreName} against the column agent, with its 95% interval. Darker = higher.`,
    },
    { title: 'Method', body: methodNotes(spec, tables) },
    {
      title: 'Files',
      body: `<ul>${[
        'leaderboard.csv — one row per agent, as above',
        'facing.csv — the face-off matrix, one row per cell',
        'games.csv — one row per game: table, game index, seed, seat agents, scores, outcome, headline metrics',
        'games.jsonl — the same games as saved while playing (what a resumed run continues from)',
        'tournament.json — the options; a rerun with a different configuration in this folder is refused',
        ...(spec.entrants.some((e) => e.llm) ? ['llm_calls.jsonl — every model call, with its table, game and the event it produced'] : []),
      ]
        .map((f) => `<li>${esc(f)}</li>`)
        .join('')}</ul>`,
    },
  ];
  const agents = spec.entrants.map((e) => e.label).join(', ');
  return page(`Tournament: ${spec.game}`, `${agents} · preset ${spec.preset} · ${games} games · seed ${spec.seed}`, sections).replace(
    '</style>',
    // the leaderboard and the matrix are wide: one section per row
    'section{flex-basis:100%}.heat td{text-align:center;white-space:nowrap}.heat th{white-space:nowrap}</style>',
  );
}

function writeAtomically(path: string, text: string): void {
  const temp = `${path}.tmp`;
  writeFileSync(temp, text);
  renameSync(temp, path);
}

/** The final files, written only once every game of the schedule is in. */
export function writeResults(dir: string, spec: TournamentSpec, records: readonly GameRecord[], results: TournamentResults): void {
  writeAtomically(join(dir, 'leaderboard.csv'), leaderboardCsv(results));
  writeAtomically(join(dir, 'facing.csv'), facingCsv(results));
  writeAtomically(join(dir, 'games.csv'), gamesCsv(spec, records));
  writeAtomically(join(dir, 'report.html'), reportHtml(spec, results, records.length));
}
