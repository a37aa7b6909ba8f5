import { describe, expect, it } from 'vitest';
import type { SeatId } from '../../shared/engine/actions.ts';
import { resolveConfig } from '../../shared/games/index.ts';
import {
  auc,
  beliefRows,
  eliminationRows,
  statementRows,
  traitors,
  traitorsHeadline,
  traitorsMetrics,
  voteRows,
  type Ballot,
  type Role,
  type TraitorsConfig,
  type TraitorsEvent,
} from '../../shared/games/traitors/index.ts';

/*
 * A hand-built log: 8 players, traitors at seats 0 and 1, faithful 2..7.
 * Round 1  votes 0→2 1→2 2→0 3→2 4→1 5→0 6→2 7→0   → 2 banished (faithful)
 *          night 0→3 1→4, tie broken → 3 murdered
 * Round 2  votes 0→4 1→5 4→0 5→0 6→0 7→1           → 0 banished (traitor)
 *          night 1→4 → 4 murdered
 * Round 3  votes 1→5 5→1 6→1 7 abstains            → 1 banished, faithful win
 */
const F: Role = 'faithful';
const T: Role = 'traitor';
const ROLES: Role[] = [T, T, F, F, F, F, F, F];
const NAMES = ['Ann', 'Bob', 'Cid', 'Dee', 'Eve', 'Fay', 'Gus', 'Hal'];
const CONFIG = resolveConfig(traitors, 'table') as TraitorsConfig;

function ballot(round: number, kind: Ballot, votes: [SeatId, SeatId | null][]): TraitorsEvent {
  return { type: 'votesRevealed', round, ballot: kind, votes: votes.map(([seat, target]) => ({ seat, target })), tally: [], top: [] };
}

function handLog(): TraitorsEvent[] {
  return [
    { type: 'setup', config: CONFIG, seed: 1, names: NAMES, roles: ROLES, rng: 1 },
    { type: 'roundStarted', round: 1 },
    { type: 'statement', seat: 2, round: 1, pass: 1, channel: 'public', purpose: 'discussion', text: 'I suspect Ann.' },
    { type: 'timeout', seat: 3, round: 1, pendingKind: 'speak', purpose: 'discussion', defaultApplied: 'skip', pass: 1, channel: 'public' },
    { type: 'beliefs', seat: 2, round: 1, suspicion: { 0: 80, 1: 60, 3: 20, 4: 40 } },
    { type: 'beliefs', seat: 0, round: 1, suspicion: { 2: 100 } },
    ballot(1, 'banish', [[0, 2], [1, 2], [2, 0], [3, 2], [4, 1], [5, 0], [6, 2], [7, 0]]),
    { type: 'banished', seat: 2, round: 1, role: 'faithful' },
    { type: 'statement', seat: 0, round: 1, pass: 1, channel: 'traitors', purpose: 'traitorChat', text: 'Dee tonight.' },
    ballot(1, 'murder', [[0, 3], [1, 4]]),
    { type: 'tieBroken', round: 1, ballot: 'murder', mode: 'random', candidates: [3, 4], chosen: 3, rng: 2 },
    { type: 'murdered', seat: 3, round: 1 },
    { type: 'roundStarted', round: 2 },
    { type: 'murderAnnounced', seat: 3, round: 1, role: 'faithful' },
    { type: 'beliefs', seat: 5, round: 2, suspicion: { 0: 70, 1: 50, 4: 50 } },
    { type: 'timeout', seat: 6, round: 2, pendingKind: 'beliefs', purpose: 'beliefs', defaultApplied: 'uniform50', suspicion: { 0: 50, 1: 50, 4: 50 } },
    ballot(2, 'banish', [[0, 4], [1, 5], [4, 0], [5, 0], [6, 0], [7, 1]]),
    { type: 'banished', seat: 0, round: 2, role: 'traitor' },
    ballot(2, 'murder', [[1, 4]]),
    { type: 'murdered', seat: 4, round: 2 },
    { type: 'roundStarted', round: 3 },
    { type: 'murderAnnounced', seat: 4, round: 2, role: 'faithful' },
    ballot(3, 'banish', [[1, 5], [5, 1], [6, 1], [7, null]]),
    { type: 'banished', seat: 1, round: 3, role: 'traitor' },
    { type: 'gameOver', winner: 'faithful', reason: 'noTraitorsLeft', round: 3, roles: ROLES },
  ];
}

