// What the experimenter console needs from studies, against a real server and SQLite: closing and
// reopening recruitment (newcomers turned away, participants already in keep going, the change
// logged), the funnel per arm (a pure function, and over REST after driving participants), the
// study's tables with their sessions' status, and study file problems at their fields and lines.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import type { ArmFunnel, RecruitmentResponse, StudyDetail, StudyList, StudyProblem } from '../../shared/protocol/study.ts';
import { NOT_RECRUITING } from '../../server/studies/flow.ts';
import { studyFunnel, type FunnelParticipant } from '../../server/studies/funnel.ts';
import { SqliteStudyStore } from '../../server/store/sqlite-studies.ts';
import { ADMIN_TOKEN, bootServer, tempDir, type TestServer } from '../integration/helpers.ts';
import { allUntil, createStudy, Participant, tsStudy, WRONG } from './flow-helpers.ts';

const REPO = path.resolve(import.meta.dirname, '../..');

let servers: TestServer[] = [];
async function boot(): Promise<TestServer> {
  const t = await bootServer({ studies: { humanPacingScale: 0.001, agentDelayMs: 0, tickMs: 100 } });
  servers.push(t);
  return t;
}
afterEach(async () => {
  for (const s of servers) await s.close();
  servers = [];
});

const detail = async (t: TestServer, id: string) => {
  const res = await t.api<StudyDetail>('GET', `/api/studies/${id}`);
  expect(res.status).toBe(200);
  return res.json;
};
const setRecruitment = (t: TestServer, id: string, body: unknown, token?: string | null) =>
  t.api<RecruitmentResponse & { error?: string }>('POST', `/api/studies/${id}/recruitment`, body, token);

describe('studyFunnel', () => {
  const p = (arm: string, stage: FunnelParticipant['stage'], outcome: FunnelParticipant['outcome'] = null): FunnelParticipant => ({ arm, stage, outcome });
  const zero: Omit<ArmFunnel, 'arm'> = { arrived: 0, consented: 0, quizPassed: 0, quizFailed: 0, waiting: 0, playing: 0, surveyed: 0, completed: 0, noGroup: 0, dropped: 0 };

  it('counts who reached each step, who is waiting or playing now, and the outcomes, per arm in the file\'s order', () => {
    const funnel = studyFunnel(
      ['pairs', 'blind', 'empty'],
      [
        p('pairs', 'consent'),
        p('pairs', 'instructions'),
        p('pairs', 'quiz'),
        p('pairs', 'done', 'failed_quiz'),
        p('pairs', 'waiting'),
        p('pairs', 'done', 'no_group'),
        p('pairs', 'game'),
        p('pairs', 'done', 'dropped'),
        p('pairs', 'survey'),
        p('pairs', 'done', 'completed'),
        p('blind', 'game'),
        p('blind', 'done', 'completed'),
        p('gone-arm', 'done', 'completed'), // an arm no longer in the file is left out
      ],
    );
    expect(funnel).toEqual([
      { arm: 'pairs', arrived: 10, consented: 9, quizPassed: 6, quizFailed: 1, waiting: 1, playing: 1, surveyed: 2, completed: 1, noGroup: 1, dropped: 1 },
      { arm: 'blind', ...zero, arrived: 2, consented: 2, quizPassed: 2, playing: 1, surveyed: 1, completed: 1 },
      { arm: 'empty', ...zero },
    ]);
  });
});

