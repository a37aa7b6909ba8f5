import type { GameEventBase } from '../../shared/engine/game.ts';
import { playRange } from '../../server/sim/batch.ts';
import type { NewRow, SessionRecord, EventStore } from '../../server/store/index.ts';
import { readZip } from '../../scripts/study/unzip.ts';

/** Played games from the real simulator code, deterministic by seed. */
export function playedGames(game: string, agents: string, games: number, seed = 7, preset?: string) {
  return playRange({ game, games, seed, agents, preset }, 0, games);
}

const gameRow = (event: unknown, at = 0): NewRow => ({ at, kind: 'game', seat: null, clientActionId: null, event: event as NewRow['event'] });

/** Put a finished game into the store as a session, as the server would have logged it. */
export async function storeSession(
  store: EventStore,
  id: string,
  game: string,
  events: readonly GameEventBase[],
  options: { names?: string[]; agents?: string[]; sessionRows?: { afterEvent: number; row: NewRow }[] } = {},
): Promise<SessionRecord> {
  const names = options.names ?? ((events[0] as { names?: string[] }).names ?? []);
  const record: SessionRecord = {
    id,
    game,
    preset: 'test',
    config: {},
    seed: 1,
    createdAt: 0,
    status: 'finished',
    endedAt: 1,
    outcome: null,
    seats: names.map((name, seat) => ({ seat, name, kind: 'agent', agent: 'scripted', agentName: options.agents?.[seat] ?? 'scripted', token: null })),
    spectatorToken: `spectator-${id}`,
    options: { takeoverAfterSec: null, takeoverAgent: 'scripted', agentDelayMs: 0, revealAgents: false, quickplay: false },
  };
  const rows: NewRow[] = [];
  events.forEach((event, i) => {
    rows.push(gameRow(event, i));
    for (const extra of options.sessionRows ?? []) if (extra.afterEvent === i) rows.push(extra.row);
  });
  await store.createSession(record, rows.slice(0, 1));
  // append in batches, as rooms do, so long logs are realistic pages of the table
  for (let from = 1; from < rows.length; from += 500) await store.append(id, from + 1, rows.slice(from, from + 500));
  return record;
}

/** A minimal RFC 4180 parser (quotes, doubled quotes, newlines inside quotes). */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += c;
  }
  if (field || row.length) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}

/** CSV as objects keyed by the header row. */
export function csvRecords(text: string): Record<string, string>[] {
  const [header, ...rows] = parseCsv(text);
  return rows.map((r) => Object.fromEntries(header.map((h, i) => [h, r[i]])));
}

/** Read a zip's entries (the same reader the study pilot uses to unpack its export). */
export const unzip = readZip;
