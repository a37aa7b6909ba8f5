import type { LogRow } from '../../shared/protocol/index.ts';
import type { SessionRecord, EventStore } from '../store/index.ts';
import { gameExportFiles, type ExportFile, type SeatInfo } from './files.ts';
import type { LoggedEvent, TableOptions } from './tables.ts';
import { agentSpecPersona } from '../agents.ts';
import { eventsWithActors } from './actors.ts';

/** Rows per page read from the store: small pages keep long statements' memory low. */
const PAGE_ROWS = 200;

/** A session's log rows, parsed one at a time from the store's paged reader. */
export async function* sessionRows(store: EventStore, sessionId: string): AsyncGenerator<LogRow> {
  for await (const line of store.logLines(sessionId, PAGE_ROWS)) yield JSON.parse(line) as LogRow;
}

/** The game events of a session, in order. */
export async function* sessionGameEvents(store: EventStore, sessionId: string): AsyncGenerator<LoggedEvent> {
  for await (const row of sessionRows(store, sessionId)) if (row.kind === 'game') yield row.event;
}

/** The game events of a session, each action marked with its actor (server/export/actors.ts), for the tables. */
export function sessionActedEvents(store: EventStore, record: SessionRecord): AsyncGenerator<LoggedEvent> {
  return eventsWithActors(sessionRows(store, record.id), record.seats.map((s) => s.kind));
}

export function sessionSeats(record: SessionRecord): SeatInfo[] {
  return record.seats.map((s) => ({
    seat: s.seat,
    name: s.name,
    kind: s.kind,
    agentSpec: s.agent === undefined ? '' : typeof s.agent === 'string' ? s.agent : JSON.stringify(s.agent),
    agent: s.agentName ?? (typeof s.agent === 'string' ? s.agent : ''),
    label: s.label ?? '',
    persona: seatPersonaJson(record, s.seat),
  }));
}

/** The seat's persona as JSON: its agent spec's, else the one the game's config gives the seat (The Traitors' `personas`). */
function seatPersonaJson(record: SessionRecord, seat: number): string {
  const fromSpec = agentSpecPersona(record.seats[seat]?.agent);
  if (fromSpec) return JSON.stringify(fromSpec);
  const configured = (record.config as { personas?: unknown } | null)?.personas;
  const persona = Array.isArray(configured) ? configured[seat] : null;
  return persona && typeof persona === 'object' ? JSON.stringify(persona) : '';
}

/** llm_calls.jsonl of a session: every model call recorded with an agent's decision, tied to its log row. */
export async function* sessionLlmCallLines(store: EventStore, sessionId: string): AsyncGenerator<string> {
  for await (const row of sessionRows(store, sessionId)) {
    if (row.kind !== 'session' || row.event.type !== 'agent_decision' || !Array.isArray(row.event.calls)) continue;
    for (const call of row.event.calls as Record<string, unknown>[]) {
      yield JSON.stringify({ sessionId, seq: row.seq, seat: row.event.seat, agent: row.event.agent, clientActionId: row.event.clientActionId, ...call }) + '\n';
    }
  }
}

/** The export of one session, or null when there is no such session. */
export async function sessionExportFiles(store: EventStore, sessionId: string, tables: TableOptions = {}): Promise<ExportFile[] | null> {
  const record = await store.session(sessionId);
  if (!record) return null;
  return gameExportFiles({
    gameId: record.game,
    eventLines: () => store.logLines(sessionId, PAGE_ROWS),
    events: () => sessionActedEvents(store, record),
    seats: sessionSeats(record),
    llmCalls: () => sessionLlmCallLines(store, sessionId),
    about: { sessionId, preset: record.preset, seed: record.seed, status: record.status, createdAt: record.createdAt, endedAt: record.endedAt },
    tables,
  });
}
