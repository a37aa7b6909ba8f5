// The table's layout in Chromium (issue 12, items 5, 6, 10 and 11): the canvas follows its stage
// through window resizes, the controls that matter stay in the viewport at 1280×720 and on a phone,
// and Trust-and-Split's end screen shows points and joint welfare rather than a winner unless the
// configuration asks for one. run.ts registers these tests.
import assert from 'node:assert/strict';
import type { Browser, Locator, Page } from 'playwright-core';
import { DESKTOP, PHONE, createSession, openPage, playToTheEnd, playUntil, type TestServer } from './harness.ts';

type Register = (name: string, run: (ctx: { browser: Browser; server: TestServer }) => Promise<void>) => void;
type Shot = (page: Page, name: string) => Promise<void>;

interface Boxes {
  stage: { width: number; height: number };
  canvas: { x: number; y: number; width: number; height: number };
  stageAt: { x: number; y: number };
  backing: { width: number; height: number };
  layout: string;
  ratio: number;
}

/** The stage's box, the canvas's CSS box and backing store, and the size the scene last laid out to. */
async function boxes(page: Page): Promise<Boxes> {
  return page.evaluate(() => {
    const stage = document.getElementById('stage')!;
    const canvas = stage.querySelector('canvas')!;
    const s = stage.getBoundingClientRect();
    const c = canvas.getBoundingClientRect();
    return {
      stage: { width: s.width, height: s.height },
      stageAt: { x: s.x, y: s.y },
      canvas: { x: c.x, y: c.y, width: c.width, height: c.height },
      backing: { width: canvas.width, height: canvas.height },
      layout: stage.dataset.layout ?? '',
      ratio: Math.min(2, Math.max(1, window.devicePixelRatio || 1)),
    };
  });
}

/** True when the canvas fills the stage exactly and the scene has been laid out for that size. */
function fits(b: Boxes): boolean {
  const near = (a: number, c: number) => Math.abs(a - c) < 1;
  return (
    near(b.canvas.width, b.stage.width) &&
    near(b.canvas.height, b.stage.height) &&
    near(b.canvas.x, b.stageAt.x) &&
    near(b.canvas.y, b.stageAt.y) &&
    Math.abs(b.backing.width - b.stage.width * b.ratio) <= b.ratio &&
    Math.abs(b.backing.height - b.stage.height * b.ratio) <= b.ratio &&
    b.layout === `${Math.round(b.backing.width / b.ratio)}x${Math.round(b.backing.height / b.ratio)}`
  );
}

/** Resize the window and wait until the table has followed; answers the boxes it settled on. */
async function resizeAndSettle(page: Page, viewport: { width: number; height: number }): Promise<Boxes> {
  await page.setViewportSize(viewport);
  const deadline = Date.now() + 10_000;
  let last = await boxes(page);
  while (Date.now() < deadline) {
    last = await boxes(page);
    if (fits(last)) return last;
    await page.waitForTimeout(50);
  }
  throw new Error(`after resizing to ${viewport.width}×${viewport.height} the canvas does not fill the stage: ${JSON.stringify(last)}`);
}

/** Resize through the sizes a player meets (maximise, a small window, a rotated phone) and back. */
async function resizeThrough(page: Page): Promise<void> {
  const seen = new Set<string>();
  for (const viewport of [{ width: 1920, height: 1080 }, { width: 800, height: 600 }, PHONE, { width: 844, height: 390 }, DESKTOP]) {
    const b = await resizeAndSettle(page, viewport);
    seen.add(b.layout);
  }
  // every size re-laid the scene out differently: the drawing followed each resize, not just the last
  assert.equal(seen.size, 5, `five sizes, five layouts: ${[...seen].join(', ')}`);
}

/** The element's box lies wholly inside the viewport as it is now (no scrolling by the test). */
async function assertInViewport(page: Page, locator: Locator, what: string): Promise<void> {
  const box = await locator.boundingBox();
  const viewport = page.viewportSize()!;
  assert.ok(box, `${what} is rendered`);
  assert.ok(box.y >= 0 && box.x >= 0 && box.y + box.height <= viewport.height + 0.5 && box.x + box.width <= viewport.width + 0.5, `${what} is inside the ${viewport.width}×${viewport.height} viewport: ${JSON.stringify(box)}`);
}

