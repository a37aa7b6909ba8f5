// The whole study flow over REST and Socket.io against a real server and SQLite: two participants
// form a pairs table and play it, a blind table with its agent, the same PID coming back, quiz
// failure, both waiting-room timeout rules, and a restart in the middle of it all.
import { afterEach, describe, expect, it } from 'vitest';
import type { ParticipantState, QuizResult } from '../../shared/protocol/study.ts';
import { bootServer, connectClient, tempDir, type TestClient, type TestServer } from '../integration/helpers.ts';
import { allUntil, createStudy, Participant, RIGHT, tsStudy, WRONG } from './flow-helpers.ts';

let servers: TestServer[] = [];
let clients: TestClient[] = [];

async function boot(dataDir?: string): Promise<TestServer> {
  const t = await bootServer({ ...(dataDir ? { dataDir } : {}), studies: { humanPacingScale: 0.001, agentDelayMs: 0, tickMs: 100 } });
  servers.push(t);
  return t;
}

afterEach(async () => {
  for (const c of clients) c.close();
  clients = [];
  for (const s of servers) await s.close();
  servers = [];
});

function play(t: TestServer, state: ParticipantState, seed: number): TestClient {
  const client = connectClient(t.url, state.game!.seatToken, { seed });
  clients.push(client);
  client.autoplay();
  return client;
}

