// The console's Studies section in Chromium (issue 11 with the studies of issue 10): sign in, paste
// a study file with a mistake and see the problem at its field (and line), paste the example study
// and create it, close recruitment so that a participant opening the link is turned away, open it
// again so that they can consent, and watch the funnel count participants driven through consent,
// the quiz (one failing) and the waiting room into a table. run.ts registers the test; screenshots
// go to test-results/ (docs/images/ with PARLEY_DOC_IMAGES=1).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { ADMIN_TOKEN, DESKTOP, PHONE, DOC_IMAGES, REPO_ROOT, openPage, type Register, type TestServer } from './harness.ts';

type Shot = (page: Page, name: string) => Promise<void>;

const DOCS_IMAGES = DOC_IMAGES;
const SLUG = 'console-study';

/** Console errors, less the refusals this test provokes on purpose (Chromium logs every 4xx answer). */
function unexpected(errors: string[]): string[] {
  return errors.filter((e) => !/Failed to load resource: the server responded with a status of (400|401|410)/.test(e));
}

async function signIn(page: Page, url: string): Promise<void> {
  await page.goto(`${url}/console`);
  await page.getByRole('textbox', { name: 'Admin token' }).fill(ADMIN_TOKEN);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('table', { name: 'Sessions' }).waitFor();
}

/** A participant over the REST API (what its browser would send). */
class ApiParticipant {
  token = '';
  constructor(
    private readonly url: string,
    readonly pid: string,
  ) {}

