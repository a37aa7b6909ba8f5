import { z } from 'zod';
import { LineCounter, parse as parseYaml, parseDocument, YAMLParseError } from 'yaml';
import { AgentSpecSchema, type AgentSpec } from '../protocol/index.ts';
import { GAMES, resolveConfig } from '../games/index.ts';
import type { AnyGame } from '../engine/game.ts';
import { ownValue } from '../own.ts';
import type { StudyProblem } from '../protocol/study.ts';
import { TRAITORS_INSTRUCTIONS } from '../games/traitors/instructions.ts';
import { TRUST_SPLIT_INSTRUCTIONS } from '../games/trust-split/instructions.ts';

/**
 * A study file: the one file a researcher writes (YAML or JSON) to run a study — game and
 * table, treatment arms, pages (consent, instructions, quiz, survey), timings, payment and
 * completion codes. docs/studies.md walks through an example; docs/studies/*.yaml are ready to run.
 *
 * parseStudyFile() validates everything a study needs before it is stored (including each arm's
 * game config and seat count), and fills in the defaults, so the stored definition is complete.
 */

/** Each game's default instructions (Markdown), used when a study file gives none. */
export const DEFAULT_INSTRUCTIONS: Readonly<Record<string, string>> = {
  traitors: TRAITORS_INSTRUCTIONS,
  'trust-split': TRUST_SPLIT_INSTRUCTIONS,
};

export const PROLIFIC_REDIRECT = 'https://app.prolific.com/submissions/complete?cc={code}';

const SLUG = /^[a-z0-9](?:[a-z0-9-]{0,78}[a-z0-9])?$/;
const ID = /^[A-Za-z0-9_-]{1,64}$/;
const QUERY_PARAM = /^[A-Za-z0-9_.-]{1,64}$/;
const CODE = /^[A-Za-z0-9_-]{1,64}$/;

/**
 * An arm name, quiz question id or survey item id. "__proto__" fits the pattern but is refused: a
 * participant's answers arrive as a JSON object, and parsing drops that key, so the question could
 * never be answered.
 */
const idField = () =>
  z
    .string()
    .regex(ID, { error: 'letters, digits, "-" and "_" (1–64 characters)' })
    .refine((id) => id !== '__proto__', { error: '"__proto__" cannot be an id (a JSON object drops that key); choose another' });
const text = (max: number) => z.string().trim().min(1, { error: 'must not be empty' }).max(max, { error: `at most ${max} characters` });
const money = z.number({ error: 'a number (amount in the study currency)' }).min(0, { error: 'must be 0 or more' }).max(10_000);

export const DisclosureSchema = z.enum(['disclosed', 'blind'], { error: 'one of: disclosed, blind' });
export type Disclosure = z.infer<typeof DisclosureSchema>;

export const OnTimeoutSchema = z.enum(['agents', 'no_group'], { error: 'one of: agents, no_group' });
export type OnTimeout = z.infer<typeof OnTimeoutSchema>;

export const ArmSchema = z.strictObject({
  /** recorded per participant and in every exported row; never sent to participants */
  name: idField(),
  /** config overrides on top of the study's config */
  config: z.record(z.string(), z.unknown()).optional(),
  /** human seats at this arm's tables (default: the table's, or the seats left by `agents`) */
  humans: z.number().int().min(1).max(64).optional(),
  /** agent specs for the other seats (default: the table's) */
  agents: z.array(AgentSpecSchema).max(63).optional(),
  /** `disclosed`: agent seats are labelled AI; `blind`: nothing tells agents from humans */
  disclosure: DisclosureSchema.default('disclosed'),
  /** tables to start in this arm; then the arm closes to new participants */
  tablesTarget: z.number().int().min(1, { error: 'at least 1' }).max(100_000),
  /** what happens after timings.maxWaitSec (default: timings.onTimeout) */
  onTimeout: OnTimeoutSchema.optional(),
});
export type ArmInput = z.input<typeof ArmSchema>;

export const QuizQuestionSchema = z
  .strictObject({
    id: idField(),
    question: text(2000),
    options: z.array(text(500)).min(2, { error: 'at least 2 options' }).max(10),
    /** the index (from 0) of the correct option */
    answer: z.number().int().min(0),
    /** shown after checking, whether the answer was right or wrong */
    explanation: text(2000),
  })
  .refine((q) => q.answer < q.options.length, { error: 'must be the index (from 0) of one of the options', path: ['answer'] });
