import type { LogRow } from '../../shared/protocol/index.ts';

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
