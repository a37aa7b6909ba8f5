import type { StudyDefinition } from '../../shared/study/definition.ts';
import { csvLine, csvRows } from '../export/csv.ts';
import { SEAT_COLUMNS, seatRow, type ExportFile } from '../export/files.ts';
import { sessionActedEvents, sessionLlmCallLines, sessionSeats } from '../export/session.ts';
import { slicesOf, tablesFor } from '../export/tables.ts';
import type { EventStore, ParticipantEvent, ParticipantRecord, SessionRecord, StudyRecord, StudyStore, TableRecord } from '../store/index.ts';
import { round2 } from './payment.ts';

/**
 * A study's export (issue 10, item 6): every table of the session exports joined across the
 * study's tables, each row carrying study, arm, session and participant id (empty for agent
 * seats); participants.csv, survey.csv (long form), ai_judgements.csv and its scores,
 * payments.csv and bonuses.csv (Prolific's bulk-bonus form `participant_id,amount`, no header).
 */

/** The column of each session table that names a seat (its row's participant). */
const SEAT_COLUMN_NAMES = ['seat', 'observer', 'Player_ID'];

const STAGE_ORDER = ['consent', 'instructions', 'quiz', 'waiting', 'game', 'survey', 'done'] as const;

const iso = (ms: number | null | undefined) => (ms === null || ms === undefined ? '' : new Date(ms).toISOString());

interface Context {
  store: EventStore;
  study: StudyRecord;
  participants: ParticipantRecord[];
  events: ParticipantEvent[];
  /** the study's tables in the order they formed */
  tableList: TableRecord[];
  /** session id → arm and the participant id of each seat */
  tables: Map<string, { arm: string; seats: (string | null)[] }>;
}

async function context(studies: StudyStore, store: EventStore, study: StudyRecord): Promise<Context> {
  const tableList = await studies.tables(study.id);
  const tables = new Map<string, { arm: string; seats: (string | null)[] }>();
  for (const t of tableList) tables.set(t.sessionId, { arm: t.arm, seats: t.seats });
  return { store, study, participants: await studies.participants(study.id), events: await studies.events(study.id), tableList, tables };
}

/** The session records of the participants' tables (null for one that no longer exists). */
async function sessionRecords(ctx: Context): Promise<Map<string, SessionRecord | null>> {
  const records = new Map<string, SessionRecord | null>();
  for (const p of ctx.participants) {
    if (p.sessionId && !records.has(p.sessionId)) records.set(p.sessionId, await ctx.store.session(p.sessionId));
  }
  return records;
}

/** Seconds spent at each stage (from the timestamped stage transitions), the furthest stage and when the participant finished. */
export function stageTimes(events: readonly ParticipantEvent[], end: number): { seconds: Record<string, number>; furthest: string } {
  const seconds: Record<string, number> = {};
  let current: string | null = null;
  let since = 0;
  let furthest = 0;
  for (const e of events) {
    if (e.type !== 'stage') continue;
    const to = String(e.data.to);
    if (current !== null) seconds[current] = (seconds[current] ?? 0) + (e.at - since) / 1000;
    current = to;
    since = e.at;
    // "done" is where every outcome ends; how far the flow got is the last stage before it
    if (to !== 'done') furthest = Math.max(furthest, STAGE_ORDER.indexOf(to as (typeof STAGE_ORDER)[number]));
  }
  if (current !== null && current !== 'done') seconds[current] = (seconds[current] ?? 0) + (end - since) / 1000;
  return { seconds, furthest: STAGE_ORDER[furthest] };
}

function byParticipant(events: readonly ParticipantEvent[]): Map<string, ParticipantEvent[]> {
  const map = new Map<string, ParticipantEvent[]>();
  for (const e of events) {
    const list = map.get(e.participantId);
    if (list) list.push(e);
    else map.set(e.participantId, [e]);
  }
  return map;
}

function participantsCsv(ctx: Context): ExportFile {
  const timed = ['consent', 'instructions', 'quiz', 'waiting', 'game', 'survey'];
  return {
    name: 'participants.csv',
    async *content() {
      yield csvLine([
        'study', 'participant_id', 'arm', 'session', 'seat', 'stage', 'furthest_stage', 'outcome', 'completion_code',
        'quiz_attempts', 'waited_sec', 'agent_filled_seats', 'dropped', ...timed.map((s) => `time_${s}_sec`), 'page_views',
        'id_source', 'recruiter_study_id', 'recruiter_session_id', 'entered_at', 'finished_at',
      ]);
      const events = byParticipant(ctx.events);
      const now = Date.now();
      const rows = ctx.participants.map((p) => {
        const list = events.get(p.participantId) ?? [];
        const finished = list.find((e) => e.type === 'completed');
        const { seconds, furthest } = stageTimes(list, finished?.at ?? now);
        const seated = list.find((e) => e.type === 'seated');
        const waited = seated ? Number(seated.data.waitedSec) : p.waitingSince !== null ? Math.round(((finished?.at ?? now) - p.waitingSince) / 1000) : '';
        return [
          ctx.study.id, p.participantId, p.arm, p.sessionId ?? '', p.seat ?? '', p.stage, p.outcome === 'completed' ? 'done' : furthest, p.outcome ?? '', p.code ?? '',
          p.quizAttempts, waited, seated ? Number(seated.data.agentFilled) : '', p.outcome === 'dropped' ? 'true' : 'false',
          ...timed.map((s) => (seconds[s] === undefined ? '' : Math.round(seconds[s] * 10) / 10)),
          list.filter((e) => e.type === 'page').length,
          p.idSource, p.recruiterStudyId ?? '', p.recruiterSessionId ?? '', iso(p.createdAt), iso(finished?.at),
        ];
      });
      yield csvRows(rows);
    },
  };
}

