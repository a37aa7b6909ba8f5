import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Seed } from '../../shared/engine/rng.ts';
import type { LogRow, SessionStatus } from '../../shared/protocol/index.ts';
import { logLine, logRow, sessionRecord, type GroupedAppend, type LogDbRow, type SessionDbRow } from './rows.ts';
import { SqliteLeases } from './sqlite-leases.ts';
import { WalSync } from './wal-sync.ts';
import { SqliteStudyStore } from './sqlite-studies.ts';
import { MemoryConsoleSessions } from './console-sessions.ts';
import {
  SeqConflictError,
  type EventStore,
  type NewRow,
  type SessionRecord,
  type StatusChange,
  type TokenTarget,
  type WriterStats,
} from './types.ts';


export interface StoreOptions {
  /**
   * 'full' (default) fsyncs every commit: an acknowledged action survives a power cut.
   * 'normal' (WAL) survives a process crash, which is what SIGKILL tests, and is faster.
   */
  durability?: 'full' | 'normal';
  /**
   * With durability 'full', where the fsync of every commit runs (appends, session creation,
   * studies). 'pool' (default): after the commit, on libuv's thread pool, nothing answered before
   * it ends (./wal-sync.ts).
   * 'commit': SQLite's own `synchronous = FULL`, inside each commit on the event loop — the earlier
   * design, kept so that `bench/commit.ts` can compare the two.
   */
  fsync?: 'pool' | 'commit';
}

/** How long a write waits for another connection's transaction before failing (ms). */
const BUSY_TIMEOUT_MS = 10_000;

/** the seed: a number, or a string seed JSON-quoted (see seedColumn) */
type SessionRow = SessionDbRow<number | string>;

/**
 * The durable event log (better-sqlite3, WAL), one database file for every session: the default
 * engine, for one process. Rows are committed before the caller acknowledges or broadcasts
 * anything. append group-commits on the main thread: one transaction per turn of the event loop
 * for every room, its fsync (durability full) then run on the thread pool (./wal-sync.ts).
 * better-sqlite3 answers at once; the methods are async only because the contract
 * (server/store/types.ts) is.
 */
export class SqliteStore implements EventStore {
  readonly engine = 'sqlite' as const;
  /** the database file */
  readonly location: string;
  readonly studies: SqliteStudyStore;
  readonly leases: SqliteLeases;
  readonly consoleSessions = new MemoryConsoleSessions();
  private readonly db: Database.Database;
  private readonly stmts;
  private closed: Promise<void> | null = null;
  private readonly stats: WriterStats = { appends: 0, commits: 0 };
  /** durability full: the WAL's fsync after commits, off the event loop (./wal-sync.ts); normal: none */
  private readonly wal: WalSync | null;

