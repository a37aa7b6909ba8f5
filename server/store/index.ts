/**
 * Opening the event store: PostgreSQL when a database URL is given (PARLEY_DATABASE_URL), else the
 * embedded SQLite file under the data directory, which stays the default.
 */
import type { EventStore } from './types.ts';

export * from './types.ts';

export interface OpenStoreOptions {
  /** the SQLite file's directory (ignored with a database URL) */
  dataDir: string;
  /** postgres://… selects PostgreSQL */
  databaseUrl?: string;
  /**
   * 'full' (default) fsyncs every commit: an acknowledged action survives a power cut.
   * 'normal' survives a process crash, which is what SIGKILL tests, and is faster (SQLite only:
   * PostgreSQL's durability is the server's own setting).
   */
  durability?: 'full' | 'normal';
}

export async function openStore(options: OpenStoreOptions): Promise<EventStore> {
  if (options.databaseUrl) {
    const { PostgresStore } = await import('./postgres.ts');
    return PostgresStore.open(options.databaseUrl);
  }
  const { SqliteStore } = await import('./sqlite.ts');
  return new SqliteStore(options.dataDir, { durability: options.durability });
}
