import type { SeatId } from '../../engine/actions.ts';
import type { CastVote, EndReason, Role, TraitorsEvent, VotesRevealedEvent, Winner } from './types.ts';

/**
 * Metrics of one game, pure functions of its event log (names follow the paper; exact
 * definitions in docs/games/traitors.md). Ratios whose denominator is empty are null,
 * never 0, so batch means skip them instead of being dragged down.
 */

export interface EliminationEntry {
  seat: SeatId;
  name: string;
  role: Role;
  cause: 'banished' | 'murdered';
  round: number;
}

export interface TraitorsOutcomeSummary {
  /** null while the log has no gameOver */
  winner: Winner | null;
  reason: EndReason | null;
  rounds: number;
  eliminations: EliminationEntry[];
}

export interface BeliefMetrics {
  /** per round (index 0 = round 1): S[observer][target] in [0, 1], null where not given */
  suspicionByRound: { round: number; matrix: (number | null)[][] }[];
  /** per seat: Brier score of a faithful observer's suspicion against the truth; null for traitors / no beliefs */
  brierByObserver: (number | null)[];
  /** mean over faithful observers with beliefs */
  brier: number | null;
  /** AUC of faithful suspicion for telling traitors (positive) from faithful */
  auc: number | null;
  /** per traitor seat: mean faithful suspicion of that traitor ÷ mean faithful suspicion of faithful targets */
  cover: { seat: SeatId; cover: number | null }[];
  /** per target seat: mean faithful suspicion per round (null where none) and its round-to-round change */
  trustDynamics: { seat: SeatId; meanByRound: (number | null)[]; change: (number | null)[] }[];
}

/** Recruitment offers and their answers (all zero / empty when recruitment is off). */
export interface RecruitmentMetrics {
  offers: { seat: SeatId; name: string; round: number; accepted: boolean | null; timedOut: boolean }[];
  offered: number;
  accepted: number;
  /** refusals, timeouts (the default refusal) included */
  refused: number;
  /** each seat's role at the start and at the end of the log */
  initialRoles: Role[];
  finalRoles: Role[];
}

export interface TraitorsMetrics {
  outcome: TraitorsOutcomeSummary;
  recruitment: RecruitmentMetrics;
  TAS: number | null;
  FAS: number | null;
  FCR: number | null;
  faithfulAccuracy: number | null;
  TSR: number | null;
  FSR: number | null;
  DES_night: number | null;
  DES_banish: number | null;
  BRR: number | null;
  VSF: number | null;
  TNS: number | null;
  beliefs: BeliefMetrics;
}

/** A revealed ballot with every seat's role when it was cast (a recruit's votes count for their side at the time). */
type RoledBallot = VotesRevealedEvent & { roles: readonly Role[] };

/**
 * The facts metrics need, gathered in one pass over the log. `roles` are the initial roles;
 * every ballot and belief report carries the roles at its time, so recruitment shifts sides correctly.
 */
interface GameFacts {
  names: string[];
  roles: Role[];
  finalRoles: Role[];
  ballots: RoledBallot[];
  eliminations: EliminationEntry[];
  beliefs: { seat: SeatId; round: number; suspicion: Record<string, number>; roles: readonly Role[] }[];
  recruitments: RecruitmentMetrics['offers'];
  rounds: number;
  winner: Winner | null;
  reason: EndReason | null;
}

