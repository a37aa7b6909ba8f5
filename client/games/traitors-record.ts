// What happened at a Traitors table, in the order it happened, as far as one viewer may know:
// the big moments between two states (for the table to play) and the round-by-round record of
// ballots and eliminations (the vote record and the event lines in the conversation).
// Pure: no DOM, no Phaser, so it is unit-tested on its own.
import type { BallotRecord, EliminationRecord, Role } from '../../shared/games/traitors/types.ts';
import type { TraitorsView } from '../../shared/games/traitors/view.ts';
import { isNightBallot } from '../../shared/games/traitors/types.ts';

export type Moment = { kind: 'ballot'; ballot: BallotRecord } | { kind: 'elimination'; record: EliminationRecord; role: Role | null };

/**
 * One entry of the record: a revealed ballot or an elimination. `index` is its place in its own
 * list (the view's ballots, night ballots or known eliminations), which only ever grows.
 */
export type RecordEntry =
  | { kind: 'ballot'; ballot: BallotRecord; index: number }
  | { kind: 'elimination'; record: EliminationRecord; index: number };

/**
 * Every elimination the viewer knows of. A murder on the game's last night is never announced at
 * breakfast (the game ends first), but the final view carries it as `pendingMurder`.
 */
export function knownEliminations(view: TraitorsView): readonly EliminationRecord[] {
  if (!view.outcome || view.pendingMurder === null || view.eliminations.some((e) => e.seat === view.pendingMurder)) return view.eliminations;
  return [...view.eliminations, { seat: view.pendingMurder, round: view.round, cause: 'murdered', role: 'faithful' }];
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
export function traitorsRecord(view: TraitorsView): RecordEntry[] {
  const entries: RecordEntry[] = [
    ...view.ballots.map((ballot, index) => ({ kind: 'ballot' as const, ballot, index })),
    ...(view.nightBallots ?? []).map((ballot, index) => ({ kind: 'ballot' as const, ballot, index })),
    ...knownEliminations(view).map((record, index) => ({ kind: 'elimination' as const, record, index })),
  ];
  const round = (e: RecordEntry) => (e.kind === 'ballot' ? e.ballot.round : e.record.round);
  // within a stage (a round table and its revote) the log's order
  return entries.sort((a, b) => round(a) - round(b) || stage(a) - stage(b) || a.index - b.index);
}

/** The role a viewer learns with an elimination: revealed on banishment, or faithful when murdered. */
export function revealedRole(record: EliminationRecord): Role | null {
  return record.role ?? (record.cause === 'murdered' ? 'faithful' : null);
}

/**
 * The moments between two states of the same table, in the order they happened: ballots
 * revealed (the round table's, and the night's for the traitors) and eliminations.
 */
export function traitorsMoments(before: TraitorsView, after: TraitorsView): Moment[] {
  const known = {
    day: before.ballots.length,
    night: before.nightBallots?.length ?? 0,
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
