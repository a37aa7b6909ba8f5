// The Traitors' table in step with the game (issue 12, items 3 and 4), in Chromium: a faithful
// human plays with seven scripted agents into round 3. A watcher in the page records, on every
// change of the header, the stage's moment flags and the controls, what was on screen together:
// the header never shows a later round while a banishment plays, and no overlay covers the table
// while the seat is asked to act. Then the vote record of round 1 is read in round 3 (checked
// against the log) and the conversation holds the banishment as an event line.
// run.ts registers these tests.
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { ADMIN_TOKEN, DESKTOP, PHONE, createSession, openPage, playUntil, type TestServer } from './harness.ts';

type Register = (name: string, run: (ctx: { browser: Browser; server: TestServer }) => Promise<void>) => void;
type Shot = (page: Page, name: string) => Promise<void>;

interface Sample {
  moment: string;
  kind: string;
  round: string;
  overlay: string;
  header: string;
  yourTurn: boolean;
}

interface LogVote {
  seat: number;
  target: number | null;
}

/** Starts recording what shows together, on every change to the header, the stage's flags or the controls. */
async function watchTable(page: Page): Promise<void> {
  // a string, not a function: the test runner's transpiler would wrap named closures in a helper the page lacks
  await page.evaluate(`(() => {
    const samples = [];
    window.tableSamples = samples;
    const stage = document.getElementById('stage');
    const phase = document.querySelector('.topbar .phase');
    const actions = document.querySelector('.actions');
    const record = () =>
      samples.push({
        moment: stage.dataset.moment ?? '',
        kind: stage.dataset.momentKind ?? '',
        round: stage.dataset.momentRound ?? '',
        overlay: stage.dataset.overlay ?? '',
        header: phase.textContent ?? '',
        yourTurn: actions.classList.contains('your-turn'),
      });
    const observer = new MutationObserver(record);
    observer.observe(stage, { attributes: true });
    observer.observe(phase, { childList: true, characterData: true, subtree: true });
    observer.observe(actions, { attributes: true, childList: true });
    record();
  })()`);
}

async function samples(page: Page): Promise<Sample[]> {
  return page.evaluate(() => (window as unknown as { tableSamples: Sample[] }).tableSamples);
}

/** The session's log as rows. */
async function log(server: TestServer, id: string): Promise<{ kind: string; event: Record<string, unknown> }[]> {
  const text = await (await fetch(`${server.url}/api/sessions/${id}/events`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } })).text();
  return text
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as { kind: string; event: Record<string, unknown> });
}

