import { randomBytes } from 'node:crypto';
import type { z } from 'zod';
import {
  ConsentSchema,
  EnterSchema,
  InstructionsSchema,
  PageViewSchema,
  QuizAnswersSchema,
  RecruitmentSchema,
  SurveyAnswersSchema,
  type CreateStudyResponse,
  type ParticipantSummary,
  type RecruitmentResponse,
  type StudyDetail,
  type StudySummary,
  type StudyTable,
} from '../../shared/protocol/study.ts';
import { parseStudyFile, StudyFileError } from '../../shared/study/definition.ts';
import { HttpError, readBodyText, withStatus, type Route, type RouteResult } from '../http.ts';
import { clientAddress, RateLimit } from '../limits.ts';
import { armOpen, countArms } from './assignment.ts';
import { studyExportFiles } from './export.ts';
import { studyFunnel } from './funnel.ts';
import type { StudyFlow } from './flow.ts';
import type { Lobby } from './lobby.ts';
import type { ParticipantRecord, SharedLimits, StudyRecord, StudyStore, TableRecord } from '../store/index.ts';
import { writeExportZip } from '../export/write.ts';

const STUDY_ID = '([0-9a-f]{8,32})';
const SLUG = '([a-z0-9][a-z0-9-]{0,120})';
const TOKEN = '([A-Za-z0-9_-]{16,200})';
const MAX_FILE_BYTES = 1_000_000;

export interface StudyRouteOptions {
  studies: StudyStore;
  flow: StudyFlow;
  lobby: Lobby;
  /** POST /api/s/:slug/enter per client address per minute (0 = no limit) */
  entersPerMin: number;
  trustProxy: boolean;
  /** PostgreSQL: enters count over every process on the database */
  sharedLimits?: SharedLimits;
}

/**
 * Counters of one study from its participants and tables: arms (tables started against their
 * targets) and participants by stage and outcome.
 */
export function studySummary(study: StudyRecord, participants: readonly ParticipantRecord[], tables: readonly TableRecord[]): StudySummary {
  const counts = countArms(participants, tables);
  const byStage: Record<string, number> = {};
  const byOutcome: Record<string, number> = {};
  for (const p of participants) {
    byStage[p.stage] = (byStage[p.stage] ?? 0) + 1;
    if (p.outcome) byOutcome[p.outcome] = (byOutcome[p.outcome] ?? 0) + 1;
  }
  return {
    id: study.id,
    slug: study.slug,
    title: study.title,
    game: study.game,
    createdAt: study.createdAt,
    recruiting: study.recruiting,
    arms: study.definition.arms.map((arm) => ({
      name: arm.name,
      tablesTarget: arm.tablesTarget,
      tablesStarted: counts.tablesStarted.get(arm.name) ?? 0,
      closed: !armOpen(arm, counts),
    })),
    participants: { total: participants.length, byStage, byOutcome },
  };
}

/** POST /api/participants/:token/<action>: the body checked against `schema`, then `run`'s answer. */
function participantPost<T>(action: string, schema: z.ZodType<T>, run: (token: string, body: T) => RouteResult): Route {
  return {
    method: 'POST',
    pattern: new RegExp(`^/api/participants/${TOKEN}/${action}$`),
    admin: false,
    async handle(ctx) {
      return run(ctx.params[0], await ctx.body(schema));
    },
  };
}

