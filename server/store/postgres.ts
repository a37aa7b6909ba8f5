/**
 * The event store on PostgreSQL (`PARLEY_DATABASE_URL=postgres://…`), shared by any number of
 * Parley processes. The same contract as the SQLite store (server/store/types.ts), and the same
 * bytes: JSON is stored as the TEXT that was written, so `logLines` and the exports are identical
 * across engines. The log's PRIMARY KEY (session_id, seq) is what keeps two processes from both
 * writing one session: the second append of a seq fails (SeqConflictError), it never forks; and an
 * append whose previous seq was never written (its predecessor lost such a race) fails too
 * (SeqGapError, a SeqConflictError), so a log never has a hole.
 */
import type pg from 'pg';
import type { Seed } from '../../shared/engine/rng.ts';
import type { LogRow, SessionStatus } from '../../shared/protocol/index.ts';
import { logLine, logRow, sessionRecord, type GroupedAppend, type LogDbRow, type SessionDbRow } from './rows.ts';
import { createPool, inTransaction } from './postgres-pool.ts';
import { migrate } from './postgres-schema.ts';
import { PostgresSharedLimits } from './postgres-limits.ts';
import { PostgresStudyStore } from './postgres-studies.ts';
import { PostgresConsoleSessions } from './console-sessions.ts';
import {
  SeqConflictError,
  type EventStore,
  type Leases,
  type NewRow,
  type SessionRecord,
  type StatusChange,
  type TokenTarget,
  type WriterStats,
} from './types.ts';

/** PostgreSQL's SQLSTATE for a unique key violation */
const UNIQUE_VIOLATION = '23505';


/** the seed stored as JSON text, so a number stays a number and a string a string */
type SessionRow = SessionDbRow<string>;

const LOG_COLUMNS = 'seq, batch, at, kind, seat, client_action_id, event';
/**
 * Every row of a group in one statement (one round trip whatever the group's size), which also
 * returns each append whose previous seq is in neither the log nor this insert: writing it would
 * leave a hole, because an earlier append of its session failed (lost to another process).
 */
const INSERT_ROWS = `WITH inserted AS (
    INSERT INTO log (session_id, seq, batch, at, kind, seat, client_action_id, event)
    SELECT * FROM unnest($1::text[], $2::int[], $3::int[], $4::bigint[], $5::text[], $6::int[], $7::text[], $8::text[])
    RETURNING session_id, seq
  )
  SELECT a.session_id, a.first_seq FROM unnest($9::text[], $10::int[]) AS a(session_id, first_seq)
  WHERE a.first_seq > 1
    AND NOT EXISTS (SELECT 1 FROM log l WHERE l.session_id = a.session_id AND l.seq = a.first_seq - 1)
    AND NOT EXISTS (SELECT 1 FROM inserted i WHERE i.session_id = a.session_id AND i.seq = a.first_seq - 1)`;
const SET_STATUS = 'UPDATE sessions SET status = $1, ended_at = $2, outcome = $3 WHERE id = $4';

export class PostgresStore implements EventStore {
  readonly engine = 'postgres';
  readonly location: string;
  readonly studies: PostgresStudyStore;
  readonly leases: PostgresLeases;
  readonly consoleSessions: PostgresConsoleSessions;
  readonly sharedLimits: PostgresSharedLimits;
  private readonly stats: WriterStats = { appends: 0, commits: 0 };
  private group: GroupedAppend[] = [];
  /** the writer loop while it runs: one commit in flight at a time, so one session's appends keep their order */
  private writing: Promise<void> | null = null;
  private closed: Promise<void> | null = null;

  private constructor(
    private readonly pool: pg.Pool,
    url: string,
  ) {
    this.location = withoutPassword(url);
    this.studies = new PostgresStudyStore(pool, url);
    this.leases = new PostgresLeases(pool);
    this.consoleSessions = new PostgresConsoleSessions(pool);
    this.sharedLimits = new PostgresSharedLimits(pool);
  }

