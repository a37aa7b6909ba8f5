// What a failed browser test left on screen. Each test gets the browser through a tracker that
// remembers the contexts it opens and what their pages logged; when the test fails, every page it
// still has open is photographed and described (address, the stage's data-* flags, the first
// lines of text, the last console warnings and errors), then closed. A timeout alone ("waiting for
// #stage[data-scene=…]") does not say whether the page was stuck on boot, showed an error or had
// moved on; this does.
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';

/** Console lines kept per page: the last ones are the ones that explain a failure. */
const KEPT_LINES = 20;
/** How long one page may take to describe itself: a hung page must not hang the report. */
const DESCRIBE_TIMEOUT_MS = 5_000;

export interface TrackedBrowser {
  /** the browser to hand the test: newContext and newPage are tracked */
  browser: Browser;
  /** photographs and describes every page the test still has open (files under `dir`) */
  report(dir: string, name: string): Promise<string>;
  /** closes what the test left open */
  closeAll(): Promise<void>;
}

export function trackBrowser(browser: Browser): TrackedBrowser {
  const contexts = new Set<BrowserContext>();
  const logs = new WeakMap<Page, string[]>();
  const watch = (page: Page) => {
    const lines: string[] = [];
    logs.set(page, lines);
    const keep = (line: string) => {
      lines.push(line);
      if (lines.length > KEPT_LINES) lines.shift();
    };
    // Chromium's software GL warns on every pixel read-back (screenshots): noise, not a cause
    page.on('console', (m) => void ((m.type() === 'error' || m.type() === 'warning') && !m.text().includes('GL Driver Message') && keep(`${m.type()}: ${m.text()}`)));
    page.on('pageerror', (e) => keep(`page error: ${e.message}`));
    page.on('requestfailed', (r) => keep(`request failed: ${r.method()} ${r.url()} (${r.failure()?.errorText ?? 'no reason'})`));
  };
  const track = (context: BrowserContext) => {
    contexts.add(context);
    context.on('close', () => contexts.delete(context));
    context.on('page', watch);
    for (const page of context.pages()) watch(page);
  };
  const tracked = new Proxy(browser, {
    get(target, property) {
      if (property === 'newContext')
        return async (...args: Parameters<Browser['newContext']>) => {
          const context = await target.newContext(...args);
          track(context);
          return context;
        };
      if (property === 'newPage')
        return async (...args: Parameters<Browser['newPage']>) => {
          const page = await target.newPage(...args);
          if (!logs.has(page)) watch(page);
          track(page.context());
          return page;
        };
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });

  const describe = async (page: Page, file: string): Promise<string> => {
    const lines = [`  page ${page.url()}`];
    try {
      await page.screenshot({ path: file, timeout: DESCRIBE_TIMEOUT_MS });
      lines.push(`    screenshot: ${path.relative(process.cwd(), file)}`);
      const seen = await Promise.race([
        page.evaluate(() => {
          const stage = document.querySelector<HTMLElement>('#stage');
          return { stage: stage ? { ...stage.dataset } : null, text: (document.body?.innerText ?? '').replace(/\s+/g, ' ').trim().slice(0, 400) };
        }),
        new Promise<never>((_, reject) => setTimeout(() => reject(new Error('the page did not answer')), DESCRIBE_TIMEOUT_MS)),
      ]);
      lines.push(`    #stage: ${seen.stage ? JSON.stringify(seen.stage) : 'none on this page'}`, `    text: ${seen.text || '(none)'}`);
    } catch (err) {
      lines.push(`    could not be described: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`);
    }
    const logged = logs.get(page) ?? [];
    lines.push(...(logged.length ? ['    last console lines:', ...logged.map((l) => `      ${l}`)] : ['    no console warnings or errors']));
    return lines.join('\n');
  };

  return {
    browser: tracked,
    async report(dir, name) {
      const slug = name.toLowerCase().replace(/[^a-z0-9]+/g, '-').slice(0, 60).replace(/-+$/, '');
      const pages = [...contexts].flatMap((context) => context.pages());
      if (!pages.length) return '  (no page of this test was still open)';
      const described: string[] = [];
      for (const [i, page] of pages.entries()) described.push(await describe(page, path.join(dir, `failed-${slug}-${i + 1}.png`)));
      return described.join('\n');
    },
    async closeAll() {
      await Promise.all([...contexts].map((context) => context.close().catch(() => undefined)));
    },
  };
}
