// Console benchmark: S live Trust-and-Split sessions (scripted agents on both seats), one console on
// the Socket.io namespace /console. Reports what the console receives (messages/s, session updates/s,
// bytes/s), the full table's size, the server's added CPU with the console connected, and — when the
// client is built and Chromium is present — the console page's render times with all rows shown.
//   npm run bench -- console [--sessions 500] [--agent-delay-ms 1500] [--seconds 8] [--no-browser]
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { io } from 'socket.io-client';
import type { ConsoleSessionsMessage } from '../shared/protocol/console.ts';
import { startServerProcess } from '../test/integration/helpers.ts';
import { ADMIN_TOKEN, adminCall } from './api.ts';

const CLIENT_INDEX = path.resolve(import.meta.dirname, '../dist/client/index.html');

interface Options {
  sessions: number;
  agentDelayMs: number;
  seconds: number;
  browser: boolean;
}

function parseArgs(args: string[]): Options {
  const out: Options = { sessions: 500, agentDelayMs: 1500, seconds: 8, browser: true };
  for (let i = 0; i < args.length; i++) {
    const value = Number(args[i + 1]);
    if (args[i] === '--sessions') out.sessions = value;
    else if (args[i] === '--agent-delay-ms') out.agentDelayMs = value;
    else if (args[i] === '--seconds') out.seconds = value;
    else if (args[i] === '--no-browser') out.browser = false;
  }
  return out;
}

/** The server's CPU time so far (ms), from /api/stats. */
async function serverCpuMs(url: string): Promise<number> {
  const stats = await adminCall<{ cpu: { user: number; system: number } }>(url, 'GET', '/api/stats');
  return (stats.cpu.user + stats.cpu.system) / 1000;
}

/** CPU ms per second the server spent over `seconds` of wall time. */
async function cpuOver(url: string, seconds: number): Promise<number> {
  const before = await serverCpuMs(url);
  const t0 = performance.now();
  await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
  return ((await serverCpuMs(url)) - before) / ((performance.now() - t0) / 1000);
}

/** The console cookie (`name=value`); a reused keep-alive connection the server just closed is tried again. */
async function signIn(url: string): Promise<string> {
  for (let attempt = 1; ; attempt++) {
    try {
      const login = await fetch(`${url}/api/console/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token: ADMIN_TOKEN }) });
      if (login.status !== 204) throw new Error(`sign-in answered ${login.status}`);
      return login.headers.getSetCookie()[0]?.split(';')[0] ?? '';
    } catch (err) {
      if (attempt >= 3) throw err;
    }
  }
}

/** The console page in Chromium (signed in with the cookie): its render times once every row is shown. */
async function browserRender(url: string, sessions: number, seconds: number): Promise<string> {
  if (!existsSync(CLIENT_INDEX)) return 'render: not measured (client not built; run npm run build)';
  const { CHROMIUM, launchBrowser } = await import('../test/browser/harness.ts');
  if (!existsSync(CHROMIUM)) return `render: not measured (no Chromium at ${CHROMIUM})`;
  const cookie = await signIn(url);
  const [name, value] = [cookie.slice(0, cookie.indexOf('=')), cookie.slice(cookie.indexOf('=') + 1)];
  const browser = await launchBrowser();
  try {
    const context = await browser.newContext({ viewport: { width: 1280, height: 720 } });
    await context.addCookies([{ name, value, url }]);
    const page = await context.newPage();
    await page.goto(`${url}/console`);
    type Stats = { rows: number; renders: number; lastRenderMs: number; maxRenderMs: number };
    const read = () => page.evaluate(() => (window as unknown as { parleyConsoleStats?: Stats }).parleyConsoleStats ?? null);
    await page.waitForFunction((n) => ((window as unknown as { parleyConsoleStats?: Stats }).parleyConsoleStats?.rows ?? 0) >= n, sessions, { timeout: 60_000 });
    const start = (await read())!;
    await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
    const end = (await read())!;
    const renders = end.renders - start.renders;
    return `render (Chromium, ${end.rows} rows): ${(renders / seconds).toFixed(1)} renders/s, last ${end.lastRenderMs.toFixed(1)} ms, max ${end.maxRenderMs.toFixed(1)} ms`;
  } catch (err) {
    return `render: not measured (${err instanceof Error ? err.message.split('\n')[0] : String(err)})`;
  } finally {
    await browser.close();
  }
}

export async function benchConsole(args: string[] = []): Promise<void> {
  const options = parseArgs(args);
  const dataDir = mkdtempSync(path.join(tmpdir(), 'parley-bench-console-'));
  const { child, url } = await startServerProcess(dataDir, ADMIN_TOKEN, { PARLEY_DURABILITY: 'normal' });
  try {
    const body = {
      game: 'trust-split',
      seats: [
        { kind: 'agent', agent: 'cooperative' },
        { kind: 'agent', agent: 'greedy' },
      ],
      agentDelayMs: options.agentDelayMs,
    };
    for (let i = 0; i < options.sessions; i += 25) {
      await Promise.all(Array.from({ length: Math.min(25, options.sessions - i) }, () => adminCall(url, 'POST', '/api/sessions', body)));
    }
    const withoutConsole = await cpuOver(url, options.seconds);

    const socket = io(`${url}/console`, { transports: ['websocket'], auth: { adminToken: ADMIN_TOKEN }, forceNew: true, reconnection: false });
    let messages = 0;
    let updates = 0;
    let bytes = 0;
    let fullBytes = 0;
    let fullRows = 0;
    const connectedAt = performance.now();
    let fullMs = 0;
    const full = new Promise<void>((resolve) => {
      socket.on('sessions', (message: ConsoleSessionsMessage) => {
        const size = Buffer.byteLength(JSON.stringify(message));
        if (message.full) {
          fullMs = performance.now() - connectedAt;
          fullBytes = size;
          fullRows = message.sessions.length;
          resolve();
          return;
        }
        messages++;
        updates += message.upsert.length + message.remove.length;
        bytes += size;
      });
    });
    await full;
    const withConsole = await cpuOver(url, options.seconds);
    const seconds = options.seconds;
    const live = (await adminCall<{ summaries: { status: string }[] }>(url, 'GET', '/api/sessions')).summaries.filter((s) => s.status === 'active').length;
    socket.disconnect();
    const render = options.browser ? await browserRender(url, options.sessions, Math.min(5, seconds)) : 'render: not measured (--no-browser)';
    console.log(
      `console: ${options.sessions} live sessions (${live} still live at the end), one console: ${(messages / seconds).toFixed(1)} messages/s, ` +
        `${(updates / seconds).toFixed(0)} session updates/s, ${(bytes / seconds / 1024).toFixed(0)} KiB/s; full table ${fullRows} rows ` +
        `${(fullBytes / 1024).toFixed(0)} KiB in ${fullMs.toFixed(0)} ms; server CPU ${withoutConsole.toFixed(0)} → ${withConsole.toFixed(0)} ms/s ` +
        `with the console (+${(withConsole - withoutConsole).toFixed(0)}); ${render}`,
    );
  } finally {
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
    rmSync(dataDir, { recursive: true, force: true });
  }
}
