import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';

/** Chromium flags for a quiet, offline, sandbox-free headless run (CI containers). */
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/**
 * Render a report file in Chromium and save a PNG — how docs/images/report.png is made:
 * `npx tsx server/report/screenshot.ts out/batch/report.html docs/images/report.png`.
 * Requests leaving the page are refused and counted, proving the report is self-contained.
 */
export async function screenshotReport(htmlFile: string, pngFile: string, options: { width?: number; height?: number; fullPage?: boolean } = {}): Promise<{ externalRequests: string[] }> {
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium', args: ARGS });
  const externalRequests: string[] = [];
  try {
    const page = await browser.newPage({ viewport: { width: options.width ?? 1320, height: options.height ?? 1600 } });
    const url = pathToFileURL(htmlFile).href;
    await page.route('**/*', (route) => {
      if (route.request().url() === url) return route.continue();
      externalRequests.push(route.request().url());
      return route.abort();
    });
    await page.goto(url);
    await page.screenshot({ path: pngFile, fullPage: options.fullPage ?? false });
  } finally {
    await browser.close();
  }
  return { externalRequests };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const [html, png] = process.argv.slice(2);
  if (!html || !png) {
    console.error('usage: tsx server/report/screenshot.ts REPORT.html OUT.png');
    process.exit(2);
  }
  const { externalRequests } = await screenshotReport(html, png);
  console.log(`wrote ${png}${externalRequests.length ? ` (blocked external requests: ${externalRequests.join(', ')})` : ''}`);
}
