import type { SeatId } from '../../engine/actions.ts';
import type { Channel, Role, SpeechPurpose, TraitorsEvent } from './types.ts';

/**
 * Flat tables for exports, each a pure function of one game's log. `voteRows` has exactly
 * the reference implementation's votes.csv columns so its metrics script can read it.
 */

export interface VoteRow {
  Round: number;
  /** "General" = round table (incl. revotes), "Traitor" = night */
  Vote_Type: 'General' | 'Traitor';
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
  role: Role;
  cause: 'banished' | 'murdered';
  /** whether the role was made public when it happened */
  roleRevealed: boolean;
}

function setupOf(events: readonly TraitorsEvent[]): { names: string[]; roles: Role[] } {
  const setup = events.find((e) => e.type === 'setup');
  if (!setup || setup.type !== 'setup') throw new Error('traitors: a log starts with setup');
  return setup;
}

const referenceRole = (role: Role): 'Traitor' | 'Faithful' => (role === 'traitor' ? 'Traitor' : 'Faithful');

export function voteRows(events: readonly TraitorsEvent[]): VoteRow[] {
  const { roles } = setupOf(events);
  const eliminated = new Map<string, SeatId>();
  const key = (round: number, night: boolean) => `${round}:${night ? 'n' : 'd'}`;
  for (const e of events) {
    if (e.type === 'banished') eliminated.set(key(e.round, false), e.seat);
    if (e.type === 'murdered') eliminated.set(key(e.round, true), e.seat);
  }
  const rows: VoteRow[] = [];
  for (const e of events) {
    if (e.type !== 'votesRevealed') continue;
    const night = e.ballot === 'murder';
    for (const v of e.votes) {
      rows.push({
        Round: e.round,
        Vote_Type: night ? 'Traitor' : 'General',
        Player_ID: v.seat,
        Role: referenceRole(roles[v.seat]),
        Vote_Target: v.target,
        Eliminated: eliminated.get(key(e.round, night)) ?? false,
      });
    }
  }
  return rows;
}

/** Every statement, including skipped ones (timeouts) with empty text. */
export function statementRows(events: readonly TraitorsEvent[]): StatementRow[] {
  const { names, roles } = setupOf(events);
  const rows: StatementRow[] = [];
  for (const e of events) {
    if (e.type === 'statement') {
      rows.push({ round: e.round, pass: e.pass, seat: e.seat, name: names[e.seat], role: roles[e.seat], channel: e.channel, purpose: e.purpose, text: e.text, skipped: false });
    } else if (e.type === 'timeout' && e.pendingKind === 'speak') {
      rows.push({
        round: e.round,
        pass: e.pass ?? 1,
        seat: e.seat,
        name: names[e.seat],
        role: roles[e.seat],
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
  const { roles } = setupOf(events);
  const rows: BeliefRow[] = [];
  for (const e of events) {
    const suspicion = e.type === 'beliefs' ? e.suspicion : e.type === 'timeout' && e.pendingKind === 'beliefs' ? e.suspicion : undefined;
    if (!suspicion || (e.type !== 'beliefs' && e.type !== 'timeout')) continue;
    for (const [key, value] of Object.entries(suspicion)) {
      const target = Number(key);
      rows.push({ round: e.round, observer: e.seat, observerRole: roles[e.seat], target, targetRole: roles[target], suspicion: value, timedOut: e.type === 'timeout' });
    }
  }
  return rows;
}

export function eliminationRows(events: readonly TraitorsEvent[]): EliminationRow[] {
  const { names, roles } = setupOf(events);
  const rows: EliminationRow[] = [];
  for (const e of events) {
    if (e.type === 'banished') rows.push({ round: e.round, seat: e.seat, name: names[e.seat], role: roles[e.seat], cause: 'banished', roleRevealed: e.role !== null });
    if (e.type === 'murdered') rows.push({ round: e.round, seat: e.seat, name: names[e.seat], role: roles[e.seat], cause: 'murdered', roleRevealed: true });
  }
  return rows;
}

