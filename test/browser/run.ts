// `npm run test:browser`: real Chromium against a real server. Plays a full Traitors game and a
// full Trust-and-Split game through the accessible controls from the landing page, reloads mid-game,
// watches a game as the spectator, and fails on any console error. Screenshots go to test-results/.
// Two tests run at a time (PARLEY_BROWSER_WORKERS), each in browser contexts of its own, after the
// ones marked `alone`; each test's lines are printed when it ends.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import {
  ADMIN_TOKEN,
  CHROMIUM,
  CHROMIUM_ARGS,
  DESKTOP,
  PHONE,
  REPO_ROOT,
  bootServer,
  buildClient,
  createSession,
  launchBrowser,
  openPage,
  playToTheEnd,
  playUntil,
  settled,
  type TestOptions,
  type TestServer,
} from './harness.ts';
import { trackBrowser } from './failure-report.ts';
import { registerPairsVsBlindTest, registerTraitorsStudyTest } from './study.ts';
import { registerStudyPageTests } from './study-pages.ts';
import { registerConsoleTests } from './console.ts';
import { registerConsoleStudyTests } from './console-studies.ts';
import { registerReplayTests } from './replay.ts';
import { registerTableLayoutTests } from './table-layout.ts';
import { registerTableMomentTests } from './table-moments.ts';
import { registerStartGateTests } from './start-gate.ts';
import { registerTakeoverTests } from './takeover.ts';
import { registerRecruitmentTests } from './recruitment.ts';
import { registerTraitorsReferenceTests } from './traitors-reference.ts';

const OUT = path.join(REPO_ROOT, 'test-results');
mkdirSync(OUT, { recursive: true });

type Test = { name: string; run: (ctx: { browser: Browser; server: TestServer }) => Promise<void>; alone: boolean };
const tests: Test[] = [];
const test = (name: string, run: Test['run'], options: TestOptions = {}) => tests.push({ name, run, alone: options.alone ?? false });

async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: path.join(OUT, `${name}.png`) });
}

function assertNoErrors(errors: string[]): void {
  assert.deepEqual(errors, [], `console errors:\n${errors.join('\n')}`);
}

// The longest tests first (two run at a time: a long one started last would run on alone at the end),
// the two study tests (the most pages open at once) not side by side.
// studies: /s/<slug> from consent to the completion code (test/browser/study.ts)
registerTraitorsStudyTest(test, shot);
// the table in step with the game: moments in order, no overlay on your turn, the vote record (test/browser/table-moments.ts)
registerTableMomentTests(test, shot);
// the experimenter console: sign in, create, watch live, end, download (test/browser/console.ts)
registerConsoleTests(test, shot);
registerPairsVsBlindTest(test, shot);
// the table's layout: resizes, controls in view at 1280×720 and on a phone, the end screen (test/browser/table-layout.ts)
registerTableLayoutTests(test, shot);

test('landing page: what Parley is, two quick-play buttons, how to host', async ({ browser, server }) => {
  for (const [label, viewport] of [['desktop', DESKTOP], ['phone', PHONE]] as const) {
    const { page, context, errors } = await openPage(browser, viewport);
    await page.goto(server.url + '/');
    await page.getByRole('heading', { name: 'Parley', level: 1 }).waitFor();
    assert.equal(await page.getByRole('button', { name: 'Play The Traitors' }).count(), 1);
    assert.equal(await page.getByRole('button', { name: 'Play Trust-and-Split' }).count(), 1);
    await page.getByRole('heading', { name: 'Host a session' }).waitFor();
    assert.equal(await page.getByRole('link', { name: 'README' }).getAttribute('href'), '/docs/readme');
    await shot(page, `landing-${label}`);
    assertNoErrors(errors);
    await context.close();
  }
});

