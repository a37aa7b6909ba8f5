/**
 * Socket.io's own cross-server adapter: a broadcast to a room or a socket id reaches that socket on
 * whichever process holds it, and serverSideEmit reaches every process (server/cluster/relay.ts
 * carries acts to a session's owner over it). The one place that picks which adapter: PostgreSQL's
 * (on the event store's database) by default, Redis Streams' when PARLEY_REDIS_URL is set.
 */
import { createAdapter as createPostgresAdapter } from '@socket.io/postgres-adapter';
import { createAdapter as createRedisStreamsAdapter } from '@socket.io/redis-streams-adapter';
import pg from 'pg';
import { createClient } from 'redis';
import type { Server } from 'socket.io';

export interface AdapterTimings {
  /** how often a quiet process says it is alive */
  heartbeatMs: number;
  /** a process silent this long is counted out (requests stop waiting for its answer); keep it at most the lease ttl */
  heartbeatTimeoutMs: number;
}

/** Where the processes meet: the event store's database, and Redis when one is given. */
export interface AdapterTarget {
  databaseUrl: string;
  /** redis://… (PARLEY_REDIS_URL): the adapter's traffic goes through Redis instead of PostgreSQL */
  redisUrl?: string;
}

/** Attach the adapter `target` selects to `io`; resolves with a closer for its connections (call it after io.close()). */
export async function attachClusterAdapter(io: Server, target: AdapterTarget, timings: AdapterTimings, log: (message: string) => void): Promise<() => Promise<void>> {
  if (target.redisUrl) {
    const close = await attachRedisStreamsAdapter(io, target.redisUrl, log);
    log(`socket.io adapter: Redis Streams at ${redactedUrl(target.redisUrl)}`);
    return close;
  }
  const close = await attachPostgresAdapter(io, target.databaseUrl, timings, log);
  log('socket.io adapter: PostgreSQL (the event store database)');
  return close;
}

/** A URL fit for a log: without its password. */
function redactedUrl(raw: string): string {
  try {
    const url = new URL(raw);
    if (url.password) url.password = '***';
    return url.toString();
  } catch {
    return '(unparseable URL)';
  }
}

/**
 * Redis Streams: broadcasts go through a stream, serverSideEmit and fetchSockets through pub/sub.
 * It counts the other processes by their pub/sub subscriptions (PUBSUB NUMSUB), so a killed
 * process is counted out as soon as Redis sees its connection drop: it needs no heartbeat.
 */
async function attachRedisStreamsAdapter(io: Server, redisUrl: string, log: (message: string) => void): Promise<() => Promise<void>> {
  const client = createClient({ url: redisUrl });
  // without a listener an 'error' (Redis restarting, a dropped connection) would end the process; the client reconnects
  client.on('error', (err: Error) => log(`socket.io adapter redis: ${err.message}`));
  await client.connect();
  io.adapter(createRedisStreamsAdapter(client));
  // the adapter's own reading clients (duplicates of this one) disconnect when io.close() closes it
  return async () => {
    if (client.isOpen) await client.quit();
  };
}

/** the PostgreSQL adapter's table for messages too large for NOTIFY (its README's schema) */
const ATTACHMENTS_DDL = `CREATE TABLE IF NOT EXISTS socket_io_attachments (
  id bigserial UNIQUE,
  created_at timestamptz DEFAULT NOW(),
  payload bytea
)`;

/** PostgreSQL: NOTIFY/LISTEN on the event store's database, with a heartbeat to count the processes. */
async function attachPostgresAdapter(io: Server, databaseUrl: string, timings: AdapterTimings, log: (message: string) => void): Promise<() => Promise<void>> {
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
    createPostgresAdapter(pool, {
      heartbeatInterval: timings.heartbeatMs,
      heartbeatTimeout: timings.heartbeatTimeoutMs,
      errorHandler: (err: Error) => log(`socket.io adapter: ${err.message}`),
    }),
  );
  // call after io.close(), which closes the adapter (and gives its listening connection back)
  return () => pool.end();
}
