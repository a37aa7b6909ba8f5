/**
 * Studies on PostgreSQL, in the sessions' database (server/store/postgres.ts): the same records,
 * orders and per-participant event numbering as the SQLite study store, with the same row mapping
 * (server/store/study-rows.ts). Each change is one transaction committed before the promise resolves. Writes that number
 * events lock their participant's (or study's) row first, so two processes writing one participant
 * take turns rather than both claiming a seq.
 */
import type pg from 'pg';
import type { Stage } from '../../shared/protocol/study.ts';
import type { StudyDefinition } from '../../shared/study/definition.ts';
import { createPool, inTransaction } from './postgres-pool.ts';
import { PARTICIPANT_COLUMNS, toParticipant, toParticipantEvent, toRow, toStudyEvent, type EventRow, type ParticipantRow } from './study-rows.ts';
import type { ParticipantChange, ParticipantEvent, ParticipantRecord, StudyEvent, StudyRecord, StudyStore, TableRecord } from './types.ts';

interface StudyRow {
  id: string;
  slug: string;
  title: string;
  game: string;
  definition: string;
  source: string;
  pilot: boolean;
  created_at: number;
  recruiting: boolean;
}


const UPSERT_PARTICIPANT = `INSERT INTO participants (${PARTICIPANT_COLUMNS.join(', ')})
  VALUES (${PARTICIPANT_COLUMNS.map((_, i) => `$${i + 1}`).join(', ')})
  ON CONFLICT (study_id, participant_id) DO UPDATE SET ${PARTICIPANT_COLUMNS.filter((c) => c !== 'study_id' && c !== 'participant_id')
    .map((c) => `${c} = excluded.${c}`)
    .join(', ')}`;

/** SQLite sorts NULL lowest; PostgreSQL's ascending order puts it last unless told */
const AT_STAGE = 'SELECT * FROM participants WHERE stage = $1 ORDER BY waiting_since NULLS FIRST, created_at, participant_id';
// served by participants_stage (stage, study_id)
const STUDY_AT_STAGE = 'SELECT * FROM participants WHERE stage = $1 AND study_id = $2 ORDER BY waiting_since NULLS FIRST, created_at, participant_id';

function toStudy(row: StudyRow | undefined): StudyRecord | null {
  if (!row) return null;
  return {
    id: row.id,
    slug: row.slug,
    title: row.title,
    game: row.game,
    definition: JSON.parse(row.definition) as StudyDefinition,
    source: row.source,
    pilot: row.pilot,
    createdAt: row.created_at,
    recruiting: row.recruiting,
  };
}

/** The first key of every study lock: advisory locks keyed (int4, int4) never meet the migrations' bigint one. */
const STUDY_LOCK_SPACE = 0x7374; // "st"
/**
 * Connections that hold study locks, apart from the pool the locked work queries through (so work
 * never waits for a connection its own lock holds). Each process holds at most one per study at a
 * time (the flow's queue), so this bounds how many studies one process works on at once.
 */
const LOCK_CONNECTIONS = 4;

export class PostgresStudyStore implements StudyStore {
  private readonly lockPool: pg.Pool;

  constructor(
    private readonly pool: pg.Pool,
    url: string,
  ) {
    this.lockPool = createPool(url, LOCK_CONNECTIONS);
  }

  /**
   * `work` under the study's advisory lock, held by a connection of its own: every process's work on
   * the study takes turns (another process's waits in the database until this unlocks). If this
   * process dies, its connection closes and the lock goes with it.
   */
  async exclusive<T>(key: string, work: () => Promise<T>): Promise<T> {
    const client = await this.lockPool.connect();
    let broken = false;
    try {
      try {
        await client.query('SELECT pg_advisory_lock($1, hashtext($2))', [STUDY_LOCK_SPACE, key]);
      } catch (err) {
        broken = true;
        throw err;
      }
      try {
        return await work();
      } finally {
        // if the connection is gone its lock went with it; then it must not go back to the pool
        await client.query('SELECT pg_advisory_unlock($1, hashtext($2))', [STUDY_LOCK_SPACE, key]).catch(() => {
          broken = true;
        });
      }
    } finally {
      client.release(broken);
    }
  }

