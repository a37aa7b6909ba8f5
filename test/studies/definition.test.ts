// Study files: the examples in docs/studies parse; every kind of mistake is reported with the
// field's path and what is allowed; POST /api/studies answers 201 / 400 / 409 and changes nothing
// on a bad file; `npm run study -- create` creates a study from a YAML file.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { DEFAULT_INSTRUCTIONS, parseStudyFile, resolveArm, StudyFileError, type StudyDefinition } from '../../shared/study/definition.ts';
import { chooseArm } from '../../server/studies/assignment.ts';
import { HUMAN_PACING, humanThinkMs, humanTypingMs } from '../../server/studies/pacing.ts';
import { ADMIN_TOKEN, bootServer, testRng, type TestServer } from '../integration/helpers.ts';
import { tsStudy } from './flow-helpers.ts';

const REPO = path.resolve(import.meta.dirname, '../..');
const example = (name: string) => readFileSync(path.join(REPO, 'docs/studies', name), 'utf8');

function problems(file: unknown, type = 'application/json'): string[] {
  try {
    parseStudyFile(typeof file === 'string' ? file : JSON.stringify(file), type);
  } catch (err) {
    expect(err).toBeInstanceOf(StudyFileError);
    return (err as StudyFileError).problems;
  }
  throw new Error('the file was accepted');
}

describe('the example study files', () => {
  it('trust-split-pairs-vs-blind.yaml: arms pairs (2 humans) and blind (1 human + 1 undisclosed agent)', () => {
    const def = parseStudyFile(example('trust-split-pairs-vs-blind.yaml'), 'trust-split-pairs-vs-blind.yaml');
    expect(def.slug).toBe('trust-split-pairs-vs-blind');
    const [pairs, blind] = def.arms.map((arm) => resolveArm(def, arm));
    expect(pairs).toMatchObject({ name: 'pairs', humans: 2, agents: [], disclosure: 'disclosed', onTimeout: 'no_group' });
    expect(blind).toMatchObject({ name: 'blind', humans: 1, agents: ['tit-for-tat'], disclosure: 'blind', onTimeout: 'agents' });
    expect(def.pages.instructions).toBe(DEFAULT_INSTRUCTIONS['trust-split']);
    expect(def.pages.quiz!.questions).toHaveLength(2);
    expect(def.completion.redirectUrl).toBe('https://app.prolific.com/submissions/complete?cc={code}');
  });

  it('traitors.yaml: 2 human seats and 6 agents', () => {
    const def = parseStudyFile(example('traitors.yaml'), 'application/yaml');
    const arm = resolveArm(def, def.arms[0]);
    expect(arm.humans).toBe(2);
    expect(arm.agents).toHaveLength(6);
    expect(def.pages.instructions).toContain('traitors');
  });

  it('the same study as JSON and as YAML is the same definition', () => {
    const file = tsStudy();
    expect(parseStudyFile(stringify(file), 'study.yml')).toEqual(parseStudyFile(JSON.stringify(file), 'study.json'));
  });
});