  constructor(dataDir: string, options: StoreOptions = {}) {
    mkdirSync(dataDir, { recursive: true });
    this.location = path.join(dataDir, 'parley.sqlite');
    const full = options.durability !== 'normal';
    this.db = new Database(this.location, { timeout: BUSY_TIMEOUT_MS });
    this.db.pragma('journal_mode = WAL');
    // FULL would fsync inside every commit, on the event loop; the same fsync runs on the thread
    // pool instead (WalSync), and nothing is answered before it has finished
    const fsyncInCommit = full && options.fsync === 'commit';
    this.db.pragma(`synchronous = ${fsyncInCommit ? 'FULL' : 'NORMAL'}`);
    this.wal = full && !fsyncInCommit ? new WalSync(`${this.location}-wal`) : null;
    this.db.pragma('foreign_keys = ON');
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS sessions (
        id TEXT PRIMARY KEY,
        game TEXT NOT NULL,
        preset TEXT NOT NULL,
        config TEXT NOT NULL,
        seed INTEGER NOT NULL,
        created_at INTEGER NOT NULL,
        status TEXT NOT NULL,
        ended_at INTEGER,
        outcome TEXT,
        seats TEXT NOT NULL,
        spectator_token TEXT NOT NULL,
        options TEXT NOT NULL
      );
      CREATE TABLE IF NOT EXISTS tokens (
        token TEXT PRIMARY KEY,
        session_id TEXT NOT NULL REFERENCES sessions(id),
        seat INTEGER
      );
      CREATE TABLE IF NOT EXISTS log (
        session_id TEXT NOT NULL REFERENCES sessions(id),
        seq INTEGER NOT NULL,
        batch INTEGER NOT NULL,
        at INTEGER NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('game', 'session')),
        seat INTEGER,
        client_action_id TEXT,
        event TEXT NOT NULL,
        PRIMARY KEY (session_id, seq)
      ) WITHOUT ROWID;
    `);
    this.studies = new SqliteStudyStore(this.db, () => this.durable());
    this.leases = new SqliteLeases(this.db);
    this.stmts = {
      insertSession: this.db.prepare(
        `INSERT INTO sessions (id, game, preset, config, seed, created_at, status, ended_at, outcome, seats, spectator_token, options)
         VALUES (@id, @game, @preset, @config, @seed, @created_at, @status, @ended_at, @outcome, @seats, @spectator_token, @options)`,
      ),
      insertToken: this.db.prepare('INSERT INTO tokens (token, session_id, seat) VALUES (?, ?, ?)'),
      insertRow: this.db.prepare(
        'INSERT INTO log (session_id, seq, batch, at, kind, seat, client_action_id, event) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
      ),
      setStatus: this.db.prepare('UPDATE sessions SET status = ?, ended_at = ?, outcome = ? WHERE id = ?'),
      session: this.db.prepare('SELECT * FROM sessions WHERE id = ?'),
      sessions: this.db.prepare('SELECT * FROM sessions ORDER BY created_at DESC, id'),
      sessionsWithStatus: this.db.prepare('SELECT id FROM sessions WHERE status = ? ORDER BY created_at, id'),
      recentlySettled: this.db.prepare("SELECT id FROM sessions WHERE status != 'active' ORDER BY ended_at DESC, id LIMIT ?"),
      token: this.db.prepare('SELECT session_id, seat FROM tokens WHERE token = ?'),
      log: this.db.prepare('SELECT seq, batch, at, kind, seat, client_action_id, event FROM log WHERE session_id = ? ORDER BY seq'),
      logPage: this.db.prepare(
        'SELECT seq, batch, at, kind, seat, client_action_id, event FROM log WHERE session_id = ? AND seq > ? ORDER BY seq LIMIT ?',
      ),
    };
  }

  async createSession(record: SessionRecord, rows: NewRow[]): Promise<LogRow[]> {
    // IMMEDIATE: take the write lock before reading anything
    const create = this.db.transaction(() => {
      this.stmts.insertSession.run({
        id: record.id,
        game: record.game,
        preset: record.preset,
        config: JSON.stringify(record.config),
        seed: seedColumn(record.seed),
        created_at: record.createdAt,
        status: record.status,
        ended_at: record.endedAt,
        outcome: record.outcome === null ? null : JSON.stringify(record.outcome),
        seats: JSON.stringify(record.seats),
        spectator_token: record.spectatorToken,
        options: JSON.stringify(record.options),
      });
      for (const seat of record.seats) if (seat.token) this.stmts.insertToken.run(seat.token, record.id, seat.seat);
      this.stmts.insertToken.run(record.spectatorToken, record.id, null);
      return this.insertRows(record.id, 1, rows);
    });
    const written = create.immediate();
    await this.durable();
    return written;
  }

  /** Resolves once every commit made on this connection so far is on disk (at once with durability normal). */
  private durable(): Promise<void> {
    return this.wal ? this.wal.durable() : Promise.resolve();
  }

  /** Group commit (see EventStore.append): every append requested in one turn of the event loop goes into one transaction. */
  append(sessionId: string, firstSeq: number, rows: NewRow[], status?: StatusChange): Promise<LogRow[]> {
    if (this.closed) return Promise.reject(new Error('the store is closed'));
    return new Promise((resolve, reject) => {
      this.group.push({ sessionId, firstSeq, rows, status, resolve, reject });
      if (!this.flushScheduled) {
        this.flushScheduled = true;
        setImmediate(() => this.flushGroup());
      }
    });
  }

  /** One append in its own transaction on this connection (a group's append retried alone). */
  private appendAlone(sessionId: string, firstSeq: number, rows: NewRow[], status?: StatusChange): LogRow[] {
    const append = this.db.transaction(() => this.appendInTransaction(sessionId, firstSeq, rows, status));
    try {
      return append.immediate();
    } catch (err) {
      throw asSeqConflict(err, sessionId, firstSeq);
    }
  }

  private appendInTransaction(sessionId: string, firstSeq: number, rows: NewRow[], status?: StatusChange): LogRow[] {
    const written = this.insertRows(sessionId, firstSeq, rows);
    if (status) {
      this.stmts.setStatus.run(status.status, status.status === 'active' ? null : status.at, status.outcome === null ? null : JSON.stringify(status.outcome), sessionId);
    }
    return written;
  }

  private insertRows(sessionId: string, firstSeq: number, rows: NewRow[]): LogRow[] {
    return rows.map((row, i) => {
      const seq = firstSeq + i;
      this.stmts.insertRow.run(sessionId, seq, firstSeq, row.at, row.kind, row.seat, row.clientActionId, JSON.stringify(row.event));
      return { sessionId, seq, batch: firstSeq, ...row };
    });
  }

  get writerStats(): WriterStats {
    return { ...this.stats };
  }

  // group commit: one transaction per turn of the event loop
  private group: GroupedAppend[] = [];
  private flushScheduled = false;

  private flushGroup(): void {
    const group = this.group;
    this.group = [];
    this.flushScheduled = false;
    if (!this.db.open) {
      for (const entry of group) entry.reject(new Error('the store is closed'));
      return;
    }
    let written: LogRow[][];
    try {
      written = this.db.transaction(() => group.map((e) => this.appendInTransaction(e.sessionId, e.firstSeq, e.rows, e.status)))();
      this.stats.commits++;
      this.stats.appends += group.length;
    } catch {
      // one bad append must not sink the others: retry each alone
      const landed: [GroupedAppend, LogRow[]][] = [];
      const refused: [GroupedAppend, unknown][] = [];
      for (const entry of group) {
        try {
          landed.push([entry, this.appendAlone(entry.sessionId, entry.firstSeq, entry.rows, entry.status)]);
          this.stats.commits++;
          this.stats.appends++;
        } catch (err) {
          refused.push([entry, err]);
        }
      }
      // the group's answers go out together, once its commits are on disk
      const answer = (syncError?: unknown) => {
        for (const [entry, rows] of landed) syncError === undefined ? entry.resolve(rows) : entry.reject(syncError);
        for (const [entry, err] of refused) entry.reject(err);
      };
      this.durable().then(() => answer(), answer);
      return;
    }
    // answered once on disk
    this.durable().then(
      () => group.forEach((entry, i) => entry.resolve(written[i])),
      (err: unknown) => group.forEach((entry) => entry.reject(err)),
    );
  }

  async session(id: string): Promise<SessionRecord | null> {
    const row = this.stmts.session.get(id) as SessionRow | undefined;
    return row ? toRecord(row) : null;
  }

  async sessions(): Promise<SessionRecord[]> {
    return (this.stmts.sessions.all() as SessionRow[]).map(toRecord);
  }

  async recentlySettledIds(limit: number): Promise<string[]> {
    return (this.stmts.recentlySettled.all(limit) as { id: string }[]).map((r) => r.id);
  }

  async sessionIdsWithStatus(status: SessionStatus): Promise<string[]> {
    return (this.stmts.sessionsWithStatus.all(status) as { id: string }[]).map((r) => r.id);
  }

  async resolveToken(token: string): Promise<TokenTarget | null> {
    const row = this.stmts.token.get(token) as { session_id: string; seat: number | null } | undefined;
    return row ? { sessionId: row.session_id, seat: row.seat } : null;
  }

  async log(sessionId: string): Promise<LogRow[]> {
    return (this.stmts.log.all(sessionId) as LogDbRow[]).map((r) => logRow(sessionId, r));
  }

  /**
   * A page at a time: a consumer may pause between lines (streaming to a slow client) without
   * holding the connection busy, and memory stays bounded whatever the log's size.
   */
  async *logLines(sessionId: string, pageSize = 1000): AsyncGenerator<string> {
    for (let after = 0; ; ) {
      const page = this.stmts.logPage.all(sessionId, after, pageSize) as LogDbRow[];
      for (const r of page) yield logLine(sessionId, r);
      if (page.length < pageSize) return;
      after = page[page.length - 1].seq;
    }
  }

  /**
   * Commit every append requested so far and close the database. Awaiting is needed only to know
   * the last commits' fsync has finished.
   */
  close(): Promise<void> {
    this.closed ??= (async () => {
      if (this.group.length) this.flushGroup();
      // the last commits' fsync, if one is under way (with none, the store closes at once)
      const syncing = this.wal?.drain();
      if (syncing) await syncing;
      this.wal?.release();
      if (this.db.open) this.db.close();
    })();
    return this.closed;
  }
}

/** SQLite's answer to a log row whose (session_id, seq) is taken. */
function asSeqConflict(err: unknown, sessionId: string, firstSeq: number): unknown {
  const code = (err as { code?: unknown } | null)?.code;
  return code === 'SQLITE_CONSTRAINT_PRIMARYKEY' ? new SeqConflictError(sessionId, firstSeq) : err;
}

/**
 * The seed column has INTEGER affinity (older databases too), which would turn an all-digit hex
 * seed into a number; JSON-quoting string seeds keeps them text, and integer seeds stay integers.
 */
function seedColumn(seed: Seed): number | string {
  return typeof seed === 'string' ? JSON.stringify(seed) : seed;
}

function seedFromColumn(value: number | string): Seed {
  return typeof value === 'string' ? (JSON.parse(value) as string) : value;
}

function toRecord(row: SessionRow): SessionRecord {
  return sessionRecord(row, seedFromColumn);
}