  /** Connect and bring the schema up to date (several processes may do this at once). */
  static async open(url: string): Promise<PostgresStore> {
    const pool = createPool(url);
    try {
      const client = await pool.connect();
      try {
        await migrate(client);
      } finally {
        client.release();
      }
    } catch (err) {
      await pool.end().catch(() => undefined);
      throw err;
    }
    return new PostgresStore(pool, url);
  }

  async createSession(record: SessionRecord, rows: NewRow[]): Promise<LogRow[]> {
    this.assertOpen();
    return inTransaction(this.pool, async (client) => {
      await client.query(
        `INSERT INTO sessions (id, game, preset, config, seed, created_at, status, ended_at, outcome, seats, spectator_token, options)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
        [
          record.id,
          record.game,
          record.preset,
          JSON.stringify(record.config),
          JSON.stringify(record.seed),
          record.createdAt,
          record.status,
          record.endedAt,
          record.outcome === null ? null : JSON.stringify(record.outcome),
          JSON.stringify(record.seats),
          record.spectatorToken,
          JSON.stringify(record.options),
        ],
      );
      const tokens = [...record.seats.filter((s) => s.token).map((s) => [s.token, s.seat] as const), [record.spectatorToken, null] as const];
      await client.query('INSERT INTO tokens (token, session_id, seat) SELECT t, $2, s FROM unnest($1::text[], $3::int[]) AS u(t, s)', [
        tokens.map(([token]) => token),
        record.id,
        tokens.map(([, seat]) => seat),
      ]);
      const batch = [{ sessionId: record.id, firstSeq: 1, rows }];
      await insertRows(client, batch);
      return numbered(record.id, 1, rows);
    });
  }

  /**
   * Group commit, as SqliteStore does: appends requested while a commit is in flight go
   * into the next transaction together (one round trip and one WAL flush for all). If that
   * transaction fails, each of its appends is retried alone, so one bad append rejects alone.
   */
  append(sessionId: string, firstSeq: number, rows: NewRow[], status?: StatusChange): Promise<LogRow[]> {
    if (this.closed) return Promise.reject(new Error('the store is closed'));
    return new Promise((resolve, reject) => {
      this.group.push({ sessionId, firstSeq, rows, status, resolve, reject });
      // the rest of this turn of the event loop joins the first commit too
      this.writing ??= new Promise<void>((started) => setImmediate(started)).then(() => this.writeGroups());
    });
  }

  private async writeGroups(): Promise<void> {
    while (this.group.length) {
      const group = this.group;
      this.group = [];
      try {
        await inTransaction(this.pool, (client) => writeAppends(client, group));
        this.stats.commits++;
        this.stats.appends += group.length;
        for (const entry of group) entry.resolve(numbered(entry.sessionId, entry.firstSeq, entry.rows));
      } catch {
        for (const entry of group) {
          try {
            await inTransaction(this.pool, (client) => writeAppends(client, [entry]));
            this.stats.commits++;
            this.stats.appends++;
            entry.resolve(numbered(entry.sessionId, entry.firstSeq, entry.rows));
          } catch (err) {
            entry.reject(asSeqConflict(err, entry));
          }
        }
      }
    }
    this.writing = null;
  }

  get writerStats(): WriterStats {
    return { ...this.stats };
  }

  async session(id: string): Promise<SessionRecord | null> {
    const { rows } = await this.pool.query<SessionRow>('SELECT * FROM sessions WHERE id = $1', [id]);
    return rows.length ? toRecord(rows[0]) : null;
  }

  async sessions(): Promise<SessionRecord[]> {
    const { rows } = await this.pool.query<SessionRow>('SELECT * FROM sessions ORDER BY created_at DESC, id');
    return rows.map(toRecord);
  }

  async recentlySettledIds(limit: number): Promise<string[]> {
    // NULLS LAST: where SQLite puts a missing end time (it sorts NULL lowest)
    const { rows } = await this.pool.query<{ id: string }>(
      "SELECT id FROM sessions WHERE status <> 'active' ORDER BY ended_at DESC NULLS LAST, id LIMIT $1",
      [limit],
    );
    return rows.map((r) => r.id);
  }

  async sessionIdsWithStatus(status: SessionStatus): Promise<string[]> {
    const { rows } = await this.pool.query<{ id: string }>('SELECT id FROM sessions WHERE status = $1 ORDER BY created_at, id', [status]);
    return rows.map((r) => r.id);
  }

  async resolveToken(token: string): Promise<TokenTarget | null> {
    const { rows } = await this.pool.query<{ session_id: string; seat: number | null }>('SELECT session_id, seat FROM tokens WHERE token = $1', [
      token,
    ]);
    return rows.length ? { sessionId: rows[0].session_id, seat: rows[0].seat } : null;
  }

  async log(sessionId: string): Promise<LogRow[]> {
    const { rows } = await this.pool.query<LogDbRow>(`SELECT ${LOG_COLUMNS} FROM log WHERE session_id = $1 ORDER BY seq`, [sessionId]);
    return rows.map((r) => logRow(sessionId, r));
  }

  /** Keyset pages: no connection or cursor is held while the consumer is slow between lines. */
  async *logLines(sessionId: string, pageSize = 1000): AsyncGenerator<string> {
    for (let after = 0; ; ) {
      const { rows: page } = await this.pool.query<LogDbRow>(
        `SELECT ${LOG_COLUMNS} FROM log WHERE session_id = $1 AND seq > $2 ORDER BY seq LIMIT $3`,
        [sessionId, after, pageSize],
      );
      for (const r of page) yield logLine(sessionId, r);
      if (page.length < pageSize) return;
      after = page[page.length - 1].seq;
    }
  }

  /** Commit every append requested so far, then close the pool. */
  close(): Promise<void> {
    this.closed ??= (async () => {
      while (this.writing) await this.writing;
      await this.studies.close();
      this.sharedLimits.close();
      await this.pool.end();
    })();
    return this.closed;
  }

  private assertOpen(): void {
    if (this.closed) throw new Error('the store is closed');
  }
}

/**
 * Which process runs each live session, by the database's clock (clock_timestamp()), so machines
 * with skewed clocks agree. Each method is one statement: of racing processes exactly one wins.
 */
export class PostgresLeases implements Leases {
  constructor(private readonly pool: pg.Pool) {}

  async acquire(sessionId: string, owner: string, ttlMs: number): Promise<boolean> {
    // ON CONFLICT DO UPDATE locks the row and re-checks WHERE against the latest version, so a
    // racer that waited on the winner's insert sees the winner's live lease and gets no row back
    const { rows } = await this.pool.query(
      `INSERT INTO leases (session_id, owner, expires_at) VALUES ($1, $2, clock_timestamp() + $3 * interval '1 millisecond')
       ON CONFLICT (session_id) DO UPDATE SET owner = excluded.owner, expires_at = excluded.expires_at
       WHERE leases.expires_at <= clock_timestamp() OR leases.owner = excluded.owner
       RETURNING owner`,
      [sessionId, owner, checkTtl(ttlMs)],
    );
    return rows.length === 1;
  }

  /** A lease that expired but that nobody took is still this owner's, and is extended too (as in SQLite). */
  async renew(owner: string, ttlMs: number): Promise<string[]> {
    const { rows } = await this.pool.query<{ session_id: string }>(
      `UPDATE leases SET expires_at = clock_timestamp() + $2 * interval '1 millisecond' WHERE owner = $1 RETURNING session_id`,
      [owner, checkTtl(ttlMs)],
    );
    return rows.map((r) => r.session_id).sort();
  }

  async release(sessionId: string, owner: string): Promise<void> {
    await this.pool.query('DELETE FROM leases WHERE session_id = $1 AND owner = $2', [sessionId, owner]);
  }

  async orphaned(): Promise<string[]> {
    const { rows } = await this.pool.query<{ id: string }>(
      `SELECT s.id FROM sessions s LEFT JOIN leases l ON l.session_id = s.id AND l.expires_at > clock_timestamp()
       WHERE s.status = 'active' AND l.session_id IS NULL ORDER BY s.created_at, s.id`,
    );
    return rows.map((r) => r.id);
  }

  async holder(sessionId: string): Promise<string | null> {
    const { rows } = await this.pool.query<{ owner: string }>('SELECT owner FROM leases WHERE session_id = $1 AND expires_at > clock_timestamp()', [
      sessionId,
    ]);
    return rows.length ? rows[0].owner : null;
  }
}

function checkTtl(ttlMs: number): number {
  if (!Number.isSafeInteger(ttlMs) || ttlMs <= 0) throw new Error(`a lease's ttl must be a positive whole number of ms, not ${ttlMs}`);
  return ttlMs;
}

/**
 * An append that would follow a seq nobody wrote: an earlier append of its session failed (another
 * process took the session), so this one is refused like that one rather than leave a hole.
 */
export class SeqGapError extends SeqConflictError {
  constructor(sessionId: string, firstSeq: number) {
    super(sessionId, firstSeq);
    this.message = `session ${sessionId}: seq ${firstSeq - 1} is not written, so seq ${firstSeq} cannot follow it (another process owns this session now)`;
  }
}

/** One group's rows in one statement, then the status changes in the order they were requested. */
async function writeAppends(client: pg.ClientBase, group: readonly GroupedAppend[]): Promise<void> {
  await insertRows(client, group);
  for (const { sessionId, status } of group) {
    if (!status) continue;
    await client.query(SET_STATUS, [status.status, status.status === 'active' ? null : status.at, status.outcome === null ? null : JSON.stringify(status.outcome), sessionId]);
  }
}

async function insertRows(client: pg.ClientBase, group: readonly Pick<GroupedAppend, 'sessionId' | 'firstSeq' | 'rows'>[]): Promise<void> {
  const columns: unknown[][] = [[], [], [], [], [], [], [], []];
  for (const { sessionId, firstSeq, rows } of group) {
    rows.forEach((row, i) => {
      const values = [sessionId, firstSeq + i, firstSeq, row.at, row.kind, row.seat, row.clientActionId, JSON.stringify(row.event)];
      values.forEach((value, c) => columns[c].push(value));
    });
  }
  const { rows: gaps } = await client.query<{ session_id: string; first_seq: number }>(INSERT_ROWS, [
    ...columns,
    group.map((a) => a.sessionId),
    group.map((a) => a.firstSeq),
  ]);
  if (gaps.length) throw new SeqGapError(gaps[0].session_id, gaps[0].first_seq);
}

function numbered(sessionId: string, firstSeq: number, rows: NewRow[]): LogRow[] {
  return rows.map((row, i) => ({ sessionId, seq: firstSeq + i, batch: firstSeq, ...row }));
}

/** A taken (session, seq) becomes the contract's SeqConflictError; anything else stays as it was. */
function asSeqConflict(err: unknown, entry: GroupedAppend): unknown {
  const e = err as { code?: string; constraint?: string };
  return e?.code === UNIQUE_VIOLATION && e.constraint === 'log_pkey' ? new SeqConflictError(entry.sessionId, entry.firstSeq) : err;
}


/** The URL as people may see it: no password (in the authority or as a query parameter). */
export function withoutPassword(url: string): string {
  try {
    const parsed = new URL(url);
    parsed.password = '';
    parsed.searchParams.delete('password');
    return parsed.toString();
  } catch {
    return '(unparsable database URL)';
  }
}

function toRecord(row: SessionRow): SessionRecord {
  return sessionRecord(row, (seed) => JSON.parse(seed) as Seed);
}
