// Replay in Chromium (issue 11): a finished Traitors game replayed at /replay/<session> by the
// signed-in experimenter as the spectator (the traitors' chat is there) and as a faithful seat (it
// is not), driven through the accessible controls "Timeline", "Play", "Pause", "Step back",
// "Step forward" and "View as"; and the spectator's own link, which offers its one viewpoint only.
// run.ts registers these tests.
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { ADMIN_TOKEN, DESKTOP, PHONE, DOC_IMAGES, REPO_ROOT, createSession, openPage, traitorsRoles, type TestServer } from './harness.ts';

type Register = (name: string, run: (ctx: { browser: Browser; server: TestServer }) => Promise<void>) => void;
type Shot = (page: Page, name: string) => Promise<void>;

interface Row {
  kind: string;
  event: { type: string; channel?: string; text?: string };
}

/** A Traitors table of scripted agents, played to the end (the session's status is polled until then). */
async function finishedTraitors(server: TestServer): Promise<{ id: string; spectatorToken: string; roles: string[]; whispers: string[] }> {
  const created = await createSession(server, { game: 'traitors', preset: 'table', seed: 11, seats: Array.from({ length: 8 }, () => ({ kind: 'agent', agent: 'scripted' })), agentDelayMs: 0 });
  const auth = { authorization: `Bearer ${ADMIN_TOKEN}` };
  for (;;) {
    const status = ((await (await fetch(`${server.url}/api/sessions/${created.id}`, { headers: auth })).json()) as { status: string }).status;
    if (status !== 'active') break;
    await new Promise((resolve) => setTimeout(resolve, 50)); // polling the condition, not a fixed wait
  }
  const rows = (await (await fetch(`${server.url}/api/sessions/${created.id}/events`, { headers: auth })).text())
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Row);
  const statements = rows.filter((r) => r.kind === 'game' && r.event.type === 'statement');
  const spoken = new Set(statements.filter((r) => r.event.channel === 'public').map((r) => r.event.text));
  // whispers that were never also said in public, so finding one proves it came from the secret chat
  const whispers = statements.filter((r) => r.event.channel === 'traitors' && !spoken.has(r.event.text)).map((r) => r.event.text!);
  assert.ok(whispers.length > 0, 'the traitors whispered something of their own');
  return { id: created.id, spectatorToken: created.spectatorToken, roles: await traitorsRoles(server, created.id), whispers };
}

/** "event k of N · …" → k */
async function eventNumber(page: Page): Promise<number> {
  const text = (await page.locator('.replay-position').textContent()) ?? '';
  const m = /^event (\d+) of (\d+)/.exec(text);
  assert.ok(m, `position text "${text}"`);
  return Number(m[1]);
}

/** Wait until the event counter reaches at least `min`. */
async function waitForEventAtLeast(page: Page, min: number, what: string): Promise<number> {
  await page
    .waitForFunction((least) => {
      const m = /^event (\d+) of/.exec(document.querySelector('.replay-position')?.textContent ?? '');
      return m !== null && Number(m[1]) >= least;
    }, min, { timeout: 15_000 })
    .catch(async (err: unknown) => {
      throw new Error(`waiting for ${what}: at event ${await eventNumber(page)} (${String(err)})`);
    });
  return eventNumber(page);
}

/**
 * Step the timeline back from the end with the arrow key until the position's label says `label`
 * (backward steps land without animations, so nothing flies across the table in the screenshot).
 */
async function scrubBackTo(page: Page, label: RegExp): Promise<void> {
  const timeline = page.getByRole('slider', { name: 'Timeline' });
  await timeline.focus();
  await page.keyboard.press('End');
  const total = Number(await timeline.getAttribute('max'));
  for (let i = 0; i <= total; i++) {
    if (label.test((await page.locator('.replay-position').textContent()) ?? '')) return;
    await page.keyboard.press('ArrowLeft');
  }
  throw new Error(`no moment labelled ${label}`);
}

async function chatText(page: Page): Promise<string> {
  return (await page.locator('.chat').textContent()) ?? '';
}

