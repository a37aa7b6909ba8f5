import type { Seed } from '../../shared/engine/rng.ts';
import type { LogRow, SessionStatus } from '../../shared/protocol/index.ts';
import type { NewRow, SeatRecord, SessionOptions, SessionRecord, StatusChange } from './types.ts';

// The tables' rows as every engine holds them (JSON kept as the text that was written), and the
// one conversion of each to what the store's contract returns.

/** A log row as every engine's table holds it: the event still the JSON text that was written. */
export interface LogDbRow {
  seq: number;
  batch: number;
  at: number;
  kind: LogRow['kind'];
  seat: number | null;
  client_action_id: string | null;
  event: string;
}

/**
 * The row as one JSON line (ending in "\n"), the event's stored text spliced in unparsed: the same
 * bytes as JSON.stringify of the parsed LogRow, without parsing, and the same from every engine.
 */
export function logLine(sessionId: string, r: LogDbRow): string {
  return (
    `{"sessionId":${JSON.stringify(sessionId)},"seq":${r.seq},"batch":${r.batch},"at":${r.at},"kind":"${r.kind}",` +
    `"seat":${r.seat === null ? 'null' : r.seat},"clientActionId":${r.client_action_id === null ? 'null' : JSON.stringify(r.client_action_id)},` +
    `"event":${r.event}}\n`
  );
}

/** The row parsed into the contract's LogRow. */
export function logRow(sessionId: string, r: LogDbRow): LogRow {
  return {
    sessionId,
    seq: r.seq,
    batch: r.batch,
    at: r.at,
    kind: r.kind,
    seat: r.seat,
    clientActionId: r.client_action_id,
    event: JSON.parse(r.event) as LogRow['event'],
  };
}

/** A sessions row; `S` is how the engine stores the seed. */
export interface SessionDbRow<S> {
  id: string;
  game: string;
  preset: string;
  config: string;
  seed: S;
  created_at: number;
  status: SessionStatus;
  ended_at: number | null;
  outcome: string | null;
  seats: string;
  spectator_token: string;
  options: string;
}

export function sessionRecord<S>(row: SessionDbRow<S>, seed: (column: S) => Seed): SessionRecord {
  return {
    id: row.id,
    game: row.game,
    preset: row.preset,
    config: JSON.parse(row.config),
    seed: seed(row.seed),
    createdAt: row.created_at,
    status: row.status,
    endedAt: row.ended_at,
    outcome: row.outcome === null ? null : JSON.parse(row.outcome),
    seats: JSON.parse(row.seats) as SeatRecord[],
    spectatorToken: row.spectator_token,
    options: JSON.parse(row.options) as SessionOptions,
  };
}

/** An append waiting for its engine's next group commit, settled when that commit lands or fails. */
export interface GroupedAppend {
  sessionId: string;
  firstSeq: number;
  rows: NewRow[];
  status?: StatusChange;
  resolve: (rows: LogRow[]) => void;
  reject: (err: unknown) => void;
}
