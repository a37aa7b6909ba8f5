// The experimenter console in Chromium (issue 11): sign in at /console with the admin token, create
// a Trust-and-Split session from the form, watch its row change live while two other browsers play
// it, end another session with a reason, download an export through its link, and check that a
// wrong token, a request without the cookie and a cookie request without the CSRF header are
// refused. run.ts registers these tests; the two that read the whole session list run alone;
// the screenshots go to test-results/ (docs/images/ with PARLEY_DOC_IMAGES=1).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { readZip } from '../../scripts/study/unzip.ts';
import { ADMIN_TOKEN, DESKTOP, PHONE, DOC_IMAGES, createSession, openPage, playToTheEnd, type Register, type TestServer } from './harness.ts';

type Shot = (page: Page, name: string) => Promise<void>;

/** Console errors, less the refusals these tests provoke on purpose (Chromium logs every 4xx answer). */
function unexpected(errors: string[]): string[] {
  return errors.filter((e) => !/Failed to load resource: the server responded with a status of (400|401|403)/.test(e));
}

const COOKIE = 'parley_console';
const DOCS_IMAGES = DOC_IMAGES;

async function signIn(page: Page, url: string): Promise<void> {
  await page.goto(`${url}/console`);
  await page.getByRole('textbox', { name: 'Admin token' }).fill(ADMIN_TOKEN);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('table', { name: 'Sessions' }).waitFor();
}

/** The console's row for a session (its accessible name holds the session id). */
function row(page: Page, id: string) {
  return page.getByRole('row', { name: new RegExp(id) });
}

