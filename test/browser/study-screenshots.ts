// Regenerates docs/images/study-*.png: every participant page of a study (/s/<slug>) at 1280×800
// and 390×844, from a real server and the example study docs/studies/trust-split-pairs-vs-blind.yaml
// walked through the accessible controls, once per size. Participant A lands in the `pairs` arm,
// waits alone and is sent home (no_group); participant B lands in the `blind` arm and plays a
// scripted agent paced like a person, then answers the survey.
//   npx tsx test/browser/study-screenshots.ts
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { startServer } from '../../server/app.ts';
import type { Browser } from 'playwright-core';
import { ADMIN_TOKEN, PHONE, REPO_ROOT, buildClient, launchBrowser, openPage, playToTheEnd, settled } from './harness.ts';

const OUT = path.join(REPO_ROOT, 'docs', 'images');
mkdirSync(OUT, { recursive: true });
const DESKTOP = { width: 1280, height: 800 };

type Size = 'desktop' | 'phone';
const VIEWPORTS = { desktop: DESKTOP, phone: PHONE };
let size: Size = 'desktop';

/** The page as it is, scrolled to `focus` if given. */
async function save(page: Page, name: string, focus?: () => Promise<void>): Promise<void> {
  await focus?.();
  await settled(page);
  const file = path.join(OUT, `study-${name}-${size}.png`);
  await page.screenshot({ path: file });
  console.log(`wrote ${path.relative(REPO_ROOT, file)}`);
}

