// Regenerates the README's screenshots in docs/images/: the lobby, both tables and both results,
// at 1280×720 and 390×844, from real games played through the accessible controls.
//   npx tsx test/browser/screenshots.ts
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import {
  DESKTOP,
  PHONE,
  ADMIN_TOKEN,
  REPO_ROOT,
  bootServer,
  buildClient,
  createSession,
  settled,
  launchBrowser,
  openPage,
  playToTheEnd,
  playUntil,
  traitorsRoles,
  type TestServer,
} from './harness.ts';

const OUT = path.join(REPO_ROOT, 'docs', 'images');
mkdirSync(OUT, { recursive: true });

type Size = 'desktop' | 'phone';
const VIEWPORTS = { desktop: DESKTOP, phone: PHONE };

async function save(page: Page, name: string): Promise<void> {
  const file = path.join(OUT, `${name}.png`);
  await page.screenshot({ path: file });
  console.log(`wrote ${path.relative(REPO_ROOT, file)}`);
}

async function landing(browser: Browser, server: TestServer, size: Size): Promise<void> {
  const { page, context } = await openPage(browser, VIEWPORTS[size]);
  await page.goto(server.url + '/');
  await page.getByRole('button', { name: 'Play The Traitors' }).waitFor();
  await settled(page);
  await save(page, `landing-${size}`);
  await context.close();
}

/** A Traitors table with the human in `seat`, re-dealt from `firstSeed` on until the human has `role`. */
async function traitorsSeat(server: TestServer, role: 'traitor' | 'faithful', seat: number, firstSeed: number): Promise<{ token: string; seed: number }> {
  for (let seed = firstSeed; seed < firstSeed + 200; seed++) {
    const created = await createSession(server, {
      game: 'traitors',
      preset: 'table',
      seed,
      agentDelayMs: 60,
      seats: Array.from({ length: 8 }, (_, s) => (s === seat ? { kind: 'human' } : { kind: 'agent', agent: 'scripted' })),
    });
    const roles = await traitorsRoles(server, created.id);
    if (roles[seat] === role) return { token: created.seats[seat].token!, seed };
    await fetch(`${server.url}/api/sessions/${created.id}/end`, { method: 'POST', headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
  }
  throw new Error(`no seed gives seat ${seat} the role ${role}`);
}

async function traitors(browser: Browser, server: TestServer, size: Size): Promise<void> {
  const role = size === 'desktop' ? 'traitor' : 'faithful';
  let seed = 1;
  // deal until the human survives to round 2 (a screenshot of a ghost is no advert)
  for (let attempt = 0; attempt < 12; attempt++) {
    const dealt = await traitorsSeat(server, role, size === 'desktop' ? 0 : 2, seed);
    seed = dealt.seed + 1;
    const { page, context } = await openPage(browser, VIEWPORTS[size]);
    await page.goto(`${server.url}/play/${dealt.token}`);
    const phase = page.locator('.topbar .phase');
    const out = page.locator('.info-card .fate');
    const over = page.getByRole('heading', { name: 'Game over' });
    const target =
      size === 'desktop'
        ? // round 2, our turn at the round table, a statement half-written
          async () => /^Round 2 · Discussion/.test((await phase.textContent()) ?? '') && (await page.getByRole('textbox', { name: 'Message' }).isVisible())
        : // the round table vote of round 2
          async () => /^Round 2 · Round table/.test((await phase.textContent()) ?? '') && (await page.getByRole('button', { name: /^Vote for / }).count()) > 0;
    await playUntil(page, async () => (await target()) || (await out.isVisible()) || (await over.isVisible()));
    if (!(await target())) {
      await context.close();
      continue;
    }
    if (size === 'desktop') {
      await page.getByRole('textbox', { name: 'Message' }).fill('Whoever pushed the last banishment hardest owes us an explanation. I say we look hard at');
    }
    await page.locator('#stage[data-moment="off"]').waitFor({ timeout: 20_000 });
    await settled(page);
    await save(page, `traitors-${size}`);
    await playToTheEnd(page);
    await page.locator('[data-scene="results"]').waitFor({ timeout: 20_000 });
    await settled(page);
    await save(page, `traitors-results-${size}`);
    await context.close();
    return;
  }
  throw new Error('no deal kept the human in the game until round 2');
}

async function trustSplit(browser: Browser, server: TestServer, size: Size): Promise<void> {
  const created = await createSession(server, {
    game: 'trust-split',
    preset: 'human',
    seed: size === 'desktop' ? 7 : 11,
    agentDelayMs: 60,
    seats: [{ kind: 'human' }, { kind: 'agent', agent: 'tit-for-tat' }],
  });
  const { page, context } = await openPage(browser, VIEWPORTS[size]);
  await page.goto(`${server.url}/play/${created.seats[0].token}`);
  const phase = page.locator('.topbar .phase');
  const coins = page.getByRole('spinbutton', { name: 'Coins to keep', exact: true });
  const message = page.getByRole('textbox', { name: 'Message' });
  if (size === 'desktop') {
    await playUntil(page, async () => /^Round 3 of/.test((await phase.textContent()) ?? '') && (await coins.isVisible()), {
      say: (n) => ['I have the upper hand this round, so a fair split works for both of us.', 'Let us both keep 5 and trust each other.', 'Thanks — that worked. Same again?'][n % 3],
    });
    await coins.fill('5');
    await settled(page); // the last split moment has finished
  } else {
    await playUntil(page, async () => /^Round 2 of/.test((await phase.textContent()) ?? '') && (await message.isVisible()), {
      say: (n) => ['Paper here. What do you hold?', 'Fair split, 5 each?', 'Deal.'][n % 3],
    });
    await settled(page);
  }
  await save(page, `trust-split-${size}`);
  await playToTheEnd(page, { say: () => 'A fair split again: 5 each.' });
  await page.locator('[data-scene="results"]').waitFor({ timeout: 20_000 });
  await settled(page);
  await save(page, `trust-split-results-${size}`);
  await context.close();
}

await buildClient();
const server = await bootServer(60);
const browser = await launchBrowser();
try {
  const only = process.argv[2];
  for (const size of ['desktop', 'phone'] as const) {
    if (!only || only === 'landing') await landing(browser, server, size);
    if (!only || only === 'traitors') await traitors(browser, server, size);
    if (!only || only === 'trust-split') await trustSplit(browser, server, size);
  }
} finally {
  await browser.close();
  await server.close();
}
