// What happened at a Traitors table, in the order it happened, as far as one viewer may know:
// the big moments between two states (for the table to play) and the round-by-round record of
// ballots and eliminations (the vote record and the event lines in the conversation).
// Pure: no DOM, no Phaser, so it is unit-tested on its own.
import type { SeatId } from '../../shared/engine/actions.ts';
import type { BallotRecord, EliminationRecord, Role, TraitorsOutcome } from '../../shared/games/traitors/types.ts';
import type { TraitorsView } from '../../shared/games/traitors/view.ts';
import { isNightBallot } from '../../shared/games/traitors/types.ts';

/**
 * What one viewer has of a Traitors table: its view, and once the game is over the engine's
 * outcome (the state payload's `outcome`: winners, final roles, every elimination). The end's
 * reveals come from the outcome only; the view carries none of them.
 */
export interface TraitorsTable {
  view: TraitorsView;
  outcome: TraitorsOutcome | null;
}

export type Moment = { kind: 'ballot'; ballot: BallotRecord } | { kind: 'elimination'; record: EliminationRecord; role: Role | null };

/**
 * One entry of the record: a revealed ballot or an elimination. `index` is its place in its own
 * list (the view's ballots, night ballots or known eliminations), which only ever grows.
 */
export type RecordEntry =
  | { kind: 'ballot'; ballot: BallotRecord; index: number }
  | { kind: 'elimination'; record: EliminationRecord; index: number };

/**
 * Every elimination the viewer knows of: the public ones during the game; once it is over, the
 * outcome's (every one with its true role, a murder on the last night never announced included).
 * The outcome's list starts with the public ones in the same order, so indexes stay put.
 */
export function knownEliminations(table: TraitorsTable): readonly EliminationRecord[] {
  return table.outcome?.eliminations ?? table.view.eliminations;
}

/** Whether `seat` won: one of the outcome's winners (by final role: a recruit wins with the traitors). False before the end. */
export function isWinner(table: TraitorsTable, seat: SeatId): boolean {
  return table.outcome?.winners.includes(seat) ?? false;
}

/**
 * Where an entry falls within its round: the round table's ballots, then the banishment, then
 * the night's ballot, then the murder (announced at the next breakfast but dated by its night).
 */
function stage(entry: RecordEntry): number {
  if (entry.kind === 'ballot') return isNightBallot(entry.ballot.ballot) ? 2 : 0;
  return entry.record.cause === 'banished' ? 1 : 3;
}

/** Every ballot and elimination the viewer may see, in the order they happened. */
export function traitorsRecord(table: TraitorsTable): RecordEntry[] {
  const view = table.view;
  const entries: RecordEntry[] = [
    ...view.ballots.map((ballot, index) => ({ kind: 'ballot' as const, ballot, index })),
    ...(view.nightBallots ?? []).map((ballot, index) => ({ kind: 'ballot' as const, ballot, index })),
    ...knownEliminations(table).map((record, index) => ({ kind: 'elimination' as const, record, index })),
  ];
  const round = (e: RecordEntry) => (e.kind === 'ballot' ? e.ballot.round : e.record.round);
  // within a stage (a round table and its revote) the log's order
  return entries.sort((a, b) => round(a) - round(b) || stage(a) - stage(b) || a.index - b.index);
}

/**
 * The role a viewer learns with an elimination: revealed on banishment (or by the game over), or
 * faithful when murdered (the traitors' candidates are the faithful only).
 */
export function revealedRole(record: EliminationRecord): Role | null {
  return record.role ?? (record.cause === 'murdered' ? 'faithful' : null);
}

/**
 * The moments between two states of the same table, in the order they happened: ballots
 * revealed (the round table's, and the night's for the traitors) and eliminations.
 */
export function traitorsMoments(before: TraitorsTable, after: TraitorsTable): Moment[] {
  const known = {
    day: before.view.ballots.length,
    night: before.view.nightBallots?.length ?? 0,
    eliminations: knownEliminations(before).length,
  };
  const moments: Moment[] = [];
  for (const entry of traitorsRecord(after)) {
    if (entry.kind === 'ballot') {
      if (entry.index >= (isNightBallot(entry.ballot.ballot) ? known.night : known.day)) moments.push({ kind: 'ballot', ballot: entry.ballot });
    } else if (entry.index >= known.eliminations) moments.push({ kind: 'elimination', record: entry.record, role: revealedRole(entry.record) });
  }
  return moments;
}