  private async post(route: string, body: unknown): Promise<{ stage?: string; state?: { stage: string } }> {
    const response = await fetch(`${this.url}${route}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    if (response.status !== 200) throw new Error(`${this.pid} ${route}: ${response.status} ${await response.text()}`);
    return (await response.json()) as never;
  }

  async enter(): Promise<void> {
    const answer = (await this.post(`/api/s/${SLUG}/enter`, { query: { PROLIFIC_PID: this.pid } })) as unknown as { token: string };
    this.token = answer.token;
  }
  consent = () => this.post(`/api/participants/${this.token}/consent`, { consent: true });
  instructions = () => this.post(`/api/participants/${this.token}/instructions`, {});
  /** right answers, or wrong ones (`attempt` varies them: the same answers again count as a repeat, not a new try) */
  quiz = (right: boolean, attempt = 0) => this.post(`/api/participants/${this.token}/quiz`, { answers: right ? { upper: 1, split: 2 } : { upper: 0, split: attempt } });
  async stage(): Promise<string> {
    const response = await fetch(`${this.url}/api/participants/${this.token}`);
    return ((await response.json()) as { stage: string }).stage;
  }
}

/** The funnel's count for an arm and a step, as the page shows it. */
async function funnelCount(page: Page, arm: string, step: string): Promise<number> {
  const text = await page.getByRole('table', { name: 'Funnel' }).getByRole('row', { name: new RegExp(`^${arm}\\b`) }).locator(`td[data-step="${step}"] .funnel-count`).textContent();
  return Number(text);
}

/** Wait (through the page's 3 s refreshes) until the funnel shows these counts. */
async function funnelShows(page: Page, arm: string, expected: Record<string, number>): Promise<void> {
  await page.waitForFunction(
    ({ arm, expected }) => {
      const table = document.querySelector('table[aria-label="Funnel"]');
      const row = [...(table?.querySelectorAll('tbody tr') ?? [])].find((tr) => tr.querySelector('th')?.textContent === arm);
      if (!row) return false;
      return Object.entries(expected).every(([step, n]) => row.querySelector(`td[data-step="${step}"] .funnel-count`)?.textContent === String(n));
    },
    { arm, expected },
    { timeout: 20_000 },
  ).catch(async (err: unknown) => {
    const shown = await page.getByRole('table', { name: 'Funnel' }).innerText().catch(() => '(no funnel)');
    throw new Error(`the funnel does not show ${arm} ${JSON.stringify(expected)}; it shows:\n${shown}\n${String(err)}`);
  });
}

export function registerConsoleStudyTests(test: Register, shot: Shot): void {
  test('console studies: a bad file shows its problem at the field, create, close and reopen recruitment, the funnel counts', async ({ browser, server }) => {
    const example = readFileSync(path.join(REPO_ROOT, 'docs', 'studies', 'trust-split-pairs-vs-blind.yaml'), 'utf8').replace(/^slug: .*$/m, `slug: ${SLUG}`);
    const { page, context, errors } = await openPage(browser, DESKTOP);
    await signIn(page, server.url);
    await page.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: 'Studies' }).click();
    await page.getByRole('heading', { name: 'Create study' }).waitFor();

    // a mistake: the error is listed under the textbox, names the field, quotes its line, and nothing is created
    const file = page.getByRole('textbox', { name: 'Study file' });
    await file.fill(example.replace(/currency: \w+/, 'currency: pounds'));
    await page.getByRole('button', { name: 'Create study' }).click();
    const problem = page.locator('.study-problems li[data-path="payment.currency"]');
    await problem.waitFor();
    assert.match((await problem.textContent()) ?? '', /payment\.currency \(line \d+\)a 3-letter currency code.*currency: pounds/);
    assert.equal(await file.getAttribute('aria-invalid'), 'true');
    assert.match((await page.getByRole('alert').filter({ hasText: 'study file has a problem' }).textContent()) ?? '', /fix it and press Create study again/);
    // its link selects the wrong line in the textbox
    await problem.getByRole('link').click();
    assert.equal(await file.evaluate((t: HTMLTextAreaElement) => t.value.slice(t.selectionStart, t.selectionEnd).trim()), 'currency: pounds');
    await problem.scrollIntoViewIfNeeded();
    await page.screenshot({ path: path.join(DOCS_IMAGES, 'console-study-create-error-desktop.png') });
    await shot(page, 'console-study-create-error');
    assert.equal(await page.getByRole('table', { name: 'Studies' }).getByText(SLUG).count(), 0);

    // the example as it is: created, listed with its link and "recruiting"
    await file.fill(example);
    await page.getByRole('button', { name: 'Create study' }).click();
    await page.getByRole('status').filter({ hasText: `Study ${SLUG} created` }).waitFor();
    assert.equal(await page.locator('.study-problems li').count(), 0);
    const listRow = page.getByRole('table', { name: 'Studies' }).getByRole('row', { name: new RegExp(SLUG) });
    await listRow.waitFor();
    assert.match((await listRow.textContent()) ?? '', /recruiting/);
    assert.match((await listRow.textContent()) ?? "", new RegExp(`https?://[^/]+/s/${SLUG}`));
    await listRow.getByRole('button', { name: `Copy link of ${SLUG}` }).waitFor();

    // its page: close recruitment; a newcomer is turned away and told what to do
    await listRow.getByRole('link', { name: 'Splitting coins with a stranger' }).click();
    const close = page.getByRole('button', { name: 'Close recruitment' });
    await close.click();
    await page.getByRole('button', { name: 'Open recruitment' }).waitFor();
    const participant = await openPage(browser, PHONE);
    await participant.page.goto(`${server.url}/s/${SLUG}?PROLIFIC_PID=console-1`);
    await participant.page.getByRole('heading', { name: 'This study is closed' }).waitFor();
    assert.match((await participant.page.locator('.study-card').textContent()) ?? '', /not recruiting right now\. Please return it on Prolific/);

    // open again: the same link lets them in, and they consent
    await page.getByRole('button', { name: 'Open recruitment' }).click();
    await page.getByRole('button', { name: 'Close recruitment' }).waitFor();
    await participant.page.reload();
    await participant.page.getByRole('button', { name: 'I consent' }).click();
    await participant.page.getByRole('button', { name: 'I consent' }).waitFor({ state: 'detached' });
    await funnelShows(page, 'pairs', { arrived: 1, consented: 1 });

    // more participants through the API: the arms alternate (balanced), blind first now
    const p = ['blind-pass', 'pairs-a', 'blind-fail', 'pairs-b', 'blind-arrived', 'pairs-consented'].map((pid) => new ApiParticipant(server.url, pid));
    for (const x of p) await x.enter();
    const [blindPass, pairsA, blindFail, pairsB, , pairsConsented] = p;
    for (const x of [blindPass, pairsA, blindFail, pairsB, pairsConsented]) await x.consent();
    for (const x of [blindPass, pairsA, blindFail, pairsB]) await x.instructions();
    await blindFail.quiz(false, 0);
    await blindFail.quiz(false, 1);
    for (const x of [blindPass, pairsA, pairsB]) await x.quiz(true);
    // the two pairs participants keep polling (present) until their table forms
    const deadline = Date.now() + 20_000;
    while ((await pairsA.stage()) !== 'game' || (await pairsB.stage()) !== 'game') {
      assert.ok(Date.now() < deadline, 'the pairs table formed');
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    await funnelShows(page, 'pairs', { arrived: 4, consented: 4, quizPassed: 2, playing: 2, waiting: 0 });
    await funnelShows(page, 'blind', { arrived: 3, consented: 2, quizPassed: 1, quizFailed: 1 });
    assert.equal((await funnelCount(page, 'blind', 'waiting')) + (await funnelCount(page, 'blind', 'playing')), 1);
    // the pairs table with its links, and the quiz failure's row in the payments
    const tables = page.getByRole('table', { name: 'Study tables' });
    await tables.waitFor();
    const tableRow = tables.getByRole('row', { name: /pairs/ });
    await tableRow.getByRole('link', { name: 'Replay' }).waitFor();
    const sessionId = (await tableRow.locator('code').textContent())!;
    assert.equal(await tableRow.getByRole('link', { name: 'Export' }).getAttribute('href'), `/api/sessions/${sessionId}/export`);
    assert.equal(await tableRow.getByRole('link', { name: 'Report' }).getAttribute('href'), `/api/sessions/${sessionId}/report`);
    assert.equal(await tableRow.getByRole('link', { name: 'Watch' }).getAttribute('href'), `/console/watch/${sessionId}`);
    const payment = page.getByRole('table', { name: 'Payments' }).getByRole('row', { name: /blind-fail/ });
    assert.match((await payment.textContent()) ?? '', /blind-failblindfailed_quiz£0\.00£0\.00£0\.00C1TSQUIZ/);
    const exportLink = page.getByRole('link', { name: 'Export study' });
    const studyId = /#([0-9a-f]+)$/.exec(page.url())![1];
    assert.equal(await exportLink.getAttribute('href'), `/api/studies/${studyId}/export`);
    // the export downloads with the console's cookie
    assert.equal((await page.request.get(`${server.url}/api/studies/${studyId}/export`)).status(), 200);
    await page.getByRole('table', { name: 'Funnel' }).scrollIntoViewIfNeeded();
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: path.join(DOCS_IMAGES, 'console-study-funnel-desktop.png') });
    await shot(page, 'console-study-funnel');

    // the same page on a phone
    const phone = await openPage(browser, PHONE);
    await phone.context.addCookies(await context.cookies());
    await phone.page.goto(`${server.url}/console/studies#${studyId}`);
    await funnelShows(phone.page, 'pairs', { arrived: 4 });
    await phone.page.screenshot({ path: path.join(DOCS_IMAGES, 'console-study-funnel-phone.png') });
    await shot(phone.page, 'console-study-funnel-phone');

    // back to the list (the study's refresh stops with its page)
    await page.getByRole('link', { name: '← All studies' }).click();
    await page.getByRole('table', { name: 'Studies' }).waitFor();

    assert.deepEqual(unexpected(errors), []);
    assert.deepEqual(unexpected(participant.errors), []);
    assert.deepEqual(unexpected(phone.errors), []);
    await phone.context.close();
    await participant.context.close();
    await context.close();
  });
}
