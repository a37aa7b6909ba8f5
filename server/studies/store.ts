import type Database from 'better-sqlite3';
import type { StudyDefinition } from '../../shared/study/definition.ts';
import type { Payment, ParticipantOutcome, Stage } from '../../shared/protocol/study.ts';

/**
 * Studies in the server's SQLite file (the sessions' database, server/store.ts): the studies, their
 * participants, every participant event with its timestamp (page views, answers, transitions), and
 * the tables formed per arm. Each change is one synchronous transaction committed before the caller
 * answers, so a restart loses no participant's progress.
 */

export interface StudyRecord {
  id: string;
  slug: string;
  title: string;
  game: string;
  definition: StudyDefinition;
  /** the file as it was uploaded */
  source: string;
  pilot: boolean;
  createdAt: number;
  /** new participants are let in (the experimenter can close recruitment; those already in keep going) */
  recruiting: boolean;
}

/** Something that happened to a study as a whole (e.g. recruitment opened or closed), with its time. */
export interface StudyEvent {
  studyId: string;
  seq: number;
  at: number;
  type: string;
  data: Record<string, unknown>;
}

export interface ParticipantRecord {
  studyId: string;
  participantId: string;
  token: string;
  arm: string;
  /** where the id came from: the link's query, the browser's stored token, or generated */
  idSource: 'query' | 'generated';
  recruiterStudyId: string | null;
  recruiterSessionId: string | null;
  stage: Stage;
  outcome: ParticipantOutcome | null;
  quizAttempts: number;
  /** when the participant entered the waiting room (for maxWaitSec), else null */
  waitingSince: number | null;
  /** the blind arm's human-looking minimum wait, ms (0 otherwise) */
  minWaitMs: number;
  sessionId: string | null;
  seat: number | null;
  seatToken: string | null;
  code: string | null;
  payment: (Payment & { status: string }) | null;
  /** the last state-changing request (kind and body), so that a repeat is answered, not refused */
  lastRequest: { kind: string; body: string; result?: unknown } | null;
  createdAt: number;
  updatedAt: number;
}

export interface ParticipantEvent {
  studyId: string;
  participantId: string;
  seq: number;
  at: number;
  type: string;
  data: Record<string, unknown>;
}

export interface TableRecord {
  studyId: string;
  arm: string;
  sessionId: string;
  createdAt: number;
  /** participant ids in seat order, null for agent seats */
  seats: (string | null)[];
  /** human seats filled by agents after the waiting room timed out */
  agentFilled: number;
}

interface ParticipantRow {
  study_id: string;
  participant_id: string;
  token: string;
  arm: string;
  id_source: string;
  recruiter_study_id: string | null;
  recruiter_session_id: string | null;
  stage: Stage;
  outcome: ParticipantOutcome | null;
  quiz_attempts: number;
  waiting_since: number | null;
  min_wait_ms: number;
  session_id: string | null;
  seat: number | null;
  seat_token: string | null;
  code: string | null;
  payment: string | null;
  last_request: string | null;
  created_at: number;
  updated_at: number;
}

const PARTICIPANT_COLUMNS: readonly (keyof ParticipantRow)[] = [
  'study_id', 'participant_id', 'token', 'arm', 'id_source', 'recruiter_study_id', 'recruiter_session_id', 'stage', 'outcome',
  'quiz_attempts', 'waiting_since', 'min_wait_ms', 'session_id', 'seat', 'seat_token', 'code', 'payment', 'last_request',
  'created_at', 'updated_at',
];