function surveyCsv(ctx: Context): ExportFile {
  const def: StudyDefinition = ctx.study.definition;
  return {
    name: 'survey.csv',
    async *content() {
      yield csvLine(['study', 'arm', 'participant_id', 'session', 'item_id', 'kind', 'question', 'answer', 'answer_label', 'answered_at']);
      const arms = new Map(ctx.participants.map((p) => [p.participantId, p]));
      const rows: unknown[][] = [];
      for (const e of ctx.events) {
        if (e.type !== 'survey') continue;
        const p = arms.get(e.participantId);
        const answers = (e.data.answers ?? {}) as Record<string, number | string>;
        for (const item of def.pages.survey) {
          if (!Object.hasOwn(answers, item.id)) continue;
          const a = answers[item.id];
          const label = item.kind === 'choice' && typeof a === 'number' ? (item.options?.[a] ?? '') : '';
          rows.push([ctx.study.id, p?.arm ?? '', e.participantId, p?.sessionId ?? '', item.id, item.kind, item.question, a, label, iso(e.at)]);
        }
      }
      yield csvRows(rows);
    },
  };
}

interface JudgementRow {
  participant: string;
  arm: string;
  session: string;
  seat: number;
  name: string;
  judgement: string;
  confidence: number;
  truth: 'human' | 'ai';
  agent: string;
  correct: boolean;
}

async function judgementRows(ctx: Context): Promise<JudgementRow[]> {
  const byId = new Map(ctx.participants.map((p) => [p.participantId, p]));
  const records = await sessionRecords(ctx);
  const out: JudgementRow[] = [];
  for (const e of ctx.events) {
    if (e.type !== 'survey') continue;
    const p = byId.get(e.participantId);
    if (!p?.sessionId) continue;
    const record = records.get(p.sessionId);
    if (!record) continue;
    for (const j of (e.data.judgements ?? []) as { seat: number; judgement: string; confidence: number }[]) {
      const seat = record.seats[j.seat];
      if (!seat) continue;
      const truth = seat.kind === 'agent' ? 'ai' : 'human';
      out.push({
        participant: p.participantId,
        arm: p.arm,
        session: p.sessionId,
        seat: j.seat,
        name: seat.name,
        judgement: j.judgement,
        confidence: j.confidence,
        truth,
        agent: seat.kind === 'agent' ? (seat.agentName ?? (typeof seat.agent === 'string' ? seat.agent : 'agent')) : '',
        correct: j.judgement === truth,
      });
    }
  }
  return out;
}

function judgementFiles(ctx: Context): ExportFile[] {
  return [
    {
      name: 'ai_judgements.csv',
      async *content() {
        yield csvLine(['study', 'arm', 'participant_id', 'session', 'judged_seat', 'judged_name', 'judgement', 'confidence', 'truth', 'agent', 'correct']);
        yield csvRows(
          (await judgementRows(ctx)).map((r) => [ctx.study.id, r.arm, r.participant, r.session, r.seat, r.name, r.judgement, r.confidence, r.truth, r.agent, r.correct ? 'true' : 'false']),
        );
      },
    },
    {
      // accuracy per participant; detection rate per agent type (share of its seats judged "ai"); humans judged human
      name: 'ai_judgement_scores.csv',
      async *content() {
        yield csvLine(['study', 'scope', 'key', 'arm', 'judgements', 'correct', 'rate']);
        const rows = await judgementRows(ctx);
        const groups = new Map<string, { scope: string; key: string; arm: string; n: number; correct: number }>();
        const add = (scope: string, key: string, arm: string, correct: boolean) => {
          const id = JSON.stringify([scope, key, arm]);
          const g = groups.get(id) ?? { scope, key, arm, n: 0, correct: 0 };
          g.n++;
          if (correct) g.correct++;
          groups.set(id, g);
        };
        for (const r of rows) {
          add('participant_accuracy', r.participant, r.arm, r.correct);
          if (r.truth === 'ai') add('agent_detection', r.agent, r.arm, r.judgement === 'ai');
          else add('human_recognised', 'human', r.arm, r.judgement === 'human');
        }
        yield csvRows([...groups.values()].map((g) => [ctx.study.id, g.scope, g.key, g.arm, g.n, g.correct, Math.round((g.correct / g.n) * 1000) / 1000]));
      },
    },
  ];
}

