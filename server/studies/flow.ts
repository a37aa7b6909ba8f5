import { randomBytes } from 'node:crypto';
import MarkdownIt from 'markdown-it';
import { cleanLine } from '../../shared/text.ts';
import { ownValue } from '../../shared/own.ts';
import { completionUrl, resolveArm, type StudyDefinition } from '../../shared/study/definition.ts';
import { playPath } from '../../shared/protocol/links.ts';
import type {
  Judgement,
  ParticipantOutcome,
  ParticipantState,
  QuizResult,
  Stage,
  SurveyAnswers,
} from '../../shared/protocol/study.ts';
import { HttpError } from '../http.ts';
import { newToken } from '../sessions.ts';
import type { EventStore, ParticipantChange, ParticipantRecord, StudyRecord, StudyStore } from '../store/index.ts';
import { chooseArm, countArms, type ArmCounts } from './assignment.ts';
import { paymentFor, seatResult } from './payment.ts';
import { KeyedQueue } from '../keyed-queue.ts';

/** What the flow needs from the waiting room. */
export interface WaitingRoom {
  /** the participant polled (or acted) now: it counts as present (on every process) */
  seen(token: string): Promise<void>;
  /** the waiting room's numbers for a waiting participant */
  waitingInfo(study: StudyRecord, participant: ParticipantRecord): Promise<NonNullable<ParticipantState['waiting']>>;
  /** the human-looking minimum wait (ms) for a participant entering a blind arm's waiting room */
  minWaitMs(study: StudyRecord, arm: string): number;
  /** try to form tables now */
  kick(): void;
}

export interface FlowDeps {
  studies: StudyStore;
  store: EventStore;
  now: () => number;
  room: () => WaitingRoom;
}

/** What a newcomer reads while the experimenter has closed recruitment (the study page's "closed" path, HTTP 410). */
export const NOT_RECRUITING =
  'This study is not recruiting right now. Please return it on Prolific (or wherever you found it), so that your place goes to someone else; thank you for your interest.';

/** A participant id from a recruitment link: one line of at most 100 characters. */
const PARTICIPANT_ID_MAX = 100;

const markdown = new MarkdownIt({ html: false, linkify: true, typographer: false });
// links in consent text open in a new tab and give the target nothing
markdown.renderer.rules.link_open = (tokens, idx, options, _env, self) => {
  tokens[idx].attrSet('target', '_blank');
  tokens[idx].attrSet('rel', 'noopener noreferrer');
  return self.renderToken(tokens, idx, options);
};
const htmlCache = new Map<string, string>();
function renderMarkdown(source: string): string {
  let html = htmlCache.get(source);
  if (html === undefined) {
    html = markdown.render(source);
    if (htmlCache.size > 200) htmlCache.clear();
    htmlCache.set(source, html);
  }
  return html;
}

/**
 * The participant's way through a study, as a stage machine: consent → instructions → quiz →
 * waiting → game → survey → done. Every transition is committed (with its timestamped events)
 * before it is answered. A repeated request (same kind, same body as the last one) gets the same
 * answer again; any other request at the wrong stage is a 409 naming the current stage.
 */
export class StudyFlow {
  private readonly queue = new KeyedQueue();

  constructor(private readonly deps: FlowDeps) {}

  /** the sessions' store (session records and logs) */
  get sessionStore(): EventStore {
    return this.deps.store;
  }

  /**
   * Run state-changing work of one study after the study's earlier work has finished (see
   * ../keyed-queue.ts): every read-modify-write of its participants, tables and recruitment goes
   * through here, and nothing called inside may queue on the same study again (it would wait on itself).
   */
  exclusive<T>(studyId: string, work: () => Promise<T>): Promise<T> {
    // in turn within this process, then under the study's lock across processes sharing the store
    return this.queue.run(studyId, () => this.studies.exclusive(studyId, work));
  }

  /** Study creation shares one queue key no study id can take (ids are hex), so two uploads cannot both take a slug. */
  creating<T>(work: () => Promise<T>): Promise<T> {
    return this.exclusive('study creation', work);
  }