function gather(events: readonly TraitorsEvent[]): GameFacts {
  const facts: GameFacts = { names: [], roles: [], finalRoles: [], ballots: [], eliminations: [], beliefs: [], recruitments: [], rounds: 0, winner: null, reason: null };
  // the roles now: shared by the records until a recruit changes them (then copied)
  let current: Role[] = [];
  for (const e of events) {
    switch (e.type) {
      case 'setup':
        facts.names = e.names;
        facts.roles = e.roles;
        current = e.roles;
        break;
      case 'votesRevealed':
        facts.ballots.push({ ...e, roles: current });
        break;
      case 'banished':
      case 'murdered':
        facts.eliminations.push({ seat: e.seat, name: facts.names[e.seat], role: current[e.seat], cause: e.type, round: e.round });
        break;
      case 'beliefs':
        // timeouts' uniform defaults carry no judgement, so belief metrics use real submissions only
        facts.beliefs.push({ ...e, roles: current });
        break;
      case 'recruitOffered':
        facts.recruitments.push({ seat: e.seat, name: facts.names[e.seat], round: e.round, accepted: null, timedOut: false });
        break;
      case 'recruitAnswered':
      case 'timeout': {
        if (e.type === 'timeout' && e.pendingKind !== 'choose') break;
        const accepted = e.type === 'recruitAnswered' && e.accepted;
        const last = facts.recruitments[facts.recruitments.length - 1];
        if (last) facts.recruitments[facts.recruitments.length - 1] = { ...last, accepted, timedOut: e.type === 'timeout' };
        if (accepted) {
          current = current.slice();
          current[e.seat] = 'traitor';
        }
        break;
      }
      case 'roundStarted':
        facts.rounds = e.round;
        break;
      case 'gameOver':
        facts.winner = e.winner;
        facts.reason = e.reason;
        break;
    }
  }
  facts.finalRoles = current;
  return facts;
}

function recruitmentMetrics(facts: GameFacts): RecruitmentMetrics {
  const answered = facts.recruitments.filter((r) => r.accepted !== null);
  const accepted = answered.filter((r) => r.accepted).length;
  return {
    offers: facts.recruitments,
    offered: facts.recruitments.length,
    accepted,
    refused: answered.length - accepted,
    initialRoles: facts.roles,
    finalRoles: facts.finalRoles,
  };
}

function mean(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  let sum = 0;
  for (const v of values) sum += v;
  return sum / values.length;
}

function castTargets(votes: readonly CastVote[], roles: readonly Role[], voterRole?: Role): SeatId[] {
  const out: SeatId[] = [];
  for (const v of votes) if (v.target !== null && (voterRole === undefined || roles[v.seat] === voterRole)) out.push(v.target);
  return out;
}

/** Count per target and the largest count. */
function counts(targets: readonly SeatId[]): { byTarget: Map<SeatId, number>; most: number } {
  const byTarget = new Map<SeatId, number>();
  let most = 0;
  for (const t of targets) {
    const c = (byTarget.get(t) ?? 0) + 1;
    byTarget.set(t, c);
    if (c > most) most = c;
  }
  return { byTarget, most };
}

/** Share of votes on the most-voted target; null when no vote was cast. */
function agreement(targets: readonly SeatId[]): number | null {
  return targets.length === 0 ? null : counts(targets).most / targets.length;
}

function present<T>(values: readonly (T | null)[]): T[] {
  return values.filter((v): v is T => v !== null);
}

/** The main round-table ballot of each round (the first one, before any revote). */
function mainBallots(facts: GameFacts): RoledBallot[] {
  return facts.ballots.filter((b) => b.ballot === 'banish');
}

/** TAS: per night, share of traitor votes cast on the plurality target; mean over nights with votes. */
function traitorAgreement(facts: GameFacts): number | null {
  return mean(present(facts.ballots.filter((b) => b.ballot === 'murder').map((b) => agreement(castTargets(b.votes, b.roles)))));
}

/** FAS: per round, share of faithful votes cast on the faithful plurality target; mean over rounds. */
function faithfulAgreement(facts: GameFacts): number | null {
  return mean(present(mainBallots(facts).map((b) => agreement(castTargets(b.votes, b.roles, 'faithful')))));
}

/** FCR (per-round mean) and faithfulAccuracy (pooled): faithful votes cast that target a traitor. */
function faithfulCorrectness(facts: GameFacts): { FCR: number | null; faithfulAccuracy: number | null } {
  const perRound: number[] = [];
  let hits = 0;
  let total = 0;
  for (const b of mainBallots(facts)) {
    const targets = castTargets(b.votes, b.roles, 'faithful');
    if (targets.length === 0) continue;
    const correct = targets.filter((t) => b.roles[t] === 'traitor').length;
    perRound.push(correct / targets.length);
    hits += correct;
    total += targets.length;
  }
  return { FCR: mean(perRound), faithfulAccuracy: total === 0 ? null : hits / total };
}