function toParticipant(r: ParticipantRow): ParticipantRecord {
  return {
    studyId: r.study_id,
    participantId: r.participant_id,
    token: r.token,
    arm: r.arm,
    idSource: r.id_source as ParticipantRecord['idSource'],
    recruiterStudyId: r.recruiter_study_id,
    recruiterSessionId: r.recruiter_session_id,
    stage: r.stage,
    outcome: r.outcome,
    quizAttempts: r.quiz_attempts,
    waitingSince: r.waiting_since,
    minWaitMs: r.min_wait_ms,
    sessionId: r.session_id,
    seat: r.seat,
    seatToken: r.seat_token,
    code: r.code,
    payment: r.payment === null ? null : JSON.parse(r.payment),
    lastRequest: r.last_request === null ? null : JSON.parse(r.last_request),
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

function toRow(p: ParticipantRecord): ParticipantRow {
  return {
    study_id: p.studyId,
    participant_id: p.participantId,
    token: p.token,
    arm: p.arm,
    id_source: p.idSource,
    recruiter_study_id: p.recruiterStudyId,
    recruiter_session_id: p.recruiterSessionId,
    stage: p.stage,
    outcome: p.outcome,
    quiz_attempts: p.quizAttempts,
    waiting_since: p.waitingSince,
    min_wait_ms: p.minWaitMs,
    session_id: p.sessionId,
    seat: p.seat,
    seat_token: p.seatToken,
    code: p.code,
    payment: p.payment === null ? null : JSON.stringify(p.payment),
    last_request: p.lastRequest === null ? null : JSON.stringify(p.lastRequest),
    created_at: p.createdAt,
    updated_at: p.updatedAt,
  };
}

/** A participant's new record and the events that explain the change, written together. */
export interface ParticipantChange {
  participant: ParticipantRecord;
  events: { type: string; data?: Record<string, unknown> }[];
}

export class StudyStore {
  private readonly stmts;

  constructor(private readonly db: Database.Database) {
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
      lastSeq: db.prepare('SELECT MAX(seq) AS seq FROM participant_events WHERE study_id = ? AND participant_id = ?'),
      insertEvent: db.prepare('INSERT INTO participant_events (study_id, participant_id, seq, at, type, data) VALUES (?, ?, ?, ?, ?, ?)'),
      events: db.prepare('SELECT * FROM participant_events WHERE study_id = ? ORDER BY participant_id, seq'),
      participantEvents: db.prepare('SELECT * FROM participant_events WHERE study_id = ? AND participant_id = ? ORDER BY seq'),
      insertTable: db.prepare('INSERT INTO study_tables (study_id, arm, session_id, created_at, seats, agent_filled) VALUES (?, ?, ?, ?, ?, ?)'),
      tables: db.prepare('SELECT * FROM study_tables WHERE study_id = ? ORDER BY created_at, session_id'),
      tableOfSession: db.prepare('SELECT t.study_id AS id, s.slug AS slug, t.arm AS arm FROM study_tables t JOIN studies s ON s.id = t.study_id WHERE t.session_id = ?'),
    };
  }

  createStudy(study: StudyRecord): void {
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
  }

  /** Open or close recruitment, logged as a study event in the same transaction. */
  setRecruiting(studyId: string, open: boolean, at: number): void {
    this.db.transaction(() => {
      this.stmts.setRecruiting.run(open ? 1 : 0, studyId);
      const seq = ((this.stmts.lastStudySeq.get(studyId) as { seq: number | null }).seq ?? 0) + 1;
      this.stmts.insertStudyEvent.run(studyId, seq, at, open ? 'recruitment_opened' : 'recruitment_closed', '{}');
    })();
  }

  /** The study's own events (recruitment opened or closed), oldest first. */
  studyEvents(studyId: string): StudyEvent[] {
    const rows = this.stmts.studyEvents.all(studyId) as { study_id: string; seq: number; at: number; type: string; data: string }[];
    return rows.map((r) => ({ studyId: r.study_id, seq: r.seq, at: r.at, type: r.type, data: JSON.parse(r.data) }));
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

  study(id: string): StudyRecord | null {
    return this.toStudy(this.stmts.study.get(id) as Record<string, unknown> | undefined);
  }

  studyBySlug(slug: string): StudyRecord | null {
    return this.toStudy(this.stmts.studyBySlug.get(slug) as Record<string, unknown> | undefined);
  }

  studies(): StudyRecord[] {
    return (this.stmts.studies.all() as Record<string, unknown>[]).map((r) => this.toStudy(r)!);
  }

  participant(studyId: string, participantId: string): ParticipantRecord | null {
    const row = this.stmts.participant.get(studyId, participantId) as ParticipantRow | undefined;
    return row ? toParticipant(row) : null;
  }

  participantByToken(token: string): ParticipantRecord | null {
    const row = this.stmts.participantByToken.get(token) as ParticipantRow | undefined;
    return row ? toParticipant(row) : null;
  }

  participants(studyId: string): ParticipantRecord[] {
    return (this.stmts.participants.all(studyId) as ParticipantRow[]).map(toParticipant);
  }

  /** Every participant (of any study) at a stage, oldest waiting first. */
  participantsAtStage(stage: Stage): ParticipantRecord[] {
    return (this.stmts.participantsAtStage.all(stage) as ParticipantRow[]).map(toParticipant);
  }

  /** Write participants and their events (and optionally a new table) in one transaction. */
  commit(changes: ParticipantChange[], at: number, table?: TableRecord): void {
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
  }

  events(studyId: string, participantId?: string): ParticipantEvent[] {
    const rows = (participantId === undefined ? this.stmts.events.all(studyId) : this.stmts.participantEvents.all(studyId, participantId)) as {
      study_id: string;
      participant_id: string;
      seq: number;
      at: number;
      type: string;
      data: string;
    }[];
    return rows.map((r) => ({ studyId: r.study_id, participantId: r.participant_id, seq: r.seq, at: r.at, type: r.type, data: JSON.parse(r.data) }));
  }

  /** The study and arm whose table a session is, or null for a session outside any study. */
  studyOfSession(sessionId: string): { id: string; slug: string; arm: string } | null {
    const row = this.stmts.tableOfSession.get(sessionId) as { id: string; slug: string; arm: string } | undefined;
    return row ? { id: row.id, slug: row.slug, arm: row.arm } : null;
  }

  tables(studyId: string): TableRecord[] {
    return (this.stmts.tables.all(studyId) as Record<string, unknown>[]).map((r) => ({
      studyId: r.study_id as string,
      arm: r.arm as string,
      sessionId: r.session_id as string,
      createdAt: r.created_at as number,
      seats: JSON.parse(r.seats as string),
      agentFilled: r.agent_filled as number,
    }));
  }
}