  private get studies(): StudyStore {
    return this.deps.studies;
  }

  async studyBySlug(slug: string): Promise<StudyRecord> {
    const study = await this.studies.studyBySlug(slug);
    if (!study) throw new HttpError(404, `No study "${slug}". Check the link you were given.`);
    return study;
  }

  async armCounts(study: StudyRecord): Promise<ArmCounts> {
    return countArms(await this.studies.participants(study.id), await this.studies.tables(study.id));
  }

  // -------------------------------------------------------------------------------------------
  // entering

  /** POST /api/s/:slug/enter: the same (study, participant id) always gets the same participant. */
  async enter(slug: string, query: Record<string, string>, token: string | undefined): Promise<{ token: string; state: ParticipantState }> {
    const found = await this.studyBySlug(slug);
    // the arm is chosen from the study's counts, and a repeated entry must find the first one's record
    return this.exclusive(found.id, () => this.enterNow(found.id, query, token));
  }

  private async enterNow(studyId: string, query: Record<string, string>, token: string | undefined): Promise<{ token: string; state: ParticipantState }> {
    // read again inside the queue: recruitment may have closed meanwhile
    const study = await this.studies.study(studyId);
    if (!study) throw new HttpError(404, 'This study no longer exists.');
    const def = study.definition;
    const ids = def.participantIds;
    const rawId = ownValue(query, ids.idParam);
    const recruiterStudyId = ownValue(query, ids.studyParam) ?? null;
    const recruiterSessionId = ownValue(query, ids.sessionParam) ?? null;
    let participantId: string | null = null;
    if (rawId !== undefined && rawId.trim() !== '') {
      participantId = cleanLine(rawId).trim();
      if (!participantId || participantId.length > PARTICIPANT_ID_MAX) {
        throw new HttpError(400, `Invalid request: query.${ids.idParam}: must be one line of 1–${PARTICIPANT_ID_MAX} characters.`);
      }
    }
    const now = this.deps.now();
    let existing: ParticipantRecord | null = null;
    if (participantId !== null) existing = await this.studies.participant(study.id, participantId);
    else if (token !== undefined) {
      const byToken = await this.studies.participantByToken(token);
      if (byToken && byToken.studyId === study.id) existing = byToken;
    }
    if (existing) {
      const sameSession = existing.recruiterSessionId === recruiterSessionId || recruiterSessionId === null;
      await this.studies.commit([{ participant: { ...existing, updatedAt: now }, events: [{ type: 'reentered', data: sameSession ? {} : { recruiterSessionId } }] }], now);
      await this.deps.room().seen(existing.token);
      return { token: existing.token, state: await this.stateNow(existing.token) };
    }
    // a closed study turns away only newcomers: anyone already in resumes above
    if (!study.recruiting) {
      throw new HttpError(410, NOT_RECRUITING);
    }
    const arm = chooseArm(def, await this.armCounts(study));
    if (arm === null) {
      throw new HttpError(410, 'This study is closed for new participants: every group has been filled. Please return the study; thank you for your interest.');
    }
    const generated = participantId === null;
    const participant: ParticipantRecord = {
      studyId: study.id,
      participantId: participantId ?? `anon-${randomBytes(6).toString('hex')}`,
      token: newToken(),
      arm,
      idSource: generated ? 'generated' : 'query',
      recruiterStudyId,
      recruiterSessionId,
      stage: 'consent',
      outcome: null,
      quizAttempts: 0,
      waitingSince: null,
      minWaitMs: 0,
      sessionId: null,
      seat: null,
      seatToken: null,
      code: null,
      payment: null,
      lastRequest: null,
      createdAt: now,
      updatedAt: now,
    };
    await this.studies.commit(
      [{ participant, events: [{ type: 'entered', data: { arm, idSource: participant.idSource, recruiterStudyId, recruiterSessionId } }, { type: 'stage', data: { to: 'consent' } }] }],
      now,
    );
    await this.deps.room().seen(participant.token);
    return { token: participant.token, state: await this.render(study, participant) };
  }

  // -------------------------------------------------------------------------------------------
  // reading

