// A two-arm study played to the end by four participants — one finishes a pairs game, one is
// dropped from it, one plays the blind arm and judges its partner, one fails the quiz — and its
// export (zip and `npm run export -- --study`) checked file by file against what happened.
import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ParticipantState } from '../../shared/protocol/study.ts';
import { csvRecords, unzip } from '../export/helpers.ts';
import { bootServer, connectClient, tempDir, type TestClient, type TestServer } from '../integration/helpers.ts';
import { createStudy, Participant, tsStudy, WRONG } from './flow-helpers.ts';

const REPO = path.resolve(import.meta.dirname, '../..');

let t: TestServer;
let study: { id: string; slug: string };
const clients: TestClient[] = [];
const outcome = new Map<string, { points: number[]; winners: number[]; seat: number; names: string[] }>();
let files: Map<string, Buffer>;
const file = (name: string) => files.get(`parley-study-two-arms/${name}`)!.toString();

beforeAll(async () => {
  t = await bootServer({ studies: { humanPacingScale: 0.001, agentDelayMs: 0, tickMs: 100 } });
  study = await createStudy(
    t,
    tsStudy({
      slug: 'two-arms',
      arms: [
        { name: 'pairs', tablesTarget: 5 },
        { name: 'blind', humans: 1, agents: ['tit-for-tat'], disclosure: 'blind', tablesTarget: 5 },
      ],
      timings: { maxWaitSec: 300, onTimeout: 'agents', dropAfterSec: 1 },
    }),
  );
  // balanced: P1 pairs, P2 blind, P3 pairs, P4 blind
  const [p1, p2, p3, p4] = ['P1', 'P2', 'P3', 'P4'].map((pid) => new Participant(t, 'two-arms', pid));
  for (const p of [p1, p2, p3, p4]) await p.enter({ STUDY_ID: 'PROLIFIC-STUDY', SESSION_ID: `S-${p.pid}` });
  expect((await p1.post('page', { page: 'consent' })).status).toBe(204);
  await p1.throughQuiz(true);
  await p2.throughQuiz();
  await p3.throughQuiz();
  await p4.ok('consent', { consent: true });
  await p4.ok('instructions', {});
  await p4.ok('quiz', { answers: WRONG });
  await p4.ok('quiz', { answers: { coins: 0, upper: 1 } });

  // P1 and P3 are seated together; P3 never opens the game (an agent takes over after 1 s: dropped)
  const until = async (p: Participant, stage: ParticipantState['stage']) => p.until(stage);
  await Promise.all([until(p1, 'game'), until(p3, 'game'), until(p2, 'game')]);
  // both players sit down before either game is played out (P2 waiting alone past dropAfterSec would be dropped)
  const playing = ([[p1, 1], [p2, 2]] as const).map(([p, seed]) => {
    const c = connectClient(t.url, p.state.game!.seatToken, { seed });
    clients.push(c);
    c.autoplay();
    return { p, c };
  });
  await Promise.all(
    playing.map(async ({ p, c }) => {
      const end = await c.waitForOutcome();
      outcome.set(p.pid!, { points: end.outcome!.points!, winners: end.outcome!.winners, seat: end.seat!, names: end.names });
    }),
  );
  await until(p1, 'survey');
  await until(p3, 'done');
  await p1.ok('survey', { answers: { trust: 6, strategy: 1, comments: '=HYPERLINK("x")' } });
  const judged = await until(p2, 'survey');
  await p2.ok('survey', { answers: { trust: 2, strategy: 0 }, judgements: [{ seat: judged.judge![0].seat, judgement: 'ai', confidence: 5 }] });

  const res = await fetch(`${t.url}/api/studies/${study.id}/export`, { headers: { authorization: 'Bearer test-admin-token' } });
  expect(res.status).toBe(200);
  files = unzip(Buffer.from(await res.arrayBuffer()));
});

afterAll(async () => {
  for (const c of clients) c.close();
  await t?.close();
});

const bonusOf = (pid: string) => {
  const o = outcome.get(pid)!;
  return Math.round((o.points[o.seat] * 0.01 + (o.winners.includes(o.seat) ? 0.25 : 0)) * 100) / 100;
};

