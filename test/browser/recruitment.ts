// Recruitment in Chromium (issue 14 item 2): a human faithful is offered a place among the traitors
// by a scripted traitor, reads what accepting and refusing mean, accepts, and from then on sees the
// traitor's table (role card, fellow traitor, the traitors' chat). The other faithful are programs
// on the real protocol that vote out one traitor in round 1, and never hear of the offer. run.ts
// registers this test.
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import type { Action, Pending } from '../../shared/engine/actions.ts';
import { resolveConfig } from '../../shared/games/index.ts';
import { traitors, type TraitorsConfig } from '../../shared/games/traitors/index.ts';
import { start } from '../../shared/games/traitors/rules.ts';
import { TestClient } from '../integration/helpers.ts';
import { DESKTOP, PHONE, createSession, openPage, playToTheEnd, traitorsRoles, type TestServer } from './harness.ts';

type Register = (name: string, run: (ctx: { browser: Browser; server: TestServer }) => Promise<void>) => void;
type Shot = (page: Page, name: string) => Promise<void>;

const OVERRIDES = { players: 6, traitors: 2, recruitment: { refusal: 'murdered' }, beliefs: 'off', introductions: false, discussionPasses: 1 } as const;

/** The first seed whose deal makes seat 0 faithful (the deal depends on the seed alone). */
function seedWithFaithfulSeat0(): { seed: number; roles: string[] } {
  const config = resolveConfig(traitors, 'table', OVERRIDES) as TraitorsConfig;
  for (let seed = 1; ; seed++) {
    const setup = start(config, seed, Array.from({ length: config.players }, (_, i) => `P${i}`));
    if (setup.type === 'setup' && setup.roles[0] === 'faithful') return { seed, roles: setup.roles };
  }
}

