import { getGame } from '../../shared/games/index.ts';
import type { TraitorsEvent } from '../../shared/games/traitors/index.ts';
import type { TrustSplitEvent } from '../../shared/games/trust-split/index.ts';
import type { LoggedEvent } from '../export/tables.ts';
import { page, table, type Section } from './html.ts';
import { meanCI } from './stats.ts';
import { attendanceSection, type SeatAttendance } from './attendance.ts';
import { metricDefinition } from './definitions.ts';
import { TraitorsBatchAggregate, traitorsGameSections } from './traitors.ts';
import { TrustSplitBatchAggregate, trustSplitGameSections } from './trust-split.ts';

/** Self-contained HTML reports: one session (or game) in detail, or a batch with confidence intervals. */

function gameSections(gameId: string, events: readonly LoggedEvent[], heading = ''): Section[] {
  if (gameId === 'traitors') return traitorsGameSections(events as unknown as TraitorsEvent[], heading);
  if (gameId === 'trust-split') return trustSplitGameSections(events as unknown as TrustSplitEvent[]);
  return [];
}

function metricsSection(gameId: string, events: readonly LoggedEvent[]): Section {
  const headline = getGame(gameId).headline(events as never) as Record<string, unknown>;
  return {
    title: 'Metrics',
    note: 'Full definitions: docs/games/*.md; every metric is in metrics.json of the export. — = undefined for this game.',
    body: table(['metric', 'value', 'what it measures'], Object.entries(headline).map(([k, v]) => [k, typeof v === 'number' || v === null ? v : String(v), metricDefinition(gameId, k)])),
  };
}

/**
 * The report of one session or game. `events` may be the slim skeleton (slimForMetrics):
 * nothing in the report reads Traitors statement text.
 */
export function gameReportHtml(
  gameId: string,
  events: readonly LoggedEvent[],
  about: { title: string; subtitle: string; link?: { label: string; href: string }; attendance?: readonly SeatAttendance[] },
): string {
  const sections = gameSections(gameId, events);
  const attendance = about.attendance ? attendanceSection(about.attendance) : null;
  return page(about.title, about.subtitle, [sections[0], metricsSection(gameId, events), attendance, ...sections.slice(1)].filter((s): s is Section => Boolean(s)), about.link);
}

/** A row per game of a batch: its headline metrics (as in games.csv). */
export interface BatchGameRow {
  headline: Record<string, number | string | null>;
}

/** Means with 95% confidence intervals of every numeric headline metric over games. */
export function batchMetricsTable(rows: readonly BatchGameRow[], gameId = ''): string {
  const keys = rows.length ? Object.keys(rows[0].headline) : [];
  const body = keys.flatMap((key) => {
    const values = rows.map((r) => r.headline[key]).filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
    if (!values.length && rows.some((r) => typeof r.headline[key] === 'string')) return [];
    const ci = meanCI(values);
    return [[key, ci.mean, ci.lo, ci.hi, ci.n, metricDefinition(gameId, key)]];
  });
  return table(['metric', 'mean', '95% CI low', '95% CI high', 'games defined', 'what it measures'], body);
}

/**
 * A batch report built while its games stream past: aggregates per game, plus the first game
 * kept (slim) as a worked example.
 */
export class BatchReport {
  private readonly aggregate: TraitorsBatchAggregate | TrustSplitBatchAggregate | null;
  private example: readonly LoggedEvent[] | null = null;
  private games = 0;

  constructor(private readonly gameId: string) {
    this.aggregate = gameId === 'traitors' ? new TraitorsBatchAggregate() : gameId === 'trust-split' ? new TrustSplitBatchAggregate() : null;
  }

  addGame(events: readonly LoggedEvent[], agents: readonly string[]): void {
    this.games++;
    this.example ??= events;
    this.aggregate?.add(events as never, agents);
  }

  html(about: { title: string; subtitle: string }, rows: readonly BatchGameRow[]): string {
    const sections: Section[] = [
      { title: 'Metrics', note: `Means over ${this.games} games with 95% confidence intervals (normal approximation); undefined values are skipped.`, body: batchMetricsTable(rows, this.gameId) },
      ...(this.aggregate?.sections() ?? []),
      ...(this.example ? gameSections(this.gameId, this.example, 'Game 0 — ') : []),
    ];
    return page(about.title, about.subtitle, sections);
  }
}
