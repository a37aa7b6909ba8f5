import { voteRows, type TraitorsEvent } from '../../shared/games/traitors/index.ts';

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
 * Parley's recruitment ballots (a night's offer, a preset option) have no counterpart in the
 * reference and are left out; a refuser murdered that night is no `Traitor` phase either.
 */

export const REFERENCE_VOTES_COLUMNS = ['Round', 'Vote_Type', 'Player_ID', 'Role', 'Vote_Target', 'Eliminated'] as const;

/** One row as the reference writes it: every cell already the text Python's str() gives. */
export type ReferenceVoteRow = [round: number, voteType: 'General' | 'Traitor', playerId: number, role: 'Faithful' | 'Traitor', voteTarget: number | 'None', eliminated: number];

/**
 * The reference-form rows of a slice of a Traitors log (setup first; whole rounds, see tables.ts).
 * Built on Parley's own rows (records.ts `voteRows`), so `Role` is the voter's role when the vote
 * was cast (a recruit votes as a traitor after accepting) and `Eliminated` is the phase's
 * elimination (a revoted table's revote outcome): what is left out is what the reference has no
 * place for — revote ballots, recruitment ballots (it has no recruitment) and phases that
 * eliminated nobody.
 */
export function referenceVoteRows(events: readonly TraitorsEvent[]): ReferenceVoteRow[] {
  const kept = events.filter((e) => e.type !== 'votesRevealed' || (e.ballot !== 'revote' && e.ballot !== 'recruit'));
  const rows: ReferenceVoteRow[] = [];
  for (const row of voteRows(kept)) {
    // no Recruit row is left (their ballots were dropped above); the check narrows the type
    if (row.Eliminated === false || row.Vote_Type === 'Recruit') continue;
    rows.push([row.Round, row.Vote_Type, row.Player_ID, row.Role, row.Vote_Target ?? 'None', row.Eliminated]);
  }
  return rows;
}
