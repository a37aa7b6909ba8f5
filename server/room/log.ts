import type { AgentDecision } from '../../shared/engine/agent.ts';
import type { GameEventBase } from '../../shared/engine/game.ts';
import type { NewRow, StatusChange, EventStore } from '../store/index.ts';

/** Session rows are not game events: they record presence, takeovers and agent notes. */
export type SessionEvent =
  | { type: 'connected'; seat: number; replaced: boolean }
  | { type: 'disconnected'; seat: number }
  | { type: 'takeover'; seat: number; agent: string; goneSec: number }
  | { type: 'handback'; seat: number }
  /** the table waits for these human seats before anyone is asked anything (CreateSession waitForHumans) */
  | { type: 'waiting'; seats: number[]; maxWaitSec: number | null; then: 'timeout' | 'takeover' }
  /** the table started: every clock starts now; `absent`: awaited seats not there (the longest wait ran out) */
  | { type: 'started'; absent: number[] }
  /** the server restarted and rebuilt this session; `lastRowAt` is the last thing logged before */
  | { type: 'recovered'; lastRowAt: number }
  /** `note`: the experimenter's words, when ending from the console */
  | { type: 'ended'; reason: string; note?: string }
  | { type: 'agent_decision'; seat: number; agent: string; clientActionId: string; thoughts?: string; fallback?: boolean; calls?: unknown[] }
  | { type: 'agent_error'; seat: number; agent: string; message: string }
  | { type: 'agent_discarded'; seat: number; agent: string; calls: unknown[] };

/** What an agent said besides its action, logged next to the event it produced. */
export type AgentNotes = { agent: string } & Omit<AgentDecision, 'action'>;

/** The rows of one game change: the first is the acting seat's (with its action id), the rest are consequences. */
export function gameRows(events: readonly GameEventBase[], at: number, seat: number, clientActionId: string | null): NewRow[] {
  return events.map((event, i) => ({
    at,
    kind: 'game',
    seat: i === 0 ? seat : null,
    clientActionId: i === 0 ? clientActionId : null,
    event,
  }));
}

export function sessionRow(event: SessionEvent, at: number): NewRow {
  const seat = 'seat' in event ? event.seat : null;
  return { at, kind: 'session', seat, clientActionId: null, event };
}

/** An ended session's reason as people read it: the experimenter's note follows the reason. */
export function endedText(reason: string, note: string | undefined): string {
  return note ? `${reason}: ${note}` : reason;
}

/**
 * The room's end of its session's log. Rows are numbered after the last one and written durably
 * before anything in memory moves: when a write fails, the change simply did not happen.
 */
export class SessionLog {
  /** seq of the last row */
  version = 0;
  /** time of the last row (epoch ms) */
  lastRowAt = 0;

  constructor(
    private readonly store: Pick<EventStore, 'append'>,
    private readonly sessionId: string,
  ) {}

  /** A row read back while rebuilding the room (recovery or a finished session). */
  replayed(row: { seq: number; at: number }): void {
    this.version = row.seq;
    this.lastRowAt = row.at;
  }

  /** Append rows all written at `at` (with the session's new status, if it changes). */
  async append(rows: NewRow[], at: number, status?: StatusChange): Promise<void> {
    await this.store.append(this.sessionId, this.version + 1, rows, status);
    this.version += rows.length;
    this.lastRowAt = at;
  }
}