/** The example study's quiz answers, by question text (from the YAML's `answer` indices). */
const ANSWERS: [RegExp, string][] = [
  [/rock and the other player's is scissors/, '10 points'],
  [/You ask for 6 coins/, 'The 10 coins are shared in proportion to the requests (5 each)'],
];

async function answerQuiz(page: Page, right: boolean): Promise<void> {
  for (const [question, answer] of ANSWERS) {
    const group = page.getByRole('radiogroup', { name: question });
    if (right) await group.getByRole('radio', { name: answer, exact: true }).check();
    else await group.getByRole('radio').first().check();
  }
}

async function throughToWaiting(page: Page, shots: boolean): Promise<void> {
  await page.getByRole('button', { name: 'I consent' }).waitFor();
  if (shots) await save(page, 'consent');
  await page.getByRole('button', { name: 'I consent' }).click();
  await page.getByRole('button', { name: 'Next' }).waitFor();
  if (shots) await save(page, 'instructions');
  await page.getByRole('button', { name: 'Next' }).click();
  await page.getByRole('button', { name: 'Check answers' }).waitFor();
  if (shots) {
    await save(page, 'quiz');
    await answerQuiz(page, false);
    await page.getByRole('button', { name: 'Check answers' }).click();
    await page.getByText(/not right yet/).waitFor();
    await save(page, 'quiz-retry', () => page.locator('.quiz-summary').evaluate((e) => e.scrollIntoView({ block: 'start' })));
  }
  await answerQuiz(page, true);
  await page.getByRole('button', { name: 'Check answers' }).click();
  await page.getByText(/Waiting for|Everyone is here|Setting the table/).first().waitFor();
}

async function main(): Promise<void> {
  if (!process.argv.includes('--no-build')) await buildClient();
  const dataDir = mkdtempSync(path.join(tmpdir(), 'parley-study-shots-'));
  const server = await startServer({
    port: 0,
    host: '127.0.0.1',
    dataDir,
    adminToken: ADMIN_TOKEN,
    staticDir: path.join(REPO_ROOT, 'dist', 'client'),
    durability: 'normal',
    studies: { agentDelayMs: 150, humanPacingScale: 0.05 },
    log: () => {},
  });
  const url = `http://127.0.0.1:${server.port}`;
  const browser = await launchBrowser();
  try {
    for (const each of ['desktop', 'phone'] as const) {
      size = each;
      await walk(browser, url);
    }
  } finally {
    await browser.close();
    await server.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function walk(browser: Browser, url: string): Promise<void> {
  const viewport = VIEWPORTS[size]; // every page of this walk at this size
  {
    // the example study (one copy per size), with a short wait so that A's no-group ending comes soon
    const source = readFileSync(path.join(REPO_ROOT, 'docs', 'studies', 'trust-split-pairs-vs-blind.yaml'), 'utf8')
      .replace(/maxWaitSec: \d+/, 'maxWaitSec: 40')
      .replace(/^slug: (.*)$/m, `slug: $1-${size}`);
    const created = await fetch(`${url}/api/studies`, { method: 'POST', headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/yaml' }, body: source });
    if (created.status !== 201) throw new Error(`POST /api/studies: ${created.status} ${await created.text()}`);
    const { slug } = (await created.json()) as { slug: string };
    const link = (pid: string) => `${url}/s/${slug}?PROLIFIC_PID=${pid}&STUDY_ID=screens&SESSION_ID=${pid}-1`;

    // A: every page up to the waiting room (pairs arm: one more human needed)
    const a = await openPage(browser, viewport);
    await a.page.goto(link(`A-${size}`));
    await throughToWaiting(a.page, process.env.SHOTS !== '0');
    await a.page.getByText('Waiting for 1 more player').waitFor();
    // the clock has run a little: the picture shows it counting down
    const clock = a.page.locator('.waiting-clock');
    const first = await clock.textContent();
    await a.page.waitForFunction((start) => document.querySelector('.waiting-clock')?.textContent !== start, first, { timeout: 10_000 });
    await save(a.page, 'waiting');

    // B: the blind arm, a game against a scripted agent paced like a person, then the survey
    const b = await openPage(browser, viewport);
    await b.page.goto(link(`B-${size}`));
    await throughToWaiting(b.page, false);
    const message = b.page.getByRole('textbox', { name: 'Message' });
    await message.waitFor({ timeout: 60_000 });
    await message.fill('Hi! Shall we split the coins fairly and both do well?');
    await save(b.page, 'game');
    await playToTheEnd(b.page, { say: (n) => ['Let us both keep 5 and trust each other.', 'Thanks — that worked. Same again?'][n % 2] });
    const next = b.page.getByRole('button', { name: 'Continue to the survey' });
    await next.waitFor({ timeout: 30_000 });
    await b.page.locator('#stage[data-scene="results"]').waitFor();
    await save(b.page, 'game-over');
    await next.click();
    await b.page.getByRole('button', { name: 'Submit' }).waitFor();
    await save(b.page, 'survey');
    const likert = (question: RegExp, value: string) => b.page.getByRole('radiogroup', { name: question }).getByRole('radio', { name: value, exact: true }).check();
    await likert(/How much did you trust/, '5');
    await likert(/How honest were/, '4');
    await b.page.getByRole('radiogroup', { name: /Which best describes/ }).getByRole('radio', { name: 'I sometimes bluffed' }).check();
    await b.page.getByRole('textbox', { name: /Anything else/ }).fill('The other player answered quickly but sensibly.');
    const judge = b.page.getByRole('radiogroup', { name: /^Is .+ a human or an AI\?$/ });
    await judge.first().getByRole('radio', { name: 'Human' }).check();
    await b.page.getByRole('radiogroup', { name: /^How sure are you about / }).first().getByRole('radio', { name: '3', exact: true }).check();
    await save(b.page, 'survey-judge', () => b.page.locator('.judge-section').evaluate((e) => e.scrollIntoView({ block: 'center' })));
    await b.page.getByRole('button', { name: 'Submit' }).click();
    await b.page.getByText('Completion code:').waitFor();
    await save(b.page, 'done');

    // A: the wait ran out in the pairs arm (no_group: the show-up fee)
    await a.page.getByText('Completion code:').waitFor({ timeout: 90_000 });
    await save(a.page, 'done-no-group');

    // a link to no study
    const c = await openPage(browser, viewport);
    await c.page.goto(`${url}/s/no-such-study`);
    await c.page.getByRole('heading', { name: 'This study link does not work' }).waitFor();
    await save(c.page, 'not-found');
    for (const [name, errors] of [['A', a.errors], ['B', b.errors], ['C', c.errors]] as const) {
      const real = errors.filter((e) => !/status of 404/.test(e) || name !== 'C');
      if (real.length) console.log(`console errors on ${name}:\n${real.join('\n')}`);
    }
    for (const opened of [a, b, c]) await opened.context.close();
  }
}

await main();