describe('a pairs table from two participants', () => {
  it('goes consent → quiz → waiting → game → survey → done, with codes and payments from the points', async () => {
    const t = await boot();
    const study = await createStudy(t, tsStudy());
    expect(study.link).toBe(`${t.server.url}/s/test-split`);

    const a = new Participant(t, 'test-split', 'PID-A');
    const b = new Participant(t, 'test-split', 'PID-B');
    const entered = await a.enter({ STUDY_ID: 'S1', SESSION_ID: 'X1' });
    expect(entered.stage).toBe('consent');
    expect(entered.participantId).toBe('PID-A');
    // raw HTML in the Markdown is shown as text, never run
    expect(entered.pages.consentHtml).toContain('<strong>I consent</strong>');
    expect(entered.pages.consentHtml).not.toContain('<script>');
    // no answers and no arm reach the browser
    expect(JSON.stringify(entered)).not.toMatch(/"answer"|explanation|pairs/);
    expect(entered.pages.instructionsHtml).toContain('Trust-and-Split');

    // wrong stage: 409 naming the stage; a repeat of the last request: the same answer
    const early = await a.post('quiz', { answers: RIGHT });
    expect(early.status).toBe(409);
    expect(early.json.error).toContain('"consent"');
    const consented = await a.ok('consent', { consent: true });
    expect(consented.stage).toBe('instructions');
    expect((await a.ok('consent', { consent: true })).stage).toBe('instructions');

    await a.ok('instructions', {});
    const wrong = await a.ok<{ state: ParticipantState; result: QuizResult }>('quiz', { answers: WRONG });
    expect(wrong.result).toEqual({
      passed: false,
      attemptsLeft: 1,
      questions: [
        { id: 'coins', correct: false, explanation: 'Ten coins each round.' },
        { id: 'upper', correct: true, explanation: 'The winning hand.' },
      ],
    });
    expect(wrong.state.stage).toBe('quiz');
    // the same wrong answers again are a repeat, not a second attempt
    const again = await a.ok<{ state: ParticipantState; result: QuizResult }>('quiz', { answers: WRONG });
    expect(again.state.quiz).toEqual({ attemptsUsed: 1, maxAttempts: 2 });
    const words = await a.post('quiz', JSON.parse('{"answers":{"__proto__":1,"constructor":0,"coins":1,"upper":0}}'));
    expect(words.status).toBe(400);
    expect(words.json.error).toContain('answers.constructor: no such question; allowed: coins, upper');
    const bad = await a.post('quiz', { answers: { coins: 7 } });
    expect(bad.status).toBe(400);
    expect(bad.json.error).toContain('answers.coins: 7 is not an option');
    expect(bad.json.error).toContain('answers.upper: missing');
    const passed = await a.ok<{ state: ParticipantState; result: QuizResult }>('quiz', { answers: RIGHT });
    expect(passed.result.passed).toBe(true);
    expect(passed.state.stage).toBe('waiting');
    expect(passed.state.waiting).toMatchObject({ humansNeeded: 1, humansPresent: 1, maxWaitSec: 300 });

    // A waits alone; reloading (same PID) returns to the waiting room with the same token
    const reloaded = new Participant(t, 'test-split', 'PID-A');
    expect((await reloaded.enter()).stage).toBe('waiting');
    expect(reloaded.token).toBe(a.token);

    await b.enter();
    await b.throughQuiz();
    await allUntil([a, b], 'game');
    expect(a.state.game!.playUrl).toBe(`/play/${a.state.game!.seatToken}?session=${a.state.game!.sessionId}`);
    expect(a.state.game!.seatToken).not.toBe(b.state.game!.seatToken);

    // the same PID in a new tab and with another SESSION_ID: still the same participant and game
    const newTab = new Participant(t, 'test-split', 'PID-B');
    const back = await newTab.enter({ SESSION_ID: 'another' });
    expect(newTab.token).toBe(b.token);
    expect(back.game).toEqual(b.state.game);

    const ca = play(t, a.state, 1);
    const cb = play(t, b.state, 2);
    const [end] = await Promise.all([ca.waitForOutcome(), cb.waitForOutcome()]);
    // a pairs table shows no agents (there are none) and both seats are labelled with the PIDs
    const detail = await t.api<{ tables: { sessionId: string; seats: (string | null)[] }[] }>('GET', `/api/studies/${study.id}`);
    expect(detail.json.tables).toHaveLength(1);
    expect([...detail.json.tables[0].seats].sort()).toEqual(['PID-A', 'PID-B']);
    const session = await t.api<{ seats: { label?: string; kind: string }[]; options: { revealAgents: boolean } }>('GET', `/api/sessions/${end.sessionId}`);
    expect(session.json.seats.map((s) => s.label).sort()).toEqual(['PID-A', 'PID-B']);
    expect(session.json.options.revealAgents).toBe(true);

    await allUntil([a, b], 'survey');
    expect(a.state.judge).toBeNull();
    const missing = await a.post('survey', { answers: { strategy: 0 } });
    expect(missing.status).toBe(400);
    expect(missing.json.error).toContain('answers.trust: missing');
    const outOfScale = await a.post('survey', { answers: { trust: 9, strategy: 0 } });
    expect(outOfScale.json.error).toContain('answers.trust: must be an integer; allowed: 1 to 7');
    const doneA = await a.ok('survey', { answers: { trust: 5, strategy: 1, comments: 'fun' } });
    const doneB = await b.ok('survey', { answers: { trust: 2, strategy: 0 } });

    const points = end.outcome!.points!;
    const winners = end.outcome!.winners;
    for (const [state, p] of [[doneA, a], [doneB, b]] as const) {
      expect(state.stage).toBe('done');
      const seat = p.state.game ? (await t.api<{ participantList: { participantId: string; seat: number }[] }>('GET', `/api/studies/${study.id}`)).json.participantList.find((x) => x.participantId === p.pid)!.seat : -1;
      const bonus = Math.round((points[seat] * 0.01 + (winners.includes(seat) ? 0.25 : 0)) * 100) / 100;
      expect(state.completion).toEqual({
        outcome: 'completed',
        code: 'CCOMPL',
        redirectUrl: 'https://app.prolific.com/submissions/complete?cc=CCOMPL',
        payment: { showUp: 1.5, bonus, total: Math.round((1.5 + bonus) * 100) / 100, currency: 'GBP' },
      });
    }
    // still the same place after finishing: same PID → the completion page, never a second game
    const later = new Participant(t, 'test-split', 'PID-A');
    expect((await later.enter()).completion!.code).toBe('CCOMPL');

    const list = await t.api<{ studies: { arms: unknown[]; participants: unknown }[] }>('GET', '/api/studies');
    expect(list.json.studies[0].arms).toEqual([{ name: 'pairs', tablesTarget: 5, tablesStarted: 1, closed: false }]);
    expect(list.json.studies[0].participants).toEqual({ total: 2, byStage: { done: 2 }, byOutcome: { completed: 2 } });
  });
});