test('landing page: a quick play that fails says what to do next, and the button works again', async ({ browser, server }) => {
  const { page, context, errors } = await openPage(browser, PHONE);
  await page.goto(server.url + '/');
  const button = page.getByRole('button', { name: 'Play The Traitors' });
  const alert = page.locator('.landing-error[role="alert"]');
  // the network drops the request: not the browser's "Failed to fetch"
  await page.route('**/api/quickplay', (route) => route.abort('internetdisconnected'));
  await button.click();
  await alert.filter({ hasText: 'Could not reach the Parley server. Check your connection, then try again.' }).waitFor();
  assert.equal(await button.isEnabled(), true);
  // a proxy in front of Parley answers with its own error page
  await page.unroute('**/api/quickplay');
  await page.route('**/api/quickplay', (route) => route.fulfill({ status: 502, contentType: 'text/html', body: '<html><body>Bad gateway</body></html>' }));
  await button.click();
  await alert.filter({ hasText: 'The server could not set the table (HTTP 502). Try again in a minute' }).waitFor();
  // the first card's button is far above the message on a phone: the message comes into view
  await page.waitForFunction(() => {
    const box = document.querySelector('.landing-error')!.getBoundingClientRect();
    return box.top >= 0 && box.bottom <= innerHeight;
  });
  await settled(page);
  await shot(page, 'landing-quickplay-failed-phone');
  // Parley's own refusal is shown as it is
  await page.unroute('**/api/quickplay');
  await page.route('**/api/quickplay', (route) => route.fulfill({ status: 429, contentType: 'application/json', body: JSON.stringify({ error: 'This server is full: 2 quick-play tables are in play. Try again in a minute.' }) }));
  await button.click();
  await alert.filter({ hasText: 'This server is full: 2 quick-play tables are in play. Try again in a minute.' }).waitFor();
  assert.equal(await button.textContent(), 'Play The Traitors');
  // the only console errors are the browser's own notes on the failed requests
  assertNoErrors(errors.filter((e) => !/Failed to load resource/.test(e)));
  await context.close();
});

test('the README opens from the lobby', async ({ browser, server }) => {
  const { page, context, errors } = await openPage(browser, DESKTOP);
  await page.goto(server.url + '/');
  await page.getByRole('link', { name: 'README' }).click();
  await page.waitForURL('**/docs/readme');
  await page.getByRole('heading', { name: 'Quick start' }).waitFor();
  assertNoErrors(errors);
  await context.close();
});

test('The Traitors: a full game from the lobby, with a reload mid-game', async ({ browser, server }) => {
  const { page, context, errors } = await openPage(browser, DESKTOP);
  await page.goto(server.url + '/');
  await page.getByRole('button', { name: 'Play The Traitors' }).click();
  await page.waitForURL(/\/play\/[^/]+$/);
  await page.getByRole('status').filter({ hasText: 'Connected' }).waitFor();
  // a role card: faithful or traitor
  await page.getByRole('heading', { name: /^You are (a Traitor|Faithful)$/ }).waitFor();
  await page.locator('[data-scene="traitors"]').waitFor({ timeout: 15_000 });
  assert.match((await page.locator('#stage').getAttribute('data-renderer')) ?? '', /^(webgl|canvas)$/);
  await shot(page, 'traitors-start');
  const seen = new Set<string>();
  const report = await playToTheEnd(page, {
    reloadAfter: 2,
    onAction: async (kind) => {
      if (!seen.has(kind)) {
        seen.add(kind);
        await shot(page, `traitors-after-${kind}`);
      }
    },
  });
  assert.ok(report.reloaded, 'the page was reloaded mid-game');
  assert.ok(report.linesAfterReload >= report.linesBeforeReload, `the conversation came back after the reload (${report.linesBeforeReload} → ${report.linesAfterReload})`);
  assert.ok(report.phaseAfterReload.length > 0, 'the phase shows after the reload');
  assert.ok((report.actions.speak ?? 0) >= 1, `spoke at least once: ${JSON.stringify(report.actions)}`);
  // results: every role revealed, a verdict
  await page.locator('[data-scene="results"]').waitFor({ timeout: 15_000 });
  await settled(page);
  await shot(page, 'traitors-results');
  const reveal = page.getByRole('list', { name: 'Every role revealed' });
  assert.equal(await reveal.getByRole('listitem').count(), 8);
  assert.match((await page.locator('.results .verdict').textContent()) ?? '', /^The (faithful|traitors) win!$/);
  // player text is rendered as text: the message with a tag in it shows the tag literally
  if ((report.actions.speak ?? 0) >= 6) {
    assert.ok((await page.locator('.chat-log .text', { hasText: '<b>honestly</b>' }).count()) >= 1, 'markup shown as text');
  }
  assert.equal(await page.locator('.chat-log b').count(), 0, 'no HTML from player text');
  assertNoErrors(errors);
  await context.close();
});

