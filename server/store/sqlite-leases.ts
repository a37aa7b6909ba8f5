import type Database from 'better-sqlite3';
import { checkLeaseTtl, type Leases } from './types.ts';

/**
 * Session leases in the SQLite file. A single SQLite process owns every session and needs none;
 * they exist so that both engines keep one contract (server/store/types.ts). Times are this
 * machine's clock, which every process on one SQLite file shares.
 */
export class SqliteLeases implements Leases {
  private readonly stmts;

  constructor(db: Database.Database) {
    db.exec(`
      CREATE TABLE IF NOT EXISTS leases (
        session_id TEXT PRIMARY KEY,
        owner TEXT NOT NULL,
        expires_at INTEGER NOT NULL
      );
    `);
    this.stmts = {
      // one statement, so of two racing owners exactly one changes the row
      acquire: db.prepare(
        `INSERT INTO leases (session_id, owner, expires_at) VALUES (@sessionId, @owner, @expiresAt)
         ON CONFLICT (session_id) DO UPDATE SET owner = excluded.owner, expires_at = excluded.expires_at
         WHERE leases.expires_at <= @now OR leases.owner = excluded.owner`,
      ),
      renew: db.prepare('UPDATE leases SET expires_at = ? WHERE owner = ? RETURNING session_id'),
      release: db.prepare('DELETE FROM leases WHERE session_id = ? AND owner = ?'),
      orphaned: db.prepare(
        `SELECT s.id FROM sessions s LEFT JOIN leases l ON l.session_id = s.id
         WHERE s.status = 'active' AND (l.session_id IS NULL OR l.expires_at <= ?) ORDER BY s.created_at, s.id`,
      ),
      holder: db.prepare('SELECT owner FROM leases WHERE session_id = ? AND expires_at > ?'),
    };
  }

  async acquire(sessionId: string, owner: string, ttlMs: number): Promise<boolean> {
    const now = Date.now();
    return this.stmts.acquire.run({ sessionId, owner, expiresAt: now + checkLeaseTtl(ttlMs), now }).changes === 1;
  }

  /** A lease that expired but that nobody took is still this owner's, and is extended too. */
  async renew(owner: string, ttlMs: number): Promise<string[]> {
    return (this.stmts.renew.all(Date.now() + checkLeaseTtl(ttlMs), owner) as { session_id: string }[]).map((r) => r.session_id).sort();
  }

  async release(sessionId: string, owner: string): Promise<void> {
    this.stmts.release.run(sessionId, owner);
  }

  async orphaned(): Promise<string[]> {
    return (this.stmts.orphaned.all(Date.now()) as { id: string }[]).map((r) => r.id);
  }

  async holder(sessionId: string): Promise<string | null> {
    return (this.stmts.holder.get(sessionId, Date.now()) as { owner: string } | undefined)?.owner ?? null;
  }
}