export type QuizQuestion = z.infer<typeof QuizQuestionSchema>;

export const SurveyItemSchema = z
  .strictObject({
    id: idField(),
    kind: z.enum(['likert', 'choice', 'text'], { error: 'one of: likert, choice, text' }),
    question: text(2000),
    options: z.array(text(500)).min(2).max(20).optional(),
    scale: z
      .strictObject({
        min: z.number().int().default(1),
        max: z.number().int().default(7),
        minLabel: z.string().max(100).default(''),
        maxLabel: z.string().max(100).default(''),
      })
      .refine((s) => s.max > s.min && s.max - s.min <= 20, { error: 'max must be greater than min (at most 21 points)', path: ['max'] })
      .optional(),
    required: z.boolean().optional(),
  })
  .superRefine((item, ctx) => {
    if (item.kind === 'choice' && !item.options) ctx.addIssue({ code: 'custom', path: ['options'], message: 'a choice item needs options (at least 2)' });
    if (item.kind !== 'choice' && item.options) ctx.addIssue({ code: 'custom', path: ['options'], message: `only choice items have options, not ${item.kind}` });
    if (item.kind !== 'likert' && item.scale) ctx.addIssue({ code: 'custom', path: ['scale'], message: `only likert items have a scale, not ${item.kind}` });
  })
  .transform((item) =>
    item.kind === 'likert' && !item.scale ? { ...item, scale: { min: 1, max: 7, minLabel: '', maxLabel: '' } } : item,
  );
export type SurveyItem = z.output<typeof SurveyItemSchema>;

const PAGE_LIMIT_KEYS = ['consent', 'instructions', 'quiz', 'survey'] as const;