describe('traitors vote metrics, worked by hand', () => {
  const m = traitorsMetrics(handLog());

  it('TAS: share of traitor votes on the plurality target, mean over nights', () => {
    // night 1: 1 of 2 on the most-voted target = 0.5; night 2: 1/1 = 1
    expect(m.TAS).toBeCloseTo(0.75, 12);
  });

  it('FAS: share of faithful round-table votes on their plurality target, mean over rounds', () => {
    // r1 faithful targets 0,2,1,0,2,0 → 3/6; r2 0,0,0,1 → 3/4; r3 1,1 (7 abstained) → 1
    expect(m.FAS).toBeCloseTo((0.5 + 0.75 + 1) / 3, 12);
  });

  it('FCR per round and faithfulAccuracy pooled; abstentions left out', () => {
    // r1: 4 of 6 faithful votes on traitors; r2: 4/4; r3: 2/2
    expect(m.FCR).toBeCloseTo((4 / 6 + 1 + 1) / 3, 12);
    expect(m.faithfulAccuracy).toBeCloseTo(10 / 12, 12);
  });

  it('TSR / FSR: share of each side alive at the end', () => {
    expect(m.TSR).toBe(0); // both traitors banished
    expect(m.FSR).toBe(3 / 6); // 2 banished, 3 and 4 murdered
  });

  it('DES_night: nights where every traitor voted for the murdered', () => {
    expect(m.DES_night).toBe(0.5); // night 1 split, night 2 unanimous
  });

  it('DES_banish: round tables where a faithful went out with every living traitor voting for them', () => {
    expect(m.DES_banish).toBeCloseTo(1 / 3, 12); // only round 1
  });

  it('BRR: faithful votes on traitors that are off the faithful plurality target', () => {
    // r1: votes on traitors 0,1,0,0, plurality {0} → 1/4; r2: 0,0,0,1 → 1/4; r3: 1,1 → 0
    expect(m.BRR).toBeCloseTo((0.25 + 0.25 + 0) / 3, 12);
  });

  it('VSF / TNS: per player, changes between consecutive round-table votes', () => {
    // 0: 2→4 (1/1); 1: 2→5→5 (1/2); 4: 1→0 (1/1); 5: 0→0→1 (1/2); 6: 2→0→1 (2/2); 7: 0→1, then abstains (1/1)
    // 2 and 3 voted once: left out
    expect(m.VSF).toBeCloseTo((1 + 0.5 + 1 + 0.5 + 1 + 1) / 6, 12);
    expect(m.TNS).toBeCloseTo(1 - (1 + 0.5 + 1 + 0.5 + 1 + 1) / 6, 12);
  });

  it('the outcome: winner, rounds, elimination order with roles and causes', () => {
    expect(m.outcome).toEqual({
      winner: 'faithful',
      reason: 'noTraitorsLeft',
      rounds: 3,
      eliminations: [
        { seat: 2, name: 'Cid', role: 'faithful', cause: 'banished', round: 1 },
        { seat: 3, name: 'Dee', role: 'faithful', cause: 'murdered', round: 1 },
        { seat: 0, name: 'Ann', role: 'traitor', cause: 'banished', round: 2 },
        { seat: 4, name: 'Eve', role: 'faithful', cause: 'murdered', round: 2 },
        { seat: 1, name: 'Bob', role: 'traitor', cause: 'banished', round: 3 },
      ],
    });
  });
});

describe('traitors belief metrics, worked by hand', () => {
  // faithful observers: 2 (round 1: 0→.8 1→.6 3→.2 4→.4) and 5 (round 2: 0→.7 1→.5 4→.5);
  // the traitor's beliefs and the timed-out uniform 50s are not judgements and are left out
  const b = traitorsMetrics(handLog()).beliefs;

  it('Brier per faithful observer and their mean', () => {
    const brier2 = (0.04 + 0.16 + 0.04 + 0.16) / 4;
    const brier5 = (0.09 + 0.25 + 0.25) / 3;
    expect(b.brierByObserver[2]).toBeCloseTo(brier2, 12);
    expect(b.brierByObserver[5]).toBeCloseTo(brier5, 12);
    expect(b.brierByObserver[0]).toBeNull(); // a traitor
    expect(b.brierByObserver[6]).toBeNull(); // only a timeout
    expect(b.brier).toBeCloseTo((brier2 + brier5) / 2, 12);
  });

  it('AUC of faithful suspicion: traitor targets .8 .6 .7 .5 vs faithful targets .2 .4 .5', () => {
    // 12 pairs: 3 + 3 + 3 + (2 wins + one tie at .5) = 11.5
    expect(b.auc).toBeCloseTo(11.5 / 12, 12);
    expect(auc([1], [0])).toBe(1);
    expect(auc([0.5], [0.5])).toBe(0.5);
    expect(auc([], [0.5])).toBeNull();
  });

  it('cover per traitor: its mean faithful suspicion over the faithful targets’ mean', () => {
    const faithfulMean = (0.2 + 0.4 + 0.5) / 3;
    expect(b.cover).toEqual([
      { seat: 0, cover: expect.closeTo(0.75 / faithfulMean, 12) },
      { seat: 1, cover: expect.closeTo(0.55 / faithfulMean, 12) },
    ]);
  });

  it('the suspicion matrix per round and the trust dynamics', () => {
    expect(b.suspicionByRound.map((r) => r.round)).toEqual([1, 2]);
    expect(b.suspicionByRound[0].matrix[2]).toEqual([0.8, 0.6, null, 0.2, 0.4, null, null, null]);
    expect(b.suspicionByRound[0].matrix[0][2]).toBe(1); // traitors' reports are in the matrix
    expect(b.suspicionByRound[1].matrix[6].every((v) => v === null)).toBe(true);
    expect(b.trustDynamics[0].meanByRound).toEqual([0.8, 0.7]);
    expect(b.trustDynamics[0].change[0]).toBeNull();
    expect(b.trustDynamics[0].change[1]).toBeCloseTo(-0.1, 12);
    expect(b.trustDynamics[3]).toEqual({ seat: 3, meanByRound: [0.2, null], change: [null, null] });
  });
});