/** Nothing in the element is cut off: no hidden overflow, across or down. */
async function assertWhole(page: Page, selector: string, what: string): Promise<void> {
  const size = await page.locator(selector).first().evaluate((e) => ({ sw: e.scrollWidth, cw: e.clientWidth, sh: e.scrollHeight, ch: e.clientHeight }));
  assert.ok(size.sw <= size.cw + 1 && size.sh <= size.ch + 1, `${what} shows whole, without clipping or scrolling: ${JSON.stringify(size)}`);
}

/**
 * The element, scrolled into view, lies wholly inside the visible part of `container` (its scroll
 * box) and of the viewport. One evaluation, so a card rebuilt by the next state cannot race it.
 */
async function assertWithin(page: Page, selector: string, containerSelector: string, what: string): Promise<void> {
  const found = await page.evaluate(
    ([sel, containerSel]) => {
      const element = document.querySelector(sel);
      const container = document.querySelector(containerSel);
      if (!element || !container) return null;
      element.scrollIntoView({ block: 'nearest' });
      const r = element.getBoundingClientRect();
      const c = container.getBoundingClientRect();
      const box = { x: c.x + container.clientLeft, y: c.y + container.clientTop, width: container.clientWidth, height: container.clientHeight };
      return { inner: { x: r.x, y: r.y, width: r.width, height: r.height }, outer: box, viewport: { width: innerWidth, height: innerHeight } };
    },
    [selector, containerSelector] as const,
  );
  assert.ok(found, `${what} is on the page`);
  const { inner, outer, viewport } = found;
  const inside = inner.x >= outer.x - 0.5 && inner.y >= outer.y - 0.5 && inner.x + inner.width <= outer.x + outer.width + 0.5 && inner.y + inner.height <= outer.y + outer.height + 0.5;
  assert.ok(inside, `${what} is not cut off: ${JSON.stringify(inner)} inside ${JSON.stringify(outer)}`);
  assert.ok(inner.y >= 0 && inner.y + inner.height <= viewport.height + 0.5, `${what} is inside the viewport: ${JSON.stringify(inner)}`);
}

function assertNoErrors(errors: string[]): void {
  assert.deepEqual(errors, [], `console errors:\n${errors.join('\n')}`);
}

