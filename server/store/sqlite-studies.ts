import type Database from 'better-sqlite3';
import type { Stage } from '../../shared/protocol/study.ts';
import type { StudyDefinition } from '../../shared/study/definition.ts';
import type {
  ParticipantChange,
  ParticipantEvent,
  ParticipantRecord,
  StudyEvent,
  StudyRecord,
  StudyStore,
  TableRecord,
} from './types.ts';
import { PARTICIPANT_COLUMNS, toParticipant, toParticipantEvent, toRow, toStudyEvent, type EventRow, type ParticipantRow } from './study-rows.ts';

/**
 * Studies in the server's SQLite file (the sessions' database, server/store/sqlite.ts): the studies,
 * their participants, every participant event with its timestamp (page views, answers,
 * transitions), and the tables formed per arm. Each change is one transaction committed before the
 * promise resolves (at once: better-sqlite3 is synchronous), so a restart loses no participant's progress.
 */


export class SqliteStudyStore implements StudyStore {
  private readonly stmts;

  constructor(
    private readonly db: Database.Database,
    /** resolves once this connection's commits so far are on disk (server/store/wal-sync.ts); by default the connection's own `synchronous` setting sees to it */
    private readonly durable: () => Promise<void> = async () => undefined,
  ) {
    db.exec(`
      CREATE TABLE IF NOT EXISTS studies (
        id TEXT PRIMARY KEY,
        slug TEXT NOT NULL UNIQUE,
        title TEXT NOT NULL,
        game TEXT NOT NULL,
        definition TEXT NOT NULL,
        source TEXT NOT NULL,
        pilot INTEGER NOT NULL,
        created_at INTEGER NOT NULL
      );
      CREATE TABLE IF NOT EXISTS participants (
        study_id TEXT NOT NULL REFERENCES studies(id),
        participant_id TEXT NOT NULL,
        token TEXT NOT NULL UNIQUE,
        arm TEXT NOT NULL,
        id_source TEXT NOT NULL,
        recruiter_study_id TEXT,
        recruiter_session_id TEXT,
        stage TEXT NOT NULL,
        outcome TEXT,
        quiz_attempts INTEGER NOT NULL,
        waiting_since INTEGER,
        min_wait_ms INTEGER NOT NULL,
        session_id TEXT,
        seat INTEGER,
        seat_token TEXT,
        code TEXT,
        payment TEXT,
        last_request TEXT,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL,
        PRIMARY KEY (study_id, participant_id)
      );
      CREATE INDEX IF NOT EXISTS participants_stage ON participants (stage, study_id);
      CREATE TABLE IF NOT EXISTS participant_events (
        study_id TEXT NOT NULL,
        participant_id TEXT NOT NULL,
        seq INTEGER NOT NULL,
        at INTEGER NOT NULL,
        type TEXT NOT NULL,
        data TEXT NOT NULL,
        PRIMARY KEY (study_id, participant_id, seq)
      ) WITHOUT ROWID;
      CREATE TABLE IF NOT EXISTS study_tables (
        study_id TEXT NOT NULL REFERENCES studies(id),
        arm TEXT NOT NULL,
        session_id TEXT NOT NULL PRIMARY KEY,
        created_at INTEGER NOT NULL,
        seats TEXT NOT NULL,
        agent_filled INTEGER NOT NULL
      );
      CREATE INDEX IF NOT EXISTS study_tables_study ON study_tables (study_id, arm);
      CREATE TABLE IF NOT EXISTS study_events (
        study_id TEXT NOT NULL REFERENCES studies(id),
        seq INTEGER NOT NULL,
        at INTEGER NOT NULL,
        type TEXT NOT NULL,
        data TEXT NOT NULL,
        PRIMARY KEY (study_id, seq)
      ) WITHOUT ROWID;
    `);
    // databases made before recruitment could be closed: every study is open
    const studyColumns = db.prepare('PRAGMA table_info(studies)').all() as { name: string }[];
    if (!studyColumns.some((c) => c.name === 'recruiting')) db.exec('ALTER TABLE studies ADD COLUMN recruiting INTEGER NOT NULL DEFAULT 1');
    const columns = PARTICIPANT_COLUMNS;
    this.stmts = {
      insertStudy: db.prepare(
        'INSERT INTO studies (id, slug, title, game, definition, source, pilot, created_at, recruiting) VALUES (@id, @slug, @title, @game, @definition, @source, @pilot, @created_at, @recruiting)',
      ),
      setRecruiting: db.prepare('UPDATE studies SET recruiting = ? WHERE id = ?'),
      lastStudySeq: db.prepare('SELECT MAX(seq) AS seq FROM study_events WHERE study_id = ?'),
      insertStudyEvent: db.prepare('INSERT INTO study_events (study_id, seq, at, type, data) VALUES (?, ?, ?, ?, ?)'),
      studyEvents: db.prepare('SELECT * FROM study_events WHERE study_id = ? ORDER BY seq'),
      study: db.prepare('SELECT * FROM studies WHERE id = ?'),
      studyBySlug: db.prepare('SELECT * FROM studies WHERE slug = ?'),
      studies: db.prepare('SELECT * FROM studies ORDER BY created_at DESC, id'),
      upsertParticipant: db.prepare(
        `INSERT INTO participants (${columns.join(', ')}) VALUES (${columns.map((c) => '@' + c).join(', ')})
         ON CONFLICT (study_id, participant_id) DO UPDATE SET ${columns.filter((c) => c !== 'study_id' && c !== 'participant_id').map((c) => `${c} = excluded.${c}`).join(', ')}`,
      ),
      participant: db.prepare('SELECT * FROM participants WHERE study_id = ? AND participant_id = ?'),
      participantByToken: db.prepare('SELECT * FROM participants WHERE token = ?'),
      participants: db.prepare('SELECT * FROM participants WHERE study_id = ? ORDER BY created_at, participant_id'),
      participantsAtStage: db.prepare('SELECT * FROM participants WHERE stage = ? ORDER BY waiting_since, created_at, participant_id'),
      // served by participants_stage (stage, study_id)
      studyParticipantsAtStage: db.prepare('SELECT * FROM participants WHERE stage = ? AND study_id = ? ORDER BY waiting_since, created_at, participant_id'),
      lastSeq: db.prepare('SELECT MAX(seq) AS seq FROM participant_events WHERE study_id = ? AND participant_id = ?'),
      insertEvent: db.prepare('INSERT INTO participant_events (study_id, participant_id, seq, at, type, data) VALUES (?, ?, ?, ?, ?, ?)'),
      events: db.prepare('SELECT * FROM participant_events WHERE study_id = ? ORDER BY participant_id, seq'),
      participantEvents: db.prepare('SELECT * FROM participant_events WHERE study_id = ? AND participant_id = ? ORDER BY seq'),
      insertTable: db.prepare('INSERT INTO study_tables (study_id, arm, session_id, created_at, seats, agent_filled) VALUES (?, ?, ?, ?, ?, ?)'),
      tables: db.prepare('SELECT * FROM study_tables WHERE study_id = ? ORDER BY created_at, session_id'),
      tableOfSession: db.prepare('SELECT t.study_id AS id, s.slug AS slug, t.arm AS arm FROM study_tables t JOIN studies s ON s.id = t.study_id WHERE t.session_id = ?'),
    };
  }

