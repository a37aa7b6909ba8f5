// The study tables' rows as every engine holds them (JSON kept as text), and their one conversion
// to the store contract's records: shared by the SQLite and PostgreSQL study stores.
import type { ParticipantOutcome, Stage } from '../../shared/protocol/study.ts';
import type { ParticipantEvent, ParticipantRecord, StudyEvent } from './types.ts';

export interface ParticipantRow {
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

export const PARTICIPANT_COLUMNS: readonly (keyof ParticipantRow)[] = [
  'study_id', 'participant_id', 'token', 'arm', 'id_source', 'recruiter_study_id', 'recruiter_session_id', 'stage', 'outcome',
  'quiz_attempts', 'waiting_since', 'min_wait_ms', 'session_id', 'seat', 'seat_token', 'code', 'payment', 'last_request',
  'created_at', 'updated_at',
];

export function toParticipant(r: ParticipantRow): ParticipantRecord {
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

export function toRow(p: ParticipantRecord): ParticipantRow {
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

/** A participant_events row (study_events rows have no participant_id). */
export interface EventRow {
  study_id: string;
  participant_id: string;
  seq: number;
  at: number;
  type: string;
  data: string;
}

export function toParticipantEvent(r: EventRow): ParticipantEvent {
  return { studyId: r.study_id, participantId: r.participant_id, seq: r.seq, at: r.at, type: r.type, data: JSON.parse(r.data) };
}

export function toStudyEvent(r: Omit<EventRow, 'participant_id'>): StudyEvent {
  return { studyId: r.study_id, seq: r.seq, at: r.at, type: r.type, data: JSON.parse(r.data) };
}