  async markSeen(token: string, at: number): Promise<void> {
    await this.pool.query(
      'INSERT INTO study_presence (token, seen_at) VALUES ($1, $2) ON CONFLICT (token) DO UPDATE SET seen_at = GREATEST(study_presence.seen_at, excluded.seen_at)',
      [token, at],
    );
  }

  async lastSeen(tokens: readonly string[]): Promise<Map<string, number>> {
    if (!tokens.length) return new Map();
    const { rows } = await this.pool.query<{ token: string; seen_at: number }>('SELECT token, seen_at FROM study_presence WHERE token = ANY($1)', [tokens]);
    return new Map(rows.map((r) => [r.token, r.seen_at]));
  }

  async forgetSeen(before: number): Promise<void> {
    await this.pool.query('DELETE FROM study_presence WHERE seen_at < $1', [before]);
  }

  /** Close the lock connections (the store closes the shared pool). */
  close(): Promise<void> {
    return this.lockPool.end();
  }

  async createStudy(study: StudyRecord): Promise<void> {
    await this.pool.query(
      'INSERT INTO studies (id, slug, title, game, definition, source, pilot, created_at, recruiting) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)',
      [study.id, study.slug, study.title, study.game, JSON.stringify(study.definition), study.source, study.pilot, study.createdAt, study.recruiting],
    );
  }

  /** Open or close recruitment, logged as a study event in the same transaction. */
  async setRecruiting(studyId: string, open: boolean, at: number): Promise<void> {
    await inTransaction(this.pool, async (client) => {
      // the UPDATE locks the study's row: a concurrent setRecruiting waits, then numbers after this one
      await client.query('UPDATE studies SET recruiting = $1 WHERE id = $2', [open, studyId]);
      const { rows } = await client.query<{ seq: number | null }>('SELECT MAX(seq) AS seq FROM study_events WHERE study_id = $1', [studyId]);
      await client.query('INSERT INTO study_events (study_id, seq, at, type, data) VALUES ($1, $2, $3, $4, $5)', [
        studyId,
        (rows[0].seq ?? 0) + 1,
        at,
        open ? 'recruitment_opened' : 'recruitment_closed',
        '{}',
      ]);
    });
  }

  async studyEvents(studyId: string): Promise<StudyEvent[]> {
    const { rows } = await this.pool.query<Omit<EventRow, 'participant_id'>>('SELECT * FROM study_events WHERE study_id = $1 ORDER BY seq', [studyId]);
    return rows.map(toStudyEvent);
  }

  async study(id: string): Promise<StudyRecord | null> {
    const { rows } = await this.pool.query<StudyRow>('SELECT * FROM studies WHERE id = $1', [id]);
    return toStudy(rows[0]);
  }

  async studyBySlug(slug: string): Promise<StudyRecord | null> {
    const { rows } = await this.pool.query<StudyRow>('SELECT * FROM studies WHERE slug = $1', [slug]);
    return toStudy(rows[0]);
  }

  async studies(): Promise<StudyRecord[]> {
    const { rows } = await this.pool.query<StudyRow>('SELECT * FROM studies ORDER BY created_at DESC, id');
    return rows.map((r) => toStudy(r)!);
  }

  async participant(studyId: string, participantId: string): Promise<ParticipantRecord | null> {
    const { rows } = await this.pool.query<ParticipantRow>('SELECT * FROM participants WHERE study_id = $1 AND participant_id = $2', [studyId, participantId]);
    return rows.length ? toParticipant(rows[0]) : null;
  }

  async participantByToken(token: string): Promise<ParticipantRecord | null> {
    const { rows } = await this.pool.query<ParticipantRow>('SELECT * FROM participants WHERE token = $1', [token]);
    return rows.length ? toParticipant(rows[0]) : null;
  }

