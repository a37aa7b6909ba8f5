import type { TraitorsEvent } from '../../shared/games/traitors/index.ts';

/**
 * votes.csv in the reference implementation's own conventions (pedrocurvo/TheTraitors,
 * src/traitors_game.py: `process_vote` collects a phase's votes, `process_elimination` writes
 * them), so that its metrics script (src/utils/metrics.py) reads the file exactly as it reads
 * its own. What the reference does, re-stated:
 *
 * - the header is `Round,Vote_Type,Player_ID,Role,Vote_Target,Eliminated` (no other column);
 * - a phase's votes are written only when the phase ends in an elimination, all at once, and
 *   every row's `Eliminated` is the eliminated player's id; a phase that eliminates nobody
 *   writes no row at all (so `Eliminated` is never `False` in its files);
 * - an unusable vote is written with `Vote_Target` `None`;
 * - values are Python's str(): ints, `None`; `Vote_Type` is `General` (round table) or
 *   `Traitor` (night), `Role` is `Faithful` or `Traitor`.
 *
 * Parley's mapping: an abstention (a timeout) is the reference's unusable vote, `None`. The
 * reference has one round-table ballot per round and no revotes, so a round table that went to
 * a revote is written as its main ballot (each voter's first vote) with the revote's outcome in
 * `Eliminated`; the revote rows are left out (Parley's own form keeps them). A round table or
 * night that eliminated nobody (everyone abstained, a game ended mid-phase) writes nothing.
 */

export const REFERENCE_VOTES_COLUMNS = ['Round', 'Vote_Type', 'Player_ID', 'Role', 'Vote_Target', 'Eliminated'] as const;

/** One row as the reference writes it: every cell already the text Python's str() gives. */
export type ReferenceVoteRow = [round: number, voteType: 'General' | 'Traitor', playerId: number, role: 'Faithful' | 'Traitor', voteTarget: number | 'None', eliminated: number];

/** The reference-form rows of a slice of a Traitors log (setup first; whole rounds, see tables.ts). */
export function referenceVoteRows(events: readonly TraitorsEvent[]): ReferenceVoteRow[] {
  const setup = events.find((e) => e.type === 'setup');
  if (!setup || setup.type !== 'setup') throw new Error('traitors: a log starts with setup');
  // who each phase eliminated: the round table (banished) and the night (murdered) of a round
  const eliminated = new Map<string, number>();
  const phase = (round: number, night: boolean) => `${round}:${night ? 'night' : 'day'}`;
  for (const e of events) {
    if (e.type === 'banished') eliminated.set(phase(e.round, false), e.seat);
    if (e.type === 'murdered') eliminated.set(phase(e.round, true), e.seat);
  }
  const rows: ReferenceVoteRow[] = [];
  for (const e of events) {
    // the reference has no revote: a round table is its main ballot
    if (e.type !== 'votesRevealed' || e.ballot === 'revote') continue;
    const night = e.ballot === 'murder';
    const out = eliminated.get(phase(e.round, night));
    if (out === undefined) continue;
    for (const vote of e.votes) {
      rows.push([e.round, night ? 'Traitor' : 'General', vote.seat, setup.roles[vote.seat] === 'traitor' ? 'Traitor' : 'Faithful', vote.target ?? 'None', out]);
    }
  }
  return rows;
}
