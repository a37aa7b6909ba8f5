// Studies in Chromium (issue 10): participants come in through the study link
// /s/<slug>?PROLIFIC_PID=…&STUDY_ID=…&SESSION_ID=…, at different times, and go through consent,
// instructions, the quiz, the waiting room, the game, the survey and the completion page using only
// the accessible controls ("I consent", "Next", radio groups and "Check answers", "Waiting for",
// the table's own controls, "Submit", "Completion code:"). run.ts registers these tests.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { parse as parseYaml } from 'yaml';
import { ADMIN_TOKEN, DESKTOP, PHONE, REPO_ROOT, openPage, playUntil, type PlayOptions, type PlayReport, type TestServer } from './harness.ts';

/**
 * Play a study's table to its end: the results ("Game over"), or the survey when the study has
 * already moved the participant on (it may, once the game is over, before the results were seen).
 */
function playStudyGame(page: Page, options: PlayOptions): Promise<PlayReport> {
  const over = page.getByRole('heading', { name: 'Game over' });
  const onward = page.getByRole('button', { name: 'Continue to the survey' }).or(page.getByRole('button', { name: 'Submit', exact: true }));
  return playUntil(page, async () => (await over.isVisible()) || (await onward.first().isVisible()), options);
}

type Register = (name: string, run: (ctx: { browser: Browser; server: TestServer }) => Promise<void>) => void;
type Shot = (page: Page, name: string) => Promise<void>;

interface QuizQuestion {
  id: string;
  question: string;
  options: string[];
  answer: number;
}
interface SurveyItem {
  id: string;
  kind: 'likert' | 'choice' | 'text';
  question: string;
}
interface StudyFile {
  slug: string;
  arms: { name: string; onTimeout?: string; tablesTarget: number }[];
  pages: { quiz?: { maxAttempts?: number; questions: QuizQuestion[] }; survey?: SurveyItem[] };
  completion: { codes: Record<string, string> };
  [key: string]: unknown;
}

/** An example study from docs/studies/, as its YAML says, with test-speed overrides on top. */
export function exampleStudy(name: string, overrides: (def: StudyFile) => void): StudyFile {
  const def = parseYaml(readFileSync(path.join(REPO_ROOT, 'docs', 'studies', `${name}.yaml`), 'utf8')) as StudyFile;
  overrides(def);
  return def;
}

export async function createStudy(server: TestServer, def: StudyFile): Promise<{ id: string; slug: string; link: string }> {
  const response = await fetch(`${server.url}/api/studies`, {
    method: 'POST',
    headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify(def),
  });
  if (response.status !== 201) throw new Error(`POST /api/studies: ${response.status} ${await response.text()}`);
  return (await response.json()) as { id: string; slug: string; link: string };
}