  async createStudy(study: StudyRecord): Promise<void> {
    this.stmts.insertStudy.run({
      id: study.id,
      slug: study.slug,
      title: study.title,
      game: study.game,
      definition: JSON.stringify(study.definition),
      source: study.source,
      pilot: study.pilot ? 1 : 0,
      created_at: study.createdAt,
      recruiting: study.recruiting ? 1 : 0,
    });
    await this.durable();
  }

  /** Open or close recruitment, logged as a study event in the same transaction. */
  async setRecruiting(studyId: string, open: boolean, at: number): Promise<void> {
    this.db.transaction(() => {
      this.stmts.setRecruiting.run(open ? 1 : 0, studyId);
      const seq = ((this.stmts.lastStudySeq.get(studyId) as { seq: number | null }).seq ?? 0) + 1;
      this.stmts.insertStudyEvent.run(studyId, seq, at, open ? 'recruitment_opened' : 'recruitment_closed', '{}');
    })();
    await this.durable();
  }

  /** The study's own events (recruitment opened or closed), oldest first. */
  async studyEvents(studyId: string): Promise<StudyEvent[]> {
    return (this.stmts.studyEvents.all(studyId) as Omit<EventRow, 'participant_id'>[]).map(toStudyEvent);
  }

  private toStudy(row: Record<string, unknown> | undefined): StudyRecord | null {
    if (!row) return null;
    return {
      id: row.id as string,
      slug: row.slug as string,
      title: row.title as string,
      game: row.game as string,
      definition: JSON.parse(row.definition as string) as StudyDefinition,
      source: row.source as string,
      pilot: row.pilot === 1,
      createdAt: row.created_at as number,
      recruiting: row.recruiting !== 0,
    };
  }

