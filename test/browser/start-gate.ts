// The start gate and absent players in Chromium (issue 12 items 1 and 7): a Trust-and-Split table
// that waits for its two humans. The first sees "Waiting for <name>…"; the partner opens the link
// 5+ s later and whoever is asked first gets the full time limit; then the speaker closes their tab
// and the other reads "<name> is away" with the speaker's countdown. run.ts registers this test.
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { DESKTOP, PHONE, createSession, openPage, type TestServer } from './harness.ts';

type Register = (name: string, run: (ctx: { browser: Browser; server: TestServer }) => Promise<void>) => void;
type Shot = (page: Page, name: string) => Promise<void>;

/** The countdown a page shows for its own move, in seconds, or null when hidden. */
async function ownClockSec(page: Page): Promise<number | null> {
  const clock = page.locator('.countdown');
  if (!(await clock.isVisible())) return null;
  const m = /^(\d+):(\d\d)$/.exec(((await clock.textContent()) ?? '').trim());
  assert.ok(m, 'the countdown reads m:ss');
  return Number(m[1]) * 60 + Number(m[2]);
}

export function registerStartGateTests(test: Register, shot: Shot): void {
  test('start gate: the partner sees "Waiting for <name>", a late joiner gets the full clock, an absent speaker shows as away with a countdown', async ({ browser, server }) => {
    const createdAt = Date.now();
    const created = await createSession(server, { game: 'trust-split', preset: 'paper', seats: [{ kind: 'human' }, { kind: 'human' }], waitForHumans: true });
    const [first, second] = created.seats;
    const a = await openPage(browser, DESKTOP);
    await a.page.goto(`${server.url}/play/${first.token}`);
    const waiting = a.page.locator('#actions .waiting, .waiting').first();
    await waiting.filter({ hasText: `Waiting for ${second.name}…` }).waitFor({ timeout: 15_000 });
    assert.equal(await ownClockSec(a.page), null, 'no clock runs before the partner is here');
    await shot(a.page, 'start-gate-waiting-desktop');

    // the partner arrives at least 5 s after the table was created
    await a.page.waitForFunction((since) => Date.now() - since >= 5_000, createdAt, { timeout: 15_000, polling: 250 });
    const b = await openPage(browser, PHONE);
    await b.page.goto(`${server.url}/play/${second.token}`);
    // whoever is asked first sees (nearly) the whole 2:00 of the paper preset's speaking time
    const asked = await Promise.race([
      a.page.locator('.countdown').waitFor({ state: 'visible', timeout: 15_000 }).then(() => a),
      b.page.locator('.countdown').waitFor({ state: 'visible', timeout: 15_000 }).then(() => b),
    ]);
    const left = await ownClockSec(asked.page);
    assert.ok(left !== null && left >= 116, `a full clock after a late start (${left} s left of 120)`);
    assert.ok(!((await a.page.locator('body').textContent()) ?? '').includes(`Waiting for ${second.name}…`), 'the waiting line is gone once the table started');
    await shot(b.page, 'start-gate-started-phone');

    // the speaker leaves: the other sees them away, with their countdown running
    const [speaker, other, speakerName] = asked === a ? [a, b, first.name] : [b, a, second.name];
    await speaker.context.close();
    const away = other.page.locator('.waiting', { hasText: `${speakerName} is away` });
    await away.waitFor({ timeout: 15_000 });
    await other.page.waitForFunction(() => /\d+:\d\d left/.test(document.querySelector('.away-clock')?.textContent ?? ''), undefined, { timeout: 5_000 });
    const clock = (await other.page.locator('.away-clock').textContent()) ?? '';
    const m = /(\d+):(\d\d) left/.exec(clock)!;
    assert.ok(Number(m[1]) * 60 + Number(m[2]) > 60, `the away countdown is the speaker's (${clock})`);
    await shot(other.page, other === a ? 'start-gate-away-desktop' : 'start-gate-away-phone');
    assert.deepEqual([...a.errors, ...b.errors].filter((e) => !e.includes('WebSocket')), [], 'no console errors');
    await other.context.close();
  });
}
