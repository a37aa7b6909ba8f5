/**
 * The event store's contract, one for every engine: SQLite (server/store/sqlite.ts, the default, one
 * process) and PostgreSQL (server/store/postgres.ts, `PARLEY_DATABASE_URL`, any number of
 * processes). Every method is async because a networked database is; SQLite answers at once.
 * Rooms, the API, exports, replay, the console and studies see only this interface.
 */
import type { Seed } from '../../shared/engine/rng.ts';
import type { AgentSpec, LogRow, SeatKind, SessionStatus } from '../../shared/protocol/index.ts';
import type { StudyDefinition } from '../../shared/study/definition.ts';
import type { Payment, ParticipantOutcome, Stage } from '../../shared/protocol/study.ts';

/** A seat as the session records it. Tokens open exactly this seat of exactly this session. */
export interface SeatRecord {
  seat: number;
  name: string;
  kind: SeatKind;
  label?: string;
  /** the agent requested for an agent seat ("scripted", a name or a spec) */
  agent?: AgentSpec;
  /** what "scripted" resolved to, or the name recorded by the agent */
  agentName?: string;
  token: string | null;
}

export interface SessionOptions {
  takeoverAfterSec: number | null;
  takeoverAgent: AgentSpec;
  agentDelayMs: number;
  revealAgents: boolean;
  /** made by quick play rather than by the experimenter API */
  quickplay: boolean;
  /** "human": think and typing delays from server/studies/pacing.ts (blind study arms); absent = "fixed" */
  agentPacing?: 'fixed' | 'human';
  /** players see every seat as connected (blind study arms) */
  maskPresence?: boolean;
}

export interface SessionRecord {
  id: string;
  game: string;
  preset: string;
  config: unknown;
  /** admin-only: live sessions get 32 hex characters (128 random bits) */
  seed: Seed;
  createdAt: number;
  status: SessionStatus;
  endedAt: number | null;
  outcome: unknown;
  seats: SeatRecord[];
  spectatorToken: string;
  options: SessionOptions;
}

/** A row to append; the store numbers it. */
export interface NewRow {
  at: number;
  kind: LogRow['kind'];
  seat: number | null;
  clientActionId: string | null;
  event: LogRow['event'];
}

export type TokenTarget = { sessionId: string; seat: number | null };

/** A session's status changing along with an append (game over, ended). */
export interface StatusChange {
  status: SessionStatus;
  at: number;
  outcome: unknown;
}

/** What the store has committed so far: appends, and the transactions they took (one fsync may cover several). */
export interface WriterStats {
  appends: number;
  commits: number;
}

/**
 * An append whose first seq is already taken: another writer (another process that owns the
 * session now) got there first. The loser gets this, never a fork; nothing of its append is written.
 */
export class SeqConflictError extends Error {
  readonly code = 'seq_conflict';
  constructor(
    readonly sessionId: string,
    readonly firstSeq: number,
  ) {
    super(`session ${sessionId}: seq ${firstSeq} is already written (another process owns this session now)`);
  }
}

/** A lease's time to live as given to Leases: a positive whole number of ms, else a clear error. */
export function checkLeaseTtl(ttlMs: number): number {
  if (!Number.isSafeInteger(ttlMs) || ttlMs <= 0) throw new Error(`a lease's ttl must be a positive whole number of ms, not ${ttlMs}`);
  return ttlMs;
}

/**
 * Which process runs a live session. A lease is held by one owner until `expiresAt`; the owner
 * renews it by heartbeat, and anyone may take it once it has expired. Times are the database's
 * clock, so processes on machines with skewed clocks still agree.
 */
export interface Leases {
  /**
   * Take (or keep) the session for `owner` for `ttlMs` when nobody holds it, its lease expired, or
   * `owner` already holds it; atomically, so of two racing processes exactly one wins.
   * Resolves true when `owner` holds it now.
   */
  acquire(sessionId: string, owner: string, ttlMs: number): Promise<boolean>;
  /** Extend every lease `owner` still holds by `ttlMs`; resolves the ids it still holds. */
  renew(owner: string, ttlMs: number): Promise<string[]>;
  /** Give a session up (it ended, or the process is closing). Only its holder can. */
  release(sessionId: string, owner: string): Promise<void>;
  /** Active sessions that nobody holds a live lease on: the ones to take over. */
  orphaned(): Promise<string[]>;
  /** The current holder of a live lease, or null. */
  holder(sessionId: string): Promise<string | null>;
}