describe('a study file with mistakes', () => {
  it('names every wrong field and says what is allowed', () => {
    const found = problems({
      ...tsStudy(),
      slug: 'Not A Slug',
      assignment: 'alphabetical',
      extra: 1,
      timings: { maxWaitSec: 0, onTimeout: 'wait' },
      payment: { showUp: -1, currency: 'pounds' },
    });
    expect(found).toEqual(
      expect.arrayContaining([
        'slug: lowercase letters, digits and "-" (1–80 characters, not starting or ending with "-")',
        expect.stringMatching(/^assignment: one of: balanced, random; allowed: "balanced", "random"$/),
        expect.stringMatching(/^\(file\): unknown field "extra"/),
        expect.stringMatching(/^timings\.maxWaitSec: .*allowed: at least 1$/),
        expect.stringMatching(/^timings\.onTimeout: .*allowed: "agents", "no_group"$/),
        expect.stringMatching(/^payment\.showUp: must be 0 or more; allowed: at least 0$/),
        'payment.currency: a 3-letter currency code such as GBP, USD, EUR',
      ]),
    );
    expect(found).toHaveLength(7);
  });

  it('checks quizzes, survey items, codes and arm names', () => {
    const base = tsStudy() as { pages: Record<string, unknown> };
    const found = problems({
      ...tsStudy(),
      arms: [{ name: 'a', tablesTarget: 1 }, { name: 'a', tablesTarget: 0 }],
      pages: {
        ...base.pages,
        quiz: { maxAttempts: 2, questions: [{ id: 'q', question: 'Q?', options: ['x', 'y'], answer: 2, explanation: 'e' }] },
        survey: [{ id: 's', kind: 'choice', question: 'Which?' }, { id: 's', kind: 'text', question: 'Why?', scale: { min: 1, max: 5 } }],
      },
      completion: { codes: { completed: 'OK', failed_quiz: 'has space' } },
    });
    expect(found).toEqual(
      expect.arrayContaining([
        'arms.1.tablesTarget: at least 1; allowed: at least 1',
        'pages.quiz.questions.0.answer: must be the index (from 0) of one of the options',
        'pages.survey.0.options: a choice item needs options (at least 2)',
        'pages.survey.1.scale: only likert items have a scale, not text',
        'completion.codes.failed_quiz: letters, digits, "-" and "_"',
        'completion.codes.no_group: missing; allowed: string',
        'completion.codes.dropped: missing; allowed: string',
      ]),
    );
  });

  it('refuses "__proto__" as an arm name, quiz id or survey id: answers sent as JSON would drop it', () => {
    const base = tsStudy() as { pages: Record<string, unknown> };
    const found = problems({
      ...tsStudy(),
      arms: [{ name: '__proto__', tablesTarget: 1 }],
      pages: {
        ...base.pages,
        quiz: { maxAttempts: 2, questions: [{ id: '__proto__', question: 'Q?', options: ['x', 'y'], answer: 1, explanation: 'e' }] },
        survey: [{ id: '__proto__', kind: 'text', question: 'Why?' }, { id: 'constructor', kind: 'text', question: 'And?' }],
      },
    });
    const refused = '"__proto__" cannot be an id (a JSON object drops that key); choose another';
    expect(found).toEqual(expect.arrayContaining([`arms.0.name: ${refused}`, `pages.quiz.questions.0.id: ${refused}`, `pages.survey.0.id: ${refused}`]));
    // only that one name: "constructor" is an id like any other
    expect(found.filter((p) => p.includes('constructor') || p.startsWith('pages.survey.1'))).toEqual([]);
  });

  it('checks each arm against the game: seat count, config, agents', () => {
    expect(problems({ ...tsStudy(), game: 'chess' })).toEqual(['game: unknown game "chess"; allowed: traitors, trust-split']);
    expect(problems({ ...tsStudy(), preset: 'constructor' })).toEqual(['preset: unknown preset "constructor" for trust-split; allowed: paper, human']);
    const found = problems({
      ...tsStudy(),
      arms: [
        { name: 'three', humans: 2, agents: ['greedy'], tablesTarget: 1 },
        { name: 'badconfig', config: { rounds: 0 }, tablesTarget: 1 },
        { name: 'badagent', agents: ['__proto__'], tablesTarget: 1 },
      ],
    });
    expect(found).toEqual([
      'arms.0 (three): table: 2 humans + 1 agents = 3 seats, but Trust-and-Split with this config has 2; allowed: humans + agents = 2',
      expect.stringMatching(/^arms\.1 \(badconfig\): config: Invalid trust-split config: rounds: /),
      'arms.2 (badagent): agents.0: unknown agent "__proto__"; allowed: scripted, cooperative, greedy, tit-for-tat, fair, random, llm, llm:<model> or an LLM spec object',
    ]);
  });

  it('reports a file that is not YAML or JSON, and an unknown format', () => {
    expect(problems('title: [unclosed', 'application/yaml')[0]).toMatch(/^\(file\): not valid YAML: /);
    expect(problems('{"title":', 'application/json')[0]).toMatch(/^\(file\): not valid JSON: /);
    expect(problems('x', 'text/plain')).toEqual(['(file): unsupported format "text/plain"; allowed: application/yaml or application/json (.yaml, .yml, .json)']);
  });
});

describe('assignment', () => {
  const def = parseStudyFile(JSON.stringify(tsStudy({ arms: [{ name: 'a', tablesTarget: 2 }, { name: 'b', tablesTarget: 1 }, { name: 'c', tablesTarget: 1 }] })), 'json') as StudyDefinition;
  const counts = (assigned: Record<string, number>, tables: Record<string, number> = {}) => ({
    assigned: new Map(Object.entries(assigned)),
    tablesStarted: new Map(Object.entries(tables)),
  });

  it('balanced: the open arm with the fewest participants, ties by the arms\' order; null when all are closed', () => {
    expect(chooseArm(def, counts({}))).toBe('a');
    expect(chooseArm(def, counts({ a: 1 }))).toBe('b');
    expect(chooseArm(def, counts({ a: 1, b: 1 }))).toBe('c');
    expect(chooseArm(def, counts({ a: 3, b: 1, c: 2 }))).toBe('b');
    expect(chooseArm(def, counts({ a: 3, b: 1, c: 2 }, { b: 1 }))).toBe('c');
    expect(chooseArm(def, counts({}, { a: 2, b: 1, c: 1 }))).toBeNull();
  });

  it('random: only open arms, each drawn', () => {
    const random = { ...def, assignment: 'random' as const };
    expect([0, 1].map((i) => chooseArm(random, counts({}, { b: 1 }), () => i))).toEqual(['a', 'c']);
  });
});