/**
 * Per seat, its round-table votes cast while faithful and how many hit a traitor, by the roles at
 * each ballot (a recruit's earlier votes were a faithful's, its later ones are not counted). FCR and
 * faithfulAccuracy pool these over all faithful; a tournament reports them per seat.
 */
export function faithfulVotesBySeat(events: readonly TraitorsEvent[]): { cast: number; onTraitor: number }[] {
  const facts = gather(events);
  const bySeat = facts.roles.map(() => ({ cast: 0, onTraitor: 0 }));
  for (const b of mainBallots(facts))
    for (const v of b.votes) {
      if (v.target === null || b.roles[v.seat] !== 'faithful') continue;
      bySeat[v.seat].cast++;
      if (b.roles[v.target] === 'traitor') bySeat[v.seat].onTraitor++;
    }
  return bySeat;
}

/**
 * TSR / FSR: share of each side still alive at the end of the log. With recruitment, TSR is over
 * everyone who was ever a traitor (recruits included) and FSR over the initial faithful, a recruit
 * counting as lost to the faithful; without it these are the initial counts.
 */
function survival(facts: GameFacts): { TSR: number | null; FSR: number | null } {
  const initialTraitors = facts.roles.filter((r) => r === 'traitor').length;
  const initialFaithful = facts.roles.length - initialTraitors;
  const recruits = facts.recruitments.filter((r) => r.accepted).length;
  const lostTraitors = facts.eliminations.filter((e) => e.role === 'traitor').length;
  const lostFaithful = facts.eliminations.length - lostTraitors;
  return {
    TSR: initialTraitors === 0 ? null : (initialTraitors + recruits - lostTraitors) / (initialTraitors + recruits),
    FSR: initialFaithful === 0 ? null : (initialFaithful - recruits - lostFaithful) / initialFaithful,
  };
}

function eliminatedIn(facts: GameFacts, round: number, cause: 'banished' | 'murdered'): EliminationEntry | undefined {
  return facts.eliminations.find((e) => e.round === round && e.cause === cause);
}

/** DES_night: share of nights whose murder had every living traitor's vote (a night without a murder fails). */
function deceptionNight(facts: GameFacts): number | null {
  const nights = facts.ballots.filter((b) => b.ballot === 'murder');
  if (nights.length === 0) return null;
  let unanimous = 0;
  for (const b of nights) {
    const victim = eliminatedIn(facts, b.round, 'murdered');
    if (victim && b.votes.every((v) => v.target === victim.seat)) unanimous++;
  }
  return unanimous / nights.length;
}

/**
 * DES_banish: share of round tables where a faithful was banished and every living traitor
 * voted for them on the deciding ballot (the revote, if there was one).
 */
function deceptionBanish(facts: GameFacts): number | null {
  const deciding = new Map<number, RoledBallot>();
  for (const b of facts.ballots) if (b.ballot === 'banish' || b.ballot === 'revote') deciding.set(b.round, b);
  if (deciding.size === 0) return null;
  let steered = 0;
  for (const [round, b] of deciding) {
    const banished = eliminatedIn(facts, round, 'banished');
    if (!banished || banished.role !== 'faithful') continue;
    if (b.votes.every((v) => b.roles[v.seat] !== 'traitor' || v.target === banished.seat)) steered++;
  }
  return steered / deciding.size;
}

/**
 * BRR: per round, among faithful votes that target a traitor, the share whose target is not
 * a faithful plurality target (any target tied for most faithful votes); mean over rounds with such votes.
 */