/**
 * The experimenter console's sign-ins, by the SHA-256 of the cookie's id (server/console/auth.ts).
 * On PostgreSQL every process sees them, so a console request may reach any process; on SQLite
 * (one process) they live in memory: a restart signs everyone out.
 */
export interface ConsoleSessions {
  put(idHash: string, expiresAt: number): Promise<void>;
  /** when the sign-in expires (epoch ms), or null when there is none (never made, signed out, swept) */
  expiry(idHash: string): Promise<number | null>;
  remove(idHash: string): Promise<void>;
  /** forget sign-ins expired before `now` */
  sweep(now: number): Promise<void>;
}

/** The durable event log of every session (and its tokens), plus the studies and the leases. */
export interface EventStore {
  readonly engine: 'sqlite' | 'postgres';
  /** where the data is, for people: a file path, or the database URL without its password */
  readonly location: string;
  readonly studies: StudyStore;
  readonly leases: Leases;
  readonly consoleSessions: ConsoleSessions;

  /** Create a session with its tokens and its opening log rows, all or nothing. */
  createSession(record: SessionRecord, rows: NewRow[]): Promise<LogRow[]>;
  /**
   * Append one batch (an action and its consequences, a timeout, a presence change …) starting at
   * `firstSeq`, and optionally the session's new status, in one transaction. Group commit: resolves
   * once committed (and fsynced with durability 'full'); a room acknowledges and broadcasts only
   * then. Appends are written in the order requested. One that fails rejects alone and writes
   * nothing (SeqConflictError when `firstSeq` is taken); the others still land.
   */
  append(sessionId: string, firstSeq: number, rows: NewRow[], status?: StatusChange): Promise<LogRow[]>;
  session(id: string): Promise<SessionRecord | null>;
  /** every session, newest first */
  sessions(): Promise<SessionRecord[]>;
  /** The `limit` sessions that finished or were ended most recently, newest first. */
  recentlySettledIds(limit: number): Promise<string[]>;
  sessionIdsWithStatus(status: SessionStatus): Promise<string[]>;
  resolveToken(token: string): Promise<TokenTarget | null>;
  /** The whole log of a session, parsed, in seq order. */
  log(sessionId: string): Promise<LogRow[]>;
  /**
   * The log as JSON lines (each ending in "\n") without parsing events, read a page at a time, so
   * memory stays bounded whatever the log's size. Byte-identical across engines.
   */
  logLines(sessionId: string, pageSize?: number): AsyncGenerator<string>;
  /** Appends committed by append, and the commits they took. */
  readonly writerStats: WriterStats;
  /** Commit every append requested so far and close. */
  close(): Promise<void>;
  /** PostgreSQL: abuse limits that every process on the database shares; absent on SQLite (one process counts in memory). */
  readonly sharedLimits?: SharedLimits;
}

/** Abuse limits counted in the database (server/limits.ts), so a client gets one allowance over all processes. */
export interface SharedLimits {
  /** A fixed-window counter in the rate_limits table; a database outage falls back to counting in this process. */
  limiter(keyPrefix: string, points: number, durationSec: number): import('rate-limiter-flexible').RateLimiterAbstract;
  /** Quick-play sessions active now, over all processes. */
  liveQuickplaySessions(): Promise<number>;
}

// ---- studies ----

export interface StudyRecord {
  id: string;
  slug: string;
  title: string;
  game: string;
  definition: StudyDefinition;
  /** the file as it was uploaded */
  source: string;
  pilot: boolean;
  createdAt: number;
  /** new participants are let in (the experimenter can close recruitment; those already in keep going) */
  recruiting: boolean;
}