  async study(id: string): Promise<StudyRecord | null> {
    return this.toStudy(this.stmts.study.get(id) as Record<string, unknown> | undefined);
  }

  async studyBySlug(slug: string): Promise<StudyRecord | null> {
    return this.toStudy(this.stmts.studyBySlug.get(slug) as Record<string, unknown> | undefined);
  }

  async studies(): Promise<StudyRecord[]> {
    return (this.stmts.studies.all() as Record<string, unknown>[]).map((r) => this.toStudy(r)!);
  }

  async participant(studyId: string, participantId: string): Promise<ParticipantRecord | null> {
    const row = this.stmts.participant.get(studyId, participantId) as ParticipantRow | undefined;
    return row ? toParticipant(row) : null;
  }

  async participantByToken(token: string): Promise<ParticipantRecord | null> {
    const row = this.stmts.participantByToken.get(token) as ParticipantRow | undefined;
    return row ? toParticipant(row) : null;
  }

  async participants(studyId: string): Promise<ParticipantRecord[]> {
    return (this.stmts.participants.all(studyId) as ParticipantRow[]).map(toParticipant);
  }

  /** Every participant (of any study) at a stage, oldest waiting first. */
  async participantsAtStage(stage: Stage, studyId?: string): Promise<ParticipantRecord[]> {
    const rows = studyId === undefined ? this.stmts.participantsAtStage.all(stage) : this.stmts.studyParticipantsAtStage.all(stage, studyId);
    return (rows as ParticipantRow[]).map(toParticipant);
  }

  /** Write participants and their events (and optionally a new table) in one transaction. */
  async commit(changes: ParticipantChange[], at: number, table?: TableRecord): Promise<void> {
    this.db.transaction(() => {
      if (table) {
        this.stmts.insertTable.run(table.studyId, table.arm, table.sessionId, table.createdAt, JSON.stringify(table.seats), table.agentFilled);
      }
      for (const { participant, events } of changes) {
        this.stmts.upsertParticipant.run(toRow(participant));
        let seq = ((this.stmts.lastSeq.get(participant.studyId, participant.participantId) as { seq: number | null }).seq ?? 0) + 1;
        for (const event of events) {
          this.stmts.insertEvent.run(participant.studyId, participant.participantId, seq++, at, event.type, JSON.stringify(event.data ?? {}));
        }
      }
    })();
    await this.durable();
  }

  async events(studyId: string, participantId?: string): Promise<ParticipantEvent[]> {
    const rows = (participantId === undefined ? this.stmts.events.all(studyId) : this.stmts.participantEvents.all(studyId, participantId)) as EventRow[];
    return rows.map(toParticipantEvent);
  }

  /** The study and arm whose table a session is, or null for a session outside any study. */
  async studyOfSession(sessionId: string): Promise<{ id: string; slug: string; arm: string } | null> {
    const row = this.stmts.tableOfSession.get(sessionId) as { id: string; slug: string; arm: string } | undefined;
    return row ? { id: row.id, slug: row.slug, arm: row.arm } : null;
  }

  async tables(studyId: string): Promise<TableRecord[]> {
    return (this.stmts.tables.all(studyId) as Record<string, unknown>[]).map((r) => ({
      studyId: r.study_id as string,
      arm: r.arm as string,
      sessionId: r.session_id as string,
      createdAt: r.created_at as number,
      seats: JSON.parse(r.seats as string),
      agentFilled: r.agent_filled as number,
    }));
  }

  /** One process serves a SQLite file: the flow's own queue is all the exclusion there is to have. */
  exclusive<T>(_key: string, work: () => Promise<T>): Promise<T> {
    return work();
  }

  // presence stays in memory: only this process reads it, and a poll every 2 s per waiting
  // participant is not worth an fsync
  private readonly seen = new Map<string, number>();

  async markSeen(token: string, at: number): Promise<void> {
    this.seen.set(token, Math.max(at, this.seen.get(token) ?? at));
  }

  async lastSeen(tokens: readonly string[]): Promise<Map<string, number>> {
    const out = new Map<string, number>();
    for (const token of tokens) {
      const at = this.seen.get(token);
      if (at !== undefined) out.set(token, at);
    }
    return out;
  }

  async forgetSeen(before: number): Promise<void> {
    for (const [token, at] of this.seen) if (at < before) this.seen.delete(token);
  }
}