export function registerRecruitmentTests(test: Register, shot: Shot): void {
  test('recruitment: a human faithful is offered a place among the traitors, accepts, and plays on as a traitor', async ({ browser, server }) => {
    const { seed, roles } = seedWithFaithfulSeat0();
    const traitorSeats = roles.flatMap((role, seat) => (role === 'traitor' ? [seat] : []));
    const [banished, recruiter] = traitorSeats;
    // seat 0 is the human; the traitors are scripted agents; the other faithful are programs
    const created = await createSession(server, {
      game: 'traitors', preset: 'table', config: OVERRIDES, seed, agentDelayMs: 150, waitForHumans: true,
      seats: roles.map((role, seat) => (seat === 0 ? { kind: 'human', label: 'P-1' } : role === 'traitor' ? { kind: 'agent', agent: 'scripted' } : { kind: 'external' })),
    });
    assert.deepEqual(await traitorsRoles(server, created.id), roles, 'the server dealt the roles this seed deals');
    const names = created.seats.map((s) => s.name);

    // The other faithful all vote for one traitor and say nothing that names anyone, so the
    // scripted traitor left finds every faithful equally trusted and offers the lowest seat: ours.
    const decide = (pending: Pending): Action => {
      if (pending.kind === 'speak') return { kind: 'speak', text: 'I am listening carefully for now.' };
      if (pending.kind === 'vote') return { kind: 'vote', target: pending.options.includes(banished) ? banished : pending.options[0] };
      if (pending.kind === 'choose') return { kind: 'choose', option: 'refuse' };
      return { kind: 'beliefs', suspicion: Object.fromEntries((pending.kind === 'beliefs' ? pending.targets : []).map((t) => [String(t), 50])) };
    };
    const faithfulPrograms = roles.flatMap((role, seat) => (seat !== 0 && role === 'faithful' ? [seat] : []));
    const programs = faithfulPrograms.map((seat, i) => new TestClient(server.url, created.seats[seat].token!, { seed: i + 1 }));
    const human = await openPage(browser, DESKTOP);
    try {
      await Promise.all(programs.map((p) => p.connected()));
      for (const p of programs) p.autoplay(decide);
      const { page } = human;
      await page.goto(`${server.url}/play/${created.seats[0].token}`);
      await page.getByRole('heading', { name: 'You are Faithful' }).waitFor({ timeout: 15_000 });

      // round 1 as a faithful: speak when asked, then vote for the traitor the others vote for
      const message = page.getByRole('textbox', { name: 'Message' });
      await message.waitFor({ timeout: 60_000 });
      await message.fill('Good evening. I will watch the votes before I accuse anyone.');
      await page.getByRole('button', { name: 'Send' }).click();
      await page.getByRole('button', { name: `Vote for ${names[banished]}` }).click({ timeout: 60_000 });
      await page.locator('.chat-log li.event', { hasText: `${names[banished]} was banished — they were a traitor` }).waitFor({ timeout: 30_000 });

      // the night: the offer, naming no traitor, with what each answer means
      const accept = page.getByRole('button', { name: 'Accept — join the traitors' });
      await accept.waitFor({ timeout: 60_000 });
      const panel = page.getByRole('group', { name: /The traitors offer you a place among them/ });
      assert.match((await panel.textContent()) ?? '', /You become a traitor from now on/);
      assert.match((await panel.textContent()) ?? '', /You stay faithful, but the traitors murder you tonight\./);
      assert.equal(await page.getByRole('button', { name: 'Refuse — stay faithful' }).count(), 1);
      assert.ok(!((await panel.textContent()) ?? '').includes(names[recruiter]), 'the offer names no traitor');
      assert.equal(await page.getByRole('tab', { name: "Traitors' chat" }).count(), 0, 'no traitors’ chat before accepting');
      assert.match((await page.locator('.topbar .phase').textContent()) ?? '', /Night · The offer/);
      await shot(page, 'traitors-recruit-offer-desktop');
      await page.setViewportSize(PHONE);
      await accept.scrollIntoViewIfNeeded();
      await shot(page, 'traitors-recruit-offer-phone');
      await page.setViewportSize(DESKTOP);
      await accept.click();

      // a traitor now: the role card, the fellow traitor, the secret chat
      await page.getByRole('heading', { name: 'You are a Traitor' }).waitFor({ timeout: 15_000 });
      const fellows = (await page.locator('.info-card .fellows').textContent()) ?? '';
      assert.match(fellows, new RegExp(`Your fellow traitors: .*${names[recruiter]}`));
      assert.equal(await page.getByRole('tab', { name: "Traitors' chat" }).count(), 1, 'the traitors’ chat opens to the recruit');
      await page.getByRole('list', { name: 'Recruitment offers' }).getByText(/you accepted the traitors’ offer and joined them/).waitFor();
      await shot(page, 'traitors-recruited-desktop');
      await page.setViewportSize(PHONE);
      await page.getByRole('heading', { name: 'You are a Traitor' }).scrollIntoViewIfNeeded();
      await shot(page, 'traitors-recruited-phone');
      await page.setViewportSize(DESKTOP);

      // play on as a traitor to the end: the results say who was recruited, and when
      await playToTheEnd(page, { timeoutMs: 180_000 });
      const reveal = page.getByRole('list', { name: 'Every role revealed' });
      const mine = reveal.getByRole('listitem').filter({ hasText: names[0] });
      assert.match((await mine.textContent()) ?? '', /Traitor.*recruited in night 1/);
      assert.match((await page.locator('.results .personal').textContent()) ?? '', /^You were a traitor — you (won|lost)\.$/);
      await shot(page, 'traitors-recruit-results-desktop');

      // nobody else was told: the other faithful's every payload carries no offer and no recruit, until
      // the end reveals everything or (a later recruitment night) the traitors make that program an offer itself
      for (const [i, program] of programs.entries()) {
        const seat = faithfulPrograms[i];
        for (const { json } of program.received) {
          if (json.includes('"phase":{"kind":"over"') || json.includes(`"phase":{"kind":"offer","seat":${seat},`)) break;
          assert.ok(!/"kind":"offer"|recruitOffer|"accepted"|"recruit"/.test(json), `a faithful program heard of the offer: ${json.slice(0, 200)}`);
          assert.ok(!json.includes('"recruitments":[{'), 'a faithful program sees an offer record');
        }
      }
      assert.deepEqual(human.errors, [], `console errors:\n${human.errors.join('\n')}`);
    } finally {
      for (const p of programs) p.close();
      await human.context.close();
    }
  });
}