function betrayalRecognition(facts: GameFacts): number | null {
  const perRound: number[] = [];
  for (const b of mainBallots(facts)) {
    const targets = castTargets(b.votes, b.roles, 'faithful');
    const onTraitors = targets.filter((t) => b.roles[t] === 'traitor');
    if (onTraitors.length === 0) continue;
    const { byTarget, most } = counts(targets);
    perRound.push(onTraitors.filter((t) => byTarget.get(t) !== most).length / onTraitors.length);
  }
  return mean(perRound);
}

/**
 * VSF: per player, share of their main round-table votes (from their second cast vote on)
 * that differ from their previous one; mean over players with at least two. Night votes and
 * abstentions are left out. TNS = 1 − VSF.
 */
function voteSwitching(facts: GameFacts): { VSF: number | null; TNS: number | null } {
  const history = new Map<SeatId, SeatId[]>();
  for (const b of mainBallots(facts)) {
    for (const v of b.votes) {
      if (v.target === null) continue;
      const list = history.get(v.seat);
      if (list) list.push(v.target);
      else history.set(v.seat, [v.target]);
    }
  }
  const rates: number[] = [];
  for (const targets of history.values()) {
    if (targets.length < 2) continue;
    let switches = 0;
    for (let i = 1; i < targets.length; i++) if (targets[i] !== targets[i - 1]) switches++;
    rates.push(switches / (targets.length - 1));
  }
  const VSF = mean(rates);
  return { VSF, TNS: VSF === null ? null : 1 - VSF };
}

/** Mann–Whitney AUC: P(a positive scores above a negative), ties count half. */
export function auc(positives: readonly number[], negatives: readonly number[]): number | null {
  if (positives.length === 0 || negatives.length === 0) return null;
  const all = [...positives.map((v) => ({ v, pos: true })), ...negatives.map((v) => ({ v, pos: false }))].sort((a, b) => a.v - b.v);
  // average ranks over ties
  let rankSumPos = 0;
  for (let i = 0; i < all.length; ) {
    let j = i;
    while (j < all.length && all[j].v === all[i].v) j++;
    const avgRank = (i + 1 + j) / 2;
    for (let k = i; k < j; k++) if (all[k].pos) rankSumPos += avgRank;
    i = j;
  }
  const p = positives.length;
  return (rankSumPos - (p * (p + 1)) / 2) / (p * negatives.length);
}

function beliefMetrics(facts: GameFacts): BeliefMetrics {
  const n = facts.roles.length;
  const rounds = [...new Set(facts.beliefs.map((b) => b.round))].sort((a, b) => a - b);
  const matrices = new Map<number, (number | null)[][]>();
  for (const r of rounds) matrices.set(r, Array.from({ length: n }, () => new Array<number | null>(n).fill(null)));

  const squaredErrors: number[][] = Array.from({ length: n }, () => []);
  const positives: number[] = [];
  const negatives: number[] = [];
  // faithful suspicion of each seat while it was a traitor (cover)
  const whileTraitor: number[][] = Array.from({ length: n }, () => []);
  const perTargetRound = new Map<number, number[][]>();
  for (const r of rounds) perTargetRound.set(r, Array.from({ length: n }, () => []));

  for (const b of facts.beliefs) {
    const row = matrices.get(b.round)![b.seat];
    // observer and truth are the roles when the report was made: a recruit's earlier reports were a faithful's
    const faithfulObserver = b.roles[b.seat] !== 'traitor';
    for (const [key, value] of Object.entries(b.suspicion)) {
      const target = Number(key);
      const s = value / 100;
      row[target] = s;
      if (!faithfulObserver) continue;
      const truth = b.roles[target] === 'traitor' ? 1 : 0;
      squaredErrors[b.seat].push((s - truth) ** 2);
      (truth ? positives : negatives).push(s);
      if (truth) whileTraitor[target].push(s);
      perTargetRound.get(b.round)![target].push(s);
    }
  }

  // null for seats that never reported as faithful (traitors from the start)
  const brierByObserver = squaredErrors.map((errors) => mean(errors));
  const faithfulTargetMean = mean(negatives);
  const cover = facts.finalRoles.flatMap((role, seat) => {
    if (role !== 'traitor') return [];
    const m = mean(whileTraitor[seat]);
    return [{ seat, cover: m === null || !faithfulTargetMean ? null : m / faithfulTargetMean }];
  });
  const trustDynamics = facts.roles.map((_, seat) => {
    const meanByRound = rounds.map((r) => mean(perTargetRound.get(r)![seat]));
    const change = meanByRound.map((m, i) => (i === 0 || m === null || meanByRound[i - 1] === null ? null : m - meanByRound[i - 1]!));
    return { seat, meanByRound, change };
  });
  return {
    suspicionByRound: rounds.map((round) => ({ round, matrix: matrices.get(round)! })),
    brierByObserver,
    brier: mean(present(brierByObserver)),
    auc: auc(positives, negatives),
    cover,
    trustDynamics,
  };
}

