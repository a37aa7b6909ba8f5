// Pilot bots (issue 10, item 7) against a real server: 40 simulated participants go through a
// two-arm Trust-and-Split study — arriving at random times, some failing the quiz once, some
// closing the tab in the waiting room or mid-game — and the study export they leave behind is
// checked row by row against what each bot saw.
import { existsSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runPilot, type PilotResult } from '../../scripts/study/pilot.ts';
import { STAGES, type Stage } from '../../shared/protocol/study.ts';
import { parseStudyFile } from '../../shared/study/definition.ts';
import { csvRecords } from '../export/helpers.ts';
import { ADMIN_TOKEN, bootServer, tempDir, type TestServer } from '../integration/helpers.ts';

const PAYMENT = { showUp: 1.5, bonusPerPoint: 0.02, bonusPerWin: 0.25, currency: 'GBP' };

/** The example study's shape, made quick: two short rounds, short deadlines and waits. */
export const PILOT_STUDY = {
  title: 'Pilot: splitting coins',
  slug: 'pilot-split',
  game: 'trust-split',
  preset: 'human',
  config: { rounds: 2, messagesPerRound: 1, timeouts: { speak: 4, propose: 4 } },
  table: { humans: 2, agents: [] },
  arms: [
    { name: 'pairs', tablesTarget: 40 },
    { name: 'blind', humans: 1, agents: ['tit-for-tat'], disclosure: 'blind', tablesTarget: 40, onTimeout: 'agents' },
  ],
  assignment: 'balanced',
  pages: {
    consent: 'You will play a short game. Press **I consent** to take part.',
    quiz: {
      maxAttempts: 2,
      questions: [
        { id: 'coins', question: 'How many coins are split each round?', options: ['5', '10', '20'], answer: 1, explanation: 'Ten coins each round.' },
        { id: 'upper', question: 'Who holds the upper hand?', options: ['The winning hand', 'The losing hand'], answer: 0, explanation: 'The hand that wins rock-paper-scissors.' },
      ],
    },
    survey: [
      { id: 'trust', kind: 'likert', question: 'How much did you trust the other player?', scale: { min: 1, max: 7, minLabel: 'Not at all', maxLabel: 'Completely' } },
      { id: 'strategy', kind: 'choice', question: 'How did you play?', options: ['Truthfully', 'Bluffing sometimes', 'Bluffing mostly'] },
      { id: 'comments', kind: 'text', question: 'Anything else?' },
    ],
  },
  timings: { maxWaitSec: 4, onTimeout: 'agents', dropAfterSec: 5 },
  payment: PAYMENT,
  completion: { codes: { completed: 'PCOMPL', failed_quiz: 'PQUIZ', no_group: 'PNOGRP', dropped: 'PDROP' }, redirectUrl: null },
};

const money = (text: string | undefined) => Number(text);
const cents = (x: number) => Math.round(x * 100);