export const StudyDefinitionSchema = z
  .strictObject({
    title: text(200),
    /** the public link is /s/<slug> */
    slug: z.string().regex(SLUG, { error: 'lowercase letters, digits and "-" (1–80 characters, not starting or ending with "-")' }),
    game: z.string().min(1),
    preset: z.string().min(1).optional(),
    /** config overrides on top of the preset, for every arm */
    config: z.record(z.string(), z.unknown()).default({}),
    table: z
      .strictObject({
        humans: z.number().int().min(1).max(64),
        /** specs for the non-human seats, in seat order after the humans' seats are filled */
        agents: z.array(AgentSpecSchema).max(63).default([]),
      }),
    arms: z.array(ArmSchema).min(1, { error: 'at least one arm' }).max(20),
    assignment: z.enum(['balanced', 'random'], { error: 'one of: balanced, random' }).default('balanced'),
    /** the names of the recruitment link's query parameters */
    participantIds: z
      .strictObject({
        idParam: z.string().regex(QUERY_PARAM).default('PROLIFIC_PID'),
        studyParam: z.string().regex(QUERY_PARAM).default('STUDY_ID'),
        sessionParam: z.string().regex(QUERY_PARAM).default('SESSION_ID'),
      })
      .default({ idParam: 'PROLIFIC_PID', studyParam: 'STUDY_ID', sessionParam: 'SESSION_ID' }),
    pages: z.strictObject({
      /** Markdown (raw HTML is shown as text) */
      consent: text(50_000),
      /** Markdown; default: the game's own instructions */
      instructions: text(50_000).optional(),
      quiz: z
        .strictObject({
          maxAttempts: z.number().int().min(1).max(20).default(2),
          questions: z.array(QuizQuestionSchema).max(30),
        })
        .optional(),
      survey: z.array(SurveyItemSchema).max(100).default([]),
    }),
    timings: z
      .strictObject({
        /** the longest wait in the waiting room before the arm's onTimeout rule applies */
        maxWaitSec: z.number().min(1).max(86_400).default(300),
        onTimeout: OnTimeoutSchema.default('agents'),
        /** gone from the game longer than this: an agent plays the seat, and the participant is `dropped` */
        dropAfterSec: z.number().min(1).max(86_400).default(120),
        /** optional time limits per page, in seconds */
        pageLimitsSec: z
          .partialRecord(z.enum(PAGE_LIMIT_KEYS, { error: `one of: ${PAGE_LIMIT_KEYS.join(', ')}` }), z.number().positive().max(86_400))
          .optional(),
      })
      .default({ maxWaitSec: 300, onTimeout: 'agents', dropAfterSec: 120 }),
    payment: z
      .strictObject({
        showUp: money.default(0),
        bonusPerPoint: money.default(0),
        bonusPerWin: money.default(0),
        currency: z.string().regex(/^[A-Z]{3}$/, { error: 'a 3-letter currency code such as GBP, USD, EUR' }).default('GBP'),
      })
      .default({ showUp: 0, bonusPerPoint: 0, bonusPerWin: 0, currency: 'GBP' }),
    completion: z.strictObject({
      /** Prolific-style completion codes, one per outcome */
      codes: z.strictObject({
        completed: z.string().regex(CODE, { error: 'letters, digits, "-" and "_"' }),
        failed_quiz: z.string().regex(CODE, { error: 'letters, digits, "-" and "_"' }),
        no_group: z.string().regex(CODE, { error: 'letters, digits, "-" and "_"' }),
        dropped: z.string().regex(CODE, { error: 'letters, digits, "-" and "_"' }),
      }),
      /** where the completion page's button goes; {code} is replaced; null = no button, only the code */
      redirectUrl: z
        .string()
        .regex(/^https?:\/\/\S+$/, { error: 'an http(s) URL (use {code} for the completion code), or null' })
        .nullable()
        .default(PROLIFIC_REDIRECT),
    }),
  })
  .superRefine((def, ctx) => {
    const names = new Set<string>();
    def.arms.forEach((arm, i) => {
      if (names.has(arm.name)) ctx.addIssue({ code: 'custom', path: ['arms', i, 'name'], message: `"${arm.name}" is used by another arm; arm names must differ` });
      names.add(arm.name);
    });
    const ids = new Set<string>();
    def.pages.quiz?.questions.forEach((q, i) => {
      if (ids.has(q.id)) ctx.addIssue({ code: 'custom', path: ['pages', 'quiz', 'questions', i, 'id'], message: `"${q.id}" is used twice; ids must differ` });
      ids.add(q.id);
    });
    const items = new Set<string>();
    def.pages.survey.forEach((item, i) => {
      if (items.has(item.id)) ctx.addIssue({ code: 'custom', path: ['pages', 'survey', i, 'id'], message: `"${item.id}" is used twice; ids must differ` });
      items.add(item.id);
    });
  });

export type StudyDefinition = z.output<typeof StudyDefinitionSchema>;
export type StudyArm = StudyDefinition['arms'][number];

/** An arm with everything resolved: the game config, its seats and its timeout rule. */
export interface ResolvedArm {
  name: string;
  disclosure: Disclosure;
  tablesTarget: number;
  onTimeout: OnTimeout;
  /** the study's config overrides with the arm's on top (what a session is created with) */
  configOverrides: Record<string, unknown>;
  config: unknown;
  humans: number;
  agents: AgentSpec[];
}

/**
 * A study file that cannot be used; the message lists each problem as `path: what is wrong; allowed: …`.
 * `fields` gives the same problems structured for the console: the field's path (`arms.0.config.rounds`,
 * `line 12` for a syntax error, `(file)`) and, once parseStudyFile has located it, its line in the file.
 */
export class StudyFileError extends Error {
  readonly fields: StudyProblem[];
  constructor(
    readonly problems: string[],
    fields?: StudyProblem[],
  ) {
    super(`Invalid study file:\n${problems.map((p) => `- ${p}`).join('\n')}`);
    this.name = 'StudyFileError';
    this.fields = fields ?? problems.map(splitProblem);
  }
}

/** `path: message` → its parts (a line without a path is about the whole file). */
function splitProblem(line: string): StudyProblem {
  const at = line.indexOf(': ');
  return at > 0 && !line.slice(0, at).includes(' ') ? { path: line.slice(0, at), message: line.slice(at + 2) } : { path: '(file)', message: line };
}

/**
 * The line of each field problem in the file's text (JSON is YAML too): the deepest node of the path
 * that exists, so a missing field points at its parent.
 */