function paymentFiles(ctx: Context): ExportFile[] {
  const paid = ctx.participants.filter((p) => p.payment);
  return [
    {
      name: 'payments.csv',
      async *content() {
        yield csvLine(['participant_id', 'study', 'arm', 'session', 'outcome', 'base', 'bonus', 'total', 'currency', 'status']);
        yield csvRows(
          paid.map((p) => [p.participantId, ctx.study.id, p.arm, p.sessionId ?? '', p.outcome ?? '', p.payment!.showUp.toFixed(2), p.payment!.bonus.toFixed(2), p.payment!.total.toFixed(2), p.payment!.currency, p.payment!.status]),
        );
      },
    },
    {
      // Prolific's bulk bonus: one `participant_id,amount` line per participant, no header
      name: 'bonuses.csv',
      async *content() {
        const lines = paid.filter((p) => p.payment!.bonus > 0).map((p) => [p.participantId, round2(p.payment!.bonus).toFixed(2)]);
        yield csvRows(lines);
      },
    },
  ];
}

/** Every session table of the study's games, joined, with study, arm, session and participant id in front. */
function joinedSessionFiles(ctx: Context): ExportFile[] {
  const game = ctx.study.game;
  const sessionIds = [...ctx.tables.keys()];
  const prefix = ['study', 'arm', 'session', 'participant_id'];
  const files: ExportFile[] = tablesFor(game).map((table) => ({
    name: table.file,
    async *content() {
      yield csvLine([...prefix, ...table.columns]);
      const seatIndex = table.columns.findIndex((c) => SEAT_COLUMN_NAMES.includes(c));
      for (const sessionId of sessionIds) {
        const info = ctx.tables.get(sessionId)!;
        const record = await ctx.store.session(sessionId);
        if (!record) continue;
        for await (const slice of slicesOf(game, table, sessionActedEvents(ctx.store, record))) {
          const rows = table.rows(slice).map((row) => {
            const seat = seatIndex >= 0 ? Number(row[seatIndex]) : NaN;
            const participant = Number.isInteger(seat) ? (info.seats[seat] ?? '') : '';
            return [ctx.study.id, info.arm, sessionId, participant, ...row];
          });
          const text = csvRows(rows);
          if (text) yield text;
        }
      }
    },
  }));
  files.push({
    name: 'seats.csv',
    async *content() {
      yield csvLine([...prefix, ...SEAT_COLUMNS]);
      for (const sessionId of sessionIds) {
        const record = await ctx.store.session(sessionId);
        if (!record) continue;
        const info = ctx.tables.get(sessionId)!;
        yield csvRows(sessionSeats(record).map((s) => [ctx.study.id, info.arm, sessionId, info.seats[s.seat] ?? '', ...seatRow(s)]));
      }
    },
  });
  files.push({
    name: 'sessions.csv',
    async *content() {
      yield csvLine(['study', 'arm', 'session', 'status', 'created_at', 'ended_at', 'summary', 'agent_filled_seats', 'participants']);
      const rows: unknown[][] = [];
      for (const t of ctx.tableList) {
        const record = await ctx.store.session(t.sessionId);
        const summary = (record?.outcome as { summary?: string } | null)?.summary ?? '';
        rows.push([ctx.study.id, t.arm, t.sessionId, record?.status ?? '', iso(t.createdAt), iso(record?.endedAt), summary, t.agentFilled, t.seats.filter(Boolean).join(';')]);
      }
      yield csvRows(rows);
    },
  });
  files.push({
    name: 'events.jsonl',
    async *content() {
      for (const sessionId of sessionIds) yield* ctx.store.logLines(sessionId, 200);
    },
  });
  files.push({
    name: 'llm_calls.jsonl',
    async *content() {
      for (const sessionId of sessionIds) yield* sessionLlmCallLines(ctx.store, sessionId);
    },
  });
  files.push({
    name: 'participant_events.jsonl',
    async *content() {
      for (const e of ctx.events) yield JSON.stringify({ study: e.studyId, participant_id: e.participantId, seq: e.seq, at: e.at, type: e.type, data: e.data }) + '\n';
    },
  });
  return files;
}

/** The files of a study's export, in order (a running server first moves on participants whose game ended: StudyFlow.syncGame). */
export async function studyExportFiles(studies: StudyStore, store: EventStore, study: StudyRecord): Promise<ExportFile[]> {
  const ctx = await context(studies, store, study);
  return [
    participantsCsv(ctx),
    surveyCsv(ctx),
    ...judgementFiles(ctx),
    ...paymentFiles(ctx),
    ...joinedSessionFiles(ctx),
    {
      name: 'study.json',
      async *content() {
        yield JSON.stringify({ id: study.id, slug: study.slug, pilot: study.pilot, createdAt: study.createdAt, definition: study.definition }, null, 2) + '\n';
      },
    },
  ];
}

/** The export's file names, in order. */
export function studyExportFileNames(game: string): string[] {
  return [
    'participants.csv', 'survey.csv', 'ai_judgements.csv', 'ai_judgement_scores.csv', 'payments.csv', 'bonuses.csv',
    ...tablesFor(game).map((t) => t.file), 'seats.csv', 'sessions.csv', 'events.jsonl', 'llm_calls.jsonl', 'participant_events.jsonl', 'study.json',
  ];
}
