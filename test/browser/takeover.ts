// Takeovers in Chromium (issue 12 item 2): a Trust-and-Split player closes their tab, an agent
// plays their seat, and the other player sees it — a badge on the seat, a line in the conversation;
// the player comes back to a notice of what the agent did for them, and the other reads "<name> is
// back". run.ts registers this test.
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { DESKTOP, PHONE, createSession, openPage, playUntil, type TestServer } from './harness.ts';

type Register = (name: string, run: (ctx: { browser: Browser; server: TestServer }) => Promise<void>) => void;
type Shot = (page: Page, name: string) => Promise<void>;

export function registerTakeoverTests(test: Register, shot: Shot): void {
  test('takeover: the other player sees the badge and the chat line, the returning player gets the notice', async ({ browser, server }) => {
    const created = await createSession(server, {
      game: 'trust-split', preset: 'paper', config: { rounds: 4 },
      seats: [{ kind: 'human' }, { kind: 'human' }], takeoverAfterSec: 2, takeoverAgent: 'fair',
      // the table starts once both are here (a slow first load is not a dropout)
      waitForHumans: true,
    });
    const [stays, leaves] = created.seats;
    const a = await openPage(browser, DESKTOP);
    await a.page.goto(`${server.url}/play/${stays.token}`);
    const b = await openPage(browser, PHONE);
    await b.page.goto(`${server.url}/play/${leaves.token}`);
    const badge = a.page.locator('.badge.takeover', { hasText: `${leaves.name} · agent playing` });
    // both at the table, nobody taken over (a slow first load may have been, briefly)
    await b.page.locator('.chat-log').first().waitFor({ state: 'attached', timeout: 15_000 });
    await a.page.locator('.chat-log').first().waitFor({ state: 'attached', timeout: 15_000 });
    await badge.waitFor({ state: 'detached', timeout: 15_000 });

    // the second player closes the tab; the first plays on until the agent has played a round for them
    await b.context.close();
    const line = a.page.locator('.chat-log li.event', { hasText: `${leaves.name}'s seat is played by an agent while they are away` });
    await playUntil(a.page, async () => (await badge.isVisible()) && /Round [3-9]/.test((await a.page.locator('.phase').textContent()) ?? ''), { timeoutMs: 60_000 });
    assert.ok(await line.last().isVisible(), 'the conversation says the seat is played by an agent');
    await shot(a.page, 'takeover-badge-desktop');

    // the player comes back: told what the agent did in their name; the other reads that they are back
    const back = await openPage(browser, PHONE);
    await back.page.goto(`${server.url}/play/${leaves.token}`);
    const notice = back.page.getByRole('status', { name: 'While you were away' });
    await notice.waitFor({ timeout: 15_000 });
    const said = (await notice.textContent()) ?? '';
    assert.match(said, /While you were away an agent played for you: it .*proposed to keep \d+/, `the notice tells what the agent did (${said})`);
    await shot(back.page, 'takeover-notice-phone');
    await back.page.getByRole('button', { name: 'OK' }).click();
    await notice.waitFor({ state: 'detached', timeout: 5_000 });
    await a.page.locator('.chat-log li.event', { hasText: `${leaves.name} is back` }).waitFor({ timeout: 15_000 });
    await badge.waitFor({ state: 'detached', timeout: 15_000 });
    await shot(a.page, 'takeover-back-desktop');
    assert.deepEqual([...a.errors, ...b.errors, ...back.errors].filter((e) => !e.includes('WebSocket')), [], 'no console errors');
    await a.context.close();
    await back.context.close();
  });
}
