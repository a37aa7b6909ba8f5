import { beliefRows, eliminationRows, recruitmentRows, statementRows, voteRows, type TraitorsEvent } from '../../shared/games/traitors/index.ts';
import { roundsTable, type TrustSplitEvent } from '../../shared/games/trust-split/index.ts';
import { actorOf, ActorLookup } from './actors.ts';
import { csvLine, csvRows } from './csv.ts';
import { REFERENCE_VOTES_COLUMNS, referenceVoteRows } from './reference-votes.ts';

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

/**
 * The actor of each row, for tables where one action makes several rows: a new action starts
 * where the row's key changes (one seat's suspicion of every other seat is one action).
 */
function actorsByGroup(lookup: ActorLookup, keys: readonly string[]): string[] {
  let previous: string | null = null;
  let actor = '';
  return keys.map((key) => {
    if (key !== previous) actor = lookup.take(key);
    previous = key;
    return actor;
  });
}

/** Traitors: what identifies an action for its table row (ballots by day `d`, night `n` or recruitment `r`; an offer's answer `o`). */
function traitorsActionKey(e: LoggedEvent): string | null {
  const speak = (pass: unknown, channel: unknown, purpose: unknown) => `s:${String(e.round)}:${String(pass)}:${String(channel)}:${String(purpose)}:${String(e.seat)}`;
  const vote = (ballot: unknown) => `v:${String(e.round)}:${ballot === 'murder' ? 'n' : ballot === 'recruit' ? 'r' : 'd'}:${String(e.seat)}`;
  const answer = () => `o:${String(e.round)}:${String(e.seat)}`;
  if (e.type === 'statement') return speak(e.pass, e.channel, e.purpose);
  if (e.type === 'vote') return vote(e.ballot);
  if (e.type === 'beliefs') return `b:${String(e.round)}:${String(e.seat)}`;
  if (e.type === 'recruitAnswered') return answer();
  if (e.type !== 'timeout') return null;
  if (e.pendingKind === 'speak') return speak(e.pass ?? 1, e.channel ?? 'public', e.purpose);
  if (e.pendingKind === 'vote') return vote(e.purpose);
  if (e.pendingKind === 'choose') return answer();
  return `b:${String(e.round)}:${String(e.seat)}`;
}

/** Trust-and-Split: a seat's proposal (`p`) or message (`m`) in a round. */
function trustSplitActionKey(e: LoggedEvent): string | null {
  if (e.type === 'proposal' || (e.type === 'timeout' && e.action === 'propose')) return `p:${String(e.round)}:${String(e.seat)}`;
  if (e.type === 'message' || (e.type === 'timeout' && e.action === 'speak')) return `m:${String(e.round)}:${String(e.seat)}`;
  return null;
}

/**
 * The two forms of The Traitors' votes.csv: `parley` (default) has the reference's columns plus
 * `actor`, a row for every vote of every ballot (revotes, phases that eliminated nobody with
 * `Eliminated` False, abstentions empty); `reference` is the reference implementation's own
 * file, row for row (server/export/reference-votes.ts).
 */
export const VOTES_FORMATS = ['parley', 'reference'] as const;
export type VotesFormat = (typeof VOTES_FORMATS)[number];

/** A votes format named by outside text (a flag, a query parameter), or a clear error. */
export function parseVotesFormat(value: unknown): VotesFormat {
  if (typeof value === 'string' && (VOTES_FORMATS as readonly string[]).includes(value)) return value as VotesFormat;
  throw new Error(`unknown votes format ${JSON.stringify(value)}; choose one of: ${VOTES_FORMATS.join(', ')}`);
}

/** Options that change what a game's tables hold. */
export interface TableOptions {
  /** the form of the Traitors' votes.csv (default 'parley') */
  votes?: VotesFormat;
}

const referenceVotesTable: TableSpec = {
  file: 'votes.csv',
  columns: REFERENCE_VOTES_COLUMNS,
  // a phase's rows need its elimination, which comes later in the same round
  reads: types('votesRevealed', 'banished', 'murdered'),
  scope: 'round',
  rows: (slice) => referenceVoteRows(slice as unknown as readonly TraitorsEvent[]),
};