export function registerReplayTests(test: Register, shot: Shot): void {
  test('replay: the spectator sees the traitors\' chat, a faithful seat does not; timeline, play, pause and steps move', async ({ browser, server }) => {
    const game = await finishedTraitors(server);
    const faithful = game.roles.indexOf('faithful');
    for (const [label, viewport] of [['desktop', DESKTOP], ['phone', PHONE]] as const) {
      const { page, context, errors } = await openPage(browser, viewport);
      // sign in like the console's form does: the cookie is then sent by the page itself
      const login = await page.request.post(`${server.url}/api/console/login`, { data: { token: ADMIN_TOKEN }, headers: { 'x-parley-console': '1' } });
      assert.equal(login.status(), 204, await login.text());
      await page.goto(`${server.url}/replay/${game.id}`);
      const position = page.locator('.replay-position');
      await position.filter({ hasText: /^event 1 of \d+/ }).waitFor();
      await page.getByRole('status').filter({ hasText: 'Replay' }).waitFor();
      const viewAs = page.getByLabel('View as');
      assert.equal(await viewAs.locator('option').count(), 9, 'the spectator and all eight seats');

      // the spectator: the night's whispers are in the traitors' chat
      await scrubBackTo(page, /whispered to the traitors/);
      await page.getByRole('tab', { name: "Traitors' chat" }).click();
      const seen = await chatText(page);
      assert.ok(game.whispers.some((w) => seen.includes(w)), 'a whisper shows in the spectator replay');
      if (label === 'desktop') {
        await shot(page, 'replay-spectator-desktop');
        mkdirSync(DOC_IMAGES, { recursive: true });
        copyFileSync(path.join(REPO_ROOT, 'test-results', 'replay-spectator-desktop.png'), path.join(DOC_IMAGES, 'replay-desktop.png'));
      } else await shot(page, 'replay-spectator-phone');

      // the same moment as a faithful seat: no secret chat, no whisper anywhere on the page
      const before = await eventNumber(page);
      await viewAs.selectOption(String(faithful));
      await page.locator('.replay-position').filter({ hasText: /^event \d+ of/ }).waitFor();
      await page.waitForFunction((seat) => (document.querySelector('.info')?.textContent ?? '').length > 0 && (document.querySelector<HTMLSelectElement>('#replay-view-as')?.value === String(seat)), faithful);
      await page.getByRole('tab', { name: "Traitors' chat" }).waitFor({ state: 'detached' });
      const body = (await page.locator('body').textContent()) ?? '';
      for (const whisper of game.whispers) assert.ok(!body.includes(whisper), `a faithful replay shows the whisper "${whisper}"`);
      assert.ok((await eventNumber(page)) <= before + 1, 'the faithful view stays at about the same moment');
      await shot(page, `replay-faithful-${label}`);

      // the controls move the event counter (from the start, so there is room to play)
      const timeline = page.getByRole('slider', { name: 'Timeline' });
      await timeline.focus();
      await page.keyboard.press('Home');
      assert.equal(await eventNumber(page), 1, 'Home on the timeline');
      await page.keyboard.press('ArrowRight');
      assert.equal(await eventNumber(page), 2, 'ArrowRight on the timeline');
      await page.getByRole('button', { name: 'Step forward' }).click();
      assert.equal(await eventNumber(page), 3, 'Step forward');
      await page.getByRole('button', { name: 'Step back' }).click();
      assert.equal(await eventNumber(page), 2, 'Step back');
      const k = 2;
      await page.getByLabel('Speed').selectOption('16');
      await page.getByRole('button', { name: 'Play' }).click();
      await waitForEventAtLeast(page, k + 2, 'two moments on while playing');
      await page.getByRole('button', { name: 'Pause' }).click();
      assert.equal(await page.getByRole('button', { name: 'Pause' }).isDisabled(), true, 'Pause is done');
      assert.equal(await page.getByRole('button', { name: 'Play' }).isEnabled(), true, 'Play is offered again');
      assert.deepEqual(errors, [], `console errors:\n${errors.join('\n')}`);
      await context.close();
    }
  });

  test('replay: the spectator link replays its one viewpoint, to the results', async ({ browser, server }) => {
    const game = await finishedTraitors(server);
    const { page, context, errors } = await openPage(browser, DESKTOP);
    // the finished game's results panel links the replay, through the page's own token
    await page.goto(`${server.url}/watch/${game.spectatorToken}`);
    const link = page.getByRole('link', { name: 'Watch the replay' });
    await link.waitFor();
    assert.equal(await link.getAttribute('href'), `/replay/${game.id}?token=${game.spectatorToken}`);
    await link.click();
    await page.locator('.replay-position').filter({ hasText: /^event 1 of/ }).waitFor();
    const viewAs = page.getByLabel('View as');
    assert.equal(await viewAs.isDisabled(), true);
    assert.equal(await viewAs.locator('option').count(), 1);
    await page.getByRole('slider', { name: 'Timeline' }).focus();
    await page.keyboard.press('End');
    await page.getByRole('heading', { name: 'Game over' }).waitFor();
    await page.keyboard.press('Home');
    await page.getByRole('heading', { name: 'Game over' }).waitFor({ state: 'detached' });
    // back at the start: the secret chat is empty again, and nothing in it counts as unread
    const secret = page.getByRole('tab', { name: /^Traitors' chat/ });
    assert.equal(await secret.getAttribute('data-unread'), null, 'no unread whispers at the start');
    assert.equal(await page.locator('.chat-panel.secret li.line').count(), 0, 'no whispers at the start');
    await shot(page, 'replay-token-start-desktop');
    assert.deepEqual(errors, [], `console errors:\n${errors.join('\n')}`);
    await context.close();
  });
}
