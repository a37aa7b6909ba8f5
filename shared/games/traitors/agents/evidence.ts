import type { SeatId } from '../../../engine/actions.ts';
import type { Rng } from '../../../engine/rng.ts';
import type { Reason } from '../speech.ts';
import type { Role } from '../types.ts';
import type { TraitorsView } from '../view.ts';
import { digestStatements } from './reading.ts';

/**
 * Suspicion rebuilt from public information only (revealed votes, eliminations, statements),
 * as a sleuth keeps it. Agents are stateless: this is recomputed from the view each decision.
 */
export interface Evidence {
  /** 0..100 per seat; only living others are meaningful */
  score: number[];
  /** the strongest reason behind each seat's score: its kind and the other player it involves */
  reasonKind: Reason['kind'][];
  reasonOther: SeatId[];
}

/** How much each kind of evidence moves suspicion (points on the 0..100 scale). */
export const WEIGHTS = {
  votedForBanishedFaithful: 12,
  votedForBanishedTraitor: -12,
  votedAwayFromBanishedTraitor: 6,
  suspectedByMurderVictim: 8,
  defendedRevealedTraitor: 10,
  accusedRevealedTraitor: -8,
  // with hidden votes (showVotes false) what was said stands in for how people voted
  accusedBanishedFaithful: 12,
  accusedBanishedTraitor: -12,
  accusedByMurderVictim: 8,
} as const;

function add(ev: Evidence, strongest: number[], seat: SeatId, weight: number, kind: Reason['kind'], other: SeatId): void {
  ev.score[seat] += weight;
  if (weight > strongest[seat]) {
    strongest[seat] = weight;
    ev.reasonKind[seat] = kind;
    ev.reasonOther[seat] = other;
  }
}

export function readEvidence(view: TraitorsView, jitter: Rng | null = null): Evidence {
  const n = view.names.length;
  const ev: Evidence = { score: new Array<number>(n).fill(50), reasonKind: new Array<Reason['kind']>(n).fill('hunch'), reasonOther: new Array<SeatId>(n).fill(-1) };
  const strongest = new Array<number>(n).fill(0);

  const revealed = new Array<Role | null>(n).fill(null);
  let revealedTraitors = 0;
  for (const e of view.eliminations) {
    if (!e.role) continue;
    revealed[e.seat] = e.role;
    if (e.role === 'traitor') revealedTraitors++;
  }

  // votes: who helped banish a faithful, who stood against a revealed traitor
  for (const b of view.ballots) {
    const out = b.eliminated;
    if (out === null || revealed[out] === null) continue;
    for (const v of b.votes) {
      if (v.target === null) continue;
      if (revealed[out] === 'faithful') {
        if (v.target === out) add(ev, strongest, v.seat, WEIGHTS.votedForBanishedFaithful, 'votedFaithful', out);
      } else if (v.target === out) {
        add(ev, strongest, v.seat, WEIGHTS.votedForBanishedTraitor, 'hunch', out);
      } else {
        add(ev, strongest, v.seat, WEIGHTS.votedAwayFromBanishedTraitor, 'shieldedTraitor', out);
      }
    }
  }

  // the murdered were faithful and feared: whom they voted against is suspect
  for (const e of view.eliminations) {
    if (e.cause !== 'murdered') continue;
    for (const b of view.ballots) {
      if (b.round > e.round) continue;
      for (const v of b.votes) {
        if (v.seat === e.seat && v.target !== null) add(ev, strongest, v.target, WEIGHTS.suspectedByMurderVictim, 'victimSuspected', e.seat);
      }
    }
  }

  // statements: who spoke for or against revealed traitors (only worth reading once one is known)
  // No herding on this round's accusations: it lets the traitors steer the table (measured:
  // even +1 per accusation drops the sleuths' FCR below random), and a sleuth goes by evidence.
  if (revealedTraitors > 0) {
    const digest = digestStatements(view.statements, view.names);
    for (let t = 0; t < n; t++) {
      if (revealed[t] !== 'traitor') continue;
      for (const speaker of digest.defendedBy[t]) add(ev, strongest, speaker, WEIGHTS.defendedRevealedTraitor, 'defendedTraitor', t);
      for (const speaker of digest.accusedBy[t]) add(ev, strongest, speaker, WEIGHTS.accusedRevealedTraitor, 'hunch', t);
    }
  }

  if (!view.votesRevealed) readAccusationsForVotes(view, ev, strongest, revealed);

  for (let s = 0; s < n; s++) {
    let v = ev.score[s];
    if (jitter) v += jitter.next() * 2;
    ev.score[s] = v < 0 ? 0 : v > 100 ? 100 : v;
  }
  return ev;
}

/**
 * With hidden votes a sleuth reads accusations where it would read votes: who accused a player
 * banished that round (revealed faithful: suspect; revealed traitor: cleared a little), and whom a
 * murder victim accused. The reason stays a hunch: the speech templates for these reasons speak
 * of votes, which nobody saw.
 */
function readAccusationsForVotes(view: TraitorsView, ev: Evidence, strongest: number[], revealed: readonly (Role | null)[]): void {
  const banished = view.eliminations.filter((e) => e.cause === 'banished' && e.role !== null);
  const murdered = view.eliminations.filter((e) => e.cause === 'murdered');
  if (banished.length === 0 && murdered.length === 0) return;
  const { readings } = digestStatements(view.statements, view.names);
  for (let i = 0; i < view.statements.length; i++) {
    const st = view.statements[i];
    if (st.purpose !== 'discussion') continue;
    for (const accused of readings[i].accused) {
      if (accused === st.seat) continue;
      for (const e of banished) {
        if (e.round !== st.round || e.seat !== accused) continue;
        add(ev, strongest, st.seat, revealed[accused] === 'faithful' ? WEIGHTS.accusedBanishedFaithful : WEIGHTS.accusedBanishedTraitor, 'hunch', accused);
      }
      for (const e of murdered) if (e.seat === st.seat && st.round <= e.round) add(ev, strongest, accused, WEIGHTS.accusedByMurderVictim, 'hunch', st.seat);
    }
  }
}

/** The reason behind a seat's score, ready for the speech templates. */
export function reasonFor(ev: Evidence, names: readonly string[], seat: SeatId): Reason {
  const other = names[ev.reasonOther[seat]];
  switch (ev.reasonKind[seat]) {
    case 'votedFaithful':
      return { kind: 'votedFaithful', victim: other };
    case 'victimSuspected':
      return { kind: 'victimSuspected', victim: other };
    case 'shieldedTraitor':
      return { kind: 'shieldedTraitor', traitor: other };
    case 'defendedTraitor':
      return { kind: 'defendedTraitor', traitor: other };
    default:
      return { kind: 'hunch' };
  }
}

/** Accusations made this round, per accused seat, counting only speakers for which `counted[speaker]` is true. */
export function accusationsThisRound(view: TraitorsView, counted: readonly boolean[]): number[] {
  const counts = new Array<number>(view.names.length).fill(0);
  const statements = view.statements;
  if (view.round === 0 || statements.length === 0 || statements[statements.length - 1].round !== view.round) return counts;
  const { readings } = digestStatements(statements, view.names);
  for (let i = statements.length - 1; i >= 0 && statements[i].round === view.round; i--) {
    const speaker = statements[i].seat;
    if (!counted[speaker]) continue;
    for (const a of readings[i].accused) if (a !== speaker) counts[a]++;
  }
  return counts;
}