/** Admin endpoints (/api/studies…) and participant endpoints (/api/s/:slug/enter, /api/participants/:token/…). */
export function studyRoutes(options: StudyRouteOptions): Route[] {
  const { studies, flow } = options;
  const enterLimit = new RateLimit(options.entersPerMin, 60, { counters: options.sharedLimits, keyPrefix: 'study-enter' });
  const studyOr404 = async (id: string) => {
    const study = await studies.study(id);
    if (!study) throw new HttpError(404, `No study "${id}".`);
    return study;
  };
  const link = (baseUrl: string, slug: string) => `${baseUrl}/s/${slug}`;

  return [
    {
      method: 'POST',
      pattern: /^\/api\/studies$/,
      admin: true,
      async handle(ctx) {
        const type = String(ctx.req.headers['content-type'] ?? '');
        const text = await readBodyText(ctx.req, MAX_FILE_BYTES, 'The study file');
        let definition;
        try {
          definition = parseStudyFile(text, type || 'application/yaml');
        } catch (err) {
          // `problems`: each at its field (and line), for the console to show where it is wrong
          if (err instanceof StudyFileError) throw new HttpError(400, err.message, {}, { problems: err.fields });
          throw err;
        }
        const pilot = new URL(ctx.req.url ?? '/', 'http://localhost').searchParams.get('pilot') === '1';
        const slug = pilot ? `${definition.slug}-pilot-${randomBytes(3).toString('hex')}` : definition.slug;
        const record: StudyRecord = {
          id: randomBytes(5).toString('hex'),
          slug,
          title: definition.title,
          game: definition.game,
          definition: { ...definition, slug },
          source: text,
          pilot,
          createdAt: Date.now(),
          recruiting: true,
        };
        // checked and created in one queue, so two uploads of one slug get one study and one 409
        await flow.creating(async () => {
          if (await studies.studyBySlug(slug)) {
            throw new HttpError(409, `A study with slug "${slug}" exists already; choose another slug (or create a pilot copy with ?pilot=1).`);
          }
          await studies.createStudy(record);
        });
        const out: CreateStudyResponse = { id: record.id, slug, link: link(ctx.baseUrl, slug) };
        return withStatus(201, out);
      },
    },
    {
      method: 'GET',
      pattern: /^\/api\/studies$/,
      admin: true,
      async handle(ctx) {
        const list = [];
        for (const s of await studies.studies()) {
          list.push({ ...studySummary(s, await studies.participants(s.id), await studies.tables(s.id)), link: link(ctx.baseUrl, s.slug) });
        }
        return { studies: list };
      },
    },
    {
      method: 'GET',
      pattern: new RegExp(`^/api/studies/${STUDY_ID}$`),
      admin: true,
      async handle(ctx) {
        const study = await studyOr404(ctx.params[0]);
        const participants = await studies.participants(study.id);
        const tables = await studies.tables(study.id);
        const present = await options.lobby.present(participants.filter((p) => p.stage === 'waiting'));
        const participantList: ParticipantSummary[] = participants.map((p) => ({
          participantId: p.participantId,
          arm: p.arm,
          stage: p.stage,
          outcome: p.outcome,
          sessionId: p.sessionId,
          seat: p.seat,
          quizAttempts: p.quizAttempts,
          present: p.stage === 'waiting' ? present.has(p.token) : null,
          createdAt: p.createdAt,
          updatedAt: p.updatedAt,
          code: p.code,
          payment: p.payment ? { showUp: p.payment.showUp, bonus: p.payment.bonus, total: p.payment.total, currency: p.payment.currency } : null,
        }));
        const tableList: StudyTable[] = [];
        for (const table of tables) tableList.push({ ...table, status: (await flow.sessionStore.session(table.sessionId))?.status ?? null });
        const detail: StudyDetail = {
          ...studySummary(study, participants, tables),
          link: link(ctx.baseUrl, study.slug),
          pilot: study.pilot,
          definition: study.definition,
          funnel: studyFunnel(
            study.definition.arms.map((arm) => arm.name),
            participants,
          ),
          participantList,
          tables: tableList,
        };
        return detail;
      },
    },
    {
      method: 'POST',
      pattern: new RegExp(`^/api/studies/${STUDY_ID}/recruitment$`),
      admin: true,
      async handle(ctx) {
        const { id } = await studyOr404(ctx.params[0]);
        const { open } = await ctx.body(RecruitmentSchema);
        return flow.exclusive(id, async () => {
          const study = await studyOr404(id);
          // logged only when it changes: a repeated click is answered, not recorded twice
          if (open !== study.recruiting) await studies.setRecruiting(study.id, open, Date.now());
          const out: RecruitmentResponse = { id: study.id, recruiting: open, changedAt: (await studies.studyEvents(study.id)).at(-1)?.at ?? study.createdAt };
          return out;
        });
      },
    },
    {
      method: 'GET',
      pattern: new RegExp(`^/api/studies/${STUDY_ID}/export$`),
      admin: true,
      async handle(ctx) {
        const study = await studyOr404(ctx.params[0]);
        await flow.syncGames(study.id);
        const files = await studyExportFiles(studies, flow.sessionStore, study);
        ctx.res.writeHead(200, {
          'content-type': 'application/zip',
          'content-disposition': `attachment; filename="parley-study-${study.slug}.zip"`,
          'cache-control': 'no-store',
        });
        await writeExportZip(files, ctx.res, `parley-study-${study.slug}`);
      },
    },
    // ------------------------------------------------------------------------------------------
    // participants: the token is the secret
    {
      method: 'POST',
      pattern: new RegExp(`^/api/s/${SLUG}/enter$`),
      admin: false,
      async handle(ctx) {
        const limited = await enterLimit.take(clientAddress(ctx.req, options.trustProxy));
        if (limited) {
          const retryAfter = Math.ceil(limited.retryAfterMs / 1000);
          throw new HttpError(429, `Too many study entries from your address: at most ${options.entersPerMin} a minute. Try again in ${retryAfter} s.`, {
            'retry-after': String(retryAfter),
          });
        }
        const body = await ctx.body(EnterSchema);
        return flow.enter(ctx.params[0], body.query, body.token);
      },
    },
    {
      method: 'GET',
      pattern: new RegExp(`^/api/participants/${TOKEN}$`),
      admin: false,
      handle: (ctx) => flow.state(ctx.params[0]),
    },
    participantPost('consent', ConsentSchema, (token) => flow.consent(token)),
    participantPost('instructions', InstructionsSchema, (token) => flow.instructions(token)),
    participantPost('quiz', QuizAnswersSchema, (token, body) => flow.quiz(token, body.answers)),
    participantPost('survey', SurveyAnswersSchema, (token, body) => flow.survey(token, body)),
    {
      method: 'POST',
      pattern: new RegExp(`^/api/participants/${TOKEN}/page$`),
      admin: false,
      async handle(ctx) {
        const body = await ctx.body(PageViewSchema);
        await flow.page(ctx.params[0], body.page);
        ctx.res.writeHead(204, { 'cache-control': 'no-store' });
        ctx.res.end();
      },
    },
  ];
}
