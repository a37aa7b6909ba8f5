// The Traitors' `reference` preset at a real table in Chromium (issue 14, item 1): the moderator
// reads the biographies, a faithful player never sees a vote or a tally (only who was banished and
// their role), and the discussion after a banishment is its own phase. run.ts registers this test.
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { ADMIN_TOKEN, DESKTOP, PHONE, createSession, openPage, playUntil, traitorsRoles, type TestServer } from './harness.ts';

type Register = (name: string, run: (ctx: { browser: Browser; server: TestServer }) => Promise<void>) => void;
type Shot = (page: Page, name: string) => Promise<void>;

const PLAYERS = 10;
/** Biographies for every seat but 3 and 7 (the moderator names those two as unknown). */
const PERSONAS = Array.from({ length: PLAYERS }, (_, s) =>
  s === 3 || s === 7 ? null : { traits: { age: 24 + 3 * s, nationality: s % 2 ? 'Dutch' : 'Brazilian', profession: s % 3 ? 'Teacher' : 'Chef', children: s % 3, genderPronoun: s % 2 ? 'she' : 'he' } },
);

/** A reference-preset table with the human faithful in seat 0 (dealt again until it is). */
async function referenceTable(server: TestServer, firstSeed: number): Promise<{ token: string; seed: number }> {
  for (let seed = firstSeed; seed < firstSeed + 100; seed++) {
    const created = await createSession(server, {
      game: 'traitors',
      preset: 'reference',
      seed,
      agentDelayMs: 40,
      config: { personas: PERSONAS },
      seats: Array.from({ length: PLAYERS }, (_, s) => (s === 0 ? { kind: 'human' } : { kind: 'agent', agent: 'scripted' })),
    });
    if ((await traitorsRoles(server, created.id))[0] === 'faithful') return { token: created.seats[0].token!, seed };
    await fetch(`${server.url}/api/sessions/${created.id}/end`, { method: 'POST', headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
  }
  throw new Error('no seed made seat 0 faithful');
}

export function registerTraitorsReferenceTests(test: Register, shot: Shot): void {
  test('traitors reference preset: biographies, hidden votes, the talk after a banishment', async ({ browser, server }) => {
    let seed = 1;
    for (const [label, viewport] of [['desktop', DESKTOP], ['phone', PHONE]] as const) {
      for (let attempt = 0; ; attempt++) {
        assert.ok(attempt < 10, 'no deal kept the human in the game past the first banishment');
        const dealt = await referenceTable(server, seed);
        seed = dealt.seed + 1;
        const { page, context, errors } = await openPage(browser, viewport);
        await page.goto(`${server.url}/play/${dealt.token}`);
        const phase = page.locator('.topbar .phase');
        const out = page.locator('.info-card .fate');
        const message = page.getByRole('textbox', { name: 'Message' });
        // seat 0 speaks first after the banishment (seat order), so its message box is the moment
        const target = async () => /^Round 1 · After the banishment/.test((await phase.textContent()) ?? '') && (await message.isVisible());
        await playUntil(page, async () => (await target()) || (await out.isVisible()));
        if (!(await target())) {
          await context.close();
          continue;
        }
        const events = page.locator('.chat-log li.line.event');
        const moderator = events.filter({ hasText: 'Moderator:' });
        assert.equal(await moderator.count(), PLAYERS - 2 + 1, 'one biography per persona, and one line naming the players without one');
        assert.match((await moderator.last().textContent()) ?? '', /no background information about .+, .+\./);
        assert.equal(await events.filter({ hasText: /is banished|banished/i }).count() > 0, true, 'the banishment is announced');
        const log = (await page.locator('.chat-log').textContent()) ?? '';
        assert.doesNotMatch(log, /votes revealed/i, 'a faithful seat never sees the votes');
        // the record folded in the info card holds the eliminations, not a vote record
        assert.equal(await page.locator('.vote-record summary').textContent(), 'Eliminations');
        await message.fill('So that is one of us gone. I want to hear who pushed hardest for it.');
        await page.locator('#stage[data-moment="off"]').waitFor({ timeout: 20_000 });
        await shot(page, `traitors-reference-${label}`);
        // the moderator's lines open the conversation
        await moderator.first().scrollIntoViewIfNeeded();
        await shot(page, `traitors-reference-biographies-${label}`);
        assert.deepEqual(errors, [], `console errors:\n${errors.join('\n')}`);
        await context.close();
        break;
      }
    }
  });
}
