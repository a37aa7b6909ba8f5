import { beliefRows, eliminationRows, statementRows, voteRows, type TraitorsEvent } from '../../shared/games/traitors/index.ts';
import { roundsTable, type TrustSplitEvent } from '../../shared/games/trust-split/index.ts';
import { csvLine, csvRows } from './csv.ts';

/** A game event as it sits in a log (each game narrows it to its own union). */
export type LoggedEvent = { type: string; [field: string]: unknown };

/**
 * A flat table of one game, built a slice of the log at a time: `rows` gets the setup event
 * followed by one slice (see `slicesOf`), so a long session never has to be held whole.
 */
export interface TableSpec {
  file: string;
  columns: readonly string[];
  /** the event types the table reads (besides setup); a slice holds only these */
  reads: ReadonlySet<string>;
  /**
   * 'event': each row comes from one event, so slices may be cut anywhere (every SLICE_EVENTS);
   * 'round': a row needs its whole round (a ballot and its elimination), so slices end at rounds.
   */
  scope: 'event' | 'round';
  rows(slice: readonly LoggedEvent[]): unknown[][];
}

/** Largest slice of an 'event'-scoped table: bounds memory whatever one round holds. */
export const SLICE_EVENTS = 256;

const types = (...names: string[]): ReadonlySet<string> => new Set(names);

const bool = (value: boolean): string => (value ? 'true' : 'false');

const traitorsTables: TableSpec[] = [
  {
    // exactly the reference implementation's votes.csv, so its metrics script reads it unchanged
    file: 'votes.csv',
    columns: ['Round', 'Vote_Type', 'Player_ID', 'Role', 'Vote_Target', 'Eliminated'],
    reads: types('votesRevealed', 'banished', 'murdered'),
    scope: 'round',
    rows: (slice) =>
      voteRows(slice as unknown as readonly TraitorsEvent[]).map((r) => [r.Round, r.Vote_Type, r.Player_ID, r.Role, r.Vote_Target ?? '', r.Eliminated === false ? 'False' : r.Eliminated]),
  },
  {
    file: 'statements.csv',
    columns: ['round', 'pass', 'seat', 'name', 'role', 'channel', 'purpose', 'text', 'skipped'],
    reads: types('statement', 'timeout'),
    scope: 'event',
    rows: (slice) => statementRows(slice as unknown as readonly TraitorsEvent[]).map((r) => [r.round, r.pass, r.seat, r.name, r.role, r.channel, r.purpose, r.text, bool(r.skipped)]),
  },
  {
    file: 'beliefs.csv',
    columns: ['round', 'observer', 'target', 'suspicion', 'observer_role', 'target_role', 'timed_out'],
    reads: types('beliefs', 'timeout'),
    scope: 'event',
    rows: (slice) => beliefRows(slice as unknown as readonly TraitorsEvent[]).map((r) => [r.round, r.observer, r.target, r.suspicion, r.observerRole, r.targetRole, bool(r.timedOut)]),
  },
  {
    file: 'eliminations.csv',
    columns: ['round', 'seat', 'name', 'role', 'cause', 'role_revealed'],
    reads: types('banished', 'murdered'),
    scope: 'event',
    rows: (slice) => eliminationRows(slice as unknown as readonly TraitorsEvent[]).map((r) => [r.round, r.seat, r.name, r.role, r.cause, bool(r.roleRevealed)]),
  },
];

const trustSplitTables: TableSpec[] = [
  {
    file: 'rounds.csv',
    columns: ['round', 'seat', 'name', 'hand', 'position', 'value', 'message', 'claimed_hand', 'claimed_position', 'claim_truthful', 'proposal', 'proposal_timed_out', 'coins', 'points'],
    // a round's messages are capped by messagesPerRound, so a round slice stays small
    reads: types('deal', 'message', 'timeout', 'roundResolved'),
    scope: 'round',
    rows: (slice) =>
      roundsTable(slice as unknown as readonly TrustSplitEvent[]).map((r) => [
        r.round, r.seat, r.name, r.hand, r.position, r.value, r.message, r.claimedHand ?? '', r.claimedPosition ?? '',
        r.claimTruthful === null ? '' : bool(r.claimTruthful), r.proposal, bool(r.proposalTimedOut), r.coins, r.points,
      ]),
  },
  {
    file: 'statements.csv',
    columns: ['round', 'seat', 'name', 'text', 'timed_out'],
    reads: types('message', 'timeout'),
    scope: 'event',
    rows: (slice) => {
      const names = (slice[0]?.type === 'setup' ? (slice[0].names as string[]) : []) ?? [];
      const rows: unknown[][] = [];
      for (const e of slice as unknown as readonly TrustSplitEvent[]) {
        if (e.type === 'message') rows.push([e.round, e.seat, names[e.seat] ?? '', e.text, 'false']);
        else if (e.type === 'timeout' && e.action === 'speak') rows.push([e.round, e.seat, names[e.seat] ?? '', e.text, 'true']);
      }
      return rows;
    },
  },
];

export function tablesFor(gameId: string): TableSpec[] {
  if (gameId === 'traitors') return traitorsTables;
  if (gameId === 'trust-split') return trustSplitTables;
  return [];
}

/** The event that opens a new slice: a slice then holds everything a table row needs. */
function opensSlice(gameId: string, event: LoggedEvent): boolean {
  // Traitors: a round's ballots, eliminations and murder all come before the next roundStarted.
  if (gameId === 'traitors') return event.type === 'roundStarted';
  // Trust-and-Split: a round runs from its deal to its roundResolved.
  if (gameId === 'trust-split') return event.type === 'deal';
  return false;
}

/**
 * Cut a game's events into the slices one table reads (each starting with the setup event):
 * only the event types it reads, ended at round boundaries, and for event-scoped tables also
 * every SLICE_EVENTS events.
 */
export async function* slicesOf(gameId: string, table: TableSpec, events: AsyncIterable<LoggedEvent> | Iterable<LoggedEvent>): AsyncGenerator<LoggedEvent[]> {
  let setup: LoggedEvent | null = null;
  let slice: LoggedEvent[] = [];
  const cut = () => {
    const out = setup ? [setup, ...slice] : slice;
    slice = [];
    return out;
  };
  for await (const event of events) {
    if (event.type === 'setup') {
      setup = event;
      continue;
    }
    if (slice.length && (opensSlice(gameId, event) || (table.scope === 'event' && slice.length >= SLICE_EVENTS))) yield cut();
    if (table.reads.has(event.type)) slice.push(event);
  }
  if (setup || slice.length) yield cut();
}

/** A CSV table of one game, streamed slice by slice, optionally prefixed by fixed columns (a batch's game index). */
export async function* tableCsv(
  gameId: string,
  table: TableSpec,
  events: AsyncIterable<LoggedEvent> | Iterable<LoggedEvent>,
): AsyncGenerator<string> {
  yield csvLine(table.columns);
  for await (const slice of slicesOf(gameId, table, events)) {
    const text = csvRows(table.rows(slice));
    if (text) yield text;
  }
}

/**
 * What metrics and reports keep of an event: Traitors statements lose their text (no metric
 * reads it), so a long session's metrics need only the compact skeleton of its log.
 */
export function slimForMetrics(gameId: string, event: LoggedEvent): LoggedEvent {
  if (gameId === 'traitors' && event.type === 'statement') return { ...event, text: '' };
  return event;
}
