/**
 * Socket.io's own cross-server adapter on the event store's PostgreSQL database: a broadcast to a
 * room or a socket id reaches that socket on whichever process holds it, and serverSideEmit reaches
 * every process (server/cluster/relay.ts carries acts to a session's owner over it).
 */
import { createAdapter } from '@socket.io/postgres-adapter';
import pg from 'pg';
import type { Server } from 'socket.io';

export interface AdapterTimings {
  /** how often a quiet process says it is alive */
  heartbeatMs: number;
  /** a process silent this long is counted out (requests stop waiting for its answer); keep it at most the lease ttl */
  heartbeatTimeoutMs: number;
}

/** the adapter's table for messages too large for NOTIFY (its README's schema) */
const ATTACHMENTS_DDL = `CREATE TABLE IF NOT EXISTS socket_io_attachments (
  id bigserial UNIQUE,
  created_at timestamptz DEFAULT NOW(),
  payload bytea
)`;

/** Attach the adapter to `io`; resolves with a closer for its pool. */
export async function attachPostgresAdapter(io: Server, databaseUrl: string, timings: AdapterTimings, log: (message: string) => void): Promise<() => Promise<void>> {
  // two connections, no more: one LISTENs, the other publishes, so messages leave in the order they
  // were emitted. (One too large for NOTIFY goes through the attachments table and can be overtaken;
  // clients keep the highest state version they saw, and patch clients resync on a gap.)
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 2 });
  pool.on('error', (err) => log(`socket.io adapter database: ${err.message}`));
  const client = await pool.connect();
  try {
    // processes starting together would race on CREATE TABLE IF NOT EXISTS (a duplicate type): one at a time
    await client.query('BEGIN');
    await client.query("SELECT pg_advisory_xact_lock(hashtext('parley:socket_io_attachments'))");
    await client.query(ATTACHMENTS_DDL);
    await client.query('COMMIT');
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
  io.adapter(
    createAdapter(pool, {
      heartbeatInterval: timings.heartbeatMs,
      heartbeatTimeout: timings.heartbeatTimeoutMs,
      errorHandler: (err: Error) => log(`socket.io adapter: ${err.message}`),
    }),
  );
  // call after io.close(), which closes the adapter (and gives its listening connection back)
  return () => pool.end();
}
