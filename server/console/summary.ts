import type { AnyGame } from '../../shared/engine/game.ts';
import type { SeatSummary, SessionSummary } from '../../shared/protocol/console.ts';
import { ownValue } from '../../shared/own.ts';
import type { Room } from '../room/room.ts';

/** The study a session's table belongs to, or null (server/console/studies.ts looks it up). */
export interface StudyLookup {
  /** as known now: null for no study, or while it is being read (then `onFound` follows if it has one) */
  get(sessionId: string): SessionSummary['study'];
  /** read these sessions' studies now, so summaries built next show them */
  load(sessionIds: readonly string[]): Promise<void>;
  /** called when a read in the background found a session's study */
  onFound: ((sessionId: string) => void) | null;
}

/**
 * How long past its earliest deadline an active session may go without anything happening before
 * it is flagged stuck. A working room applies a timeout at the deadline and moves on, so passing it
 * by this much means the room is wedged (or the server is overloaded).
 */
export const DEFAULT_STUCK_GRACE_MS = 15_000;

/** Whether an active session is stuck at `now`: its earliest deadline passed more than `graceMs` ago. */
export function isStuck(summary: Pick<SessionSummary, 'status' | 'nextDeadline'>, now: number, graceMs: number): boolean {
  return summary.status === 'active' && summary.nextDeadline !== null && now - summary.nextDeadline > graceMs;
}

/**
 * One row of the console's table, read from a room (live, or rebuilt from the log for a settled
 * session). Cheap on purpose: no views are built; the game names its phase (GameDefinition.progress).
 */
export function summarize(room: Room, games: Record<string, AnyGame>, study: StudyLookup, now: number, graceMs: number): SessionSummary {
  const record = room.record;
  const game = ownValue(games, record.game);
  const progress = game ? game.progress(room.state) : null;
  const live = room.seatInfo();
  let nextDeadline: number | null = null;
  const seats: SeatSummary[] = record.seats.map((seat, i) => {
    const info = live[i];
    if (info.deadline !== null && (nextDeadline === null || info.deadline < nextDeadline)) nextDeadline = info.deadline;
    return {
      seat: seat.seat,
      name: seat.name,
      kind: seat.kind,
      label: seat.label ?? null,
      agent: seat.kind === 'agent' ? (seat.agentName ?? (typeof seat.agent === 'string' ? seat.agent : 'agent')) : null,
      connected: info.connected,
      awaySince: info.awaySince,
      takenOver: info.takenOver,
      pending: info.pending,
      deadline: info.deadline,
    };
  });
  const outcome = record.outcome as { summary?: unknown } | null;
  const summary: SessionSummary = {
    id: record.id,
    game: record.game,
    preset: record.preset,
    status: record.status,
    phase: progress?.phase ?? null,
    round: progress?.round ?? null,
    version: room.currentVersion,
    createdAt: record.createdAt,
    endedAt: record.endedAt,
    lastActivityAt: room.lastActivityAt,
    quickplay: record.options.quickplay,
    study: study.get(record.id),
    summary: outcome && typeof outcome.summary === 'string' ? outcome.summary : null,
    endReason: room.endReason,
    nextDeadline,
    stuck: false,
    seats,
  };
  summary.stuck = isStuck(summary, now, graceMs);
  return summary;
}