  /** Run `work` in the queue of the token's study (a participant never changes study). */
  private async byToken<T>(token: string, work: () => Promise<T>): Promise<T> {
    const participant = await this.studies.participantByToken(token);
    if (!participant) throw unknownToken();
    return this.exclusive(participant.studyId, work);
  }

  /**
   * The participant and its study, its finished game moved on — a write, so only inside the
   * study's queue; `sync: false` reads only.
   */
  private async participant(token: string, sync = true): Promise<{ study: StudyRecord; participant: ParticipantRecord }> {
    const participant = await this.studies.participantByToken(token);
    const study = participant ? await this.studies.study(participant.studyId) : null;
    if (!participant || !study) throw unknownToken();
    return { study, participant: sync ? await this.syncGame(study, participant) : participant };
  }

  /** GET /api/participants/:token (polled every 2 s while waiting: the participant is present). */
  async state(token: string): Promise<ParticipantState> {
    const participant = await this.studies.participantByToken(token);
    if (!participant) throw unknownToken();
    // only a game that ended changes anything on a poll; every other poll only reads, so the
    // waiting room's frequent polls do not queue behind the study's writes
    if (participant.stage === 'game') return this.exclusive(participant.studyId, () => this.stateNow(token));
    return this.stateNow(token, false);
  }

  private async stateNow(token: string, sync = true): Promise<ParticipantState> {
    const { study, participant } = await this.participant(token, sync);
    await this.deps.room().seen(token);
    if (participant.stage === 'waiting') this.deps.room().kick();
    const fresh = (await this.studies.participantByToken(token)) ?? participant;
    return this.render(study, fresh);
  }

  /** The participant's state as its browser may see it (no arm, no answers, nothing about agents in blind arms). */
  async render(study: StudyRecord, p: ParticipantRecord): Promise<ParticipantState> {
    const def = study.definition;
    const arm = def.arms.find((a) => a.name === p.arm);
    const blind = arm?.disclosure === 'blind';
    return {
      participantId: p.participantId,
      study: { title: def.title, slug: def.slug },
      stage: p.stage,
      pages: {
        consentHtml: renderMarkdown(def.pages.consent),
        instructionsHtml: renderMarkdown(def.pages.instructions ?? ''),
        quiz: (def.pages.quiz?.questions ?? []).map((q) => ({ id: q.id, question: q.question, options: q.options })),
        survey: def.pages.survey.map((item) => ({
          id: item.id,
          kind: item.kind,
          question: item.question,
          ...(item.options ? { options: item.options } : {}),
          ...(item.scale ? { scale: item.scale } : {}),
          ...(item.required !== undefined ? { required: item.required } : {}),
        })),
        ...(def.timings.pageLimitsSec ? { pageTimeLimitSec: { ...def.timings.pageLimitsSec } as Record<string, number> } : {}),
      },
      quiz: { attemptsUsed: p.quizAttempts, maxAttempts: def.pages.quiz?.maxAttempts ?? 0 },
      waiting: p.stage === 'waiting' ? await this.deps.room().waitingInfo(study, p) : null,
      game: p.seatToken && p.sessionId ? { seatToken: p.seatToken, sessionId: p.sessionId, playUrl: playPath(p.seatToken, p.sessionId) } : null,
      judge: blind && p.stage === 'survey' ? await this.judgeList(p) : null,
      completion:
        p.stage === 'done' && p.outcome && p.code && p.payment
          ? {
              outcome: p.outcome,
              code: p.code,
              redirectUrl: completionUrl(def, p.code),
              payment: { showUp: p.payment.showUp, bonus: p.payment.bonus, total: p.payment.total, currency: p.payment.currency },
            }
          : null,
    };
  }

  /** Every other seat of the participant's table, by the name the participant saw. */
  private async judgeList(p: ParticipantRecord): Promise<{ seat: number; name: string }[]> {
    if (!p.sessionId) return [];
    const record = await this.deps.store.session(p.sessionId);
    if (!record) return [];
    return record.seats.filter((s) => s.seat !== p.seat).map((s) => ({ seat: s.seat, name: s.name }));
  }