test('Trust-and-Split: a full game on a phone, from the lobby, with a reload mid-game', async ({ browser, server }) => {
  const { page, context, errors } = await openPage(browser, PHONE);
  await page.goto(server.url + '/');
  await page.getByRole('button', { name: 'Play Trust-and-Split' }).click();
  await page.waitForURL(/\/play\/[^/]+$/);
  await page.getByRole('heading', { name: /^Your hand: (Rock|Paper|Scissors)$/ }).waitFor();
  await page.locator('[data-scene="trust-split"]').waitFor({ timeout: 15_000 });
  await shot(page, 'trust-split-start');
  let proposals = 0;
  const report = await playToTheEnd(page, {
    reloadAfter: 3,
    onAction: async (kind) => {
      if (kind === 'propose' && ++proposals === 2) {
        // the second round's split, whole on screen (both hands, the coins, the points)
        await page.locator('#stage[data-moment-kind="split"][data-moment-round="2"][data-moment-shown="yes"]').waitFor({ timeout: 15_000 });
        await shot(page, 'trust-split-split-moment');
      }
    },
  });
  assert.ok(report.reloaded);
  assert.ok(report.linesAfterReload >= report.linesBeforeReload, `conversation restored (${report.linesBeforeReload} → ${report.linesAfterReload})`);
  assert.equal(report.actions.propose, 5, `one proposal per round: ${JSON.stringify(report.actions)}`);
  await page.locator('[data-scene="results"]').waitFor({ timeout: 15_000 });
  await settled(page);
  await shot(page, 'trust-split-results');
  assert.equal(await page.locator('table.rounds tbody tr').count(), 5, 'a row per round');
  assert.equal(await page.locator('.final-points li').count(), 2);
  assertNoErrors(errors);
  await context.close();
});