const traitorsTables: TableSpec[] = [
  {
    // the reference implementation's columns (its metrics script reads them by name), every ballot
    file: 'votes.csv',
    // (plus `actor` at the end: the reference script reads its columns by name)
    columns: ['Round', 'Vote_Type', 'Player_ID', 'Role', 'Vote_Target', 'Eliminated', 'actor'],
    reads: types('votesRevealed', 'banished', 'murdered', 'vote', 'timeout'),
    scope: 'round',
    rows: (slice) => {
      const actors = new ActorLookup(slice, traitorsActionKey);
      return voteRows(slice as unknown as readonly TraitorsEvent[]).map((r) => [
        r.Round, r.Vote_Type, r.Player_ID, r.Role, r.Vote_Target ?? '', r.Eliminated === false ? 'False' : r.Eliminated,
        actors.take(`v:${r.Round}:${r.Vote_Type === 'Traitor' ? 'n' : r.Vote_Type === 'Recruit' ? 'r' : 'd'}:${r.Player_ID}`),
      ]);
    },
  },
  {
    file: 'statements.csv',
    columns: ['round', 'pass', 'seat', 'name', 'role', 'channel', 'purpose', 'text', 'skipped', 'actor'],
    reads: types('statement', 'timeout'),
    scope: 'event',
    rows: (slice) => {
      const actors = new ActorLookup(slice, traitorsActionKey);
      return statementRows(slice as unknown as readonly TraitorsEvent[]).map((r) => [
        r.round, r.pass, r.seat, r.name, r.role, r.channel, r.purpose, r.text, bool(r.skipped),
        actors.take(`s:${r.round}:${r.pass}:${r.channel}:${r.purpose}:${r.seat}`),
      ]);
    },
  },
  {
    file: 'beliefs.csv',
    columns: ['round', 'observer', 'target', 'suspicion', 'observer_role', 'target_role', 'timed_out', 'actor'],
    reads: types('beliefs', 'timeout'),
    scope: 'event',
    rows: (slice) => {
      const rows = beliefRows(slice as unknown as readonly TraitorsEvent[]);
      const actors = actorsByGroup(new ActorLookup(slice, traitorsActionKey), rows.map((r) => `b:${r.round}:${r.observer}`));
      return rows.map((r, i) => [r.round, r.observer, r.target, r.suspicion, r.observerRole, r.targetRole, bool(r.timedOut), actors[i]]);
    },
  },
  {
    file: 'eliminations.csv',
    // role: when eliminated; initial_role: at the start (they differ for a recruit)
    columns: ['round', 'seat', 'name', 'role', 'cause', 'role_revealed', 'initial_role'],
    reads: types('banished', 'murdered'),
    scope: 'event',
    rows: (slice) => eliminationRows(slice as unknown as readonly TraitorsEvent[]).map((r) => [r.round, r.seat, r.name, r.role, r.cause, bool(r.roleRevealed), r.initialRole]),
  },
  {
    // the role changes: each offer, and whether the seat turned traitor that night
    file: 'recruitment.csv',
    columns: ['round', 'seat', 'name', 'accepted', 'timed_out', 'actor'],
    reads: types('recruitOffered', 'recruitAnswered', 'timeout'),
    // an offer and its answer are one night: never cut between them
    scope: 'round',
    rows: (slice) => {
      const actors = new ActorLookup(slice, traitorsActionKey);
      return recruitmentRows(slice as unknown as readonly TraitorsEvent[]).map((r) => [
        r.round, r.seat, r.name, r.accepted === null ? '' : bool(r.accepted), bool(r.timedOut), r.accepted === null ? '' : actors.take(`o:${r.round}:${r.seat}`),
      ]);
    },
  },
];

const trustSplitTables: TableSpec[] = [
  {
    file: 'rounds.csv',
    // actor: who made the proposal; message_actor: who wrote the round's messages (';' between several)
    columns: ['round', 'seat', 'name', 'hand', 'position', 'value', 'message', 'claimed_hand', 'claimed_position', 'claim_truthful', 'proposal', 'proposal_timed_out', 'coins', 'points', 'actor', 'message_actor'],
    // a round's messages are capped by messagesPerRound, so a round slice stays small
    reads: types('deal', 'message', 'timeout', 'proposal', 'roundResolved'),
    scope: 'round',
    rows: (slice) => {
      const actors = new ActorLookup(slice, trustSplitActionKey);
      return roundsTable(slice as unknown as readonly TrustSplitEvent[]).map((r) => [
        r.round, r.seat, r.name, r.hand, r.position, r.value, r.message, r.claimedHand ?? '', r.claimedPosition ?? '',
        r.claimTruthful === null ? '' : bool(r.claimTruthful), r.proposal, bool(r.proposalTimedOut), r.coins, r.points,
        actors.take(`p:${r.round}:${r.seat}`), actors.all(`m:${r.round}:${r.seat}`),
      ]);
    },
  },
  {
    file: 'statements.csv',
    columns: ['round', 'seat', 'name', 'text', 'timed_out', 'actor'],
    reads: types('message', 'timeout'),
    scope: 'event',
    rows: (slice) => {
      const names = (slice[0]?.type === 'setup' ? (slice[0].names as string[]) : []) ?? [];
      const rows: unknown[][] = [];
      for (const e of slice as unknown as readonly TrustSplitEvent[]) {
        if (e.type === 'message') rows.push([e.round, e.seat, names[e.seat] ?? '', e.text, 'false', actorOf(e as unknown as LoggedEvent)]);
        else if (e.type === 'timeout' && e.action === 'speak') rows.push([e.round, e.seat, names[e.seat] ?? '', e.text, 'true', 'timeout']);
      }
      return rows;
    },
  },
];

export function tablesFor(gameId: string, options: TableOptions = {}): TableSpec[] {
  if (gameId === 'traitors') {
    return options.votes === 'reference' ? traitorsTables.map((t) => (t.file === 'votes.csv' ? referenceVotesTable : t)) : traitorsTables;
  }
  if (gameId === 'trust-split') return trustSplitTables;
  return [];
}

/**
 * Events every slice after them must see whatever the table reads: a Traitors recruit's accepted
 * offer changes the role columns of every later row, so it is carried into each later slice
 * (after the setup) and is in its own slice too.
 */
function changesRoles(gameId: string, event: LoggedEvent): boolean {
  return gameId === 'traitors' && event.type === 'recruitAnswered' && event.accepted === true;
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
  // role changes before this slice (carried in) and within it (carried into the next ones)
  const carried: LoggedEvent[] = [];
  let changed: LoggedEvent[] = [];
  const cut = () => {
    const out = setup ? [setup, ...carried, ...slice] : slice;
    slice = [];
    carried.push(...changed);
    changed = [];
    return out;
  };
  for await (const event of events) {
    if (event.type === 'setup') {
      setup = event;
      continue;
    }
    if (slice.length && (opensSlice(gameId, event) || (table.scope === 'event' && slice.length >= SLICE_EVENTS))) yield cut();
    if (changesRoles(gameId, event)) {
      changed.push(event);
      slice.push(event);
    } else if (table.reads.has(event.type)) slice.push(event);
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
