// Shared by the browser tests and the docs screenshots: build the client, boot a real server on a
// free port with a temp data dir, drive Debian's chromium with playwright-core, and play a game
// through the accessible controls only (roles and names, as a person with a screen reader would).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type ElementHandle, type Page } from 'playwright-core';
import { startServer, type RunningServer } from '../../server/app.ts';
import type { CreatedSession } from '../../shared/protocol/index.ts';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
/**
 * Where the browser tests put the screenshots the docs show: docs/images with
 * PARLEY_DOC_IMAGES=1 (to refresh them), else test-results/, so a test run leaves the tree clean.
 */
export const DOC_IMAGES = path.join(REPO_ROOT, process.env.PARLEY_DOC_IMAGES === '1' ? 'docs/images' : 'test-results');
export const CHROMIUM = process.env.PARLEY_CHROMIUM ?? '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export const DESKTOP = { width: 1280, height: 720 };
export const PHONE = { width: 390, height: 844 };

/** Build dist/client with the project's vite.config.ts. */
export async function buildClient(): Promise<void> {
  const { build } = await import('vite');
  await build({ configFile: path.join(REPO_ROOT, 'vite.config.ts'), logLevel: 'warn' });
}

export interface TestServer {
  server: RunningServer;
  url: string;
  close(): Promise<void>;
}

/**
 * A real Parley server with a throwaway data dir (or `dataDir`, to restart on the same log);
 * agents in quick play paced at `agentDelayMs`; `humanPacingScale` scales the person-like pacing
 * of blind study arms (their agents' think and typing time, the wait before a blind table forms).
 */