  // -------------------------------------------------------------------------------------------
  // transitions

  /**
   * Run a state-changing request: a repeat of the last one (same kind and body) gets its answer
   * again; at the wrong stage a 409 names the current stage; else `change` computes the new record.
   * In the study's queue, so a repeat sent before the first was answered is answered, not applied twice.
   */
  private act<R>(
    token: string,
    kind: string,
    body: unknown,
    stage: Stage,
    change: (study: StudyRecord, p: ParticipantRecord, now: number) => Promise<{ participant: ParticipantRecord; events: ParticipantChange['events']; result?: R }>,
  ): Promise<{ state: ParticipantState; result?: R }> {
    return this.byToken(token, () => this.actNow(token, kind, body, stage, change));
  }

  private async actNow<R>(
    token: string,
    kind: string,
    body: unknown,
    stage: Stage,
    change: (study: StudyRecord, p: ParticipantRecord, now: number) => Promise<{ participant: ParticipantRecord; events: ParticipantChange['events']; result?: R }>,
  ): Promise<{ state: ParticipantState; result?: R }> {
    const { study, participant } = await this.participant(token);
    await this.deps.room().seen(token);
    const bodyKey = JSON.stringify(body);
    if (participant.lastRequest?.kind === kind && participant.lastRequest.body === bodyKey) {
      return { state: await this.render(study, participant), result: participant.lastRequest.result as R | undefined };
    }
    if (participant.stage !== stage) {
      throw new HttpError(409, `This step (${kind}) is not open now: your current stage is "${participant.stage}". Reload the study page.`);
    }
    const now = this.deps.now();
    const { participant: next, events, result } = await change(study, participant, now);
    const stored: ParticipantRecord = { ...next, updatedAt: now, lastRequest: { kind, body: bodyKey, ...(result !== undefined ? { result } : {}) } };
    if (stored.stage !== participant.stage) events.push({ type: 'stage', data: { from: participant.stage, to: stored.stage } });
    await this.studies.commit([{ participant: stored, events }], now);
    if (stored.stage === 'waiting') this.deps.room().kick();
    return { state: await this.render(study, (await this.studies.participantByToken(token)) ?? stored), result };
  }

  async consent(token: string): Promise<ParticipantState> {
    const out = await this.act(token, 'consent', { consent: true }, 'consent', async (_study, p) => ({
      participant: { ...p, stage: 'instructions' },
      events: [{ type: 'consented' }],
    }));
    return out.state;
  }

  async instructions(token: string): Promise<ParticipantState> {
    const out = await this.act(token, 'instructions', {}, 'instructions', async (study, p, now) => {
      const hasQuiz = (study.definition.pages.quiz?.questions.length ?? 0) > 0;
      const events: ParticipantChange['events'] = [{ type: 'instructions_read' }];
      return { participant: hasQuiz ? { ...p, stage: 'quiz' } : this.toWaiting(study, p, now), events };
    });
    return out.state;
  }

  async quiz(token: string, answers: Record<string, number>): Promise<{ state: ParticipantState; result: QuizResult }> {
    const out = await this.act<QuizResult>(token, 'quiz', { answers: sortedRecord(answers) }, 'quiz', async (study, p, now) => {
      const quiz = study.definition.pages.quiz!;
      const problems: string[] = [];
      for (const key of Object.keys(answers)) {
        if (!quiz.questions.some((q) => q.id === key)) problems.push(`answers.${key}: no such question; allowed: ${quiz.questions.map((q) => q.id).join(', ')}`);
      }
      for (const q of quiz.questions) {
        const a = ownValue(answers, q.id);
        if (a === undefined) problems.push(`answers.${q.id}: missing; answer every question`);
        else if (a >= q.options.length) problems.push(`answers.${q.id}: ${a} is not an option; allowed: 0 to ${q.options.length - 1}`);
      }
      if (problems.length) throw new HttpError(400, `Invalid request: ${problems.join('; ')}`);
      const questions = quiz.questions.map((q) => ({ id: q.id, correct: ownValue(answers, q.id) === q.answer, explanation: q.explanation }));
      const passed = questions.every((q) => q.correct);
      const attempts = p.quizAttempts + 1;
      const attemptsLeft = passed ? 0 : Math.max(0, quiz.maxAttempts - attempts);
      const result: QuizResult = { passed, questions, attemptsLeft };
      const events: ParticipantChange['events'] = [{ type: 'quiz_attempt', data: { attempt: attempts, answers: sortedRecord(answers), passed, wrong: questions.filter((q) => !q.correct).map((q) => q.id) } }];
      let next: ParticipantRecord = { ...p, quizAttempts: attempts };
      if (passed) next = this.toWaiting(study, next, now);
      else if (attemptsLeft === 0) next = await this.completed(study, next, 'failed_quiz', events);
      return { participant: next, events, result };
    });
    return { state: out.state, result: out.result! };
  }