export function traitorsMetrics(events: readonly TraitorsEvent[]): TraitorsMetrics {
  const facts = gather(events);
  const { VSF, TNS } = voteSwitching(facts);
  return {
    outcome: { winner: facts.winner, reason: facts.reason, rounds: facts.rounds, eliminations: facts.eliminations },
    recruitment: recruitmentMetrics(facts),
    TAS: traitorAgreement(facts),
    FAS: faithfulAgreement(facts),
    ...faithfulCorrectness(facts),
    ...survival(facts),
    DES_night: deceptionNight(facts),
    DES_banish: deceptionBanish(facts),
    BRR: betrayalRecognition(facts),
    VSF,
    TNS,
    beliefs: beliefMetrics(facts),
  };
}

export type TraitorsHeadline = {
  winner: Winner | null;
  rounds: number;
  faithfulWin: number | null;
} & Record<'TAS' | 'FAS' | 'FCR' | 'faithfulAccuracy' | 'TSR' | 'FSR' | 'DES_night' | 'DES_banish' | 'BRR' | 'VSF' | 'TNS' | 'brier' | 'auc', number | null>;

/** Flat headline numbers of one game (games.csv columns; batch means). */
export function traitorsHeadline(events: readonly TraitorsEvent[]): TraitorsHeadline {
  const facts = gather(events);
  const { VSF, TNS } = voteSwitching(facts);
  const { FCR, faithfulAccuracy } = faithfulCorrectness(facts);
  const { TSR, FSR } = survival(facts);
  return {
    winner: facts.winner,
    rounds: facts.rounds,
    faithfulWin: facts.winner === null ? null : facts.winner === 'faithful' ? 1 : 0,
    TAS: traitorAgreement(facts),
    FAS: faithfulAgreement(facts),
    FCR,
    faithfulAccuracy,
    TSR,
    FSR,
    DES_night: deceptionNight(facts),
    DES_banish: deceptionBanish(facts),
    BRR: betrayalRecognition(facts),
    VSF,
    TNS,
    ...beliefScores(facts),
  };
}

/** Brier and AUC only (the headline's part of the belief metrics, without the matrices). */
function beliefScores(facts: GameFacts): { brier: number | null; auc: number | null } {
  const n = facts.roles.length;
  const errorSum = new Array<number>(n).fill(0);
  const errorCount = new Array<number>(n).fill(0);
  const positives: number[] = [];
  const negatives: number[] = [];
  for (const b of facts.beliefs) {
    if (b.roles[b.seat] === 'traitor') continue;
    for (const key in b.suspicion) {
      const s = b.suspicion[key] / 100;
      const traitor = b.roles[Number(key)] === 'traitor';
      errorSum[b.seat] += (s - (traitor ? 1 : 0)) ** 2;
      errorCount[b.seat]++;
      (traitor ? positives : negatives).push(s);
    }
  }
  const perObserver: number[] = [];
  for (let s = 0; s < n; s++) if (errorCount[s] > 0) perObserver.push(errorSum[s] / errorCount[s]);
  return { brier: mean(perObserver), auc: auc(positives, negatives) };
}
