import type { SeatId } from '../../engine/actions.ts';
import type { Channel, Role, SpeechPurpose, TraitorsEvent } from './types.ts';

/**
 * Flat tables for exports, each a pure function of one game's log. `voteRows` has exactly
 * the reference implementation's votes.csv columns so its metrics script can read it.
 * Every role column is the role at that time: a recruit's rows before they accepted say
 * faithful, after it traitor (`RoleTracker` follows `recruitAnswered` through the log).
 */

export interface VoteRow {
  Round: number;
  /** "General" = round table (incl. revotes), "Traitor" = night murder, "Recruit" = night recruitment ballot (Parley's addition) */
  Vote_Type: 'General' | 'Traitor' | 'Recruit';
  Player_ID: SeatId;
  Role: 'Traitor' | 'Faithful';
  /** null = abstained (timed out) */
  Vote_Target: SeatId | null;
  /** who that phase eliminated (false: nobody), as the reference writes it */
  Eliminated: SeatId | false;
}

export interface StatementRow {
  round: number;
  pass: number;
  seat: SeatId;
  name: string;
  role: Role;
  channel: Channel;
  purpose: SpeechPurpose;
  text: string;
  skipped: boolean;
}

export interface BeliefRow {
  round: number;
  observer: SeatId;
  observerRole: Role;
  target: SeatId;
  targetRole: Role;
  suspicion: number;
  timedOut: boolean;
}

export interface EliminationRow {
  round: number;
  seat: SeatId;
  name: string;
  /** the role when eliminated */
  role: Role;
  cause: 'banished' | 'murdered';
  /** whether the role was made public when it happened */
  roleRevealed: boolean;
  /** the role at the start (differs from `role` for a recruit) */
  initialRole: Role;
}

/** One recruitment offer and its answer (null: the log ends before the answer). */
export interface RecruitmentRow {
  round: number;
  seat: SeatId;
  name: string;
  accepted: boolean | null;
  timedOut: boolean;
}

function setupOf(events: readonly TraitorsEvent[]): { names: string[]; roles: Role[] } {
  const setup = events.find((e) => e.type === 'setup');
  if (!setup || setup.type !== 'setup') throw new Error('traitors: a log starts with setup');
  return setup;
}

/**
 * Each seat's role as the log goes: the setup's roles, then a recruit's from the moment they
 * accept. Call `see(event)` for every event in order before reading `role(seat)`.
 */
export class RoleTracker {
  private current: Role[];
  constructor(readonly initial: readonly Role[]) {
    this.current = initial.slice();
  }
  see(event: TraitorsEvent): void {
    if (event.type === 'recruitAnswered' && event.accepted) this.current[event.seat] = 'traitor';
  }
  role(seat: SeatId): Role {
    return this.current[seat];
  }
  /** every seat's role now (a copy) */
  roles(): Role[] {
    return this.current.slice();
  }
}

const referenceRole = (role: Role): 'Traitor' | 'Faithful' => (role === 'traitor' ? 'Traitor' : 'Faithful');

export function voteRows(events: readonly TraitorsEvent[]): VoteRow[] {
  const roles = new RoleTracker(setupOf(events).roles);
  const eliminated = new Map<string, SeatId>();
  const key = (round: number, night: boolean) => `${round}:${night ? 'n' : 'd'}`;
  for (const e of events) {
    if (e.type === 'banished') eliminated.set(key(e.round, false), e.seat);
    if (e.type === 'murdered') eliminated.set(key(e.round, true), e.seat);
  }
  const rows: VoteRow[] = [];
  for (const e of events) {
    roles.see(e);
    if (e.type !== 'votesRevealed') continue;
    const night = e.ballot === 'murder';
    const recruit = e.ballot === 'recruit';
    for (const v of e.votes) {
      rows.push({
        Round: e.round,
        Vote_Type: recruit ? 'Recruit' : night ? 'Traitor' : 'General',
        Player_ID: v.seat,
        Role: referenceRole(roles.role(v.seat)),
        Vote_Target: v.target,
        // a recruitment ballot eliminates nobody (a refuser's murder belongs to the night, not to this ballot)
        Eliminated: recruit ? false : (eliminated.get(key(e.round, night)) ?? false),
      });
    }
  }
  return rows;
}

/** Every statement, including skipped ones (timeouts) with empty text. */
export function statementRows(events: readonly TraitorsEvent[]): StatementRow[] {
  const { names, roles: initial } = setupOf(events);
  const roles = new RoleTracker(initial);
  const rows: StatementRow[] = [];
  for (const e of events) {
    roles.see(e);
    if (e.type === 'statement') {
      rows.push({ round: e.round, pass: e.pass, seat: e.seat, name: names[e.seat], role: roles.role(e.seat), channel: e.channel, purpose: e.purpose, text: e.text, skipped: false });
    } else if (e.type === 'timeout' && e.pendingKind === 'speak') {
      rows.push({
        round: e.round,
        pass: e.pass ?? 1,
        seat: e.seat,
        name: names[e.seat],
        role: roles.role(e.seat),
        channel: e.channel ?? 'public',
        purpose: e.purpose as SpeechPurpose,
        text: '',
        skipped: true,
      });
    }
  }
  return rows;
}

/** Long format: one row per observer, target and round; timeouts carry their uniform 50. */
export function beliefRows(events: readonly TraitorsEvent[]): BeliefRow[] {
  const roles = new RoleTracker(setupOf(events).roles);
  const rows: BeliefRow[] = [];
  for (const e of events) {
    roles.see(e);
    const suspicion = e.type === 'beliefs' ? e.suspicion : e.type === 'timeout' && e.pendingKind === 'beliefs' ? e.suspicion : undefined;
    if (!suspicion || (e.type !== 'beliefs' && e.type !== 'timeout')) continue;
    for (const [key, value] of Object.entries(suspicion)) {
      const target = Number(key);
      rows.push({ round: e.round, observer: e.seat, observerRole: roles.role(e.seat), target, targetRole: roles.role(target), suspicion: value, timedOut: e.type === 'timeout' });
    }
  }
  return rows;
}

export function eliminationRows(events: readonly TraitorsEvent[]): EliminationRow[] {
  const { names, roles: initial } = setupOf(events);
  const roles = new RoleTracker(initial);
  const rows: EliminationRow[] = [];
  for (const e of events) {
    roles.see(e);
    if (e.type === 'banished') rows.push({ round: e.round, seat: e.seat, name: names[e.seat], role: roles.role(e.seat), cause: 'banished', roleRevealed: e.role !== null, initialRole: initial[e.seat] });
    if (e.type === 'murdered') rows.push({ round: e.round, seat: e.seat, name: names[e.seat], role: roles.role(e.seat), cause: 'murdered', roleRevealed: true, initialRole: initial[e.seat] });
  }
  return rows;
}

/** Every recruitment offer with its answer (an offer's answer follows it in the same night). */
export function recruitmentRows(events: readonly TraitorsEvent[]): RecruitmentRow[] {
  const { names } = setupOf(events);
  const rows: RecruitmentRow[] = [];
  for (const e of events) {
    if (e.type === 'recruitOffered') rows.push({ round: e.round, seat: e.seat, name: names[e.seat], accepted: null, timedOut: false });
    const last = rows[rows.length - 1];
    if (!last || last.accepted !== null || last.seat !== (e as { seat?: SeatId }).seat) continue;
    if (e.type === 'recruitAnswered') last.accepted = e.accepted;
    if (e.type === 'timeout' && e.pendingKind === 'choose') {
      last.accepted = false;
      last.timedOut = true;
    }
  }
  return rows;
}