/** Something that happened to a study as a whole (e.g. recruitment opened or closed), with its time. */
export interface StudyEvent {
  studyId: string;
  seq: number;
  at: number;
  type: string;
  data: Record<string, unknown>;
}

export interface ParticipantRecord {
  studyId: string;
  participantId: string;
  token: string;
  arm: string;
  /** where the id came from: the link's query, the browser's stored token, or generated */
  idSource: 'query' | 'generated';
  recruiterStudyId: string | null;
  recruiterSessionId: string | null;
  stage: Stage;
  outcome: ParticipantOutcome | null;
  quizAttempts: number;
  /** when the participant entered the waiting room (for maxWaitSec), else null */
  waitingSince: number | null;
  /** the blind arm's human-looking minimum wait, ms (0 otherwise) */
  minWaitMs: number;
  sessionId: string | null;
  seat: number | null;
  seatToken: string | null;
  code: string | null;
  payment: (Payment & { status: string }) | null;
  /** the last state-changing request (kind and body), so that a repeat is answered, not refused */
  lastRequest: { kind: string; body: string; result?: unknown } | null;
  createdAt: number;
  updatedAt: number;
}

export interface ParticipantEvent {
  studyId: string;
  participantId: string;
  seq: number;
  at: number;
  type: string;
  data: Record<string, unknown>;
}

export interface TableRecord {
  studyId: string;
  arm: string;
  sessionId: string;
  createdAt: number;
  /** participant ids in seat order, null for agent seats */
  seats: (string | null)[];
  /** human seats filled by agents after the waiting room timed out */
  agentFilled: number;
}

/** A participant's new record and the events that explain the change, written together. */
export interface ParticipantChange {
  participant: ParticipantRecord;
  events: { type: string; data?: Record<string, unknown> }[];
}

/**
 * Studies, their participants, every participant event with its time, and the tables formed per
 * arm, in the same database as the sessions. Each change is one transaction committed before the
 * caller answers, so a restart loses no participant's progress.
 */
export interface StudyStore {
  createStudy(study: StudyRecord): Promise<void>;
  setRecruiting(studyId: string, open: boolean, at: number): Promise<void>;
  studyEvents(studyId: string): Promise<StudyEvent[]>;
  study(id: string): Promise<StudyRecord | null>;
  studyBySlug(slug: string): Promise<StudyRecord | null>;
  studies(): Promise<StudyRecord[]>;
  participant(studyId: string, participantId: string): Promise<ParticipantRecord | null>;
  participantByToken(token: string): Promise<ParticipantRecord | null>;
  participants(studyId: string): Promise<ParticipantRecord[]>;
  /** participants at a stage, oldest waiting first (not yet timed first); with a study id, only that study's */
  participantsAtStage(stage: Stage, studyId?: string): Promise<ParticipantRecord[]>;
  /** participants' new records with their events (and a table formed), all or nothing */
  commit(changes: ParticipantChange[], at: number, table?: TableRecord): Promise<void>;
  events(studyId: string, participantId?: string): Promise<ParticipantEvent[]>;
  studyOfSession(sessionId: string): Promise<{ id: string; slug: string; arm: string } | null>;
  tables(studyId: string): Promise<TableRecord[]>;

  /**
   * Run `work` while no other process sharing this store runs work for `key` (a study id): the
   * study flow's read-modify-writes and its waiting room. The flow's own queue (server/keyed-queue.ts)
   * already serialises a key within a process; this extends that across processes. PostgreSQL: an
   * advisory lock held on its own connection for the whole of `work`. SQLite: one process owns the
   * file, so the work just runs.
   */
  exclusive<T>(key: string, work: () => Promise<T>): Promise<T>;
  /**
   * Presence in the waiting room: the participant polled or acted at `at` (ms). Every process sees
   * it (PostgreSQL: a table; SQLite: memory, since one process serves the file). Not study data: never exported.
   */
  markSeen(token: string, at: number): Promise<void>;
  /** When each of these participants was last seen; a token never seen (or forgotten) is absent. */
  lastSeen(tokens: readonly string[]): Promise<Map<string, number>>;
  /** Forget presence older than `before` (ms). */
  forgetSeen(before: number): Promise<void>;
}
