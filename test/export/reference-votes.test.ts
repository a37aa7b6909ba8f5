import { describe, expect, it } from 'vitest';
import type { SeatId } from '../../shared/engine/actions.ts';
import { Match } from '../../shared/engine/match.ts';
import { pickNames } from '../../shared/engine/names.ts';
import { agentRng } from '../../shared/engine/play.ts';
import { Purpose, Rng } from '../../shared/engine/rng.ts';
import { resolveConfig } from '../../shared/games/index.ts';
import { traitors, type TraitorsConfig, type TraitorsEvent, type TraitorsState } from '../../shared/games/traitors/index.ts';
import { parseVotesFormat, tableCsv, tablesFor, type LoggedEvent } from '../../server/export/tables.ts';
import { csvRecords, parseCsv, playedGames } from './helpers.ts';

/**
 * votes.csv in the reference's form (server/export/reference-votes.ts), checked against the
 * state the game's own reducer keeps (its ballot records and eliminations), not against the
 * function that writes the rows.
 */

const HEADER = 'Round,Vote_Type,Player_ID,Role,Vote_Target,Eliminated';

/** A game with scripted agents where a share of all decisions time out (abstentions, skipped speech). */
function gameWithTimeouts(preset: string, seed: number, timeoutShare: number, overrides: Record<string, unknown> = {}): TraitorsEvent[] {
  const config = resolveConfig(traitors, preset, overrides) as TraitorsConfig;
  const match = Match.start<TraitorsState, TraitorsEvent>(traitors, config, seed, pickNames(config.players, seed));
  const agents = match.state.roles.map((r) => (r === 'traitor' ? traitors.agents.schemer : traitors.agents.sleuth));
  const coin = Rng.stream(seed, Purpose.test, 14);
  let decision = 0;
  while (!match.isOver) {
    for (const seat of match.pendingSeats()) {
      const pending = match.pending(seat);
      if (!pending) continue;
      decision++;
      if (coin.chance(timeoutShare)) match.timeout(seat);
      else {
        const result = match.submit(seat, agents[seat]({ seat, view: traitors.view(match.state, seat), pending, rng: agentRng(seed, seat, decision) }));
        if (!result.ok) throw new Error(result.message);
      }
    }
  }
  return match.log;
}

async function referenceCsv(events: readonly TraitorsEvent[]): Promise<string> {
  const table = tablesFor('traitors', { votes: 'reference' }).find((t) => t.file === 'votes.csv')!;
  let text = '';
  for await (const chunk of tableCsv('traitors', table, events as unknown as LoggedEvent[])) text += chunk;
  return text;
}

/**
 * What the reference would have written for a log, from the reducer's records of the final state:
 * main ballots that ended in an elimination, no revotes, no recruitment ballots (the reference has
 * none), each voter with the role they held when they voted (a recruit is a traitor from the round
 * after the night they accepted).
 */
function expectedPhases(events: readonly TraitorsEvent[]) {
  const state = Match.fromLog<TraitorsState, TraitorsEvent>(traitors, events).state;
  const phases: { round: number; type: 'General' | 'Traitor'; votes: { seat: SeatId; target: SeatId | null }[]; eliminated: SeatId }[] = [];
  const dropped = { noElimination: 0, revotes: 0, recruitBallots: 0 };
  const initialRoles = events[0].type === 'setup' ? events[0].roles : [];
  const recruitedIn = new Map<SeatId, number>(state.recruitments.filter((r) => r.accepted === true).map((r) => [r.seat, r.round]));
  const roleAt = (seat: SeatId, round: number): 'Traitor' | 'Faithful' =>
    initialRoles[seat] === 'traitor' || (recruitedIn.has(seat) && round > recruitedIn.get(seat)!) ? 'Traitor' : 'Faithful';
  for (const [type, records] of [['General', state.ballots], ['Traitor', state.nightBallots]] as const) {
    for (const record of records) {
      if (record.ballot === 'revote') {
        dropped.revotes++;
        continue;
      }
      if (record.ballot === 'recruit') {
        dropped.recruitBallots++;
        continue;
      }
      // the elimination the phase ended in: the main ballot's, or for a revoted table the revote's
      const decided = records.filter((r) => r.round === record.round && r.ballot !== 'recruit').map((r) => r.eliminated).find((e) => e !== null);
      const cause = type === 'General' ? 'banished' : 'murdered';
      const happened = events.some((e) => e.type === cause && e.round === record.round);
      if (decided === undefined || !happened) {
        dropped.noElimination++;
        continue;
      }
      phases.push({ round: record.round, type, votes: [...record.votes], eliminated: decided });
    }
  }
  return { phases, dropped, roleAt, recruitedIn };
}

