import { z } from 'zod';
import { SessionStatusSchema } from './index.ts';

/**
 * The wire protocol of studies (issue 10): what a participant's browser sends and receives on the
 * way from a recruitment link (`/s/<slug>`) to a completion code, and what the experimenter's
 * study endpoints answer. Inbound bodies are strict zod objects; the types are inferred.
 *
 * A participant's browser receives only what it may know: never the arm's name, never the quiz
 * answers, and in a blind arm nothing that tells agents from humans.
 */

export const STAGES = ['consent', 'instructions', 'quiz', 'waiting', 'game', 'survey', 'done'] as const;
export const StageSchema = z.enum(STAGES);
export type Stage = z.infer<typeof StageSchema>;

export const OUTCOMES = ['completed', 'failed_quiz', 'no_group', 'dropped'] as const;
export const ParticipantOutcomeSchema = z.enum(OUTCOMES);
export type ParticipantOutcome = z.infer<typeof ParticipantOutcomeSchema>;

/** Pages whose time can be limited (`timings.pageLimitsSec`) and whose views are logged. */
export const PAGES = ['consent', 'instructions', 'quiz', 'waiting', 'game', 'survey', 'done'] as const;

/** A quiz question as the participant sees it: no answer, no explanation (those come after checking). */
export const PublicQuizQuestionSchema = z.object({
  id: z.string(),
  question: z.string(),
  options: z.array(z.string()),
});
export type PublicQuizQuestion = z.infer<typeof PublicQuizQuestionSchema>;

export const SurveyKindSchema = z.enum(['likert', 'choice', 'text']);
export type SurveyKind = z.infer<typeof SurveyKindSchema>;

export const LikertScaleSchema = z.object({
  min: z.number().int(),
  max: z.number().int(),
  minLabel: z.string(),
  maxLabel: z.string(),
});
export type LikertScale = z.infer<typeof LikertScaleSchema>;

export const PublicSurveyItemSchema = z.object({
  id: z.string(),
  kind: SurveyKindSchema,
  question: z.string(),
  /** choice items: the options (the answer is the option's index) */
  options: z.array(z.string()).optional(),
  /** likert items: the scale (the answer is an integer from min to max) */
  scale: LikertScaleSchema.optional(),
  /** whether an answer is required (text items default to optional) */
  required: z.boolean().optional(),
});
export type PublicSurveyItem = z.infer<typeof PublicSurveyItemSchema>;

export const PaymentSchema = z.object({
  showUp: z.number(),
  bonus: z.number(),
  total: z.number(),
  currency: z.string(),
});
export type Payment = z.infer<typeof PaymentSchema>;

export const ParticipantStateSchema = z.object({
  participantId: z.string(),
  study: z.object({ title: z.string(), slug: z.string() }),
  stage: StageSchema,
  pages: z.object({
    consentHtml: z.string(),
    instructionsHtml: z.string(),
    quiz: z.array(PublicQuizQuestionSchema),
    survey: z.array(PublicSurveyItemSchema),
    pageTimeLimitSec: z.record(z.string(), z.number()).optional(),
  }),
  quiz: z.object({ attemptsUsed: z.number().int(), maxAttempts: z.number().int() }),
  /** while stage is `waiting`, else null */
  waiting: z
    .object({
      humansNeeded: z.number().int(),
      humansPresent: z.number().int(),
      waitedSec: z.number(),
      maxWaitSec: z.number(),
    })
    .nullable(),
  /** from the moment a table formed (stage game, and later for the record), else null */
  game: z.object({ seatToken: z.string(), sessionId: z.string(), playUrl: z.string() }).nullable(),
  /** blind arms, in the survey: the other players to judge "human or AI?" */
  judge: z.array(z.object({ seat: z.number().int(), name: z.string() })).nullable(),
  completion: z
    .object({
      outcome: ParticipantOutcomeSchema,
      code: z.string(),
      redirectUrl: z.string().nullable(),
      payment: PaymentSchema,
    })
    .nullable(),
});
export type ParticipantState = z.infer<typeof ParticipantStateSchema>;

// ---------------------------------------------------------------------------------------------
// Participant request bodies (POST /api/s/:slug/enter and /api/participants/:token/…)

const QueryValue = z.string().max(200);

export const EnterSchema = z.strictObject({
  /** the recruitment link's query (e.g. PROLIFIC_PID, STUDY_ID, SESSION_ID) */
  query: z.record(z.string().max(100), QueryValue).default({}),
  /** the token this browser got before (localStorage `parley:study:<slug>`), if any */
  token: z.string().min(1).max(200).optional(),
});
export type Enter = z.infer<typeof EnterSchema>;

export const EnterResponseSchema = z.object({ token: z.string(), state: ParticipantStateSchema });
export type EnterResponse = z.infer<typeof EnterResponseSchema>;

export const ConsentSchema = z.strictObject({ consent: z.literal(true) });
export const InstructionsSchema = z.strictObject({});

export const QuizAnswersSchema = z.strictObject({
  /** question id → the chosen option's index */
  answers: z.record(z.string().max(100), z.number().int().min(0).max(100)),
});
export type QuizAnswers = z.infer<typeof QuizAnswersSchema>;

export const QuizResultSchema = z.object({
  passed: z.boolean(),
  questions: z.array(z.object({ id: z.string(), correct: z.boolean(), explanation: z.string() })),
  attemptsLeft: z.number().int(),
});
export type QuizResult = z.infer<typeof QuizResultSchema>;

export const QuizResponseSchema = z.object({ state: ParticipantStateSchema, result: QuizResultSchema });
export type QuizResponse = z.infer<typeof QuizResponseSchema>;