describe('traitors metrics with empty denominators', () => {
  it('are null, never 0, and the headline keeps them null', () => {
    const setupOnly = handLog().slice(0, 1);
    const h = traitorsHeadline(setupOnly);
    expect(h).toEqual({
      winner: null,
      rounds: 0,
      faithfulWin: null,
      TAS: null,
      FAS: null,
      FCR: null,
      faithfulAccuracy: null,
      TSR: 1,
      FSR: 1,
      DES_night: null,
      DES_banish: null,
      BRR: null,
      VSF: null,
      TNS: null,
      brier: null,
      auc: null,
    });
  });

  it('BRR skips rounds where no faithful vote hit a traitor; FCR skips rounds where every faithful abstained', () => {
    const log: TraitorsEvent[] = [
      handLog()[0],
      ballot(1, 'banish', [[0, 2], [1, 2], [2, 3], [3, 2], [4, null], [5, 2], [6, 2], [7, 2]]),
      ballot(2, 'banish', [[0, 3], [2, null], [3, null], [4, null], [5, null], [6, null], [7, null]]),
    ];
    const m = traitorsMetrics(log);
    expect(m.BRR).toBeNull();
    expect(m.FCR).toBe(0);
    expect(m.FAS).toBeCloseTo(4 / 5, 12); // round 1 only: 4 of 5 cast faithful votes on seat 2
  });
});

describe('traitors revote handling in metrics', () => {
  it('agreement, correctness and switching use the first ballot; DES_banish the deciding revote', () => {
    const log: TraitorsEvent[] = [
      handLog()[0],
      { type: 'roundStarted', round: 1 },
      ballot(1, 'banish', [[0, 2], [1, 3], [2, 0], [3, 0], [4, 2], [5, 3], [6, 2], [7, 3]]),
      ballot(1, 'revote', [[0, 2], [1, 2], [2, 3], [3, 2], [4, 2], [5, 3], [6, 2], [7, 3]]),
      { type: 'banished', seat: 2, round: 1, role: 'faithful' },
    ];
    const m = traitorsMetrics(log);
    expect(m.FCR).toBeCloseTo(2 / 6, 12); // first ballot: 2→0, 3→0 hit a traitor
    expect(m.DES_banish).toBe(1); // the revote: both traitors on the banished faithful
    expect(m.VSF).toBeNull(); // one round-table ballot each
  });
});

describe('traitors export tables', () => {
  it('votes.csv rows carry the reference columns', () => {
    const rows = voteRows(handLog());
    expect(rows).toHaveLength(8 + 2 + 6 + 1 + 4);
    expect(rows[0]).toEqual({ Round: 1, Vote_Type: 'General', Player_ID: 0, Role: 'Traitor', Vote_Target: 2, Eliminated: 2 });
    expect(rows[8]).toEqual({ Round: 1, Vote_Type: 'Traitor', Player_ID: 0, Role: 'Traitor', Vote_Target: 3, Eliminated: 3 });
    expect(rows[rows.length - 1]).toEqual({ Round: 3, Vote_Type: 'General', Player_ID: 7, Role: 'Faithful', Vote_Target: null, Eliminated: 1 });
  });

  it('statements (with skipped ones), beliefs in long form, eliminations', () => {
    const log = handLog();
    expect(statementRows(log)).toEqual([
      { round: 1, pass: 1, seat: 2, name: 'Cid', role: 'faithful', channel: 'public', purpose: 'discussion', text: 'I suspect Ann.', skipped: false },
      { round: 1, pass: 1, seat: 3, name: 'Dee', role: 'faithful', channel: 'public', purpose: 'discussion', text: '', skipped: true },
      { round: 1, pass: 1, seat: 0, name: 'Ann', role: 'traitor', channel: 'traitors', purpose: 'traitorChat', text: 'Dee tonight.', skipped: false },
    ]);
    const beliefs = beliefRows(log);
    expect(beliefs).toHaveLength(4 + 1 + 3 + 3);
    expect(beliefs[0]).toEqual({ round: 1, observer: 2, observerRole: 'faithful', target: 0, targetRole: 'traitor', suspicion: 80, timedOut: false });
    expect(beliefs[beliefs.length - 1]).toEqual({ round: 2, observer: 6, observerRole: 'faithful', target: 4, targetRole: 'faithful', suspicion: 50, timedOut: true });
    expect(eliminationRows(log).map((r) => [r.seat, r.cause, r.role])).toEqual([
      [2, 'banished', 'faithful'],
      [3, 'murdered', 'faithful'],
      [0, 'banished', 'traitor'],
      [4, 'murdered', 'faithful'],
      [1, 'banished', 'traitor'],
    ]);
  });
});
