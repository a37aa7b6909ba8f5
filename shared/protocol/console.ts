import { z } from 'zod';
import type { Pending } from '../engine/actions.ts';
import type { SeatKind, SessionStatus } from './index.ts';

/**
 * The experimenter console's protocol (docs/console.md): the REST calls it makes besides the
 * experimenter API, and the live session table pushed over the Socket.io namespace `/console`.
 * A console is signed in with an HttpOnly cookie (browser) or `auth: { adminToken }` (scripts, bench).
 */

/** POST /api/console/login: the admin token, once; answers 204 with the session cookie. */
export const ConsoleLoginSchema = z.strictObject({ token: z.string().min(1).max(400) });
export type ConsoleLogin = z.infer<typeof ConsoleLoginSchema>;

/** GET /api/console/me: who is signed in (401 when nobody is). */
export interface ConsoleMe {
  signedIn: true;
  /** when the console session cookie expires (epoch ms) */
  expiresAt: number;
}

/** Cookie-authenticated requests that change something carry this header (a cross-site form cannot). */
export const CONSOLE_CSRF_HEADER = 'x-parley-console';

/** POST /api/sessions/:id/end: why (logged with the `ended` row). The body is optional. */
export const EndSessionSchema = z.strictObject({ reason: z.string().trim().min(1).max(500).optional() });
export type EndSession = z.infer<typeof EndSessionSchema>;

/** One seat of a session as the console shows it. */
export interface SeatSummary {
  seat: number;
  name: string;
  kind: SeatKind;
  /** the participant label given at creation (e.g. a Prolific id), else null */
  label: string | null;
  /** the agent playing an agent seat (e.g. "sleuth", "llm:gpt-4o-mini"), else null */
  agent: string | null;
  /** agent seats always count as connected */
  connected: boolean;
  /** a human/external seat not connected: since when (epoch ms; the session's start if it never came), else null */
  awaySince: number | null;
  /** an agent plays this human/external seat now (takeover) */
  takenOver: boolean;
  /** what the seat owes now, else null */
  pending: Pending['kind'] | null;
  /** when that expires (epoch ms), null without a time limit */
  deadline: number | null;
}

/** One row of the console's session table. */
export interface SessionSummary {
  id: string;
  game: string;
  preset: string;
  status: SessionStatus;
  /** the game's phase and round now (GameDefinition.progress), null when it has none */
  phase: string | null;
  round: number | null;
  version: number;
  createdAt: number;
  endedAt: number | null;
  /** time of the last log row */
  lastActivityAt: number;
  quickplay: boolean;
  /** the study this table belongs to, else null */
  study: { id: string; slug: string; arm: string } | null;
  /** the outcome's one-line summary once over, else null */
  summary: string | null;
  /** why it was ended (ended sessions), else null */
  endReason: string | null;
  /** the earliest pending deadline, null when nothing is timed */
  nextDeadline: number | null;
  /** active, and nothing has happened for longer than the pending deadline allows */
  stuck: boolean;
  seats: SeatSummary[];
}

/** `sessions` on `/console`: first the full table, then only what changed (batched). */
export type ConsoleSessionsMessage =
  | { full: true; sessions: SessionSummary[]; serverNow: number }
  | { full: false; upsert: SessionSummary[]; remove: string[]; serverNow: number };

export interface ConsoleServerToClient {
  sessions: (message: ConsoleSessionsMessage) => void;
}

/** GET /api/console/options: what the create-session form offers. */
export interface ConsoleOptions {
  games: {
    id: string;
    title: string;
    presets: { name: string; seats: number; config: Record<string, unknown> }[];
    /** "scripted" (role-appropriate) and the game's named scripted agents */
    agents: string[];
  }[];
  /** LLM agents this server is configured for (PARLEY_LLM_*); empty when none */
  llm: { spec: string; label: string }[];
}
