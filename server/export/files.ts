import { getGame } from '../../shared/games/index.ts';
import { CLAIM_EXTRACTOR_VERSION } from '../../shared/games/trust-split/index.ts';
import { csvLine, csvRows } from './csv.ts';
import { slimForMetrics, tableCsv, tablesFor, type LoggedEvent, type TableOptions } from './tables.ts';

/** One file of an export: its name and its content, produced lazily chunk by chunk. */
export interface ExportFile {
  name: string;
  content(): AsyncIterable<string>;
}

/** Re-readable source of a game's events (each file takes its own pass, so nothing is kept between files). */
export type EventSource = () => AsyncIterable<LoggedEvent> | Iterable<LoggedEvent>;

/** A seat as seats.csv lists it. */
export interface SeatInfo {
  seat: number;
  name: string;
  kind: string;
  /** what was requested: an agent name or an LLM spec (JSON), empty for humans */
  agentSpec: string;
  /** the agent that played (a scripted spec resolved to its name) */
  agent: string;
  label: string;
  /** the persona the seat played (shared/personas.ts), as JSON; empty without one */
  persona?: string;
}

export const SEAT_COLUMNS = ['seat', 'name', 'kind', 'agent_spec', 'agent', 'label', 'persona'] as const;

export function seatRow(s: SeatInfo): unknown[] {
  return [s.seat, s.name, s.kind, s.agentSpec, s.agent, s.label, s.persona ?? ''];
}

/** Every metric of one game (the game's own metrics), its headline and what produced the numbers. */
export function gameMetricsDocument(gameId: string, slimEvents: readonly LoggedEvent[], about: Record<string, unknown>): Record<string, unknown> {
  const game = getGame(gameId);
  return {
    ...about,
    game: gameId,
    ...(gameId === 'trust-split' ? { claimExtractorVersion: CLAIM_EXTRACTOR_VERSION } : {}),
    headline: game.headline(slimEvents as never),
    metrics: game.metrics(slimEvents as never),
  };
}

/** Collect the compact skeleton of a game's log that metrics and reports need. */
export async function slimEventsOf(gameId: string, source: EventSource): Promise<LoggedEvent[]> {
  const slim: LoggedEvent[] = [];
  for await (const event of source()) slim.push(slimForMetrics(gameId, event));
  return slim;
}

/** The file names a game's export holds, in order. */
export function exportFileNames(gameId: string): string[] {
  return ['events.jsonl', ...tablesFor(gameId).map((t) => t.file), 'seats.csv', 'llm_calls.jsonl', 'metrics.json'];
}

export interface GameExportInput {
  gameId: string;
  /** events.jsonl lines (the full log, with whatever wrapping its origin uses) */
  eventLines: () => AsyncIterable<string> | Iterable<string>;
  events: EventSource;
  seats: SeatInfo[];
  /** llm_calls.jsonl lines */
  llmCalls: () => AsyncIterable<string> | Iterable<string>;
  /** fields put ahead of the metrics in metrics.json (session id, seed …) */
  about: Record<string, unknown>;
  /** what the tables hold (votes.csv's form) */
  tables?: TableOptions;
}

/** The whole export of one game (a session or one game of a batch), as lazily produced files. */
export function gameExportFiles(input: GameExportInput): ExportFile[] {
  const { gameId } = input;
  return [
    { name: 'events.jsonl', content: async function* () { yield* input.eventLines(); } },
    ...tablesFor(gameId, input.tables).map((table) => ({ name: table.file, content: () => tableCsv(gameId, table, input.events()) })),
    {
      name: 'seats.csv',
      content: async function* () {
        yield csvLine(SEAT_COLUMNS);
        yield csvRows(input.seats.map(seatRow));
      },
    },
    { name: 'llm_calls.jsonl', content: async function* () { yield* input.llmCalls(); } },
    {
      name: 'metrics.json',
      content: async function* () {
        const slim = await slimEventsOf(gameId, input.events);
        yield JSON.stringify(gameMetricsDocument(gameId, slim, input.about), null, 2) + '\n';
      },
    },
  ];
}
