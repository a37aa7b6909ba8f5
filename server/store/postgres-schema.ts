/**
 * The PostgreSQL schema as numbered migrations, run at start by every process: under a
 * transaction-scoped advisory lock, so processes starting together apply each migration once,
 * and recorded in schema_migrations. A migration is never edited once released; add the next one.
 *
 * The tables mirror the SQLite ones (server/store/sqlite.ts, server/store/sqlite-studies.ts) so
 * that exports read the same values: JSON stays TEXT exactly as written, times are BIGINT
 * milliseconds. Keys compared or ordered by text use COLLATE "C" (byte order, as SQLite compares),
 * whatever the database's own locale.
 */
import type pg from 'pg';

const MIGRATIONS: readonly { version: number; sql: string }[] = [
  {
    version: 1,
    sql: `
      CREATE TABLE sessions (
        id TEXT COLLATE "C" PRIMARY KEY,
        game TEXT NOT NULL,
        preset TEXT NOT NULL,
        config TEXT NOT NULL,
        seed TEXT NOT NULL,
        created_at BIGINT NOT NULL,
        status TEXT NOT NULL,
        ended_at BIGINT,
        outcome TEXT,
        seats TEXT NOT NULL,
        spectator_token TEXT NOT NULL,
        options TEXT NOT NULL
      );
      CREATE INDEX sessions_status ON sessions (status, created_at, id);
      CREATE INDEX sessions_ended ON sessions (ended_at DESC, id) WHERE status <> 'active';
      CREATE TABLE tokens (
        token TEXT PRIMARY KEY,
        session_id TEXT COLLATE "C" NOT NULL REFERENCES sessions(id),
        seat INTEGER
      );
      CREATE TABLE log (
        session_id TEXT COLLATE "C" NOT NULL REFERENCES sessions(id),
        seq INTEGER NOT NULL,
        batch INTEGER NOT NULL,
        at BIGINT NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('game', 'session')),
        seat INTEGER,
        client_action_id TEXT,
        event TEXT NOT NULL,
        PRIMARY KEY (session_id, seq)
      );
      CREATE TABLE leases (
        session_id TEXT COLLATE "C" PRIMARY KEY,
        owner TEXT NOT NULL,
        expires_at TIMESTAMPTZ NOT NULL
      );
      CREATE INDEX leases_owner ON leases (owner);

      CREATE TABLE studies (
        id TEXT COLLATE "C" PRIMARY KEY,
        slug TEXT NOT NULL UNIQUE,
        title TEXT NOT NULL,
        game TEXT NOT NULL,
        definition TEXT NOT NULL,
        source TEXT NOT NULL,
        pilot BOOLEAN NOT NULL,
        created_at BIGINT NOT NULL,
        recruiting BOOLEAN NOT NULL DEFAULT TRUE
      );
      CREATE TABLE participants (
        study_id TEXT COLLATE "C" NOT NULL REFERENCES studies(id),
        participant_id TEXT COLLATE "C" NOT NULL,
        token TEXT NOT NULL UNIQUE,
        arm TEXT NOT NULL,
        id_source TEXT NOT NULL,
        recruiter_study_id TEXT,
        recruiter_session_id TEXT,
        stage TEXT NOT NULL,
        outcome TEXT,
        quiz_attempts INTEGER NOT NULL,
        waiting_since BIGINT,
        min_wait_ms BIGINT NOT NULL,
        session_id TEXT,
        seat INTEGER,
        seat_token TEXT,
        code TEXT,
        payment TEXT,
        last_request TEXT,
        created_at BIGINT NOT NULL,
        updated_at BIGINT NOT NULL,
        PRIMARY KEY (study_id, participant_id)
      );
      CREATE INDEX participants_stage ON participants (stage, study_id);
      CREATE TABLE participant_events (
        study_id TEXT COLLATE "C" NOT NULL,
        participant_id TEXT COLLATE "C" NOT NULL,
        seq INTEGER NOT NULL,
        at BIGINT NOT NULL,
        type TEXT NOT NULL,
        data TEXT NOT NULL,
        PRIMARY KEY (study_id, participant_id, seq)
      );
      CREATE TABLE study_tables (
        study_id TEXT COLLATE "C" NOT NULL REFERENCES studies(id),
        arm TEXT NOT NULL,
        session_id TEXT COLLATE "C" NOT NULL PRIMARY KEY,
        created_at BIGINT NOT NULL,
        seats TEXT NOT NULL,
        agent_filled INTEGER NOT NULL
      );
      CREATE INDEX study_tables_study ON study_tables (study_id, arm);
      CREATE TABLE study_events (
        study_id TEXT COLLATE "C" NOT NULL REFERENCES studies(id),
        seq INTEGER NOT NULL,
        at BIGINT NOT NULL,
        type TEXT NOT NULL,
        data TEXT NOT NULL,
        PRIMARY KEY (study_id, seq)
      );
    `,
  },
  {
    // waiting-room presence shared by every process (a participant may poll any of them)
    version: 2,
    sql: `
      CREATE TABLE study_presence (
        token TEXT COLLATE "C" NOT NULL PRIMARY KEY,
        seen_at BIGINT NOT NULL
      );
    `,
  },
  {
    // state every process must see alike, so a request may reach any of them: console sign-ins
    // (the SHA-256 of the cookie's id, never the id) and the abuse limits' counters (the columns
    // rate-limiter-flexible's Postgres limiter reads and writes; its keys carry the limit's name)
    version: 3,
    sql: `
      CREATE TABLE console_sessions (
        id_hash TEXT COLLATE "C" NOT NULL PRIMARY KEY,
        expires_at BIGINT NOT NULL
      );
      CREATE TABLE rate_limits (
        key VARCHAR(255) COLLATE "C" NOT NULL PRIMARY KEY,
        points INTEGER NOT NULL DEFAULT 0,
        expire BIGINT
      );
    `,
  },
];

/** Any constant shared by every Parley process: the advisory lock that serialises migrating. */
const MIGRATION_LOCK = 0x7061726c; // "parl"

/** Bring the database up to the newest schema; a no-op when it is there already. */
export async function migrate(client: pg.ClientBase): Promise<void> {
  await client.query('BEGIN');
  try {
    await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
    await client.query('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())');
    const { rows } = await client.query<{ version: number }>('SELECT version FROM schema_migrations');
    const applied = new Set(rows.map((r) => r.version));
    const newest = Math.max(0, ...applied);
    if (newest > SCHEMA_VERSION) {
      throw new Error(`the database's schema is version ${newest}, newer than this Parley's ${SCHEMA_VERSION}: upgrade Parley`);
    }
    for (const migration of MIGRATIONS) {
      if (applied.has(migration.version)) continue;
      await client.query(migration.sql);
      await client.query('INSERT INTO schema_migrations (version) VALUES ($1)', [migration.version]);
    }
    await client.query('COMMIT');
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  }
}

/** The newest schema version this code knows. */
export const SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1].version;
