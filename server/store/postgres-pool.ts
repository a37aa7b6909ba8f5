/** The connection pool every PostgreSQL store module shares, and its one-transaction helper. */
import pg from 'pg';

const INT8_OID = 20;
/** connections per process: the writer holds one while it commits; reads, leases and studies share the rest */
const POOL_SIZE = 10;

/**
 * A pool whose BIGINT columns (times in ms) come back as numbers. Set on this pool's own type
 * table, not pg's global one, so other users of `pg` in the process are unaffected.
 */
export function createPool(url: string, size = POOL_SIZE): pg.Pool {
  const pool = new pg.Pool({
    connectionString: url,
    max: size,
    // a database that cannot be reached fails the request rather than hang it
    connectionTimeoutMillis: 10_000,
    keepAlive: true,
    types: {
      getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
        oid === INT8_OID && format !== 'binary' ? (value: string) => Number(value) : pg.types.getTypeParser(oid, format)) as pg.CustomTypesConfig['getTypeParser'],
    },
  });
  // an idle connection the server dropped must not crash the process; the next query reconnects
  pool.on('error', () => undefined);
  return pool;
}

/** Run `work` in one transaction on one connection of the pool. */
export async function inTransaction<T>(pool: pg.Pool, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let broken = false;
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (err) {
    try {
      await client.query('ROLLBACK');
    } catch {
      broken = true;
    }
    throw err;
  } finally {
    client.release(broken);
  }
}