async function studyDetail(server: TestServer, id: string): Promise<{ participantList: { participantId: string; arm: string; stage: string; outcome: string | null; sessionId: string | null }[] }> {
  const response = await fetch(`${server.url}/api/studies/${id}`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
  assert.equal(response.status, 200);
  return (await response.json()) as never;
}

/** One participant: a browser context of its own (its own localStorage), on the study link. */
class Participant {
  page!: Page;
  context!: BrowserContext;
  errors!: string[];
  constructor(readonly pid: string, readonly def: StudyFile, readonly shot: Shot, readonly label: string) {}

  link(server: TestServer): string {
    const query = new URLSearchParams({ PROLIFIC_PID: this.pid, STUDY_ID: `prolific-${this.def.slug}`, SESSION_ID: `session-${this.pid}` });
    return `${server.url}/s/${this.def.slug}?${query}`;
  }

  async arrive(browser: Browser, server: TestServer, viewport = DESKTOP): Promise<void> {
    ({ page: this.page, context: this.context, errors: this.errors } = await openPage(browser, viewport));
    await this.page.goto(this.link(server));
  }

  async consent(screenshot?: string): Promise<void> {
    const button = this.page.getByRole('button', { name: 'I consent' });
    await button.waitFor().catch(async (err: unknown) => {
      throw new Error(`${this.label}: no consent page; the page says: ${(await this.page.locator('body').innerText()).slice(0, 500)}`, { cause: err });
    });
    if (screenshot) await this.shot(this.page, screenshot);
    await button.click();
  }

  async instructions(screenshot?: string): Promise<void> {
    const next = this.page.getByRole('button', { name: 'Next' });
    await next.waitFor();
    if (screenshot) await this.shot(this.page, screenshot);
    await next.click();
  }

  /** Answer every question (right, or the first one wrong) and press "Check answers". */
  async quiz(options: { wrongFirst?: boolean; screenshot?: string } = {}): Promise<void> {
    const questions = this.def.pages.quiz?.questions ?? [];
    await this.page.getByRole('button', { name: 'Check answers' }).waitFor();
    for (const [i, q] of questions.entries()) {
      const choice = options.wrongFirst && i === 0 ? (q.answer + 1) % q.options.length : q.answer;
      await this.page.getByRole('radiogroup', { name: q.question }).getByRole('radio').nth(choice).check();
    }
    if (options.screenshot) await this.shot(this.page, options.screenshot);
    await this.page.getByRole('button', { name: 'Check answers' }).click();
  }

  /** Arrive, consent, read the instructions and pass the quiz at the first try, without screenshots. */
  async arriveAndPass(browser: Browser, server: TestServer, viewport = DESKTOP): Promise<void> {
    await this.arrive(browser, server, viewport);
    await this.consent();
    await this.instructions();
    await this.quiz();
  }

  async waitingRoom(): Promise<void> {
    await this.page.getByText(/Waiting for \d+ more player/).waitFor({ timeout: 20_000 });
  }

  async table(): Promise<void> {
    await this.page.locator('#stage[data-scene]').waitFor({ timeout: 30_000 });
  }

  /** The exit survey: every item answered, and (blind arms) every other player judged. */
  async survey(screenshot?: string): Promise<number> {
    const continueButton = this.page.getByRole('button', { name: 'Continue to the survey' });
    const submit = this.page.getByRole('button', { name: 'Submit' });
    // the game's end shows the results with a button on to the survey
    await continueButton.or(submit).first().waitFor({ timeout: 30_000 });
    if (await continueButton.isVisible()) await continueButton.click();
    await submit.waitFor({ timeout: 20_000 });
    for (const item of this.def.pages.survey ?? []) {
      if (item.kind === 'text') await this.page.getByRole('textbox', { name: item.question }).fill('It was interesting.');
      else {
        const radios = this.page.getByRole('radiogroup', { name: item.question }).getByRole('radio');
        await radios.nth(Math.min(2, (await radios.count()) - 1)).check();
      }
    }
    const judged = this.page.getByRole('radiogroup', { name: /^Is .+ a human or an AI\?$/ });
    const judgements = await judged.count();
    for (let i = 0; i < judgements; i++) {
      await judged.nth(i).getByRole('radio', { name: i % 2 ? 'Human' : 'AI' }).check();
      await this.page.getByRole('radiogroup', { name: /^How sure are you about / }).nth(i).getByRole('radio').nth(3).check();
    }
    if (screenshot) await this.shot(this.page, screenshot);
    await submit.click();
    return judgements;
  }

  /** The completion page: "Completion code: <CODE>"; returns the code. */
  async completionCode(timeout = 20_000): Promise<string> {
    await this.page.getByText('Completion code:').waitFor({ timeout });
    return ((await this.page.locator('.completion-code').textContent()) ?? '').trim();
  }

  async reload(): Promise<void> {
    await this.page.reload();
  }

  assertNoErrors(): void {
    assert.deepEqual(this.errors, [], `${this.label} (${this.pid}): console errors:\n${this.errors.join('\n')}`);
  }

  async leave(): Promise<void> {
    await this.context.close();
  }
}

/**
 * Run `work` alongside the rest of a test: its failure is kept (not an unhandled rejection that
 * would end the run) and thrown where the test joins it with `await joined()`.
 */
function alongside(work: Promise<unknown>): () => Promise<void> {
  const settled = work.then(
    () => null,
    (err: unknown) => err,
  );
  return async () => {
    const err = await settled;
    if (err) throw err;
  };
}

export function registerPairsVsBlindTest(test: Register, shot: Shot): void {
  test('study, Trust-and-Split pairs vs blind: arrivals at different times, a failed quiz, reloads, a timeout, completion codes', async ({ browser, server }) => {
    const def = exampleStudy('trust-split-pairs-vs-blind', (d) => {
      d.slug = `split-browser-${Date.now().toString(36)}`;
      // 30 s to speak or propose: a page on a busy machine answers in time (an expired request is not what this tests)
      d.config = { rounds: 2, messagesPerRound: 1, timeouts: { speak: 30, propose: 30 } };
      // pairs: nobody to play with after the wait → no group (show-up fee); blind: an agent at once
      d.arms.find((a) => a.name === 'pairs')!.onTimeout = 'no_group';
      d.timings = { maxWaitSec: 45, onTimeout: 'agents', dropAfterSec: 60 };
    });
    const codes = def.completion.codes;
    const study = await createStudy(server, def);
    assert.equal(study.slug, def.slug);
    assert.match(study.link, new RegExp(`/s/${def.slug}$`));

    // A (arm pairs): fails the quiz once, passes, waits, reloads in the waiting room
    const a = new Participant('5f0c8e1a2b3c4d5e6f708192', def, shot, 'A');
    await a.arrive(browser, server);
    await a.consent('study-consent');
    await a.instructions('study-instructions');
    await a.quiz({ wrongFirst: true, screenshot: 'study-quiz' });
    await a.page.getByText(/not right yet/).waitFor();
    await a.page.getByText('Not quite.').first().waitFor();
    await shot(a.page, 'study-quiz-wrong');
    await a.quiz();
    await a.waitingRoom();
    await shot(a.page, 'study-waiting');
    await a.reload();
    await a.waitingRoom();
    assert.equal(await a.page.getByRole('button', { name: 'I consent' }).count(), 0, 'a reload in the waiting room returns to the waiting room');

    // B (arm blind): plays the agent at once, reloads mid-game, judges "human or AI?"
    const b = new Participant('6a1d9f2b3c4d5e6f70819203', def, shot, 'B');
    await b.arriveAndPass(browser, server, PHONE);
    await b.table();
    const bGame = alongside((async () => {
      const report = await playStudyGame(b.page, { reloadAfter: 2, timeoutMs: 240_000 });
      assert.ok(report.reloaded, 'B reloaded mid-game');
      assert.ok(report.linesAfterReload >= report.linesBeforeReload, 'the conversation came back after the reload');
      await shot(b.page, 'study-game-over');
      const judged = await b.survey('study-survey-blind');
      assert.equal(judged, 1, 'a blind arm asks about the other player');
      const code = await b.completionCode();
      assert.equal(code, codes.completed);
      await shot(b.page, 'study-done');
    })());

    // C (arm pairs) arrives later and is seated with A
    const c = new Participant('7b2e0a3c4d5e6f7081920314', def, shot, 'C');
    await c.arriveAndPass(browser, server);
    await Promise.all([a.table(), c.table()]);
    await shot(a.page, 'study-game');
    const pairGame = alongside(
      Promise.all(
        [a, c].map(async (p) => {
          await playStudyGame(p.page, { timeoutMs: 240_000 });
          const judged = await p.survey(p === a ? 'study-survey' : undefined);
          assert.equal(judged, 0, 'a disclosed arm asks nobody to judge');
          assert.equal(await p.completionCode(), codes.completed);
        }),
      ),
    );

    // D (arm blind) opens the link, consents and closes the tab
    const d = new Participant('8c3f1b4d5e6f708192031425', def, shot, 'D');
    await d.arrive(browser, server);
    await d.consent();
    await d.page.getByRole('button', { name: 'Next' }).waitFor();
    await d.leave();

    // E (arm pairs) waits alone past the limit: no group, paid the show-up fee
    const e = new Participant('9d402c5e6f70819203142536', def, shot, 'E');
    await e.arriveAndPass(browser, server);
    await e.waitingRoom();
    const eCode = await e.completionCode(90_000);
    assert.equal(eCode, codes.no_group);
    await shot(e.page, 'study-done-no-group');

    await bGame();
    await pairGame();

    // the same participant id comes back to the same place — here, the completion page — even
    // in a fresh browser (no stored token): never into a second game
    const again = new Participant(c.pid, def, shot, 'C again');
    await again.arrive(browser, server);
    assert.equal(await again.completionCode(), codes.completed);

    const detail = await studyDetail(server, study.id);
    const byId = new Map(detail.participantList.map((p) => [p.participantId, p]));
    assert.equal(byId.get(a.pid)?.arm, 'pairs');
    assert.equal(byId.get(b.pid)?.arm, 'blind');
    assert.equal(byId.get(c.pid)?.arm, 'pairs');
    assert.equal(byId.get(d.pid)?.arm, 'blind');
    assert.equal(byId.get(e.pid)?.arm, 'pairs');
    assert.equal(byId.get(a.pid)?.sessionId, byId.get(c.pid)?.sessionId, 'A and C played at one table');
    assert.equal(byId.get(e.pid)?.outcome, 'no_group');
    assert.equal(byId.get(d.pid)?.stage, 'instructions');
    for (const p of [a, b, c, e, again]) {
      p.assertNoErrors();
      await p.leave();
    }
  });
}

export function registerTraitorsStudyTest(test: Register, shot: Shot): void {
  test('study, The Traitors with 2 humans and 6 agents: two arrivals seated together, played to the end', async ({ browser, server }) => {
    const def = exampleStudy('traitors', (d) => {
      d.slug = `traitors-browser-${Date.now().toString(36)}`;
      // two rounds at most (the game's safety cap ends it after round 2's night): the study's flow
      // from the waiting room through the table to the survey is the point, not a long game
      d.config = { ...(d.config as object), discussionPasses: 1, maxRounds: 2, timeouts: { speak: 30, vote: 30, beliefs: 30 } };
      d.timings = { maxWaitSec: 60, onTimeout: 'agents', dropAfterSec: 60 };
    });
    const codes = def.completion.codes;
    await createStudy(server, def);
    const first = new Participant('a1b2c3d4e5f60718293a4b5c', def, shot, 'T1');
    await first.arriveAndPass(browser, server);
    await first.waitingRoom();
    assert.match((await first.page.getByText(/Waiting for/).textContent()) ?? '', /Waiting for 1 more player/);
    const second = new Participant('b2c3d4e5f60718293a4b5c6d', def, shot, 'T2');
    await second.arriveAndPass(browser, server);
    await Promise.all([first.table(), second.table()]);
    await shot(first.page, 'study-traitors-game');
    await Promise.all(
      [first, second].map(async (p, i) => {
        // T2 reloads once mid-game and comes back to its seat
        const report = await playStudyGame(p.page, { timeoutMs: 400_000, ...(i === 1 ? { reloadAfter: 2 } : {}) });
        if (i === 1) assert.ok(report.reloaded);
        await p.survey(i === 0 ? 'study-traitors-survey' : undefined);
        assert.equal(await p.completionCode(), codes.completed);
      }),
    );
    for (const p of [first, second]) {
      p.assertNoErrors();
      await p.leave();
    }
  });
}