export function registerTableLayoutTests(test: Register, shot: Shot): void {
  test('table layout: the canvas fills its stage after every resize, on the table and on the results, at pixel ratios 1 and 2', async ({ browser, server }) => {
    const created = await createSession(server, {
      game: 'trust-split',
      preset: 'human',
      config: { rounds: 1 },
      agentDelayMs: 25,
      seats: [{ kind: 'human' }, { kind: 'agent', agent: 'fair' }],
    });
    const url = `${server.url}/play/${created.seats[0].token}`;
    // a pixel ratio of 1 (most desktop screens) is where Phaser's zoom of 1 skipped the canvas style
    for (const ratio of [1, 2]) {
      const context = await browser.newContext({ viewport: DESKTOP, deviceScaleFactor: ratio });
      const page = await context.newPage();
      const errors: string[] = [];
      page.on('console', (m) => void (m.type() === 'error' && errors.push(m.text())));
      page.on('pageerror', (e) => errors.push(e.message));
      await page.goto(url);
      if (ratio === 1) {
        await page.locator('#stage[data-scene="trust-split"]').waitFor({ timeout: 15_000 });
        assert.ok(fits(await resizeAndSettle(page, DESKTOP)), 'fits at first');
        await resizeThrough(page);
        await shot(page, 'layout-table-after-resizes');
        await playToTheEnd(page, { timeoutMs: 90_000 });
      }
      // the second visit opens the finished game straight on its results
      await page.locator('#stage[data-scene="results"]').waitFor({ timeout: 15_000 });
      assert.equal((await boxes(page)).ratio, ratio);
      await resizeThrough(page);
      await shot(page, `layout-results-after-resizes-x${ratio}`);
      assertNoErrors(errors);
      await context.close();
    }
  });

  test('table layout: "Submit suspicions" and the timer are in the viewport at 1280×720 and 390×844', async ({ browser, server }) => {
    for (const [label, viewport] of [['desktop', DESKTOP], ['phone', PHONE]] as const) {
      const created = await createSession(server, {
        game: 'traitors',
        preset: 'table',
        agentDelayMs: 25,
        seats: Array.from({ length: 8 }, (_, s) => (s === 0 ? { kind: 'human' } : { kind: 'agent', agent: 'scripted' })),
      });
      const { page, context, errors } = await openPage(browser, viewport);
      await page.goto(`${server.url}/play/${created.seats[0].token}`);
      const submit = page.getByRole('button', { name: 'Submit suspicions' });
      await playUntil(page, () => submit.isVisible(), { timeoutMs: 120_000 });
      // the sliders for seven others are all there, and still the button and the clock show
      assert.equal(await page.getByLabel(/^Suspicion of /).count(), 7);
      await page.getByRole('timer').waitFor();
      await shot(page, `layout-suspicions-${label}`);
      await assertInViewport(page, submit, '"Submit suspicions"');
      await assertInViewport(page, page.getByRole('timer'), 'the timer');
      assertNoErrors(errors);
      await context.close();
    }
  });

  test('table layout: on a phone the Trust-and-Split hand card shows without scrolling, above the conversation', async ({ browser, server }) => {
    const created = await createSession(server, { game: 'trust-split', preset: 'human', agentDelayMs: 25, seats: [{ kind: 'human' }, { kind: 'agent', agent: 'fair' }] });
    const { page, context, errors } = await openPage(browser, PHONE);
    await page.goto(`${server.url}/play/${created.seats[0].token}`);
    const hand = page.getByRole('heading', { name: /^Your hand: (Rock|Paper|Scissors)$/ });
    await hand.waitFor({ timeout: 15_000 });
    await page.getByRole('textbox', { name: 'Message' }).waitFor({ timeout: 15_000 });
    assert.equal(await page.evaluate(() => window.scrollY), 0);
    await shot(page, 'layout-trust-split-phone');
    await assertInViewport(page, hand, 'the hand card');
    const handTop = (await hand.boundingBox())!.y;
    const chatTop = (await page.locator('.chat').boundingBox())!.y;
    assert.ok(handTop < chatTop, `the hand card (y ${handTop}) comes before the conversation (y ${chatTop})`);
    assertNoErrors(errors);
    await context.close();
  });

  test('table layout: "How scoring works" opens whole, and the spectator sees the live metrics unclipped and who is human', async ({ browser, server }) => {
    for (const [label, viewport] of [['desktop', DESKTOP], ['phone', PHONE]] as const) {
      const created = await createSession(server, { game: 'trust-split', preset: 'human', agentDelayMs: 25, seats: [{ kind: 'human' }, { kind: 'agent', agent: 'fair' }] });
      const player = await openPage(browser, viewport);
      await player.page.goto(`${server.url}/play/${created.seats[0].token}`);
      await player.page.getByRole('textbox', { name: 'Message' }).waitFor({ timeout: 15_000 });
      await player.page.getByText('How scoring works').click();
      const rules = player.page.locator('.info-card .rules');
      await rules.getByText(/split in proportion/).waitFor();
      await shot(player.page, `layout-scoring-${label}`);
      await assertInViewport(player.page, rules, '"How scoring works", open');
      await assertWithin(player.page, '.info-card .rules', '.info', '"How scoring works", open');
      assertNoErrors(player.errors);

      const spectator = await openPage(browser, viewport);
      await spectator.page.goto(`${server.url}/watch/${created.spectatorToken}`);
      const metrics = spectator.page.getByLabel('Live metrics');
      await metrics.waitFor({ timeout: 15_000 });
      const humans = spectator.page.getByLabel('Who is human');
      assert.equal(await humans.textContent(), `Humans: ${(await player.page.locator('.scores dt').first().textContent())!.replace(' (you)', '')} · 1 agent`);
      await assertWithin(spectator.page, '.live-metrics', '.info', 'the live metrics');
      await shot(spectator.page, `layout-spectator-metrics-${label}`);
      await assertWhole(spectator.page, '.live-metrics dl', 'the live metrics');
      assertNoErrors(spectator.errors);
      await spectator.context.close();
      await player.context.close();

      // The Traitors' spectator card holds more (metrics, roles, votes): the metrics still show whole
      const table = await createSession(server, { game: 'traitors', preset: 'table', agentDelayMs: 200, seats: Array.from({ length: 8 }, () => ({ kind: 'agent', agent: 'scripted' })) });
      const watcher = await openPage(browser, viewport);
      await watcher.page.goto(`${server.url}/watch/${table.spectatorToken}`);
      const traitorsMetrics = watcher.page.getByLabel('Live metrics');
      await traitorsMetrics.waitFor({ timeout: 15_000 });
      assert.equal(await watcher.page.getByLabel('Who is human').textContent(), 'Humans: none · 8 agents');
      await assertWithin(watcher.page, '.live-metrics', '.info', 'the Traitors live metrics');
      await shot(watcher.page, `layout-spectator-traitors-${label}`);
      await assertWhole(watcher.page, '.live-metrics dl', 'the Traitors live metrics');
      assertNoErrors(watcher.errors);
      await watcher.context.close();
    }
  });

  test('Trust-and-Split end screen: points and joint welfare, decimals explained, a winner only when the configuration asks', async ({ browser, server }) => {
    for (const showWinner of [false, true]) {
      // a greedy partner asks for all ten coins: the asks overflow the pot and the split is proportional
      const created = await createSession(server, {
        game: 'trust-split',
        preset: 'human',
        config: showWinner ? { rounds: 2, showWinner: true } : { rounds: 2 },
        agentDelayMs: 25,
        seats: [{ kind: 'human' }, { kind: 'agent', agent: 'greedy' }],
      });
      for (const [label, viewport] of [['desktop', DESKTOP], ['phone', PHONE]] as const) {
        const { page, context, errors } = await openPage(browser, viewport);
        await page.goto(`${server.url}/play/${created.seats[0].token}`);
        if (label === 'desktop') await playToTheEnd(page, { timeoutMs: 90_000 }).catch(async (err: unknown) => {
          await shot(page, 'layout-trust-split-results-stuck');
          throw err;
        });
        await page.getByRole('heading', { name: 'Game over' }).waitFor({ timeout: 15_000 });
        await page.locator('#stage[data-scene="results"]').waitFor({ timeout: 15_000 });
        const results = page.getByRole('region', { name: 'Game over' });
        const verdict = (await results.locator('.verdict').textContent()) ?? '';
        const points = await results.getByRole('list', { name: 'Points' }).getByRole('listitem').allTextContents();
        assert.equal(points.length, 2);
        const values = points.map((p) => Number(/([\d.]+) points$/.exec(p)?.[1]));
        const together = values[0] + values[1];
        const welfare = (await results.locator('.welfare').textContent()) ?? '';
        assert.match(welfare, /^Together [\d.]+ of a possible 200 points \(\d+%\)\.$/);
        assert.ok(Math.abs(Number(/^Together ([\d.]+)/.exec(welfare)![1]) - together) < 0.02, `joint welfare is the sum of the points: ${welfare} vs ${points.join(' / ')}`);
        assert.ok(values.some((v) => !Number.isInteger(v)), `a proportional split gives decimal points: ${points.join(' / ')}`);
        assert.match((await results.locator('.fraction-note').textContent()) ?? '', /proportional splits.*10 × 10\/11 = 9\.09 coins/);
        if (showWinner) {
          assert.match(verdict, /^(You win!|\S+ wins\.|A tie\.)$/);
          assert.equal(await results.locator('.final-points li.winner').count(), values[0] === values[1] ? 2 : 1);
        } else {
          assert.equal(verdict, `${(await results.locator('.welfare').textContent())!.match(/^Together ([\d.]+)/)![1]} points made together.`);
          assert.doesNotMatch(await results.innerText(), /\bwins?\b/i, 'no winner named');
          assert.equal(await results.locator('.final-points li.winner').count(), 0);
        }
        await shot(page, `layout-trust-split-results-${showWinner ? 'winner' : 'welfare'}-${label}`);
        assertNoErrors(errors);
        await context.close();
      }
    }
  });
}