export async function bootServer(agentDelayMs: number, where: { port?: number; dataDir?: string; humanPacingScale?: number } = {}): Promise<TestServer> {
  const dataDir = where.dataDir ?? mkdtempSync(path.join(tmpdir(), 'parley-browser-'));
  const server = await startServer({
    port: where.port ?? 0,
    host: '127.0.0.1',
    dataDir,
    adminToken: ADMIN_TOKEN,
    quickplayAgentDelayMs: agentDelayMs,
    staticDir: path.join(REPO_ROOT, 'dist', 'client'),
    durability: 'normal',
    // every browser test signs in from 127.0.0.1: no limit on console sign-ins here
    console: { loginsPerMin: 0 },
    studies: { humanPacingScale: where.humanPacingScale ?? 1 },
    log: () => {},
  });
  return {
    server,
    url: `http://127.0.0.1:${server.port}`,
    async close() {
      await server.close();
      if (!where.dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * `alone`: the test reads server-wide things (the session list, the console's rows) that another
 * test's sessions would change, so run.ts runs it before the others start, with nothing beside it.
 */
export type TestOptions = { alone?: boolean };
/** How a test module registers its tests with run.ts. */
export type Register = (name: string, run: (ctx: { browser: Browser; server: TestServer }) => Promise<void>, options?: TestOptions) => void;

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
}

/** A page that records every console error and uncaught exception. */
export async function openPage(browser: Browser, viewport: { width: number; height: number }): Promise<{ context: BrowserContext; page: Page; errors: string[] }> {
  const context = await browser.newContext({ viewport, deviceScaleFactor: 1, reducedMotion: 'no-preference' });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(`console: ${message.text()}`);
  });
  page.on('pageerror', (error) => errors.push(`page: ${error.message}`));
  return { context, page, errors };
}

export interface PlayOptions {
  /** reload the page after this many of our own actions (once) */
  reloadAfter?: number;
  /** called after every action we take, e.g. to take screenshots at the right moments */
  onAction?: (kind: string, count: number) => Promise<void>;
  /** text to say, by count */
  say?: (count: number) => string;
  timeoutMs?: number;
}

export interface PlayReport {
  actions: Record<string, number>;
  reloaded: boolean;
  /** chat lines shown before the reload, and after it came back */
  linesBeforeReload: number;
  linesAfterReload: number;
  phaseBeforeReload: string;
  phaseAfterReload: string;
}

const SAYINGS = [
  'Good evening, everyone. I am here to find the truth.',
  'I have been watching the votes closely, and some of you are too quiet.',
  'I trust the people who explain their votes. Who wants to go first?',
  'Something about the last round table does not add up.',
  'Let us not rush. Every banishment of a faithful helps the traitors.',
  'I am on your side <b>honestly</b> — and yes, that tag is just text.',
];

/**
 * Wait until nothing on the page moves, so a screenshot shows a settled frame rather than one
 * picked by a sleep: the table's stage says it is still (data-still, client/scenes/director.ts: no
 * moment, confetti or pending switch to the results) and no CSS animation or transition that ends
 * is running (looping ones, such as the typing dots, never end and do not count).
 */
export async function settled(page: Page, timeoutMs = 20_000): Promise<void> {
  await page.waitForFunction(
    () => {
      const stage = document.querySelector<HTMLElement>('#stage');
      if (stage?.dataset.scene && stage.dataset.still !== 'yes') return false;
      return document.getAnimations().every((animation) => animation.playState !== 'running' || animation.effect?.getComputedTiming().endTime === Infinity);
    },
    undefined,
    { timeout: timeoutMs, polling: 'raf' },
  );
}

/** How many conversation lines are on screen. */
async function chatLines(page: Page): Promise<number> {
  return page.locator('.chat-log li.line').count();
}

/**
 * Play the seat on `page` to the end of the game using only accessible controls: the "Message"
 * textbox and "Send", "Vote for …" buttons, "Suspicion of …" sliders and "Submit suspicions",
 * "Coins to keep" and "Propose", the buttons of a choice (the last: a recruitment offer refused).
 * Returns when the "Game over" heading shows.
 */
export async function playToTheEnd(page: Page, options: PlayOptions = {}): Promise<PlayReport> {
  const gameOver = page.getByRole('heading', { name: 'Game over' });
  return playUntil(page, () => gameOver.isVisible(), options);
}

/** Play as above until `stop()` answers true (checked before every move). */
export async function playUntil(page: Page, stop: () => Promise<boolean>, options: PlayOptions = {}): Promise<PlayReport> {
  const deadline = Date.now() + (options.timeoutMs ?? 240_000);
  const report: PlayReport = { actions: {}, reloaded: false, linesBeforeReload: 0, linesAfterReload: 0, phaseBeforeReload: '', phaseAfterReload: '' };
  let count = 0;
  const message = page.getByRole('textbox', { name: 'Message' });
  const votes = page.getByRole('button', { name: /^Vote for / });
  const submitSuspicions = page.getByRole('button', { name: 'Submit suspicions' });
  const coins = page.getByRole('spinbutton', { name: 'Coins to keep', exact: true });

  const acted = async (kind: string, control: ElementHandle<Node>) => {
    count++;
    report.actions[kind] = (report.actions[kind] ?? 0) + 1;
    // this control goes away once the server has the action (a new one may come for the next request)
    await page.waitForFunction((element) => !element.isConnected, control, { timeout: 15_000 });
    await options.onAction?.(kind, count);
    if (options.reloadAfter !== undefined && count === options.reloadAfter && !report.reloaded) {
      report.linesBeforeReload = await chatLines(page);
      report.phaseBeforeReload = (await page.locator('.topbar .phase').textContent()) ?? '';
      await page.reload();
      // a reload on a busy machine (two tests at once) may take a while: 30 s before calling it lost
      await page.getByRole('status').filter({ hasText: 'Connected' }).waitFor({ timeout: 30_000 });
      await page.locator('.topbar .phase').filter({ hasText: /\S/ }).waitFor({ timeout: 30_000 });
      report.linesAfterReload = await chatLines(page);
      report.phaseAfterReload = (await page.locator('.topbar .phase').textContent()) ?? '';
      report.reloaded = true;
    }
  };

  /**
   * Do `act` on a request's control; false when the request went away under us (its deadline passed,
   * the phase moved on, the game ended: `shown` answers false) so the loop looks again.
   */
  const answered = async (act: () => Promise<void>, shown: () => Promise<boolean>): Promise<boolean> => {
    try {
      await act();
      return true;
    } catch (err) {
      if (await shown()) throw err;
      return false;
    }
  };

  while (Date.now() < deadline) {
    if (await stop()) return report;
    if (await message.isVisible()) {
      const control = await message.elementHandle();
      // index by statements made (not all actions), so the sixth statement is always the one with markup
      const spoken = report.actions.speak ?? 0;
      const text = options.say?.(count) ?? SAYINGS[spoken % SAYINGS.length];
      try {
        await message.fill(text, { timeout: 5_000 });
        // alternate the keyboard (Enter) and the button, so both paths are exercised
        if (count % 2 === 0) await message.press('Enter', { timeout: 5_000 });
        else await page.getByRole('button', { name: 'Send' }).click({ timeout: 5_000 });
      } catch (err) {
        // the request went away under us (its deadline passed, the phase moved on): look again
        if (await message.isVisible()) throw err;
        continue;
      }
      await acted('speak', control!);
      continue;
    }
    const voteCount = await votes.count();
    if (voteCount > 0) {
      if (await stop()) return report;
      const control = await votes.first().elementHandle();
      if (!(await answered(() => votes.nth(count % voteCount).click({ timeout: 15_000 }), async () => (await votes.count()) > 0))) continue;
      await acted('vote', control!);
      continue;
    }
    if (await submitSuspicions.isVisible()) {
      // the request may have appeared since stop() was asked: a caller waiting for it stops here
      if (await stop()) return report;
      const control = await submitSuspicions.elementHandle();
      const sliders = page.getByLabel(/^Suspicion of /);
      const n = await sliders.count();
      const submitted = await answered(async () => {
        for (let i = 0; i < n; i++) await sliders.nth(i).fill(String((i * 35 + count * 15) % 101 - ((i * 35 + count * 15) % 101) % 5), { timeout: 15_000 });
        await submitSuspicions.click({ timeout: 15_000 });
      }, () => submitSuspicions.isVisible());
      if (!submitted) continue;
      await acted('beliefs', control!);
      continue;
    }
    if (await coins.isVisible()) {
      const control = await coins.elementHandle();
      const proposed = await answered(async () => {
        await coins.fill(String(4 + (count % 3)), { timeout: 15_000 });
        await page.getByRole('button', { name: 'Propose' }).click({ timeout: 15_000 });
      }, () => coins.isVisible());
      if (!proposed) continue;
      await acted('propose', control!);
      continue;
    }
    // a choice between named options (a Traitors recruitment offer): the last one, the safe default
    const choices = page.locator('.control.choose .choose-button');
    if ((await choices.count()) > 0) {
      if (await stop()) return report;
      const control = await choices.last().elementHandle();
      if (!(await answered(() => choices.last().click({ timeout: 15_000 }), async () => (await choices.count()) > 0))) continue;
      await acted('choose', control!);
      continue;
    }
    await page.waitForTimeout(60);
  }
  // what the page showed when it stopped moving, to tell a stalled game from a hidden control
  const phase = await page.locator('.topbar .phase').textContent().catch(() => null);
  const panel = await page.locator('.actions').textContent().catch(() => null);
  await page.screenshot({ path: path.join(REPO_ROOT, 'test-results', `stalled-${Date.now()}.png`) }).catch(() => undefined);
  throw new Error(`the game did not get there in time (actions so far: ${JSON.stringify(report.actions)}; phase "${phase}"; panel "${panel?.slice(0, 300)}")`);
}

export const ADMIN_TOKEN = 'browser-test-admin';

/** Create a session through the experimenter API. */
export async function createSession(server: TestServer, body: Record<string, unknown>): Promise<CreatedSession> {
  const response = await fetch(`${server.url}/api/sessions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (response.status !== 201) throw new Error(`POST /api/sessions: ${response.status} ${await response.text()}`);
  return (await response.json()) as CreatedSession;
}

/** The roles a Traitors session dealt (from its log's setup event). */
export async function traitorsRoles(server: TestServer, sessionId: string): Promise<string[]> {
  const response = await fetch(`${server.url}/api/sessions/${sessionId}/events`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
  for (const line of (await response.text()).split('\n')) {
    if (!line.trim()) continue;
    const row = JSON.parse(line) as { kind: string; event: { type: string; roles?: string[] } };
    if (row.kind === 'game' && row.event.type === 'setup' && row.event.roles) return row.event.roles;
  }
  throw new Error(`no setup event in session ${sessionId}`);
}