describe('a Traitors study', () => {
  it('seats two participants with six agents labelled AI and pays the win bonus to the winning side', async () => {
    const t = await boot();
    const study = await createStudy(t, {
      ...tsStudy(),
      slug: 'traitors-test',
      game: 'traitors',
      preset: 'table',
      config: { discussionPasses: 1, traitorChatPasses: 1, introductions: false, beliefs: 'off' },
      table: { humans: 2, agents: ['scripted', 'scripted', 'scripted', 'scripted', 'scripted', 'scripted'] },
      pages: { consent: 'Consent?', survey: [{ id: 'enjoy', kind: 'likert', question: 'Fun?' }] },
      payment: { showUp: 4, bonusPerWin: 2, currency: 'GBP' },
    });
    const a = new Participant(t, 'traitors-test', 'T-A');
    const b = new Participant(t, 'traitors-test', 'T-B');
    for (const p of [a, b]) {
      const entered = await p.enter();
      expect(entered.pages.instructionsHtml).toContain('traitors');
      expect(entered.pages.quiz).toEqual([]);
      await p.ok('consent', { consent: true });
      // no quiz in this study: the instructions lead straight to the waiting room
      expect((await p.ok('instructions', {})).stage).toBe('waiting');
    }
    await allUntil([a, b], 'game');
    const ca = play(t, a.state, 6);
    const cb = play(t, b.state, 7);
    const [end] = await Promise.all([ca.waitForOutcome(60_000), cb.waitForOutcome(60_000)]);
    expect(end.agentSeats).toHaveLength(6);
    expect(end.agentSeats).not.toContain(ca.latest!.seat);
    await allUntil([a, b], 'survey');
    for (const [p, c] of [[a, ca], [b, cb]] as const) {
      const done = await p.ok('survey', { answers: { enjoy: 4 } });
      const won = end.outcome!.winners.includes(c.latest!.seat!);
      expect(done.completion!.payment).toEqual({ showUp: 4, bonus: won ? 2 : 0, total: won ? 6 : 4, currency: 'GBP' });
    }
    const detail = await t.api<{ participants: { byOutcome: Record<string, number> } }>('GET', `/api/studies/${study.id}`);
    expect(detail.json.participants.byOutcome).toEqual({ completed: 2 });
  });
});

describe('a blind table', () => {
  it('seats one human with the agent, tells nothing about it, and asks "human or AI?"', async () => {
    const t = await boot();
    const study = await createStudy(
      t,
      tsStudy({
        slug: 'blind-split',
        arms: [{ name: 'blind', humans: 1, agents: ['tit-for-tat'], disclosure: 'blind', tablesTarget: 3 }],
      }),
    );
    const p = new Participant(t, 'blind-split', 'PID-BLIND');
    await p.enter();
    await p.throughQuiz();
    const waiting = await p.poll();
    // the waiting room of a blind arm does not say how many seats are people
    if (waiting.stage === 'waiting') expect(waiting.waiting!.humansNeeded).toBeGreaterThanOrEqual(1);
    await p.until('game');
    const client = play(t, p.state, 3);
    const end = await client.waitForOutcome();
    for (const s of client.states) {
      expect(s.agentSeats).toBeNull();
      expect(s.connected).toEqual([true, true]);
    }
    expect(client.presence).toEqual([]);
    const session = await t.api<{ options: { revealAgents: boolean; agentPacing: string; maskPresence: boolean }; seats: { kind: string; label?: string }[] }>(
      'GET',
      `/api/sessions/${end.sessionId}`,
    );
    expect(session.json.options).toMatchObject({ revealAgents: false, agentPacing: 'human', maskPresence: true });
    expect(session.json.seats.map((s) => s.kind).sort()).toEqual(['agent', 'human']);

    const survey = await p.until('survey');
    const other = 1 - (client.latest!.seat as number);
    expect(survey.judge).toEqual([{ seat: other, name: client.latest!.names[other] }]);
    const noJudgement = await p.post('survey', { answers: { trust: 3, strategy: 0 } });
    expect(noJudgement.status).toBe(400);
    expect(noJudgement.json.error).toContain(`judgements: missing a judgement for seat ${other}`);
    const ownSeat = await p.post('survey', { answers: { trust: 3, strategy: 0 }, judgements: [{ seat: 1 - other, judgement: 'ai', confidence: 3 }] });
    expect(ownSeat.json.error).toContain('is not another player at your table');
    const done = await p.ok('survey', { answers: { trust: 3, strategy: 0 }, judgements: [{ seat: other, judgement: 'human', confidence: 4 }] });
    expect(done.completion!.outcome).toBe('completed');
    const detail = await t.api<{ arms: { tablesStarted: number }[] }>('GET', `/api/studies/${study.id}`);
    expect(detail.json.arms[0].tablesStarted).toBe(1);
  });
});