describe('human pacing of blind arms', () => {
  it('think times are lognormal around the median for each kind of request, typing grows with the message', () => {
    const rand = testRng(5);
    const speak = { kind: 'speak', maxChars: 280, channel: 'public', purpose: 'message', timeLimitSec: 90 } as const;
    const thinks = Array.from({ length: 2001 }, () => humanThinkMs(speak, rand(), rand())).sort((x, y) => x - y);
    const median = thinks[1000];
    expect(median).toBeGreaterThan(HUMAN_PACING.thinkMedianMs.speak * 0.9);
    expect(median).toBeLessThan(HUMAN_PACING.thinkMedianMs.speak * 1.1);
    expect(thinks[0]).toBeGreaterThanOrEqual(HUMAN_PACING.minThinkMs);
    // right-skewed: the 90th percentile is further from the median than the 10th
    expect(thinks[1800] - median).toBeGreaterThan(median - thinks[200]);
    expect(humanTypingMs(0, 0.5, 0.5)).toBe(0);
    expect(humanTypingMs(100, 0.5, 0.25)).toBe(100 * HUMAN_PACING.typingMsPerChar);
    expect(humanTypingMs(200, 0.5, 0.25)).toBe(2 * humanTypingMs(100, 0.5, 0.25));
  });
});

describe('POST /api/studies', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await bootServer({ studies: { tickMs: 100 } });
  });
  afterAll(async () => {
    await t.close();
  });
  const post = (body: string, type: string, query = '') =>
    fetch(`${t.url}/api/studies${query}`, { method: 'POST', headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': type }, body });

  it('creates from YAML (201 with the public link), refuses a taken slug (409) and bad files (400) without storing them', async () => {
    const yaml = example('trust-split-pairs-vs-blind.yaml');
    const created = await post(yaml, 'application/yaml');
    expect(created.status).toBe(201);
    const body = (await created.json()) as { id: string; slug: string; link: string };
    expect(body).toEqual({ id: expect.stringMatching(/^[0-9a-f]{10}$/), slug: 'trust-split-pairs-vs-blind', link: `${t.server.url}/s/trust-split-pairs-vs-blind` });

    const again = await post(yaml, 'application/yaml');
    expect(again.status).toBe(409);
    expect(((await again.json()) as { error: string }).error).toContain('slug "trust-split-pairs-vs-blind" exists already');

    const bad = await post(JSON.stringify({ ...tsStudy(), slug: 'other', arms: [] }), 'application/json');
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: string }).error).toContain('arms: at least one arm');

    const pilot = await post(yaml, 'application/yaml', '?pilot=1');
    expect(pilot.status).toBe(201);
    expect(((await pilot.json()) as { slug: string }).slug).toMatch(/^trust-split-pairs-vs-blind-pilot-[0-9a-f]{6}$/);

    const unauthorised = await fetch(`${t.url}/api/studies`, { method: 'POST', headers: { 'content-type': 'application/yaml' }, body: yaml });
    expect(unauthorised.status).toBe(401);

    const list = await t.api<{ studies: { slug: string }[] }>('GET', '/api/studies');
    expect(list.json.studies.map((s) => s.slug).sort()).toEqual(['trust-split-pairs-vs-blind', expect.stringMatching(/^trust-split-pairs-vs-blind-pilot-/)]);
    const detail = await t.api<{ definition: StudyDefinition; arms: unknown[] }>('GET', `/api/studies/${body.id}`);
    expect(detail.json.definition.arms.map((a) => a.name)).toEqual(['pairs', 'blind']);
    expect((await t.api('GET', '/api/studies/0123456789')).status).toBe(404);
  });

  it('npm run study -- create FILE creates the study on a running server', async () => {
    // async: the server runs in this process and must answer while the command waits
    const { stdout: out } = await promisify(execFile)(process.execPath, ['--import', 'tsx', 'scripts/study.ts', 'create', 'docs/studies/traitors.yaml', '--url', t.url], {
      cwd: REPO,
      env: { ...process.env, PARLEY_ADMIN_TOKEN: ADMIN_TOKEN },
      encoding: 'utf8',
    });
    expect(out).toContain(`Public link: ${t.server.url}/s/traitors`);
    expect(out).toContain('?PROLIFIC_PID={{%PROLIFIC_PID%}}&STUDY_ID={{%STUDY_ID%}}&SESSION_ID={{%SESSION_ID%}}');
  });
});
