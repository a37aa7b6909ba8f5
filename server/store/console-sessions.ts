/**
 * The console's sign-ins for each engine (ConsoleSessions in ./types.ts): memory for SQLite (one
 * process), a table every process shares for PostgreSQL (migration 3, console_sessions).
 */
import type pg from 'pg';
import type { ConsoleSessions } from './types.ts';

export class MemoryConsoleSessions implements ConsoleSessions {
  /** id hash → expiry; a Map, so no hash is ever read as an inherited property */
  private readonly expiries = new Map<string, number>();

  async put(idHash: string, expiresAt: number): Promise<void> {
    this.expiries.set(idHash, expiresAt);
  }

  async expiry(idHash: string): Promise<number | null> {
    return this.expiries.get(idHash) ?? null;
  }

  async remove(idHash: string): Promise<void> {
    this.expiries.delete(idHash);
  }

  async sweep(now: number): Promise<void> {
    for (const [hash, expiresAt] of this.expiries) if (expiresAt <= now) this.expiries.delete(hash);
  }
}

export class PostgresConsoleSessions implements ConsoleSessions {
  constructor(private readonly pool: pg.Pool) {}

  async put(idHash: string, expiresAt: number): Promise<void> {
    await this.pool.query('INSERT INTO console_sessions (id_hash, expires_at) VALUES ($1, $2) ON CONFLICT (id_hash) DO UPDATE SET expires_at = EXCLUDED.expires_at', [idHash, expiresAt]);
  }

  async expiry(idHash: string): Promise<number | null> {
    const { rows } = await this.pool.query<{ expires_at: string }>('SELECT expires_at FROM console_sessions WHERE id_hash = $1', [idHash]);
    return rows.length ? Number(rows[0].expires_at) : null;
  }

  async remove(idHash: string): Promise<void> {
    await this.pool.query('DELETE FROM console_sessions WHERE id_hash = $1', [idHash]);
  }

  async sweep(now: number): Promise<void> {
    await this.pool.query('DELETE FROM console_sessions WHERE expires_at <= $1', [now]);
  }
}
