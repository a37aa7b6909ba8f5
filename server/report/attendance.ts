import type { LogRow, SeatKind } from '../../shared/protocol/index.ts';
import { table, type Section } from './html.ts';

/**
 * Who was at the table, from a session's log: per seat, how often its player left and for how
 * long, whether they were gone at the end (a dropout), how often an agent took the seat over, and
 * how many of its actions the deadline decided. A simulated batch has none of this (no presence).
 */
export interface SeatAttendance {
  seat: number;
  name: string;
  kind: SeatKind;
  disconnections: number;
  awaySec: number;
  droppedOut: boolean;
  takeovers: number;
  timeouts: number;
}

export function seatAttendance(rows: readonly LogRow[], seats: readonly { name: string; kind: SeatKind }[]): SeatAttendance[] {
  const out = seats.map((s, seat): SeatAttendance => ({ seat, name: s.name, kind: s.kind, disconnections: 0, awaySec: 0, droppedOut: false, takeovers: 0, timeouts: 0 }));
  const goneSince = new Map<number, number>();
  let last = 0;
  for (const row of rows) {
    last = row.at;
    const a = row.seat === null ? undefined : out[row.seat];
    if (!a) continue;
    if (row.kind === 'game') {
      if (row.event.type === 'timeout') a.timeouts++;
      continue;
    }
    if (row.event.type === 'disconnected') {
      a.disconnections++;
      goneSince.set(a.seat, row.at);
    } else if (row.event.type === 'connected') {
      const since = goneSince.get(a.seat);
      if (since !== undefined) a.awaySec += (row.at - since) / 1000;
      goneSince.delete(a.seat);
    } else if (row.event.type === 'takeover') a.takeovers++;
  }
  for (const [seat, since] of goneSince) {
    out[seat].awaySec += (last - since) / 1000;
    out[seat].droppedOut = true;
  }
  return out;
}

export function attendanceSection(rows: readonly SeatAttendance[]): Section {
  const humans = rows.filter((r) => r.kind !== 'agent');
  const dropouts = humans.filter((r) => r.droppedOut).length;
  const takenOver = humans.filter((r) => r.takeovers > 0).length;
  return {
    title: 'Dropouts and takeovers',
    note:
      `${dropouts} of ${humans.length} human or external seat(s) were gone at the end of the log (dropouts); ${takenOver} were played by an agent for a while (takeovers). ` +
      'A taken-over seat’s actions carry actor = takeover in the exported tables, a deadline’s default actor = timeout; agent seats count as always present.',
    body: table(
      ['seat', 'kind', 'left', 'time away (s)', 'gone at the end', 'takeovers', 'timeouts'],
      rows.map((r) => [r.name, r.kind, r.kind === 'agent' ? '—' : r.disconnections, r.kind === 'agent' ? '—' : Math.round(r.awaySec), r.kind === 'agent' ? '—' : r.droppedOut ? 'yes' : 'no', r.takeovers, r.timeouts]),
    ),
  };
}
