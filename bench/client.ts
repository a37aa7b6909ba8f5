// Browser client benchmark: the built bundle's gzip size, and the time from navigation to the first
// interactive frame of a table (scene drawn and an action control on screen) in headless Chromium.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { existsSync } from 'node:fs';
import { CHROMIUM, REPO_ROOT, bootServer, buildClient, createSession, launchBrowser, openPage } from '../test/browser/harness.ts';

const RUNS = 5;

interface AssetSize {
  file: string;
  raw: number;
  gzip: number;
}

function assetSizes(): AssetSize[] {
  const dir = path.join(REPO_ROOT, 'dist', 'client', 'assets');
  return readdirSync(dir)
    .filter((file) => /\.(js|css)$/.test(file))
    .map((file) => {
      const bytes = readFileSync(path.join(dir, file));
      return { file, raw: statSync(path.join(dir, file)).size, gzip: gzipSync(bytes, { level: 9 }).length };
    })
    .sort((a, b) => b.gzip - a.gzip);
}

const ASSETS = path.join(REPO_ROOT, 'dist', 'client', 'assets');
const STATIC_IMPORT = /(?:import|from)\s*[`"']\.\/([^`"']+\.js)[`"']/g;
const DYNAMIC_IMPORT = /import\(\s*[`"']\.\/([^`"']+\.js)[`"']\s*\)/g;

/** A chunk and every chunk it imports statically: what loading it fetches. */
function staticClosure(file: string, into = new Set<string>()): Set<string> {
  if (into.has(file)) return into;
  into.add(file);
  for (const m of readFileSync(path.join(ASSETS, file), 'utf8').matchAll(STATIC_IMPORT)) staticClosure(m[1], into);
  return into;
}

/** The chunk named `name-<hash>.js` that one of `from` imports dynamically. */
function dynamicChunk(from: Set<string>, name: string): string {
  for (const file of from) {
    for (const m of readFileSync(path.join(ASSETS, file), 'utf8').matchAll(DYNAMIC_IMPORT)) {
      if (new RegExp(`^${name}-[\\w-]{8}\\.js$`).test(m[1])) return m[1];
    }
  }
  throw new Error(`no chunk ${name}-*.js is imported by ${[...from].join(', ')}`);
}

/**
 * What the lobby and a Traitors table fetch: the page's entry, the route's chunk, and (the table)
 * the game's panels and stage that load with its first state, each with their static imports; plus the CSS.
 */
function pageChunks(): { lobby: Set<string>; table: Set<string> } {
  const html = readFileSync(path.join(REPO_ROOT, 'dist', 'client', 'index.html'), 'utf8');
  const entry = /src="\/assets\/([^"]+\.js)"/.exec(html)![1];
  const css = [...html.matchAll(/href="\/assets\/([^"]+\.css)"/g)].map((m) => m[1]);
  const base = staticClosure(entry);
  const lobby = staticClosure(dynamicChunk(base, 'landing'), new Set([...base, ...css]));
  const table = staticClosure(dynamicChunk(base, 'table'), new Set([...base, ...css]));
  staticClosure(dynamicChunk(table, 'traitors'), table);
  staticClosure(dynamicChunk(table, 'traitors-stage'), table);
  return { lobby, table };
}

const kB = (bytes: number) => `${(bytes / 1024).toFixed(1)} kB`;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

export async function benchClient(): Promise<void> {
  console.log('client: bundle size and time to first interactive frame');
  await buildClient();
  const sizes = assetSizes();
  const total = sizes.reduce((sum, s) => sum + s.gzip, 0);
  const gzipOf = new Map(sizes.map((s) => [s.file, s.gzip]));
  const weigh = (files: Set<string>) => [...files].reduce((sum, file) => sum + (gzipOf.get(file) ?? 0), 0);
  const { lobby, table } = pageChunks();
  console.log(`  bundle (gzip -9): ${kB(total)} in ${sizes.length} files; the lobby loads ${kB(weigh(lobby))}, a Traitors table ${kB(weigh(table))} (scripts and styles a page fetches)`);
  for (const s of sizes.slice(0, 3)) console.log(`    ${s.file.padEnd(32)} ${kB(s.raw).padStart(10)} raw  ${kB(s.gzip).padStart(9)} gzip`);

  if (!existsSync(CHROMIUM)) {
    console.log(`  first interactive frame: skipped (no browser at ${CHROMIUM}; run scripts/install-browser.sh)`);
    return;
  }
  const server = await bootServer(0);
  const browser = await launchBrowser();
  try {
    for (const game of ['trust-split', 'traitors'] as const) {
      const times: number[] = [];
      const transferred: number[] = [];
      let renderer = '';
      for (let run = 0; run < RUNS; run++) {
        // agents wait long enough that the human seat's first request is what the page shows
        const seats = game === 'traitors' ? Array.from({ length: 8 }, (_, s) => (s === 0 ? { kind: 'human' } : { kind: 'agent', agent: 'scripted' })) : [{ kind: 'human' }, { kind: 'agent', agent: 'scripted' }];
        const created = await createSession(server, { game, preset: game === 'traitors' ? 'table' : 'human', seed: run + 1, seats, agentDelayMs: 60_000 });
        const { page, context } = await openPage(browser, { width: 1280, height: 720 });
        await page.goto(`${server.url}/play/${created.seats[0].token}`);
        await page.waitForFunction((scene) => Boolean(document.querySelector(`#stage[data-scene="${scene}"]`)) && Boolean(document.querySelector('.actions')?.textContent), game, { timeout: 30_000 });
        // the next animation frame after the scene and the controls are in place
        const at = await page.evaluate(() => new Promise<number>((resolve) => requestAnimationFrame(() => resolve(performance.now()))));
        renderer = (await page.locator('#stage').getAttribute('data-renderer')) ?? '?';
        times.push(at);
        // a fresh context is a first visit: every byte of the page, scripts and styles crosses the wire
        transferred.push(
          await page.evaluate(() =>
            [...performance.getEntriesByType('navigation'), ...performance.getEntriesByType('resource')].reduce((sum, entry) => sum + (entry as PerformanceResourceTiming).transferSize, 0),
          ),
        );
        await context.close();
      }
      console.log(`  first interactive frame, ${game} table: median ${median(times).toFixed(0)} ms (min ${Math.min(...times).toFixed(0)}, max ${Math.max(...times).toFixed(0)}; ${RUNS} cold page loads, ${renderer} renderer, loopback)`);
      console.log(`  first visit to a ${game} table page: ${kB(median(transferred))} transferred (compressed as served, headers included)`);
    }
  } finally {
    await browser.close();
    await server.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await benchClient();