export const JudgementSchema = z.strictObject({
  seat: z.number().int().min(0).max(63),
  judgement: z.enum(['human', 'ai']),
  confidence: z.number().int().min(1).max(5),
});
export type Judgement = z.infer<typeof JudgementSchema>;

export const SurveyAnswersSchema = z.strictObject({
  /** item id → a number (likert value, choice index) or a text */
  answers: z.record(z.string().max(100), z.union([z.number(), z.string().max(5000)])),
  judgements: z.array(JudgementSchema).max(63).optional(),
});
export type SurveyAnswers = z.infer<typeof SurveyAnswersSchema>;

export const PageViewSchema = z.strictObject({ page: z.string().min(1).max(50) });
export type PageView = z.infer<typeof PageViewSchema>;

// ---------------------------------------------------------------------------------------------
// Experimenter answers (Bearer admin token)

export const CreateStudyResponseSchema = z.object({ id: z.string(), slug: z.string(), link: z.string() });
export type CreateStudyResponse = z.infer<typeof CreateStudyResponseSchema>;

export const ArmSummarySchema = z.object({
  name: z.string(),
  tablesTarget: z.number().int(),
  tablesStarted: z.number().int(),
  closed: z.boolean(),
});
export type ArmSummary = z.infer<typeof ArmSummarySchema>;

export const ParticipantCountsSchema = z.object({
  total: z.number().int(),
  byStage: z.record(z.string(), z.number().int()),
  byOutcome: z.record(z.string(), z.number().int()),
});
export type ParticipantCounts = z.infer<typeof ParticipantCountsSchema>;

export const StudySummarySchema = z.object({
  id: z.string(),
  slug: z.string(),
  title: z.string(),
  game: z.string(),
  createdAt: z.number(),
  /** whether new participants are let in (POST /api/studies/:id/recruitment); those already in always keep going */
  recruiting: z.boolean(),
  /** the public link (/s/<slug>) on this server's public URL; in GET /api/studies and /api/studies/:id */
  link: z.string().optional(),
  arms: z.array(ArmSummarySchema),
  participants: ParticipantCountsSchema,
});
export type StudySummary = z.infer<typeof StudySummarySchema>;

export const StudyListSchema = z.object({ studies: z.array(StudySummarySchema) });
export type StudyList = z.infer<typeof StudyListSchema>;

/** One participant as the experimenter sees it (GET /api/studies/:id). */
export const ParticipantSummarySchema = z.object({
  participantId: z.string(),
  arm: z.string(),
  stage: StageSchema,
  outcome: ParticipantOutcomeSchema.nullable(),
  sessionId: z.string().nullable(),
  seat: z.number().int().nullable(),
  quizAttempts: z.number().int(),
  /** in the waiting room: whether it polled in the last 6 s (a closed tab is not seated); else null */
  present: z.boolean().nullable(),
  createdAt: z.number(),
  updatedAt: z.number(),
  code: z.string().nullable(),
  payment: PaymentSchema.nullable(),
});
export type ParticipantSummary = z.infer<typeof ParticipantSummarySchema>;

/** One problem of a study file, at a field (`arms.0.config.rounds`), a line (`line 12`) or the whole file (`(file)`). */
export const StudyProblemSchema = z.object({
  path: z.string(),
  message: z.string(),
  /** the line of the file the problem is at (1-based), when it could be found */
  line: z.number().int().optional(),
});
export type StudyProblem = z.infer<typeof StudyProblemSchema>;

/** POST /api/studies/:id/recruitment: open or close the study to new participants. */
export const RecruitmentSchema = z.strictObject({ open: z.boolean() });
export type Recruitment = z.infer<typeof RecruitmentSchema>;
export const RecruitmentResponseSchema = z.object({ id: z.string(), recruiting: z.boolean(), changedAt: z.number() });
export type RecruitmentResponse = z.infer<typeof RecruitmentResponseSchema>;

/** The funnel's steps, in order (the console's columns). */
export const FUNNEL_STEPS = ['arrived', 'consented', 'quizPassed', 'quizFailed', 'waiting', 'playing', 'surveyed', 'completed', 'noGroup', 'dropped'] as const;
export type FunnelStep = (typeof FUNNEL_STEPS)[number];

/**
 * How far an arm's participants got. Counts of participants who reached a step, except `waiting`
 * and `playing` (there now) and the outcomes (`quizFailed`, `completed`, `noGroup`, `dropped`).
 * `quizPassed`: reached the waiting room without failing (everyone past the instructions when the
 * study has no quiz). `surveyed`: reached the survey (answering it now, or submitted it).
 */
export const ArmFunnelSchema = z.object({
  arm: z.string(),
  arrived: z.number().int(),
  consented: z.number().int(),
  quizPassed: z.number().int(),
  quizFailed: z.number().int(),
  waiting: z.number().int(),
  playing: z.number().int(),
  surveyed: z.number().int(),
  completed: z.number().int(),
  noGroup: z.number().int(),
  dropped: z.number().int(),
});
export type ArmFunnel = z.infer<typeof ArmFunnelSchema>;

/** A table of a study as the experimenter sees it: its session's status joined in. */
export const StudyTableSchema = z.object({
  studyId: z.string(),
  arm: z.string(),
  sessionId: z.string(),
  createdAt: z.number(),
  /** participant ids in seat order, null for agent seats */
  seats: z.array(z.string().nullable()),
  agentFilled: z.number().int(),
  /** the session's status now (null when its record is gone) */
  status: SessionStatusSchema.nullable(),
});
export type StudyTable = z.infer<typeof StudyTableSchema>;

/** GET /api/studies/:id: the summary plus everything the console's study page shows. */
export interface StudyDetail extends StudySummary {
  link: string;
  pilot: boolean;
  definition: unknown;
  funnel: ArmFunnel[];
  participantList: ParticipantSummary[];
  tables: StudyTable[];
}
