// The participant pages' own behaviour (client/study/), in Chromium against a real server: what a
// wrong, closed or busy link shows; a page time limit that moves on by itself; the token kept in
// localStorage bringing a participant back without the recruiter's id; two tabs of one participant
// staying in step (a 409 re-syncs instead of showing an error); a quiz failed to the end. The whole
// flow with arms, reloads and games is in study.ts. run.ts registers these tests.
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { DESKTOP, PHONE, openPage, type TestServer } from './harness.ts';
import { createStudy, exampleStudy } from './study.ts';

type Register = (name: string, run: (ctx: { browser: Browser; server: TestServer }) => Promise<void>) => void;
type Shot = (page: Page, name: string) => Promise<void>;

/** Console errors other than the failed loads an error status leaves (404, 410, 429, 409). */
function realErrors(errors: string[]): string[] {
  return errors.filter((e) => !/Failed to load resource: the server responded with a status of (404|409|410|429)/.test(e));
}

export function registerStudyPageTests(test: Register, shot: Shot): void {
  test('study pages: an unknown study, a time limit that moves on, the table, a closed study, a busy server', async ({ browser, server }) => {
    // a link to no study says so, and offers no button that could not help
    const lost = await openPage(browser, PHONE);
    await lost.page.goto(`${server.url}/s/no-such-study?PROLIFIC_PID=lost`);
    await lost.page.getByRole('heading', { name: 'This study link does not work' }).waitFor();
    assert.equal(await lost.page.getByRole('button').count(), 0);
    await shot(lost.page, 'study-pages-not-found');
    assert.deepEqual(realErrors(lost.errors), []);
    await lost.context.close();

    // one arm of one table (a human and a disclosed agent), no quiz, 4 s for the instructions
    const def = exampleStudy('trust-split-pairs-vs-blind', (d) => {
      d.slug = 'pages-solo';
      d.arms = [{ name: 'solo', humans: 1, agents: ['tit-for-tat'], disclosure: 'disclosed', tablesTarget: 1 } as never];
      delete d.pages.quiz;
      (d.timings as Record<string, unknown>).pageLimitsSec = { instructions: 4 };
    });
    await createStudy(server, def);
    const first = await openPage(browser, DESKTOP);
    await first.page.goto(`${server.url}/s/pages-solo?PROLIFIC_PID=solo-1`);
    await first.page.getByRole('button', { name: 'I consent' }).click();
    // the countdown shows; nobody presses "Next", and the page moves on when it runs out
    await first.page.getByRole('timer', { name: 'Time left on this page' }).waitFor();
    assert.equal(await first.page.getByRole('button', { name: 'Next' }).count(), 1);
    await first.page.locator('#stage[data-scene]').waitFor({ timeout: 30_000 });
    await first.page.getByRole('status').filter({ hasText: 'Connected' }).waitFor({ timeout: 15_000 });
    // in a study the table's brand leads nowhere (no way out to the lobby mid-study)
    assert.equal(await first.page.locator('.topbar .brand').getAttribute('href'), null);

    // the arm's only table has started: the study is closed to a newcomer, who is told so
    const late = await openPage(browser, DESKTOP);
    await late.page.goto(`${server.url}/s/pages-solo?PROLIFIC_PID=solo-2`);
    await late.page.getByRole('heading', { name: 'This study is closed' }).waitFor();
    assert.match((await late.page.locator('.study-card').textContent()) ?? '', /closed for new participants/);
    await shot(late.page, 'study-pages-closed');
    assert.deepEqual(realErrors(late.errors), []);
    await late.context.close();

    // a reload at the table lands back at the table
    await first.page.reload();
    await first.page.getByRole('status').filter({ hasText: 'Connected' }).waitFor({ timeout: 15_000 });
    assert.equal(await first.page.getByRole('button', { name: 'I consent' }).count(), 0);
    assert.deepEqual(realErrors(first.errors), []);
    await first.context.close();

    // a busy server (429 with Retry-After) is shown as such, and the page tries again by itself
    await createStudy(server, exampleStudy('trust-split-pairs-vs-blind', (d) => (d.slug = 'pages-busy')));
    const busy = await openPage(browser, DESKTOP);
    let refused = 0;
    await busy.page.route('**/api/s/*/enter', async (route) => {
      if (refused++ === 0) {
        await route.fulfill({ status: 429, headers: { 'retry-after': '1', 'content-type': 'application/json' }, body: JSON.stringify({ error: 'Too many study entries from your address.' }) });
      } else await route.continue();
    });
    await busy.page.goto(`${server.url}/s/pages-busy?PROLIFIC_PID=busy-1`);
    await busy.page.getByRole('heading', { name: 'Too many requests' }).waitFor();
    await busy.page.getByRole('button', { name: 'I consent' }).waitFor({ timeout: 10_000 });
    assert.equal(refused, 2);
    assert.deepEqual(realErrors(busy.errors), []);
    await busy.context.close();
  });

  test('study pages: the kept token brings a participant back, two tabs stay in step, a quiz failed to the end', async ({ browser, server }) => {
    const def = exampleStudy('trust-split-pairs-vs-blind', (d) => (d.slug = 'pages-tabs'));
    await createStudy(server, def);
    const questions = def.pages.quiz!.questions;
    // no recruiter id in the link: the server makes one, the browser keeps the token
    const { page, context, errors } = await openPage(browser, PHONE);
    await page.goto(`${server.url}/s/pages-tabs`);
    await page.getByRole('button', { name: 'I consent' }).click();
    await page.getByRole('button', { name: 'Next' }).waitFor();
    assert.ok(await page.evaluate(() => localStorage.getItem('parley:study:pages-tabs')), 'the token is kept under parley:study:<slug>');

    // a second tab of the same browser comes back to the same participant (instructions, not consent)
    const second = await context.newPage();
    await second.goto(`${server.url}/s/pages-tabs`);
    await second.getByRole('button', { name: 'Next' }).waitFor();
    assert.equal(await second.getByRole('button', { name: 'I consent' }).count(), 0);
    await second.getByRole('button', { name: 'Next' }).click();
    await second.getByRole('button', { name: 'Check answers' }).waitFor();

    // the first tab is behind: its "Next" gets a 409, and it shows the quiz instead of an error
    await page.getByRole('button', { name: 'Next' }).click();
    await page.getByRole('button', { name: 'Check answers' }).waitFor();
    assert.equal(await page.getByRole('alert').filter({ hasText: /\S/ }).count(), 0);
    await second.close();

    // an unanswered quiz is not sent: the open questions are named
    await page.getByRole('button', { name: 'Check answers' }).click();
    await page.getByText('Choose an answer for every question.').waitFor();

    // wrong twice (maxAttempts 2): explanations and attempts left, then the failed_quiz ending
    const maxAttempts = def.pages.quiz!.maxAttempts!;
    assert.equal(maxAttempts, 2);
    const answerWrong = async (shift: number) => {
      for (const q of questions) await page.getByRole('radiogroup', { name: q.question }).getByRole('radio').nth((q.answer + shift) % q.options.length).check();
      await page.getByRole('button', { name: 'Check answers' }).click();
    };
    await answerWrong(1);
    await page.getByText(/answers are not right yet/).waitFor();
    assert.equal(await page.getByText('Not quite.').count(), questions.length);
    await page.getByText(/You have 1 attempt left/).waitFor();
    // the same answers again are not a new try (the server would answer the same): the page says so
    await page.getByRole('button', { name: 'Check answers' }).click();
    await page.getByText(/These are the answers you checked before/).waitFor();
    await page.getByText(/You have 1 attempt left/).waitFor();
    await answerWrong(2);
    const code = def.completion.codes.failed_quiz;
    await page.getByText('Completion code:').waitFor();
    assert.equal(((await page.locator('.completion-code').textContent()) ?? '').trim(), code);
    const back = page.getByRole('link', { name: 'Return to Prolific' });
    assert.equal(await back.getAttribute('href'), `https://app.prolific.com/submissions/complete?cc=${code}`);
    // no game and no survey for this participant: those steps show as skipped
    assert.equal(await page.locator('.study-steps li.skipped').count(), 3);
    await shot(page, 'study-pages-failed-quiz');

    // a reload stays at the end
    await page.reload();
    await page.getByText('Completion code:').waitFor();
    assert.equal(await page.getByRole('button', { name: 'Check answers' }).count(), 0);
    assert.deepEqual(realErrors(errors), []);
    await context.close();
  });
}