function locateProblems(source: string, fields: readonly StudyProblem[]): StudyProblem[] {
  const lineCounter = new LineCounter();
  const doc = parseDocument(source, { lineCounter });
  return fields.map((field) => {
    if (field.line !== undefined || field.path === '(file)') return field;
    const keys = field.path.split('.').map((k) => (/^\d+$/.test(k) ? Number(k) : k));
    for (let n = keys.length; n > 0; n--) {
      const node = doc.getIn(keys.slice(0, n), true) as { range?: [number, number, number] } | undefined;
      if (node && typeof node === 'object' && node.range) {
        // a scalar's line is its key's line; a map's range starts at its first key, one line below its own
        return { ...field, line: lineCounter.linePos(node.range[0]).line };
      }
    }
    return field;
  });
}

function formatPath(path: readonly PropertyKey[]): string {
  return path.length ? path.map(String).join('.') : '(file)';
}

/** Zod issues → `field.path: what is wrong; allowed: …` lines. */
function describeIssues(issues: readonly z.core.$ZodIssue[]): string[] {
  return issues.map((issue) => {
    const where = formatPath(issue.path);
    if (issue.code === 'unrecognized_keys') {
      return `${where}: unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')}; allowed: the fields documented in docs/studies.md`;
    }
    if (issue.code === 'invalid_type' && issue.input === undefined) return `${where}: missing; allowed: ${issue.expected}`;
    if (issue.code === 'invalid_value') return `${where}: ${issue.message}; allowed: ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
    if (issue.code === 'too_small') return `${where}: ${issue.message}; allowed: at least ${issue.minimum}`;
    if (issue.code === 'too_big') return `${where}: ${issue.message}; allowed: at most ${issue.maximum}`;
    return `${where}: ${issue.message}`;
  });
}

/** Parse a study file's text as YAML or JSON (by content type or file name) and validate it. */
export function parseStudyFile(source: string, contentTypeOrFilename: string): StudyDefinition {
  const kind = contentTypeOrFilename.toLowerCase();
  const json = kind.includes('json');
  const yaml = kind.includes('yaml') || kind.includes('yml');
  if (!json && !yaml) {
    throw new StudyFileError([`(file): unsupported format "${contentTypeOrFilename}"; allowed: application/yaml or application/json (.yaml, .yml, .json)`]);
  }
  let raw: unknown;
  try {
    raw = json ? JSON.parse(source) : parseYaml(source, { maxAliasCount: 100 });
  } catch (err) {
    const text = `not valid ${json ? 'JSON' : 'YAML'}: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`;
    throw new StudyFileError([`(file): ${text}`], [{ ...syntaxErrorLine(err, source, json), message: text }]);
  }
  try {
    return validateStudy(raw);
  } catch (err) {
    if (err instanceof StudyFileError) throw new StudyFileError(err.problems, locateProblems(source, err.fields));
    throw err;
  }
}

/** Where a syntax error is: YAML says it; for JSON, the YAML parser's first error usually finds the same spot. */
function syntaxErrorLine(err: unknown, source: string, json: boolean): { path: string; line?: number } {
  let line: number | undefined;
  if (err instanceof YAMLParseError && err.linePos) line = err.linePos[0].line;
  else if (json) line = parseDocument(source, { prettyErrors: true }).errors[0]?.linePos?.[0].line;
  return line === undefined ? { path: '(file)' } : { path: `line ${line}`, line };
}

/** Validate a parsed study object (the file's content) and fill in its defaults. */
export function validateStudy(raw: unknown): StudyDefinition {
  const parsed = StudyDefinitionSchema.safeParse(raw);
  if (!parsed.success) throw new StudyFileError(describeIssues(parsed.error.issues));
  const def = parsed.data;
  const problems: string[] = [];
  const game = ownValue(GAMES as Record<string, AnyGame>, def.game);
  if (!game) {
    throw new StudyFileError([`game: unknown game "${def.game}"; allowed: ${Object.keys(GAMES).join(', ')}`]);
  }
  const preset = def.preset ?? Object.keys(game.presets)[0];
  if (!Object.hasOwn(game.presets, preset)) {
    throw new StudyFileError([`preset: unknown preset "${preset}" for ${def.game}; allowed: ${Object.keys(game.presets).join(', ')}`]);
  }
  const fields: StudyProblem[] = [];
  def.arms.forEach((arm, i) => {
    try {
      resolveArm({ ...def, preset }, arm, game);
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      problems.push(`arms.${i} (${arm.name}): ${message}`);
      fields.push(...armProblemFields({ ...def, preset }, arm, i, game, message));
    }
  });
  if (problems.length) throw new StudyFileError(problems, fields);
  return {
    ...def,
    preset,
    pages: { ...def.pages, instructions: def.pages.instructions ?? ownValue(DEFAULT_INSTRUCTIONS, def.game) ?? '' },
  };
}

/**
 * An arm's problem (resolveArm's message) at its field: a config problem at each wrong key, in the
 * arm's `config` when the arm sets that key, else in the study's; a seat problem at the arm.
 */
function armProblemFields(def: StudyDefinition, arm: StudyArm, i: number, game: AnyGame, message: string): StudyProblem[] {
  if (message.startsWith('config: ')) {
    const base = ownValue(game.presets as Record<string, unknown>, def.preset ?? '') ?? {};
    const parsed = game.configSchema.safeParse({ ...(base as object), ...def.config, ...(arm.config ?? {}) });
    if (!parsed.success) {
      return parsed.error.issues.map((issue) => {
        const top = String(issue.path[0] ?? '');
        const inArm = arm.config !== undefined && Object.hasOwn(arm.config, top);
        return { path: [inArm ? `arms.${i}.config` : 'config', ...issue.path.map(String)].join('.'), message: `${issue.message} (arm "${arm.name}")` };
      });
    }
  }
  const m = /^([\w.]+): ([\s\S]*)$/.exec(message);
  if (!m) return [{ path: `arms.${i}`, message }];
  return [{ path: m[1] === 'table' ? `arms.${i}` : `arms.${i}.${m[1]}`, message: m[2] }];
}

/** An arm's game config, seats and rules; throws an Error naming the field when they do not fit the game. */
export function resolveArm(def: StudyDefinition, arm: StudyArm, game: AnyGame = getStudyGame(def)): ResolvedArm {
  const configOverrides = { ...def.config, ...(arm.config ?? {}) };
  let config: unknown;
  try {
    config = resolveConfig(game, def.preset, configOverrides);
  } catch (err) {
    throw new Error(`config: ${err instanceof Error ? err.message : String(err)}`);
  }
  const seats = game.seatCount(config);
  const agents = arm.agents ?? (arm.humans !== undefined && arm.humans !== def.table.humans ? null : def.table.agents);
  const humans = arm.humans ?? (arm.agents ? seats - arm.agents.length : def.table.humans);
  if (agents === null) {
    throw new Error(`agents: an arm that changes "humans" must list its own agents (${seats - humans} for ${seats} seats)`);
  }
  if (humans < 1) throw new Error(`agents: ${agents.length} agents leave no human seat at a ${seats}-seat table; allowed: at most ${seats - 1} agents`);
  if (humans + agents.length !== seats) {
    throw new Error(
      `table: ${humans} humans + ${agents.length} agents = ${humans + agents.length} seats, but ${game.title} with this config has ${seats}; allowed: humans + agents = ${seats}`,
    );
  }
  agents.forEach((spec, i) => {
    if (typeof spec === 'string' && spec !== 'scripted' && !Object.hasOwn(game.agents, spec) && spec !== 'llm' && !spec.startsWith('llm:')) {
      throw new Error(`agents.${i}: unknown agent "${spec}"; allowed: scripted, ${Object.keys(game.agents).join(', ')}, llm, llm:<model> or an LLM spec object`);
    }
  });
  return {
    name: arm.name,
    disclosure: arm.disclosure,
    tablesTarget: arm.tablesTarget,
    onTimeout: arm.onTimeout ?? def.timings.onTimeout,
    configOverrides,
    config,
    humans,
    agents,
  };
}

export function getStudyGame(def: StudyDefinition): AnyGame {
  const game = ownValue(GAMES as Record<string, AnyGame>, def.game);
  if (!game) throw new Error(`unknown game "${def.game}"`);
  return game;
}

/** The completion link for a code: the template with {code} replaced, or null without one. */
export function completionUrl(def: StudyDefinition, code: string): string | null {
  return def.completion.redirectUrl === null ? null : def.completion.redirectUrl.split('{code}').join(encodeURIComponent(code));
}
