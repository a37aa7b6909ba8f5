import { ParticipantStateSchema, type ParticipantState, type QuizResult, type Stage } from '../../shared/protocol/study.ts';
import type { TestServer } from '../integration/helpers.ts';

/** A small Trust-and-Split study (one short round) with both arm kinds available to tweak. */
export function tsStudy(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    title: 'Test: splitting coins',
    slug: 'test-split',
    game: 'trust-split',
    preset: 'human',
    config: { rounds: 1, messagesPerRound: 1, timeouts: { speak: 30, propose: 30 } },
    table: { humans: 2, agents: [] },
    arms: [{ name: 'pairs', tablesTarget: 5 }],
    pages: {
      consent: 'Press **I consent**. <script>alert(1)</script>',
      quiz: {
        maxAttempts: 2,
        questions: [
          { id: 'coins', question: 'How many coins are split?', options: ['5', '10'], answer: 1, explanation: 'Ten coins each round.' },
          { id: 'upper', question: 'Who holds the upper hand?', options: ['The winning hand', 'The losing hand'], answer: 0, explanation: 'The winning hand.' },
        ],
      },
      survey: [
        { id: 'trust', kind: 'likert', question: 'How much did you trust the other player?', scale: { min: 1, max: 7, minLabel: 'Not at all', maxLabel: 'Completely' } },
        { id: 'strategy', kind: 'choice', question: 'How did you play?', options: ['Truthfully', 'Bluffing'] },
        { id: 'comments', kind: 'text', question: 'Anything else?' },
      ],
    },
    timings: { maxWaitSec: 300, onTimeout: 'agents', dropAfterSec: 60 },
    payment: { showUp: 1.5, bonusPerPoint: 0.01, bonusPerWin: 0.25, currency: 'GBP' },
    completion: { codes: { completed: 'CCOMPL', failed_quiz: 'CQUIZ', no_group: 'CNOGRP', dropped: 'CDROP' } },
    ...overrides,
  };
}

export const RIGHT = { coins: 1, upper: 0 };
export const WRONG = { coins: 0, upper: 0 };

export async function createStudy(t: TestServer, file: Record<string, unknown>): Promise<{ id: string; slug: string; link: string }> {
  const res = await t.api<{ id: string; slug: string; link: string; error?: string }>('POST', '/api/studies', JSON.stringify(file));
  if (res.status !== 201) throw new Error(`create study failed: ${res.status} ${JSON.stringify(res.json)}`);
  return res.json;
}

/** One participant's browser, over REST. */
export class Participant {
  token = '';
  state!: ParticipantState;

  constructor(public t: Pick<TestServer, 'api'>, readonly slug: string, readonly pid: string | null) {}

  async enter(extra: Record<string, string> = {}): Promise<ParticipantState> {
    const query: Record<string, string> = { ...extra };
    if (this.pid !== null) query.PROLIFIC_PID = this.pid;
    const res = await this.t.api<{ token: string; state: ParticipantState; error?: string }>(
      'POST',
      `/api/s/${this.slug}/enter`,
      { query, ...(this.token ? { token: this.token } : {}) },
      null,
    );
    if (res.status !== 200) throw new Error(`enter: ${res.status} ${JSON.stringify(res.json)}`);
    this.token = res.json.token;
    // every state the server sends matches the contract's schema
    this.state = ParticipantStateSchema.parse(res.json.state);
    return this.state;
  }

  async post<T = ParticipantState>(step: string, body: unknown): Promise<{ status: number; json: T & { error?: string } }> {
    return this.t.api<T & { error?: string }>('POST', `/api/participants/${this.token}/${step}`, body, null);
  }

  async ok<T = ParticipantState>(step: string, body: unknown): Promise<T> {
    const res = await this.post<T>(step, body);
    if (res.status !== 200) throw new Error(`${step}: ${res.status} ${JSON.stringify(res.json)}`);
    return res.json;
  }

  async poll(): Promise<ParticipantState> {
    const res = await this.t.api<ParticipantState>('GET', `/api/participants/${this.token}`, undefined, null);
    if (res.status !== 200) throw new Error(`poll: ${res.status} ${JSON.stringify(res.json)}`);
    this.state = ParticipantStateSchema.parse(res.json);
    return this.state;
  }

  /** Consent, read the instructions and pass the quiz (wrong once first when asked). */
  async throughQuiz(failFirst = false): Promise<ParticipantState> {
    await this.ok('consent', { consent: true });
    await this.ok('instructions', {});
    if (failFirst) {
      const first = await this.ok<{ state: ParticipantState; result: QuizResult }>('quiz', { answers: WRONG });
      if (first.result.passed) throw new Error('the wrong answers passed');
    }
    const { state } = await this.ok<{ state: ParticipantState; result: QuizResult }>('quiz', { answers: RIGHT });
    this.state = state;
    return state;
  }

  /** Poll every 100 ms (the browser polls every 2 s) until the stage is reached. */
  async until(stage: Stage, timeoutMs = 30_000): Promise<ParticipantState> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const state = await this.poll();
      if (state.stage === stage) return state;
      if (Date.now() > deadline) throw new Error(`${this.pid}: still at stage ${state.stage}, waiting for ${stage}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

/** Poll several participants together (each stays present) until every one reaches the stage. */
export async function allUntil(participants: Participant[], stage: Stage, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const states = await Promise.all(participants.map((p) => p.poll()));
    if (states.every((s) => s.stage === stage)) return;
    if (Date.now() > deadline) throw new Error(`stages ${states.map((s) => s.stage).join(', ')}; waiting for ${stage}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