export function registerTableMomentTests(test: Register, shot: Shot): void {
  test('table moments: the header waits for the banishment, no overlay on your turn, the vote record of round 1 in round 3, event lines', async ({ browser, server }) => {
    // seed 3 deals seat 0 faithful (checked below) and the table reaches round 3
    const created = await createSession(server, {
      game: 'traitors',
      preset: 'table',
      seed: 3,
      seats: [{ kind: 'human', label: 'P-1' }, ...Array.from({ length: 7 }, () => ({ kind: 'agent', agent: 'scripted' }))],
      agentDelayMs: 150,
    });
    const setup = (await log(server, created.id)).find((r) => r.kind === 'game' && r.event.type === 'setup')!.event as { names: string[]; roles: string[] };
    assert.equal(setup.roles[0], 'faithful', 'the seed deals the human seat a faithful role');

    // the spectator is never asked anything, so every moment plays in full before its state shows
    const watcher = await openPage(browser, DESKTOP);
    await watcher.page.goto(`${server.url}/watch/${created.spectatorToken}`);
    await watcher.page.locator('#stage[data-scene="traitors"]').waitFor({ timeout: 15_000 });
    await watchTable(watcher.page);
    const { page, context, errors } = await openPage(browser, DESKTOP);
    await page.goto(`${server.url}/play/${created.seats[0].token}`);
    await page.locator('#stage[data-scene="traitors"]').waitFor({ timeout: 15_000 });
    await watchTable(page);
    const phase = page.locator('.topbar .phase');
    // pictures of the two ways a moment shows: over the spectator's table, and as a strip on the seat's turn
    // (taken when they happen; a closed page ends the wait for one that never came)
    let playing = true;
    void Promise.all([
      watcher.page
        .locator('#stage[data-overlay="on"][data-moment-kind="banished"]')
        .waitFor({ timeout: 300_000 })
        .then(() => shot(watcher.page, 'table-banishment-spectator-desktop'))
        .catch(() => undefined),
      page
        .locator('#stage[data-moment="on"][data-overlay="off"][data-moment-kind="murdered"]')
        .waitFor({ timeout: 300_000 })
        .then(() => (playing ? shot(page, 'table-murder-strip-desktop') : undefined))
        .catch(() => undefined),
    ]);
    await playUntil(page, async () => /Round 3|Game over/.test((await phase.textContent()) ?? ''), { timeoutMs: 300_000 });
    assert.match((await phase.textContent()) ?? '', /Round 3/, 'the game reached round 3');
    playing = false;
    // the spectator's table has played round 2's banishment (it may lag the player's by its moments)
    await watcher.page.locator('.topbar .phase', { hasText: /Round 3/ }).waitFor({ timeout: 30_000 });

    const watched = await samples(watcher.page);
    const banishments = watched.filter((s) => s.kind === 'banished' && s.overlay === 'on');
    assert.ok(banishments.length > 0, `a banishment overlay played while the page watched (seen: ${JSON.stringify([...new Set(watched.map((s) => `${s.moment}/${s.kind}/${s.overlay}/${s.header}`))])})`);
    for (const s of banishments) {
      // the state before the banishment: that round's day (its round table, or an earlier phase when a
      // busy page drew the vote and the banishment from one batch of updates), never the night after it
      assert.match(s.header, new RegExp(`^Round ${s.round} · `), `while round ${s.round}'s banishment plays the header reads "${s.header}"`);
      assert.doesNotMatch(s.header, /Night|After the banishment|Breakfast/, `while round ${s.round}'s banishment plays the header reads "${s.header}"`);
    }
    const murders = watched.filter((x) => x.kind === 'murdered' && x.overlay === 'on');
    assert.ok(murders.length > 0, 'a murder overlay played for the spectator');
    for (const s of murders) {
      assert.ok(!s.header.includes(`Round ${Number(s.round) + 1}`), `while night ${s.round}'s murder plays the header reads "${s.header}"`);
    }
    const seen = await samples(page);
    const turns = seen.filter((s) => s.yourTurn);
    assert.ok(turns.length > 0, 'the seat was asked to act');
    for (const s of turns) assert.notEqual(s.overlay, 'on', `an overlay (${s.kind}) covered the table during the seat's turn (header "${s.header}")`);
    // a murder was announced at a breakfast before round 3: it played (over the table or briefly)
    assert.ok(seen.some((s) => s.kind === 'murdered' && s.moment === 'on'), 'the murder played as a moment');

    // the conversation: the banishment and the murder as event lines
    const rows = await log(server, created.id);
    const banished = rows.find((r) => r.event.type === 'banished' && r.event.round === 1)!.event as { seat: number };
    const name = (seat: number) => setup.names[seat];
    await page.locator('.chat-log li.event', { hasText: new RegExp(`^Round 1: ${name(banished.seat)}.* was banished — `) }).waitFor();
    const murdered = rows.find((r) => r.event.type === 'murderAnnounced' && r.event.round === 1)!.event as { seat: number };
    await page.locator('.chat-log li.event', { hasText: new RegExp(`^Night 1: ${name(murdered.seat)}.* was murdered`) }).waitFor();

    // the vote record: round 1's round table, voter → target, as the log has it
    const votes = (rows.find((r) => r.event.type === 'votesRevealed' && r.event.round === 1 && r.event.ballot === 'banish')!.event as { votes: LogVote[] }).votes;
    await page.locator('.vote-record > summary', { hasText: 'Vote record' }).click();
    const roundOne = page.locator('.record-round').filter({ has: page.locator('h4', { hasText: /^Round 1$/ }) });
    await roundOne.waitFor();
    const shown = (await roundOne.locator('.record-ballot.banish .ballot-votes li').allTextContents()).map((t) => t.replace(/ \(AI\)/g, ''));
    assert.deepEqual(
      shown,
      votes.map((v) => `${name(v.seat)} → ${v.target === null ? 'abstained' : name(v.target)}`),
      'round 1 votes in the record',
    );
    assert.match((await roundOne.textContent()) ?? '', new RegExp(`Round 1: ${name(banished.seat)}.* was banished`));
    // a faithful seat never sees the traitors' night choice
    assert.equal(await page.locator('.record-ballot.murder').count(), 0, 'no night ballot in a faithful record');
    await roundOne.scrollIntoViewIfNeeded();
    await shot(page, 'table-vote-record-desktop');

    await page.setViewportSize(PHONE);
    await roundOne.scrollIntoViewIfNeeded();
    await shot(page, 'table-vote-record-phone');
    await page.locator('.chat-log li.event').first().scrollIntoViewIfNeeded();
    await shot(page, 'table-event-lines-phone');
    assert.deepEqual(errors, [], `console errors:\n${errors.join('\n')}`);
    assert.deepEqual(watcher.errors, [], `spectator console errors:\n${watcher.errors.join('\n')}`);
    await context.close();
    await watcher.context.close();
  });
}