async function events(server: TestServer, id: string): Promise<{ kind: string; event: { type: string; [k: string]: unknown } }[]> {
  const response = await fetch(`${server.url}/api/sessions/${id}/events`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
  assert.equal(response.status, 200);
  return (await response.text()).split('\n').filter((line) => line.trim()).map((line) => JSON.parse(line));
}

async function sessionStatus(server: TestServer, id: string): Promise<string> {
  const response = await fetch(`${server.url}/api/sessions/${id}`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
  return ((await response.json()) as { status: string }).status;
}

export function registerConsoleTests(test: Register, shot: Shot): void {
  test('console: sign in, create Trust-and-Split from the form, watch it live, end another, download its export', async ({ browser, server }) => {
    const { page, context, errors } = await openPage(browser, DESKTOP);
    let navigations = 0;
    page.on('framenavigated', (frame) => {
      if (frame === page.mainFrame()) navigations++;
    });

    // a wrong token: an alert, and no cookie
    await page.goto(`${server.url}/console`);
    await page.getByRole('textbox', { name: 'Admin token' }).fill('not-the-token');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').filter({ hasText: 'Wrong admin token' }).waitFor();
    assert.equal((await context.cookies()).filter((c) => c.name === COOKIE).length, 0, 'no cookie after a wrong token');
    assert.equal(await page.getByRole('table', { name: 'Sessions' }).count(), 0);

    // the right one: an HttpOnly, SameSite=Strict cookie and the console
    await page.getByRole('textbox', { name: 'Admin token' }).fill(ADMIN_TOKEN);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('table', { name: 'Sessions' }).waitFor();
    const cookie = (await context.cookies()).find((c) => c.name === COOKIE);
    assert.ok(cookie, 'signed in: the console cookie is set');
    assert.equal(cookie.httpOnly, true);
    assert.equal(cookie.sameSite, 'Strict');
    await page.getByRole('status').filter({ hasText: 'Live' }).waitFor();

    // create a Trust-and-Split session with two human seats from the form
    await page.getByRole('combobox', { name: 'Game' }).selectOption({ label: 'Trust-and-Split' });
    await page.getByRole('combobox', { name: 'Preset' }).selectOption('human');
    await page.getByRole('combobox', { name: 'Seat 1', exact: true }).selectOption('human');
    await page.getByRole('combobox', { name: 'Seat 2', exact: true }).selectOption('human');
    await page.getByRole('textbox', { name: 'Seat 1 label' }).fill('P-001');
    // a short game: two rounds, one message each
    await page.getByRole('textbox', { name: 'Config overrides' }).fill('{"rounds": 2, "messagesPerRound": 1}');
    await page.getByRole('button', { name: 'Create session' }).click();
    const links = page.getByRole('list', { name: 'Join links' });
    await links.waitFor();
    const joinUrls = await links.locator('a.created-link').evaluateAll((anchors) => anchors.map((a) => (a as HTMLAnchorElement).href));
    assert.equal(joinUrls.length, 3, 'two join links and the spectator link');
    assert.match(joinUrls[0], /\/play\/[^/]+$/);
    assert.match(joinUrls[1], /\/play\/[^/]+$/);
    assert.match(joinUrls[2], /\/watch\/[^/]+$/);
    const id = ((await links.locator('xpath=..').locator('h3 code').textContent()) ?? '').trim();
    assert.match(id, /^[0-9a-f]{12}$/);
    await shot(page, 'console-create');

    // the new session's row arrives over the socket, with its seats
    const played = row(page, id);
    await played.waitFor();
    assert.match((await played.locator('.seats-cell').textContent()) ?? '', /P-001/);

    // record every text the row's status cell shows while two other browsers play the game
    // (no named functions inside evaluate: tsx would wrap them in a helper the page does not have)
    await page.evaluate((sessionId) => {
      const seen: string[] = [document.querySelector(`tr[data-session="${sessionId}"] .status-cell`)?.textContent ?? ''];
      (window as unknown as { seenStatus: string[] }).seenStatus = seen;
      new MutationObserver(() => {
        const text = document.querySelector(`tr[data-session="${sessionId}"] .status-cell`)?.textContent ?? '';
        if (text && seen[seen.length - 1] !== text) seen.push(text);
      }).observe(document.querySelector('.sessions-table tbody')!, { childList: true, subtree: true, characterData: true });
    }, id);
    const players = await Promise.all([openPage(browser, DESKTOP), openPage(browser, DESKTOP)]);
    await Promise.all(players.map(({ page: player }, i) => player.goto(joinUrls[i])));
    await Promise.all(players.map(({ page: player }) => playToTheEnd(player, { timeoutMs: 180_000 })));
    await page.waitForFunction(() => (window as unknown as { seenStatus: string[] }).seenStatus.length >= 3);
    await played.locator('.status-cell').filter({ hasText: 'finished' }).waitFor();
    const seen = await page.evaluate(() => (window as unknown as { seenStatus: string[] }).seenStatus);
    assert.ok(seen.some((text) => /round 1/.test(text)) && seen.some((text) => /round 2/.test(text)), `the row showed the rounds go by: ${JSON.stringify(seen)}`);
    for (const player of players) {
      assert.deepEqual(player.errors, []);
      await player.context.close();
    }

    // "Watch" opens the spectator view of that session in a new tab; "Replay" leads to its replay
    const [watcher] = await Promise.all([context.waitForEvent('page'), played.getByRole('link', { name: 'Watch' }).click()]);
    await watcher.waitForURL(/\/watch\/[^/]+$/);
    await watcher.getByRole('status').filter({ hasText: 'Connected' }).waitFor();
    await watcher.close();
    assert.equal(await played.getByRole('link', { name: 'Replay' }).getAttribute('href'), `/replay/${id}`);

    // end another session from the console, with a reason
    const other = await createSession(server, { game: 'trust-split', preset: 'human', seats: [{ kind: 'human' }, { kind: 'agent', agent: 'fair' }] });
    const otherRow = row(page, other.id);
    await otherRow.waitFor();
    await otherRow.getByRole('button', { name: 'End session' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByRole('textbox', { name: 'Reason' }).fill('participant withdrew consent');
    await dialog.getByRole('button', { name: 'End session' }).click();
    await otherRow.locator('.status-cell').filter({ hasText: 'ended' }).waitFor();
    assert.equal(await otherRow.getByRole('button', { name: 'End session' }).count(), 0, 'an ended session cannot be ended again');
    const ended = (await events(server, other.id)).find((r) => r.event.type === 'ended');
    assert.ok(ended, 'the log has the ended row');
    assert.equal(ended.event.note, 'participant withdrew consent');

    // filter and sort: the search box finds a session by id, "Ended" shows only the ended one
    await page.getByRole('searchbox', { name: 'Filter sessions' }).fill(other.id);
    await page.waitForFunction(() => document.querySelectorAll('.sessions-table tbody tr').length === 1);
    await page.getByRole('searchbox', { name: 'Filter sessions' }).fill('');
    await page.getByRole('combobox', { name: 'Status' }).selectOption('ended');
    await page.waitForFunction((endedId) => {
      const shown = [...document.querySelectorAll<HTMLElement>('.sessions-table tbody tr')].map((tr) => tr.dataset.session);
      return shown.length >= 1 && shown.includes(endedId) && shown.every((sid) => document.querySelector(`tr[data-session="${sid}"]`)?.classList.contains('is-ended'));
    }, other.id);
    await page.getByRole('combobox', { name: 'Status' }).selectOption('all');
    const gameHeader = page.getByRole('columnheader', { name: 'Game' });
    await gameHeader.getByRole('button').click();
    assert.equal(await gameHeader.getAttribute('aria-sort'), 'ascending');
    assert.equal(navigations, 1, 'everything happened without a reload');

    // download the ended session's export through its link: a zip with the log inside
    const [download] = await Promise.all([page.waitForEvent('download'), otherRow.getByRole('link', { name: 'Export' }).click()]);
    const zip = readZip(readFileSync((await download.path())!));
    const log = zip.get(`parley-${other.id}/events.jsonl`);
    assert.ok(log, `events.jsonl in the zip: ${[...zip.keys()].join(', ')}`);
    assert.match(log.toString(), /participant withdrew consent/);
    assert.equal(await otherRow.getByRole('link', { name: 'Report' }).getAttribute('target'), '_blank');

    // refused: a browser without the cookie, and a cookie request without the console's header
    const stranger = await browser.newContext();
    assert.equal((await stranger.request.get(`${server.url}/api/sessions/${other.id}/export`)).status(), 401);
    assert.equal((await stranger.request.get(`${server.url}/api/console/me`)).status(), 401);
    await stranger.close();
    const victim = await createSession(server, { game: 'trust-split', preset: 'human', seats: [{ kind: 'human' }, { kind: 'agent', agent: 'fair' }] });
    const forged = await page.evaluate(async (sessionId) => {
      const response = await fetch(`/api/sessions/${sessionId}/end`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}', credentials: 'same-origin' });
      return response.status;
    }, victim.id);
    assert.equal(forged, 403);
    assert.equal(await sessionStatus(server, victim.id), 'active', 'the forged request changed nothing');

    // sign out: back to the form, the cookie is gone
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('textbox', { name: 'Admin token' }).waitFor();
    assert.equal((await context.cookies()).filter((c) => c.name === COOKIE).length, 0, 'signed out: no cookie');
    assert.deepEqual(unexpected(errors), []);
    await context.close();
  });

  test('console screenshots: sessions and the form on a desktop, sign-in and sessions on a phone', async ({ browser, server }) => {
    // a few tables in different states: one finished, one ended, humans away, agents playing
    const finished = await createSession(server, { game: 'trust-split', preset: 'human', seats: [{ kind: 'agent', agent: 'fair' }, { kind: 'agent', agent: 'greedy' }] });
    await createSession(server, { game: 'traitors', preset: 'table', seats: [{ kind: 'human', label: 'P-017' }, ...Array.from({ length: 7 }, () => ({ kind: 'agent', agent: 'scripted' }))], agentDelayMs: 2_000 });
    await createSession(server, { game: 'trust-split', preset: 'human', seats: [{ kind: 'human', label: 'P-018' }, { kind: 'human', label: 'P-019' }] });
    await createSession(server, { game: 'trust-split', preset: 'paper', seats: [{ kind: 'external', label: 'my-bot' }, { kind: 'agent', agent: 'tit-for-tat' }] });
    const ended = await createSession(server, { game: 'traitors', preset: 'table', seats: Array.from({ length: 8 }, () => ({ kind: 'agent', agent: 'scripted' })), agentDelayMs: 60_000 });
    await fetch(`${server.url}/api/sessions/${ended.id}/end`, { method: 'POST', headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' }, body: JSON.stringify({ reason: 'wrong preset' }) });

    const desktop = await openPage(browser, DESKTOP);
    await signIn(desktop.page, server.url);
    await row(desktop.page, finished.id).locator('.status-cell').filter({ hasText: 'finished' }).waitFor({ timeout: 60_000 });
    await row(desktop.page, ended.id).locator('.status-cell').filter({ hasText: 'ended' }).waitFor();
    // the form collapsed, so the table shows
    await desktop.page.locator('.create-card > summary').click();
    await desktop.page.waitForFunction(() => document.querySelectorAll('.sessions-table tbody .away-time:not(:empty)').length > 0);
    await desktop.page.screenshot({ path: path.join(DOCS_IMAGES, 'console-sessions-desktop.png') });
    await shot(desktop.page, 'console-sessions-desktop');

    // the form filled in, and the links it answered with
    await desktop.page.locator('.create-card > summary').click();
    await desktop.page.getByRole('combobox', { name: 'Game' }).selectOption({ label: 'The Traitors' });
    await desktop.page.getByRole('combobox', { name: 'Seat 2', exact: true }).selectOption('human');
    await desktop.page.getByRole('combobox', { name: 'Seat 3', exact: true }).selectOption('external');
    await desktop.page.getByRole('textbox', { name: 'Seat 1 label' }).fill('P-020');
    await desktop.page.getByRole('textbox', { name: 'Seat 2 label' }).fill('P-021');
    await desktop.page.getByRole('textbox', { name: 'Config overrides' }).fill('{"tieBreak": "random"}');
    await desktop.page.getByRole('checkbox', { name: 'Reveal agents to players' }).check();
    await desktop.page.getByRole('button', { name: 'Create session' }).click();
    await desktop.page.getByRole('list', { name: 'Join links' }).waitFor();
    // the whole form and its answer, from the top of the page (the top bar is sticky)
    await desktop.page.evaluate(() => window.scrollTo(0, 0));
    const card = (await desktop.page.locator('.create-card').boundingBox())!;
    await desktop.page.screenshot({ path: path.join(DOCS_IMAGES, 'console-create-desktop.png'), fullPage: true, clip: { x: 0, y: 0, width: DESKTOP.width, height: Math.ceil(card.y + card.height + 16) } });
    assert.deepEqual(unexpected(desktop.errors), []);
    await desktop.context.close();

    const phone = await openPage(browser, PHONE);
    await phone.page.goto(`${server.url}/console`);
    await phone.page.getByRole('textbox', { name: 'Admin token' }).waitFor();
    await phone.page.screenshot({ path: path.join(DOCS_IMAGES, 'console-signin-phone.png') });
    await phone.page.getByRole('textbox', { name: 'Admin token' }).fill(ADMIN_TOKEN);
    await phone.page.getByRole('button', { name: 'Sign in' }).click();
    await phone.page.getByRole('table', { name: 'Sessions' }).waitFor();
    await phone.page.locator('.create-card > summary').click();
    await row(phone.page, ended.id).waitFor();
    await phone.page.screenshot({ path: path.join(DOCS_IMAGES, 'console-sessions-phone.png') });
    await shot(phone.page, 'console-sessions-phone');
    // nothing sticks out of the page: the table scrolls inside its card
    const overflow = await phone.page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `the page is ${overflow}px wider than the phone`);
    assert.deepEqual(unexpected(phone.errors), []);
    await phone.context.close();
  }, { alone: true });

  test('console: a bad form says what to fix and creates nothing', async ({ browser, server }) => {
    const { page, context, errors } = await openPage(browser, DESKTOP);
    await signIn(page, server.url);
    const before = ((await (await fetch(`${server.url}/api/sessions`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } })).json()) as { sessions: unknown[] }).sessions.length;
    const config = page.getByRole('textbox', { name: 'Config overrides' });
    await config.fill('{"rounds": 3');
    await page.getByRole('button', { name: 'Create session' }).click();
    assert.equal(await config.getAttribute('aria-invalid'), 'true');
    assert.match((await page.locator('#create-config-error').textContent()) ?? '', /Not valid JSON/);
    // valid JSON the game refuses: the server's message, shown next to the form
    await config.fill('{"noSuchOption": 1}');
    await page.getByRole('button', { name: 'Create session' }).click();
    await page.locator('.form-actions [role="alert"]').filter({ hasText: /\S/ }).waitFor();
    const after = ((await (await fetch(`${server.url}/api/sessions`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } })).json()) as { sessions: unknown[] }).sessions.length;
    assert.equal(after, before, 'no session was created');
    assert.equal(await page.getByRole('list', { name: 'Join links' }).count(), 0);
    assert.deepEqual(unexpected(errors), []);
    await context.close();
  }, { alone: true });
}