  async survey(token: string, body: SurveyAnswers): Promise<ParticipantState> {
    const out = await this.act(token, 'survey', { answers: sortedRecord(body.answers), judgements: body.judgements ?? [] }, 'survey', async (study, p) => {
      const def = study.definition;
      const problems: string[] = [];
      for (const key of Object.keys(body.answers)) {
        if (!def.pages.survey.some((item) => item.id === key)) problems.push(`answers.${key}: no such item; allowed: ${def.pages.survey.map((i) => i.id).join(', ') || 'none'}`);
      }
      for (const item of def.pages.survey) {
        const a = ownValue(body.answers, item.id);
        const required = item.required ?? item.kind !== 'text';
        if (a === undefined || a === '') {
          if (required) problems.push(`answers.${item.id}: missing; this question needs an answer`);
          continue;
        }
        if (item.kind === 'text' && typeof a !== 'string') problems.push(`answers.${item.id}: must be text`);
        if (item.kind === 'choice' && (typeof a !== 'number' || !Number.isInteger(a) || a < 0 || a >= item.options!.length)) {
          problems.push(`answers.${item.id}: must be an option index; allowed: 0 to ${item.options!.length - 1}`);
        }
        if (item.kind === 'likert' && (typeof a !== 'number' || !Number.isInteger(a) || a < item.scale!.min || a > item.scale!.max)) {
          problems.push(`answers.${item.id}: must be an integer; allowed: ${item.scale!.min} to ${item.scale!.max}`);
        }
      }
      const arm = def.arms.find((a) => a.name === p.arm);
      const judge = arm?.disclosure === 'blind' ? await this.judgeList(p) : [];
      const judgements: Judgement[] = body.judgements ?? [];
      if (!judge.length && judgements.length) problems.push('judgements: this study asks for no judgements; allowed: none');
      const seen = new Set<number>();
      for (const j of judgements) {
        if (!judge.some((s) => s.seat === j.seat)) problems.push(`judgements: seat ${j.seat} is not another player at your table; allowed: ${judge.map((s) => s.seat).join(', ')}`);
        if (seen.has(j.seat)) problems.push(`judgements: seat ${j.seat} is judged twice`);
        seen.add(j.seat);
      }
      for (const s of judge) if (!seen.has(s.seat)) problems.push(`judgements: missing a judgement for seat ${s.seat} (${s.name}); judge every other player`);
      if (problems.length) throw new HttpError(400, `Invalid request: ${problems.join('; ')}`);
      const events: ParticipantChange['events'] = [{ type: 'survey', data: { answers: sortedRecord(body.answers), judgements } }];
      return { participant: await this.completed(study, p, 'completed', events), events };
    });
    return out.state;
  }

  /** POST /api/participants/:token/page: a page view, logged with its time. */
  page(token: string, page: string): Promise<void> {
    return this.byToken(token, () => this.pageNow(token, page));
  }

  private async pageNow(token: string, page: string): Promise<void> {
    const { participant } = await this.participant(token);
    await this.deps.room().seen(token);
    const now = this.deps.now();
    await this.studies.commit([{ participant: { ...participant, updatedAt: now }, events: [{ type: 'page', data: { page, stage: participant.stage } }] }], now);
  }