describe('pilot bots: 40 participants through a two-arm study', () => {
  let server: TestServer;
  let out: string;
  let result: PilotResult;
  const lines: string[] = [];

  beforeAll(async () => {
    server = await bootServer();
    out = tempDir('parley-pilot-');
    result = await runPilot({
      fileText: JSON.stringify(PILOT_STUDY),
      fileName: 'pilot.json',
      url: server.url,
      adminToken: ADMIN_TOKEN,
      participants: 40,
      out,
      seed: 7,
      arrivalSec: 12,
      quizFailShare: 0.15,
      leaveWaitingShare: 0.1,
      leaveGameShare: 0.1,
      timeoutSec: 400,
      progressMs: 0,
      log: (line) => lines.push(line),
    });
  }, 420_000);

  afterAll(async () => {
    await server?.close();
    if (out) rmSync(out, { recursive: true, force: true });
  });

  it('sends every participant through without a bot error, and prints the funnel', () => {
    expect(result.bots.filter((b) => b.error).map((b) => `${b.index}: ${b.error}`)).toEqual([]);
    expect(result.bots).toHaveLength(40);
    expect(result.study.slug).toMatch(/^pilot-split-pilot-[a-z0-9]+$/);
    // the funnel: a header, a row per stage and outcome, a total of 40 over both arms
    const header = lines.find((l) => l.startsWith('stage / outcome'));
    expect(header).toMatch(/blind\s+pairs\s+all/);
    expect(lines.find((l) => l.startsWith('total'))).toMatch(/\s40$/);
    expect(lines.some((l) => /^completed\s+\d+\s+\d+\s+\d+$/.test(l))).toBe(true);
  });

  it('exercises what it promises: quiz failures, tabs closed while waiting and mid-game', () => {
    const failers = result.bots.filter((b) => b.plan.failQuizOnce);
    const waitLeavers = result.bots.filter((b) => b.plan.leaveWaitingAfterMs !== null);
    const gameLeavers = result.bots.filter((b) => b.plan.leaveGameAfterActions !== null);
    expect(failers.length).toBeGreaterThan(0);
    expect(waitLeavers.length).toBeGreaterThan(0);
    expect(gameLeavers.length).toBeGreaterThan(0);
    // failed once, passed the second time, and went on to the waiting room
    for (const bot of failers) {
      expect(bot.quizAttempts).toBe(2);
      expect(bot.stages.map((s) => s.stage)).toContain('waiting');
    }
    // a bot that closed the tab mid-game really was in a game and did not see its end
    for (const bot of result.bots.filter((b) => b.left === 'game')) {
      expect(bot.seatTokens).toHaveLength(1);
      expect(bot.result).toBeNull();
    }
    // everyone who stayed to the end got a completion with a code
    for (const bot of result.bots.filter((b) => !b.left)) {
      expect(bot.last?.stage).toBe('done');
      expect(bot.last?.completion?.code).toMatch(/^P(COMPL|QUIZ|NOGRP|DROP)$/);
    }
  });

  it('writes the export into DIR: the zip and its files', () => {
    expect(result.zipPath && existsSync(result.zipPath)).toBeTruthy();
    for (const name of ['participants.csv', 'payments.csv', 'bonuses.csv', 'survey.csv']) {
      expect(result.files.some((f) => path.basename(f) === name), `${name} in ${result.files.join(', ')}`).toBe(true);
    }
  });

  const table = (name: string) => {
    const file = result.files.find((f) => path.basename(f) === name);
    if (!file) throw new Error(`${name} not in the export`);
    return csvRecords(readFileSync(path.join(out, file), 'utf8'));
  };

  it('participants.csv: 40 consistent rows, arms balanced within one', () => {
    const rows = table('participants.csv');
    expect(rows).toHaveLength(40);
    const byId = new Map(rows.map((r) => [r.participant_id, r]));
    expect(byId.size).toBe(40);
    const summaries = new Map(result.participants.map((p) => [p.participantId, p]));
    for (const bot of result.bots) {
      const row = byId.get(bot.participantId);
      expect(row, bot.participantId).toBeDefined();
      const server = summaries.get(bot.participantId)!;
      // the row agrees with the server's participant record …
      expect(row!.arm).toBe(server.arm);
      expect(row!.session).toBe(server.sessionId ?? '');
      expect(Number(row!.quiz_attempts)).toBe(server.quizAttempts);
      expect(row!.completion_code ?? '').toBe(server.code ?? '');
      expect(row!.stage).toBe(server.stage);
      expect(row!.outcome).toBe(server.outcome ?? '');
      expect(row!.dropped).toBe(server.outcome === 'dropped' ? 'true' : 'false');
      // … and with what the bot itself saw
      expect(Number(row!.quiz_attempts)).toBe(bot.quizAttempts);
      const furthestSeen = Math.max(...bot.stages.map((s) => STAGES.indexOf(s.stage)));
      expect(STAGES.indexOf(row!.furthest_stage as Stage), bot.participantId).toBeGreaterThanOrEqual(furthestSeen);
      if (!bot.left) {
        expect(server.stage).toBe('done');
        expect(server.outcome).toBe(bot.last!.completion!.outcome);
        expect(row!.completion_code).toBe(bot.last!.completion!.code);
      }
      if (bot.sessionIds.length) expect(server.sessionId).toBe(bot.sessionIds[0]);
      // whoever failed the quiz for good never got a seat
      if (server.outcome === 'failed_quiz') expect(server.sessionId).toBeNull();
      // a participant who closed the tab while waiting is never counted as completed
      if (bot.left === 'waiting') expect(server.outcome).not.toBe('completed');
    }
    const arms = new Map<string, number>();
    for (const r of rows) arms.set(r.arm, (arms.get(r.arm) ?? 0) + 1);
    expect([...arms.keys()].sort()).toEqual(['blind', 'pairs']);
    expect(Math.abs(arms.get('blind')! - arms.get('pairs')!)).toBeLessThanOrEqual(1);
  });

  it('payments.csv: total = show-up fee + points × rate, matching what each participant saw', () => {
    const rows = table('payments.csv');
    const byId = new Map(rows.map((r) => [r.participant_id, r]));
    let completed = 0;
    for (const bot of result.bots) {
      const row = byId.get(bot.participantId);
      const completion = bot.last?.completion;
      if (!completion) continue;
      expect(row, bot.participantId).toBeDefined();
      // the row adds up, and says what the participant was shown
      expect(cents(money(row!.base) + money(row!.bonus))).toBe(cents(money(row!.total)));
      expect(cents(money(row!.total))).toBe(cents(completion.payment.total));
      // the show-up fee for everyone but those who failed the quiz (Prolific: "return")
      expect(cents(money(row!.base))).toBe(completion.outcome === 'failed_quiz' ? 0 : cents(PAYMENT.showUp));
      if (completion.outcome === 'completed' && bot.result?.points != null) {
        completed++;
        const expected = PAYMENT.showUp + bot.result.points * PAYMENT.bonusPerPoint + (bot.result.won ? PAYMENT.bonusPerWin : 0);
        expect(cents(money(row!.total)), `${bot.participantId}: ${bot.result.points} points`).toBe(cents(expected));
      }
      if (completion.outcome === 'failed_quiz' || completion.outcome === 'no_group') expect(cents(money(row!.bonus))).toBe(0);
    }
    expect(completed).toBeGreaterThan(10);
    // the win bonus was paid to some and not to others
    const won = result.bots.filter((b) => b.last?.completion?.outcome === 'completed' && b.result);
    expect(won.some((b) => b.result!.won)).toBe(true);
    expect(won.some((b) => !b.result!.won)).toBe(true);
    // bonuses.csv: Prolific's bulk form, one line per participant with a bonus, two decimals
    const bonusText = readFileSync(path.join(out, result.files.find((f) => path.basename(f) === 'bonuses.csv')!), 'utf8');
    for (const line of bonusText.split('\n').filter(Boolean)) {
      const [id, amount] = line.split(',');
      if (id === 'participant_id') continue;
      expect(amount).toMatch(/^\d+\.\d\d$/);
      expect(cents(Number(amount))).toBe(cents(money(byId.get(id)!.bonus)));
    }
  });

  it('a broken study file stops the pilot with the field named, before anything is created', async () => {
    const before = (await server.api<{ studies: unknown[] }>('GET', '/api/studies')).json.studies.length;
    const broken = { ...PILOT_STUDY, arms: [{ name: 'blind', humans: 1, agents: ['tit-for-tat', 'greedy'], disclosure: 'blind', tablesTarget: 5 }] };
    await expect(
      runPilot({ fileText: JSON.stringify(broken), fileName: 'broken.json', url: server.url, adminToken: ADMIN_TOKEN, participants: 2, out: null, progressMs: 0, log: () => {} }),
    ).rejects.toThrow(/arms\.0 \(blind\): table: 1 humans \+ 2 agents = 3 seats.*allowed: humans \+ agents = 2/);
    expect((await server.api<{ studies: unknown[] }>('GET', '/api/studies')).json.studies.length).toBe(before);
  });

  it('no participant is in two games', () => {
    for (const bot of result.bots) {
      expect(bot.seatTokens.length, bot.participantId).toBeLessThanOrEqual(1);
      expect(bot.sessionIds.length, bot.participantId).toBeLessThanOrEqual(1);
    }
    // the server's side: each session's human seats hold different participants, none twice
    const seen = new Map<string, string>();
    const humansPerSession = new Map<string, number>();
    for (const p of result.participants) {
      if (!p.sessionId) continue;
      expect(seen.has(p.participantId)).toBe(false);
      seen.set(p.participantId, p.sessionId);
      humansPerSession.set(p.sessionId, (humansPerSession.get(p.sessionId) ?? 0) + 1);
    }
    const humansOf = new Map(parseStudyFile(JSON.stringify(PILOT_STUDY), 'x.json').arms.map((a) => [a.name, a.humans ?? 2]));
    for (const p of result.participants.filter((q) => q.sessionId)) {
      expect(humansPerSession.get(p.sessionId!)!).toBeLessThanOrEqual(humansOf.get(p.arm)!);
    }
    // many tables formed
    const sessions = new Set(result.participants.map((p) => p.sessionId).filter(Boolean));
    expect(sessions.size).toBeGreaterThan(10);
  });
});
