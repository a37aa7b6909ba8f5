import type { Pending, SeatId } from '../engine/actions.ts';
import type { LiveMetric, Outcome } from '../engine/game.ts';
import type { SessionStatus, StatePayload } from './index.ts';

/**
 * Replay (docs/console.md "Replay"): a session's log turned, on the server, into the `state`
 * payloads one viewer received live. A seat's replay holds only what that seat was sent.
 *
 *   GET /api/sessions/:id/replay?as=spectator|<seat>   admin (Bearer or the console cookie)
 *   GET /api/replay/:token[?as=…]                       a seat token: that seat, once the session is over;
 *                                                       a spectator token: the spectator, live or not
 * Both answer ReplayPayload, gzipped when the request accepts it.
 */

/** `as` in the query: "spectator" or a seat number. */
export const REPLAY_AS_PATTERN = /^(spectator|\d{1,2})$/;

/** One moment a viewer could have seen: the StatePayload at `version`, less what the replay carries once. */
export interface ReplayFrame {
  /** the log's seq at this moment (the StatePayload's version) */
  version: number;
  /** when it happened (epoch ms; the StatePayload's serverNow) */
  at: number;
  /** what happened, as this viewer may know it ("Ada voted", "Round 2", "Bob disconnected", "—") */
  label: string;
  /** the viewer's view; omitted when identical to the previous frame's */
  view?: unknown;
  /** display names by seat; omitted when identical to the previous frame's */
  names?: string[];
  /** the spectator's live metrics (StatePayload.metrics); omitted when identical to the previous frame's, never in a seat's frames */
  metrics?: LiveMetric[] | null;
  pending: Pending | null;
  deadline: number | null;
  outcome: Outcome | null;
  status: SessionStatus;
  connected: boolean[];
  agentSeats: SeatId[] | null;
  takenOver: SeatId[] | null;
  /** the StatePayload's `waitingFor` (the table waits for these human seats) and `away` */
  waitingFor: SeatId[] | null;
  away: { seat: SeatId; deadline: number | null }[];
}

/** A viewpoint the caller may switch to. */
export interface ReplayViewpoint {
  /** the `as` value: "spectator" or the seat number as text */
  as: string;
  /** "Spectator (everything)" or "Seat 3 · Ada (faithful)" */
  label: string;
}

export interface ReplayPayload {
  sessionId: string;
  game: string;
  /** the session's status now (active: the log may grow; reload for more) */
  status: SessionStatus;
  viewer: { seat: SeatId | null; label: string };
  viewpoints: ReplayViewpoint[];
  /** in log order; frame i's omitted fields are those of the nearest earlier frame that has them */
  frames: ReplayFrame[];
}

/** The StatePayload of every frame, filling in omitted fields from the frames before it. */
export function expandFrames(replay: ReplayPayload): StatePayload[] {
  let view: unknown = null;
  let names: string[] = [];
  let metrics: LiveMetric[] | null = null;
  return replay.frames.map((frame) => {
    if ('view' in frame) view = frame.view;
    if (frame.names) names = frame.names;
    if (frame.metrics !== undefined) metrics = frame.metrics;
    return {
      sessionId: replay.sessionId,
      game: replay.game,
      version: frame.version,
      seat: replay.viewer.seat,
      view,
      pending: frame.pending,
      deadline: frame.deadline,
      outcome: frame.outcome,
      status: frame.status,
      names,
      connected: frame.connected,
      agentSeats: frame.agentSeats,
      waitingFor: frame.waitingFor,
      away: frame.away,
      takenOver: frame.takenOver,
      metrics,
      serverNow: frame.at,
    };
  });
}