  // -------------------------------------------------------------------------------------------
  // helpers for the lobby and the stages

  toWaiting(study: StudyRecord, p: ParticipantRecord, now: number): ParticipantRecord {
    return { ...p, stage: 'waiting', waitingSince: now, minWaitMs: this.deps.room().minWaitMs(study, p.arm) };
  }

  /** Finish a participant with an outcome: code, payment, stage done (events appended to `events`). */
  async completed(study: StudyRecord, p: ParticipantRecord, outcome: ParticipantOutcome, events: ParticipantChange['events']): Promise<ParticipantRecord> {
    const def = study.definition;
    const record = p.sessionId ? await this.deps.store.session(p.sessionId) : null;
    const result = record && p.seat !== null ? seatResult(record.outcome, p.seat) : null;
    const payment = paymentFor(def, outcome, result);
    const code = def.completion.codes[outcome];
    events.push({ type: 'completed', data: { outcome, code, payment } });
    return { ...p, stage: 'done', outcome, code, payment };
  }

  /** Finish a participant now (the waiting room's no_group rule), committing it (inside the study's queue). */
  async finish(study: StudyRecord, p: ParticipantRecord, outcome: ParticipantOutcome, extra: ParticipantChange['events'] = []): Promise<void> {
    const now = this.deps.now();
    const events = [...extra];
    const next = await this.completed(study, p, outcome, events);
    events.push({ type: 'stage', data: { from: p.stage, to: 'done' } });
    await this.studies.commit([{ participant: { ...next, updatedAt: now }, events }], now);
  }

  /**
   * A participant in a game whose session has finished (or was ended) moves on: to the survey, or —
   * when an agent had taken over its seat (gone longer than dropAfterSec) and it never came back —
   * to done with outcome `dropped`. Call it inside the study's queue, with a record read there.
   */
  async syncGame(study: StudyRecord, p: ParticipantRecord): Promise<ParticipantRecord> {
    if (p.stage !== 'game' || !p.sessionId || p.seat === null) return p;
    const record = await this.deps.store.session(p.sessionId);
    if (!record || record.status === 'active') return p;
    const now = this.deps.now();
    let takenOver = false;
    for (const row of await this.deps.store.log(p.sessionId)) {
      if (row.kind !== 'session' || (row.event as { seat?: number }).seat !== p.seat) continue;
      if (row.event.type === 'takeover') takenOver = true;
      if (row.event.type === 'handback') takenOver = false;
    }
    const events: ParticipantChange['events'] = [{ type: 'game_over', data: { sessionId: p.sessionId, status: record.status, outcome: record.outcome, takenOver } }];
    let next: ParticipantRecord;
    if (takenOver) next = await this.completed(study, p, 'dropped', events);
    else next = { ...p, stage: 'survey' };
    events.push({ type: 'stage', data: { from: 'game', to: next.stage } });
    next = { ...next, updatedAt: now };
    await this.studies.commit([{ participant: next, events }], now);
    return next;
  }

  /** Move on every participant of a study whose game has ended (the lobby's tick, the export). */
  syncGames(studyId: string): Promise<void> {
    return this.exclusive(studyId, async () => {
      const study = await this.studies.study(studyId);
      if (!study) return;
      for (const p of await this.studies.participantsAtStage('game', studyId)) await this.syncGame(study, p);
    });
  }

  /** Resolve an arm of a study (the table it forms). */
  resolvedArm(study: StudyRecord, armName: string) {
    const arm = study.definition.arms.find((a) => a.name === armName);
    if (!arm) throw new Error(`study ${study.id}: no arm "${armName}"`);
    return resolveArm(study.definition, arm);
  }
}

function unknownToken(): HttpError {
  return new HttpError(404, 'Unknown participant token. Open the study link again.');
}

/** A record with its keys sorted, so equal answers serialise equally (for repeat detection). */
function sortedRecord<V>(record: Readonly<Record<string, V>>): Record<string, V> {
  const out = new Map<string, V>();
  for (const key of Object.keys(record).sort()) out.set(key, record[key]);
  return Object.fromEntries(out);
}

export type { StudyDefinition };