/** One file checked against `expectedPhases`: exactly those phases, rows in casting order, roles at the time. */
async function checkFile(events: readonly TraitorsEvent[]) {
  const text = await referenceCsv(events);
  const lines = text.split('\n');
  expect(lines[0]).toBe(HEADER);
  expect(lines.at(-1)).toBe('');
  // Python's f-string writes bare values: no quoting, six cells, nothing else
  for (const line of lines.slice(1, -1)) {
    expect(line).toMatch(/^\d+,(General|Traitor),\d+,(Faithful|Traitor),(\d+|None),\d+$/);
  }
  const rows = csvRecords(text);
  const expected = expectedPhases(events);
  // exactly the phases that ended in an elimination, in the log's order within each kind
  const byPhase = new Map<string, typeof rows>();
  for (const r of rows) {
    const key = `${r.Round}:${r.Vote_Type}`;
    byPhase.set(key, [...(byPhase.get(key) ?? []), r]);
  }
  expect([...byPhase.keys()].sort()).toEqual(expected.phases.map((p) => `${p.round}:${p.type}`).sort());
  for (const phase of expected.phases) {
    const written = byPhase.get(`${phase.round}:${phase.type}`)!;
    // one row per vote of the phase's (main) ballot, in casting order
    expect(written.map((r) => Number(r.Player_ID))).toEqual(phase.votes.map((v) => v.seat));
    expect(written.map((r) => r.Vote_Target)).toEqual(phase.votes.map((v) => (v.target === null ? 'None' : String(v.target))));
    // every row carries the phase's eliminated id
    expect(new Set(written.map((r) => r.Eliminated))).toEqual(new Set([String(phase.eliminated)]));
    for (const r of written) expect(r.Role).toBe(expected.roleAt(Number(r.Player_ID), Number(r.Round)));
  }
  return { rows, ...expected };
}