describe('the quiz', () => {
  it('ends with failed_quiz and no game after the last wrong attempt', async () => {
    const t = await boot();
    await createStudy(t, tsStudy());
    const p = new Participant(t, 'test-split', 'PID-Q');
    await p.enter();
    await p.ok('consent', { consent: true });
    await p.ok('instructions', {});
    await p.ok('quiz', { answers: WRONG });
    const last = await p.ok<{ state: ParticipantState; result: QuizResult }>('quiz', { answers: { coins: 0, upper: 1 } });
    expect(last.result).toMatchObject({ passed: false, attemptsLeft: 0 });
    expect(last.state.stage).toBe('done');
    expect(last.state.game).toBeNull();
    expect(last.state.completion).toEqual({
      outcome: 'failed_quiz',
      code: 'CQUIZ',
      redirectUrl: 'https://app.prolific.com/submissions/complete?cc=CQUIZ',
      payment: { showUp: 0, bonus: 0, total: 0, currency: 'GBP' },
    });
    const more = await p.post('quiz', { answers: RIGHT });
    expect(more.status).toBe(409);
    expect(more.json.error).toContain('"done"');
  });
});

describe('the waiting room', () => {
  it('no_group: after the longest wait the participant is sent home with the show-up fee', async () => {
    const t = await boot();
    await createStudy(t, tsStudy({ timings: { maxWaitSec: 1, onTimeout: 'no_group' } }));
    const p = new Participant(t, 'test-split', 'PID-ALONE');
    await p.enter();
    await p.throughQuiz();
    const done = await p.until('done');
    expect(done.game).toBeNull();
    expect(done.completion).toMatchObject({ outcome: 'no_group', code: 'CNOGRP', payment: { showUp: 1.5, bonus: 0, total: 1.5 } });
  });

  it('agents: after the longest wait the table starts with an agent in the missing human seat', async () => {
    const t = await boot();
    const study = await createStudy(t, tsStudy({ timings: { maxWaitSec: 1, onTimeout: 'agents' } }));
    const p = new Participant(t, 'test-split', 'PID-FILL');
    await p.enter();
    await p.throughQuiz();
    await p.until('game');
    const detail = await t.api<{ tables: { seats: (string | null)[]; agentFilled: number }[] }>('GET', `/api/studies/${study.id}`);
    expect(detail.json.tables).toHaveLength(1);
    expect(detail.json.tables[0].agentFilled).toBe(1);
    expect(detail.json.tables[0].seats.filter((s) => s === null)).toHaveLength(1);
  });

  it('sends participants home with no_group when their arm cannot start a table on this server', async () => {
    const t = await boot();
    // "llm" passes the file's checks, but this server has no LLM provider
    await createStudy(t, tsStudy({ arms: [{ name: 'llm', humans: 1, agents: ['llm'], tablesTarget: 2 }] }));
    const p = new Participant(t, 'test-split', 'PID-NOLLM');
    await p.enter();
    await p.throughQuiz();
    const done = await p.until('done');
    expect(done.completion).toMatchObject({ outcome: 'no_group', code: 'CNOGRP', payment: { total: 1.5 } });
  });

  it('seats only participants who are present: a closed tab is not seated', async () => {
    const t = await bootServer({ studies: { agentDelayMs: 0, tickMs: 100, presentMs: 500 } });
    servers.push(t);
    const study = await createStudy(t, tsStudy({ arms: [{ name: 'pairs', tablesTarget: 5 }] }));
    const gone = new Participant(t, 'test-split', 'PID-GONE');
    await gone.enter();
    await gone.throughQuiz();
    // PID-GONE stops polling (closed tab); wait until it no longer counts as present
    for (;;) {
      const detail = await t.api<{ participantList: { participantId: string; present: boolean | null }[] }>('GET', `/api/studies/${study.id}`);
      if (detail.json.participantList.find((x) => x.participantId === 'PID-GONE')!.present === false) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const c = new Participant(t, 'test-split', 'PID-C');
    const d = new Participant(t, 'test-split', 'PID-D');
    await c.enter();
    await c.throughQuiz();
    expect((await c.poll()).waiting).toMatchObject({ humansPresent: 1, humansNeeded: 1 });
    await d.enter();
    await d.throughQuiz();
    await allUntil([c, d], 'game');
    const detail = await t.api<{ tables: { seats: (string | null)[] }[] }>('GET', `/api/studies/${study.id}`);
    expect(detail.json.tables.flatMap((x) => x.seats).sort()).toEqual(['PID-C', 'PID-D']);
    // it comes back later: still waiting, never placed in their game
    expect((await gone.poll()).stage).toBe('waiting');
  });
});

describe('entering', () => {
  it('keeps a participant without a PID by its stored token, generates an id, and closes full studies with 410', async () => {
    const t = await boot();
    await createStudy(t, tsStudy({ arms: [{ name: 'pairs', tablesTarget: 1 }], timings: { maxWaitSec: 1, onTimeout: 'agents' } }));
    const anon = new Participant(t, 'test-split', null);
    const first = await anon.enter();
    expect(first.participantId).toMatch(/^anon-[0-9a-f]{12}$/);
    const token = anon.token;
    const again = await anon.enter();
    expect(anon.token).toBe(token);
    expect(again.participantId).toBe(first.participantId);
    await anon.throughQuiz();
    await anon.until('game');
    // the only arm has its table: no new participants
    const res = await t.api<{ error: string }>('POST', '/api/s/test-split/enter', { query: { PROLIFIC_PID: 'LATE' } }, null);
    expect(res.status).toBe(410);
    expect(res.json.error).toContain('closed for new participants');
    const unknown = await t.api<{ error: string }>('POST', '/api/s/no-such-study/enter', { query: {} }, null);
    expect(unknown.status).toBe(404);
    const proto = await t.api<{ error: string }>('POST', '/api/s/constructor/enter', { query: { __proto__: 'x' } }, null);
    expect(proto.status).toBe(404);
  });

  it('rate-limits entries per client address', async () => {
    const t = await bootServer({ studies: { entersPerMin: 2, tickMs: 100 } });
    servers.push(t);
    await createStudy(t, tsStudy());
    for (const pid of ['R1', 'R2']) expect((await t.api('POST', '/api/s/test-split/enter', { query: { PROLIFIC_PID: pid } }, null)).status).toBe(200);
    const limited = await t.api<{ error: string }>('POST', '/api/s/test-split/enter', { query: { PROLIFIC_PID: 'R3' } }, null);
    expect(limited.status).toBe(429);
    expect(limited.json.error).toContain('at most 2 a minute');
  });
});

describe('a restart', () => {
  it('loses no participant: the waiting one is still waiting, the seated one plays on and finishes', async () => {
    const dataDir = tempDir();
    let t = await boot(dataDir);
    await createStudy(t, tsStudy({ timings: { maxWaitSec: 300, onTimeout: 'agents' } }));
    const a = new Participant(t, 'test-split', 'PID-R1');
    const b = new Participant(t, 'test-split', 'PID-R2');
    const w = new Participant(t, 'test-split', 'PID-R3');
    await a.enter();
    await a.throughQuiz(true);
    await b.enter();
    await b.throughQuiz();
    await allUntil([a, b], 'game');
    await w.enter();
    await w.ok('consent', { consent: true });
    const seat = a.state.game!;
    await t.close();
    servers = servers.filter((s) => s !== t);

    t = await boot(dataDir);
    for (const p of [a, b, w]) p.t = t;
    expect((await a.poll()).game).toEqual(seat);
    expect(a.state.quiz.attemptsUsed).toBe(2);
    expect((await w.poll()).stage).toBe('instructions');
    const ca = play(t, a.state, 4);
    const cb = play(t, b.state, 5);
    await Promise.all([ca.waitForOutcome(), cb.waitForOutcome()]);
    await allUntil([a, b], 'survey');
    const again = new Participant(t, 'test-split', 'PID-R1');
    expect((await again.enter()).stage).toBe('survey');
  });
});