test('spectator: /watch shows the whole truth live and the end', async ({ browser, server }) => {
  const response = await fetch(`${server.url}/api/sessions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify({ game: 'traitors', preset: 'table', seats: Array.from({ length: 8 }, () => ({ kind: 'agent', agent: 'scripted' })), agentDelayMs: 200 }),
  });
  assert.equal(response.status, 201);
  const created = (await response.json()) as { spectatorToken: string };
  const { page, context, errors } = await openPage(browser, DESKTOP);
  await page.goto(`${server.url}/watch/${created.spectatorToken}`);
  await page.getByRole('heading', { name: 'Spectator — the whole truth' }).waitFor();
  const roles = page.getByRole('list', { name: 'Roles' });
  assert.equal(await roles.getByRole('listitem').count(), 8);
  assert.equal(await roles.getByText('Traitor', { exact: true }).count(), 2, 'both traitors shown to the spectator');
  // the secret chat is visible to the spectator
  assert.equal(await page.getByRole('tab', { name: "Traitors' chat" }).count(), 1);
  assert.equal(await page.getByRole('textbox', { name: 'Message' }).count(), 0, 'the spectator cannot act');
  await shot(page, 'spectator');
  // everyone's private suspicions, once given
  await page.getByRole('table', { name: /^Suspicions, round \d+/ }).waitFor({ timeout: 60_000 });
  await shot(page, 'spectator-votes');
  await page.getByRole('heading', { name: 'Game over' }).waitFor({ timeout: 120_000 });
  assertNoErrors(errors);
  await context.close();
});

test('without WebGL the table falls back to the canvas renderer', async ({ server }) => {
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: [...CHROMIUM_ARGS, '--disable-webgl', '--disable-3d-apis'] });
  try {
    // two rounds: enough to reach the results drawn by the canvas renderer
    const created = await createSession(server, { game: 'trust-split', preset: 'human', config: { rounds: 2 }, seats: [{ kind: 'human' }, { kind: 'agent', agent: 'scripted' }], agentDelayMs: 25 });
    const { page, errors } = await openPage(browser, DESKTOP);
    await page.goto(`${server.url}/play/${created.seats[0].token}`);
    await page.locator('#stage[data-scene="trust-split"]').waitFor({ timeout: 15_000 });
    assert.equal(await page.locator('#stage').getAttribute('data-renderer'), 'canvas');
    await playToTheEnd(page, { timeoutMs: 120_000 });
    await page.locator('[data-scene="results"]').waitFor({ timeout: 15_000 });
    await settled(page);
    await shot(page, 'canvas-renderer-results');
    assertNoErrors(errors);
  } finally {
    await browser.close();
  }
});

test('WebGL that fails when the game boots (after Phaser found it): the table draws on canvas, the controls are there', async ({ browser, server }) => {
  const created = await createSession(server, { game: 'trust-split', preset: 'human', seats: [{ kind: 'human' }, { kind: 'agent', agent: 'fair' }], agentDelayMs: 25 });
  const { page, context, errors } = await openPage(browser, DESKTOP);
  // Phaser asks for a WebGL context once when it loads (its feature check); every later ask fails,
  // as when the GPU process has crashed or the browser has run out of contexts
  await context.addInitScript(() => {
    const getContext = HTMLCanvasElement.prototype.getContext;
    let webglAsks = 0;
    HTMLCanvasElement.prototype.getContext = function (this: HTMLCanvasElement, kind: string, ...rest: unknown[]) {
      if (/webgl/.test(kind) && ++webglAsks > 1) return null;
      return (getContext as (...a: unknown[]) => RenderingContext | null).call(this, kind, ...rest);
    } as typeof getContext;
  });
  await page.goto(`${server.url}/play/${created.seats[0].token}`);
  await page.locator('#stage[data-scene="trust-split"][data-renderer="canvas"]').waitFor({ timeout: 15_000 });
  await page.getByRole('textbox', { name: 'Message' }).waitFor({ timeout: 15_000 });
  await settled(page);
  await shot(page, 'webgl-failed-canvas-table');
  assertNoErrors(errors);
  await context.close();
});

test('a reload keeps an unsent message, the countdown runs, and Enter sends', async ({ browser, server }) => {
  const created = await createSession(server, { game: 'trust-split', preset: 'human', seats: [{ kind: 'human' }, { kind: 'agent', agent: 'fair' }], agentDelayMs: 25 });
  const { page, context, errors } = await openPage(browser, DESKTOP);
  await page.goto(`${server.url}/play/${created.seats[0].token}`);
  const message = page.getByRole('textbox', { name: 'Message' });
  await message.waitFor({ timeout: 15_000 });
  const timer = page.getByRole('timer');
  assert.match((await timer.textContent()) ?? '', /^\d+:\d\d$/);
  await message.fill('half a thought about scissors');
  await page.reload();
  await message.waitFor({ timeout: 15_000 });
  assert.equal(await message.inputValue(), 'half a thought about scissors');
  await message.press('Enter');
  await page.locator('.chat-log .text', { hasText: 'half a thought about scissors' }).waitFor();
  assertNoErrors(errors);
  await context.close();
});

test('the server goes away mid-game: "Reconnecting…", then the game carries on', async ({ browser }) => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'parley-restart-'));
  let first: TestServer | null = await bootServer(25, { dataDir });
  let second: TestServer | null = null;
  try {
    const port = first.server.port;
    // two rounds (two messages each): the restart comes in round 1, and round 2 is still to play after it
    const created = await createSession(first, { game: 'trust-split', preset: 'human', config: { rounds: 2 }, seats: [{ kind: 'human' }, { kind: 'agent', agent: 'fair' }], agentDelayMs: 25 });
    const { page, context, errors } = await openPage(browser, DESKTOP);
    await page.goto(`${first.url}/play/${created.seats[0].token}`);
    await playUntil(page, async () => (await page.locator('.chat-log li.line').count()) >= 3);
    const linesBefore = await page.locator('.chat-log li.line').count();
    await first.close();
    first = null;
    await page.getByRole('alert').filter({ hasText: 'reconnecting' }).waitFor({ timeout: 15_000 });
    assert.equal(await page.getByRole('status').textContent(), 'Reconnecting…');
    second = await bootServer(25, { dataDir, port });
    await page.getByRole('status').filter({ hasText: 'Connected' }).waitFor({ timeout: 20_000 });
    assert.ok((await page.locator('.chat-log li.line').count()) >= linesBefore, 'the conversation is still there');
    await playToTheEnd(page, { timeoutMs: 120_000 });
    // the socket's own reconnect attempts while the server was down are expected network noise
    assertNoErrors(errors.filter((e) => !/ERR_CONNECTION_REFUSED|WebSocket connection/.test(e)));
    await context.close();
  } finally {
    await first?.close();
    await second?.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
});

test('a wrong link says so instead of hanging', async ({ browser, server }) => {
  const { page, context, errors } = await openPage(browser, DESKTOP);
  await page.goto(`${server.url}/play/not-a-real-token`);
  await page.getByRole('alert').filter({ hasText: 'does not open any seat' }).waitFor();
  await page.getByRole('link', { name: 'Back to the lobby' }).first().waitFor();
  assertNoErrors(errors);
  await context.close();
});

// the participant pages' own cases: wrong/closed/busy links, time limits, tabs, a failed quiz
registerStudyPageTests(test, shot);
// the console's Studies section: create, recruitment, funnel (test/browser/console-studies.ts)
registerConsoleStudyTests(test, shot);
// replay: /replay/<session> as the spectator and as a faithful seat (test/browser/replay.ts)
registerReplayTests(test, shot);
// takeovers: the badge and chat line for the other player, the notice for the returning one (test/browser/takeover.ts)
registerTakeoverTests(test, shot);
// the Traitors reference preset: biographies, hidden votes, the talk after a banishment (test/browser/traitors-reference.ts)
registerTraitorsReferenceTests(test, shot);
// recruitment: a human faithful offered a place among the traitors (test/browser/recruitment.ts)
registerRecruitmentTests(test, shot);
// the start gate: "Waiting for <name>", a full clock for a late joiner, "<name> is away" (test/browser/start-gate.ts)
registerStartGateTests(test, shot);

/** How many tests run at once (PARLEY_BROWSER_WORKERS, default 2), each in its own browser context. */
function workerCount(): number {
  const raw = process.env.PARLEY_BROWSER_WORKERS ?? '2';
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > 8) throw new Error(`PARLEY_BROWSER_WORKERS must be a whole number from 1 to 8, not "${raw}"`);
  return n;
}

async function main(): Promise<void> {
  const only = process.argv[2];
  const workers = workerCount();
  const started = Date.now();
  await buildClient();
  // blind study arms paced at a tenth of a person's speed: the tests check the flow, not the pacing
  const server = await bootServer(Number(process.env.PARLEY_TEST_AGENT_DELAY_MS ?? 40), { humanPacingScale: 0.1 });
  const browser = await launchBrowser();
  const chosen = tests.filter((t) => !only || t.name.toLowerCase().includes(only.toLowerCase()));
  let passed = 0;
  let failed = 0;
  // a test's lines are printed together when it ends, so two tests at once do not interleave
  const runOne = async (t: Test): Promise<void> => {
    const t0 = Date.now();
    const tracked = trackBrowser(browser);
    try {
      await t.run({ browser: tracked.browser, server });
      passed++;
      console.log(`✓ ${t.name} (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
    } catch (err) {
      failed++;
      const left = await tracked.report(OUT, t.name);
      console.log(`✗ ${t.name}\n  ${err instanceof Error ? (err.stack ?? err.message).replace(/\n/g, '\n  ') : String(err)}\n  what its pages showed:\n${left}`);
    } finally {
      await tracked.closeAll();
    }
  };
  try {
    // first the tests that must be alone on the server, one by one, before anything else has run
    for (const t of chosen.filter((c) => c.alone)) await runOne(t);
    // then the rest, `workers` at a time, each taking the next test in the list when it is free
    const queue = chosen.filter((c) => !c.alone);
    await Promise.all(
      Array.from({ length: Math.min(workers, queue.length) }, async () => {
        for (let t = queue.shift(); t; t = queue.shift()) await runOne(t);
      }),
    );
  } finally {
    await browser.close();
    await server.close();
  }
  console.log(`\n${passed} passed, ${failed} failed (${((Date.now() - started) / 1000).toFixed(1)} s; screenshots in test-results/)`);
  process.exit(failed ? 1 : 0);
}

await main();