describe('votes.csv, reference form', () => {
  it('writes rows only for phases that eliminated, in the reference conventions, over many seeded games with timeouts', async () => {
    const games: TraitorsEvent[][] = [
      ...playedGames('traitors', 'scripted', 60, 101, 'paper').map((g) => g.events as TraitorsEvent[]),
      // random agents at the `table` preset: ties, so revotes
      ...playedGames('traitors', 'random', 40, 102, 'table').map((g) => g.events as TraitorsEvent[]),
    ];
    for (let i = 0; i < 60; i++) games.push(gameWithTimeouts(i % 2 ? 'paper' : 'table', 500 + i, [0.1, 0.35, 0.7][i % 3]));
    // games cut mid-phase (a session ended early): whatever prefix of a log, the file is still right
    for (let i = 0; i < 30; i++) {
      const full = gameWithTimeouts('table', 900 + i, 0.2);
      games.push(full.slice(0, 2 + Rng.stream(900 + i, Purpose.test, 15).int(full.length - 2)));
    }

    const seen = { rows: 0, none: 0, revotes: 0, noElimination: 0, emptyFiles: 0, seatZeroEliminated: 0 };
    for (const events of games) {
      const { rows, phases, dropped } = await checkFile(events);
      for (const phase of phases) if (phase.eliminated === 0) seen.seatZeroEliminated++;
      seen.rows += rows.length;
      seen.none += rows.filter((r) => r.Vote_Target === 'None').length;
      seen.revotes += dropped.revotes;
      seen.noElimination += dropped.noElimination;
      if (rows.length === 0) seen.emptyFiles++;
    }
    // the cases this test is about did occur
    expect(seen.rows).toBeGreaterThan(3000);
    expect(seen.none).toBeGreaterThan(100);
    expect(seen.revotes).toBeGreaterThan(10);
    expect(seen.noElimination).toBeGreaterThan(10);
    expect(seen.emptyFiles).toBeGreaterThan(0);
    expect(seen.seatZeroEliminated).toBeGreaterThan(0);
  });

  it('leaves recruitment ballots out and writes each vote with the role its voter held then (recruits accepted and refused)', async () => {
    const seen = { accepted: 0, refused: 0, refusersMurdered: 0, recruitBallots: 0, recruitTraitorRows: 0, recruitEarlierFaithfulRows: 0 };
    for (let i = 0; i < 40; i++) {
      const refusal = i % 2 ? 'murdered' : 'none';
      const events = gameWithTimeouts(i % 4 < 2 ? 'reference' : 'paper', 1400 + i, 0.05, { recruitment: { refusal } });
      const { rows, dropped, recruitedIn } = await checkFile(events);
      seen.recruitBallots += dropped.recruitBallots;
      for (const e of events) {
        if (e.type !== 'recruitAnswered') continue;
        if (e.accepted) seen.accepted++;
        else seen.refused++;
        if (!e.accepted && events.some((m) => m.type === 'murdered' && m.round === e.round && m.seat === e.seat)) seen.refusersMurdered++;
      }
      // a recruitment night writes no Traitor row: the offer is no murder ballot, a refuser's death no phase
      const recruitNights = new Set(events.flatMap((e) => (e.type === 'votesRevealed' && e.ballot === 'recruit' ? [e.round] : [])));
      expect(rows.filter((r) => r.Vote_Type === 'Traitor' && recruitNights.has(Number(r.Round)))).toEqual([]);
      for (const [seat, round] of recruitedIn) {
        const theirs = rows.filter((r) => Number(r.Player_ID) === seat);
        seen.recruitTraitorRows += theirs.filter((r) => Number(r.Round) > round && r.Role === 'Traitor').length;
        seen.recruitEarlierFaithfulRows += theirs.filter((r) => Number(r.Round) <= round && r.Role === 'Faithful').length;
      }
    }
    // the cases this test is about did occur
    expect(seen.recruitBallots).toBeGreaterThan(5);
    expect(seen.accepted).toBeGreaterThan(0);
    expect(seen.refused).toBeGreaterThan(0);
    expect(seen.refusersMurdered).toBeGreaterThan(0);
    expect(seen.recruitTraitorRows).toBeGreaterThan(0);
    expect(seen.recruitEarlierFaithfulRows).toBeGreaterThan(0);
  });

  it('leaves the default form as it was: every ballot, Eliminated False, abstentions empty, actor last', async () => {
    const events = gameWithTimeouts('table', 77, 0.35);
    const table = tablesFor('traitors').find((t) => t.file === 'votes.csv')!;
    let text = '';
    for await (const chunk of tableCsv('traitors', table, events as unknown as LoggedEvent[])) text += chunk;
    expect(text.split('\n')[0]).toBe(`${HEADER},actor`);
    const rows = parseCsv(text).slice(1);
    const state = Match.fromLog<TraitorsState, TraitorsEvent>(traitors, events).state;
    const ballotVotes = [...state.ballots, ...state.nightBallots].reduce((n, b) => n + b.votes.length, 0);
    expect(rows).toHaveLength(ballotVotes);
    expect(rows.some((r) => r[4] === '')).toBe(true);
    expect(tablesFor('traitors', { votes: 'parley' })).toEqual(tablesFor('traitors'));
  });

  it('names only the two forms; anything else is a clear error', () => {
    expect(parseVotesFormat('reference')).toBe('reference');
    expect(parseVotesFormat('parley')).toBe('parley');
    for (const bad of ['Reference', 'csv', '', 'constructor', '__proto__', 'toString', 7, null]) {
      expect(() => parseVotesFormat(bad)).toThrow(/unknown votes format .*choose one of: parley, reference/);
    }
  });
});