  async participants(studyId: string): Promise<ParticipantRecord[]> {
    const { rows } = await this.pool.query<ParticipantRow>('SELECT * FROM participants WHERE study_id = $1 ORDER BY created_at, participant_id', [studyId]);
    return rows.map(toParticipant);
  }

  /** Every participant at a stage (of one study, or of any), oldest waiting first. */
  async participantsAtStage(stage: Stage, studyId?: string): Promise<ParticipantRecord[]> {
    const { rows } = studyId === undefined ? await this.pool.query<ParticipantRow>(AT_STAGE, [stage]) : await this.pool.query<ParticipantRow>(STUDY_AT_STAGE, [stage, studyId]);
    return rows.map(toParticipant);
  }

  /** Participants and their events (and optionally a new table) in one transaction. */
  async commit(changes: ParticipantChange[], at: number, table?: TableRecord): Promise<void> {
    await inTransaction(this.pool, async (client) => {
      if (table) {
        await client.query('INSERT INTO study_tables (study_id, arm, session_id, created_at, seats, agent_filled) VALUES ($1, $2, $3, $4, $5, $6)', [
          table.studyId,
          table.arm,
          table.sessionId,
          table.createdAt,
          JSON.stringify(table.seats),
          table.agentFilled,
        ]);
      }
      for (const { participant, events } of changes) {
        // the upsert locks the participant's row, so the seq read next is not raced by another process
        const row = toRow(participant);
        await client.query(
          UPSERT_PARTICIPANT,
          PARTICIPANT_COLUMNS.map((c) => row[c]),
        );
        if (!events.length) continue;
        const { rows } = await client.query<{ seq: number | null }>(
          'SELECT MAX(seq) AS seq FROM participant_events WHERE study_id = $1 AND participant_id = $2',
          [participant.studyId, participant.participantId],
        );
        const first = (rows[0].seq ?? 0) + 1;
        await client.query(
          `INSERT INTO participant_events (study_id, participant_id, seq, at, type, data)
           SELECT $1, $2, s, $3, t, d FROM unnest($4::int[], $5::text[], $6::text[]) AS u(s, t, d)`,
          [
            participant.studyId,
            participant.participantId,
            at,
            events.map((_, i) => first + i),
            events.map((e) => e.type),
            events.map((e) => JSON.stringify(e.data ?? {})),
          ],
        );
      }
    });
  }

  async events(studyId: string, participantId?: string): Promise<ParticipantEvent[]> {
    const { rows } =
      participantId === undefined
        ? await this.pool.query<EventRow>('SELECT * FROM participant_events WHERE study_id = $1 ORDER BY participant_id, seq', [studyId])
        : await this.pool.query<EventRow>('SELECT * FROM participant_events WHERE study_id = $1 AND participant_id = $2 ORDER BY seq', [
            studyId,
            participantId,
          ]);
    return rows.map(toParticipantEvent);
  }

  /** The study and arm whose table a session is, or null for a session outside any study. */
  async studyOfSession(sessionId: string): Promise<{ id: string; slug: string; arm: string } | null> {
    const { rows } = await this.pool.query<{ id: string; slug: string; arm: string }>(
      'SELECT t.study_id AS id, s.slug AS slug, t.arm AS arm FROM study_tables t JOIN studies s ON s.id = t.study_id WHERE t.session_id = $1',
      [sessionId],
    );
    return rows.length ? { id: rows[0].id, slug: rows[0].slug, arm: rows[0].arm } : null;
  }

  async tables(studyId: string): Promise<TableRecord[]> {
    const { rows } = await this.pool.query<{ study_id: string; arm: string; session_id: string; created_at: number; seats: string; agent_filled: number }>(
      'SELECT * FROM study_tables WHERE study_id = $1 ORDER BY created_at, session_id',
      [studyId],
    );
    return rows.map((r) => ({
      studyId: r.study_id,
      arm: r.arm,
      sessionId: r.session_id,
      createdAt: r.created_at,
      seats: JSON.parse(r.seats),
      agentFilled: r.agent_filled,
    }));
  }
}