describe('recruitment', () => {
  it('closed: a newcomer is turned away with what to do and nothing is stored; those already in resume; reopened: newcomers enter', async () => {
    const t = await boot();
    const study = await createStudy(t, tsStudy());
    const inside = new Participant(t, 'test-split', 'PID-IN');
    await inside.enter();
    await inside.ok('consent', { consent: true });
    expect((await detail(t, study.id)).recruiting).toBe(true);

    const closed = await setRecruitment(t, study.id, { open: false });
    expect(closed.status).toBe(200);
    expect(closed.json).toMatchObject({ id: study.id, recruiting: false });
    expect((await t.api<StudyList>('GET', '/api/studies')).json.studies[0].recruiting).toBe(false);

    // a newcomer: 410 with the message the study page shows, and no participant row
    const refused = await t.api<{ error: string }>('POST', '/api/s/test-split/enter', { query: { PROLIFIC_PID: 'PID-NEW' } }, null);
    expect(refused.status).toBe(410);
    expect(refused.json.error).toBe(NOT_RECRUITING);
    expect(refused.json.error).toContain('Please return it on Prolific');
    const afterRefusal = await detail(t, study.id);
    expect(afterRefusal.participants.total).toBe(1);
    expect(afterRefusal.participantList.map((x) => x.participantId)).toEqual(['PID-IN']);

    // the participant already in: same PID, and the browser's stored token alone, both resume where it was
    expect((await inside.enter()).stage).toBe('instructions');
    const byToken = await t.api<{ token: string; state: { stage: string } }>('POST', '/api/s/test-split/enter', { query: {}, token: inside.token }, null);
    expect(byToken.status).toBe(200);
    expect(byToken.json).toMatchObject({ token: inside.token, state: { stage: 'instructions' } });
    expect((await inside.ok('instructions', {})).stage).toBe('quiz');

    const reopened = await setRecruitment(t, study.id, { open: true });
    expect(reopened.json.recruiting).toBe(true);
    const newcomer = new Participant(t, 'test-split', 'PID-NEW');
    expect((await newcomer.enter()).stage).toBe('consent');
    expect((await detail(t, study.id)).participants.total).toBe(2);

    // each change is a study event; a repeated request changes and logs nothing
    expect((await setRecruitment(t, study.id, { open: true })).json.recruiting).toBe(true);
    const events = await t.server.studies.studies.studyEvents(study.id);
    expect(events.map((e) => e.type)).toEqual(['recruitment_closed', 'recruitment_opened']);
  });

  it('refuses a bad body, an unknown study and a request without the admin token, changing nothing', async () => {
    const t = await boot();
    const study = await createStudy(t, tsStudy());
    const bad = await setRecruitment(t, study.id, { open: 'no' });
    expect(bad.status).toBe(400);
    expect(bad.json.error).toContain('open');
    expect((await setRecruitment(t, study.id, { open: false, extra: 1 })).status).toBe(400);
    expect((await setRecruitment(t, '0123456789', { open: false })).status).toBe(404);
    expect((await setRecruitment(t, study.id, { open: false }, null)).status).toBe(401);
    expect((await detail(t, study.id)).recruiting).toBe(true);
  });

  it('a database from before recruitment could be closed gains the column, every study open', async () => {
    const db = new Database(path.join(tempDir(), 'old.sqlite'));
    db.exec(`CREATE TABLE studies (id TEXT PRIMARY KEY, slug TEXT NOT NULL UNIQUE, title TEXT NOT NULL, game TEXT NOT NULL,
      definition TEXT NOT NULL, source TEXT NOT NULL, pilot INTEGER NOT NULL, created_at INTEGER NOT NULL)`);
    db.prepare('INSERT INTO studies VALUES (?, ?, ?, ?, ?, ?, ?, ?)').run('abcdef0123', 'old', 'Old', 'trust-split', '{}', '', 0, 1);
    const store = new SqliteStudyStore(db);
    expect((await store.study('abcdef0123'))?.recruiting).toBe(true);
    await store.setRecruiting('abcdef0123', false, 2);
    expect((await new SqliteStudyStore(db).study('abcdef0123'))?.recruiting).toBe(false);
    db.close();
  });
});

describe('GET /api/studies/:id for the console', () => {
  it('has the funnel per arm after participants stop at consent, fail the quiz, wait and play; tables carry their session status', async () => {
    const t = await boot();
    const study = await createStudy(t, tsStudy({ arms: [{ name: 'pairs', tablesTarget: 5 }, { name: 'solo', humans: 1, agents: ['greedy'], tablesTarget: 5 }] }));
    // balanced assignment alternates pairs, solo, pairs, solo, …
    const arrivedOnly = new Participant(t, 'test-split', 'P1'); // pairs
    const failer = new Participant(t, 'test-split', 'P2'); // solo
    const waiter = new Participant(t, 'test-split', 'P3'); // pairs
    const consentedOnly = new Participant(t, 'test-split', 'P4'); // solo
    for (const x of [arrivedOnly, failer, waiter, consentedOnly]) await x.enter();
    await consentedOnly.ok('consent', { consent: true });
    await failer.ok('consent', { consent: true });
    await failer.ok('instructions', {});
    await failer.ok('quiz', { answers: WRONG });
    await failer.ok('quiz', { answers: { ...WRONG, upper: 1 } }); // second and last try, wrong again
    await waiter.throughQuiz();
    expect(waiter.state.stage).toBe('waiting');

    let d = await detail(t, study.id);
    expect(d.funnel).toEqual([
      { arm: 'pairs', arrived: 2, consented: 1, quizPassed: 1, quizFailed: 0, waiting: 1, playing: 0, surveyed: 0, completed: 0, noGroup: 0, dropped: 0 },
      { arm: 'solo', arrived: 2, consented: 2, quizPassed: 0, quizFailed: 1, waiting: 0, playing: 0, surveyed: 0, completed: 0, noGroup: 0, dropped: 0 },
    ]);
    expect(d.tables).toEqual([]);

    // a second pairs participant: the table forms and both play
    const partner = new Participant(t, 'test-split', 'P5'); // solo has 2, pairs 2: pairs (first in order)
    await partner.enter();
    await partner.throughQuiz();
    await allUntil([waiter, partner], 'game');
    d = await detail(t, study.id);
    expect(d.funnel[0]).toMatchObject({ arm: 'pairs', arrived: 3, consented: 2, quizPassed: 2, waiting: 0, playing: 2 });
    expect(d.tables).toEqual([
      expect.objectContaining({ arm: 'pairs', sessionId: expect.any(String), status: 'active', seats: expect.arrayContaining(['P3', 'P5']) }),
    ]);
    const session = await t.api<{ status: string }>('GET', `/api/sessions/${d.tables[0].sessionId}`);
    expect(session.json.status).toBe('active');
    // the console's session row names the study and the arm of the table
    const listed = await t.api<{ summaries: { id: string; study: unknown }[] }>('GET', '/api/sessions');
    expect(listed.json.summaries.find((row) => row.id === d.tables[0].sessionId)?.study).toEqual({ id: study.id, slug: d.slug, arm: 'pairs' });
    // the payments rows: the quiz failure's code and its payment (nothing: Prolific asks it to return)
    const failed = d.participantList.find((x) => x.participantId === 'P2')!;
    expect(failed).toMatchObject({ arm: 'solo', outcome: 'failed_quiz', code: 'CQUIZ', payment: { showUp: 0, bonus: 0, total: 0, currency: 'GBP' } });
  });
});