describe('the study export', () => {
  it('participants.csv: one row per participant with arm, session, furthest stage, attempts and codes', () => {
    const rows = csvRecords(file('participants.csv'));
    expect(rows.map((r) => [r.participant_id, r.arm, r.stage, r.furthest_stage, r.outcome, r.completion_code, r.quiz_attempts, r.dropped])).toEqual([
      ['P1', 'pairs', 'done', 'done', 'completed', 'CCOMPL', '2', 'false'],
      ['P2', 'blind', 'done', 'done', 'completed', 'CCOMPL', '1', 'false'],
      ['P3', 'pairs', 'done', 'game', 'dropped', 'CDROP', '1', 'true'],
      ['P4', 'blind', 'done', 'quiz', 'failed_quiz', 'CQUIZ', '2', 'false'],
    ]);
    const p1 = rows[0];
    expect(p1.session).toBe(rows[2].session);
    expect(p1.session).not.toBe(rows[1].session);
    expect(rows[3].session).toBe('');
    expect(p1.recruiter_study_id).toBe('PROLIFIC-STUDY');
    expect(p1.recruiter_session_id).toBe('S-P1');
    for (const r of rows.slice(0, 3)) {
      expect(Number(r.time_consent_sec)).toBeGreaterThanOrEqual(0);
      expect(Number(r.time_game_sec)).toBeGreaterThanOrEqual(0);
      expect(Number(r.waited_sec)).toBeGreaterThanOrEqual(0);
    }
    expect(rows[3].time_game_sec).toBe('');
    expect(Number(p1.page_views)).toBe(1);
  });

  it('survey.csv: one row per answer, choice labels, text neutralised for spreadsheets', () => {
    const rows = csvRecords(file('survey.csv'));
    expect(rows.map((r) => [r.participant_id, r.arm, r.item_id, r.answer, r.answer_label])).toEqual([
      ['P1', 'pairs', 'trust', '6', ''],
      ['P1', 'pairs', 'strategy', '1', 'Bluffing'],
      ['P1', 'pairs', 'comments', `'=HYPERLINK("x")`, ''],
      ['P2', 'blind', 'trust', '2', ''],
      ['P2', 'blind', 'strategy', '0', 'Truthfully'],
    ]);
  });

  it('ai_judgements.csv is scored against who really sat there', () => {
    const rows = csvRecords(file('ai_judgements.csv'));
    const o = outcome.get('P2')!;
    expect(rows).toEqual([
      {
        study: study.id, arm: 'blind', participant_id: 'P2', session: rows[0].session, judged_seat: String(1 - o.seat), judged_name: o.names[1 - o.seat],
        judgement: 'ai', confidence: '5', truth: 'ai', agent: 'tit-for-tat', correct: 'true',
      },
    ]);
    const scores = csvRecords(file('ai_judgement_scores.csv'));
    expect(scores.map((s) => [s.scope, s.key, s.judgements, s.correct, s.rate])).toEqual([
      ['participant_accuracy', 'P2', '1', '1', '1'],
      ['agent_detection', 'tit-for-tat', '1', '1', '1'],
    ]);
  });

  it('payments.csv and bonuses.csv: show-up fee plus points × rate and the win bonus', () => {
    const rows = csvRecords(file('payments.csv'));
    const b1 = bonusOf('P1');
    const b2 = bonusOf('P2');
    expect(rows.map((r) => [r.participant_id, r.arm, r.outcome, r.base, r.bonus, r.total, r.currency, r.status])).toEqual([
      ['P1', 'pairs', 'completed', '1.50', b1.toFixed(2), (1.5 + b1).toFixed(2), 'GBP', 'approve'],
      ['P2', 'blind', 'completed', '1.50', b2.toFixed(2), (1.5 + b2).toFixed(2), 'GBP', 'approve'],
      ['P3', 'pairs', 'dropped', '1.50', '0.00', '1.50', 'GBP', 'review'],
      ['P4', 'blind', 'failed_quiz', '0.00', '0.00', '0.00', 'GBP', 'return'],
    ]);
    const expected = [['P1', b1], ['P2', b2]].filter(([, b]) => (b as number) > 0).map(([id, b]) => `${id},${(b as number).toFixed(2)}\n`).join('');
    expect(file('bonuses.csv')).toBe(expected);
  });

  it('joins the session tables with study, arm, session and participant columns', () => {
    const rounds = csvRecords(file('rounds.csv'));
    const participants = csvRecords(file('participants.csv'));
    const sessionOf = new Map(participants.map((p) => [p.participant_id, p.session]));
    // pairs: both seats are participants; blind: the agent's seat has no participant id
    expect(new Set(rounds.filter((r) => r.arm === 'pairs').map((r) => r.participant_id))).toEqual(new Set(['P1', 'P3']));
    expect(new Set(rounds.filter((r) => r.arm === 'blind').map((r) => r.participant_id))).toEqual(new Set(['P2', '']));
    for (const r of rounds) {
      expect(r.study).toBe(study.id);
      if (r.participant_id) expect(r.session).toBe(sessionOf.get(r.participant_id));
    }
    const seats = csvRecords(file('seats.csv'));
    expect(seats.map((s) => [s.arm, s.participant_id, s.kind, s.label]).sort()).toEqual(
      [['blind', '', 'agent', ''], ['blind', 'P2', 'human', 'P2'], ['pairs', 'P1', 'human', 'P1'], ['pairs', 'P3', 'human', 'P3']].sort(),
    );
    const events = file('events.jsonl').trim().split('\n').map((l) => JSON.parse(l) as { sessionId: string });
    expect(new Set(events.map((e) => e.sessionId))).toEqual(new Set([sessionOf.get('P1'), sessionOf.get('P2')]));
    expect(file('participant_events.jsonl')).toContain('"type":"quiz_attempt"');
  });

  it('npm run export -- --study writes the same files', async () => {
    const out = tempDir('parley-study-export-');
    try {
      execFileSync(process.execPath, ['--import', 'tsx', 'scripts/export.ts', '--study', study.id, '--out', out, '--data', t.dataDir], { cwd: REPO, stdio: 'pipe' });
      for (const name of ['participants.csv', 'payments.csv', 'bonuses.csv', 'survey.csv', 'ai_judgements.csv', 'rounds.csv']) {
        expect(readFileSync(path.join(out, name), 'utf8')).toBe(file(name));
      }
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
});