describe('POST /api/studies with a bad file', () => {
  const post = (t: TestServer, body: string, type: string) =>
    fetch(`${t.url}/api/studies`, { method: 'POST', headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': type }, body });
  const problemsOf = async (res: Response) => {
    expect(res.status).toBe(400);
    const json = (await res.json()) as { error: string; problems: StudyProblem[] };
    expect(json.error).toMatch(/^Invalid study file:/);
    return json.problems;
  };

  it('answers 400 with each problem at its field and line, stores nothing', async () => {
    const t = await boot();
    const yaml = readFileSync(path.join(REPO, 'docs/studies/trust-split-pairs-vs-blind.yaml'), 'utf8');
    const lines = yaml.split('\n');
    // a field of the file: a bad payment currency, at its line
    const badCurrency = yaml.replace(/currency: \w+/, 'currency: pounds');
    const currency = await problemsOf(await post(t, badCurrency, 'application/yaml'));
    expect(currency).toEqual([{ path: 'payment.currency', message: 'a 3-letter currency code such as GBP, USD, EUR', line: expect.any(Number) }]);
    expect(badCurrency.split('\n')[currency[0].line! - 1]).toContain('currency: pounds');

    // the first arm's config against the game: rounds 0, at the arm's config key
    const armAt = lines.findIndex((l) => /^\s*-\s*name:\s*pairs/.test(l));
    expect(armAt).toBeGreaterThan(0);
    const indent = /^(\s*)-/.exec(lines[armAt])![1] + '  ';
    const broken = [...lines.slice(0, armAt + 1), `${indent}config: { rounds: 0 }`, ...lines.slice(armAt + 1)].join('\n');
    const config = await problemsOf(await post(t, broken, 'application/yaml'));
    expect(config).toEqual([{ path: 'arms.0.config.rounds', message: expect.stringContaining('arm "pairs"'), line: armAt + 2 }]);

    // a YAML syntax error: at its line
    const syntax = await problemsOf(await post(t, 'title: ok\nslug: [unclosed\ngame: trust-split\n', 'application/yaml'));
    expect(syntax).toEqual([{ path: expect.stringMatching(/^line \d+$/), line: expect.any(Number), message: expect.stringMatching(/^not valid YAML: /) }]);

    // JSON: a seat problem at the arm, a missing field at its parent
    const json = JSON.stringify({ ...tsStudy({ arms: [{ name: 'three', humans: 2, agents: ['greedy'], tablesTarget: 1 }] }), completion: undefined }, null, 2);
    const jsonProblems = await problemsOf(await post(t, json, 'application/json'));
    expect(jsonProblems).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ path: 'completion', message: expect.stringContaining('missing') }),
      ]),
    );
    const armProblems = await problemsOf(await post(t, JSON.stringify(tsStudy({ arms: [{ name: 'three', humans: 2, agents: ['greedy'], tablesTarget: 1 }] }), null, 2), 'application/json'));
    expect(armProblems).toEqual([{ path: 'arms.0', message: expect.stringContaining('2 humans + 1 agents = 3 seats'), line: expect.any(Number) }]);

    expect((await t.api<StudyList>('GET', '/api/studies')).json.studies).toEqual([]);
  });
});
