// The production start: `npm run build:server`'s bundles run from a production-only install (`npm ci --omit=dev`:
// no tsx, vite, vitest or esbuild) in a read-only directory, writing nothing but PARLEY_DATA_DIR (docs/deploy.md).
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildServer, SERVER_ENTRIES } from '../../scripts/build-server.ts';
import { simulateToDir } from '../../server/sim/run.ts';
import type { BatchSpec } from '../../server/sim/batch.ts';
import type { CreatedSession, LogRow } from '../../shared/protocol/index.ts';
import { unzip } from '../export/helpers.ts';
import { apiClient, connectClient, genericAction, listeningUrl, tempDir, testRng } from './helpers.ts';

const run = promisify(execFile);
const REPO_ROOT = path.resolve(import.meta.dirname, '../..');
const DEV_TOOLS = ['vite', 'tsx', 'vitest', 'esbuild', 'typescript'];
/** what only the build needs: the client's engine is bundled into dist/client */
const BUILD_INPUTS = ['phaser'];

const install = tempDir('parley-install-');
const dataDir = tempDir('parley-prod-data-');
const work = tempDir('parley-prod-work-');
const children: ChildProcess[] = [];
let installedFiles: Map<string, string>;

/** Every path under `dir` with its size and modification time: a second look shows whatever was written. */
function snapshot(dir: string, into = new Map<string, string>()): Map<string, string> {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const file = path.join(dir, entry.name);
    const stat = statSync(file);
    into.set(file, `${stat.size}:${stat.mtimeMs}`);
    if (entry.isDirectory()) snapshot(file, into);
  }
  return into;
}

/** Files under `dir`, relative, sorted. */
function filesUnder(dir: string, prefix = ''): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? filesUnder(path.join(dir, e.name), `${prefix}${e.name}/`) : [`${prefix}${e.name}`]))
    .sort();
}

const SQLITE_ADDON = 'better-sqlite3/build/Release/better_sqlite3.node';

/** The production packages (per the lockfile) that run a script when installed. */
function productionInstallScripts(): string[] {
  const lock = JSON.parse(readFileSync(path.join(REPO_ROOT, 'package-lock.json'), 'utf8')) as { packages: Record<string, { dev?: boolean; hasInstallScript?: boolean }> };
  return Object.entries(lock.packages)
    .filter(([, entry]) => entry.hasInstallScript && !entry.dev)
    .map(([where]) => where.replace(/^.*node_modules\//, ''));
}

/** Runs a built entry with node alone: a clean environment, so no tsx loader can come in through NODE_OPTIONS. */
function nodeEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH, HOME: process.env.HOME, ...extra };
}

beforeAll(async () => {
  copyFileSync(path.join(REPO_ROOT, 'package.json'), path.join(install, 'package.json'));
  copyFileSync(path.join(REPO_ROOT, 'package-lock.json'), path.join(install, 'package-lock.json'));
  await buildServer(path.join(install, 'dist', 'server'));
  // from the npm cache the repository's own install filled (CI's `npm ci`); only what is missing there is fetched
  await run('npm', ['ci', '--omit=dev', '--ignore-scripts', '--prefer-offline', '--no-audit', '--no-fund'], { cwd: install });
  // Scripts are skipped for time: the only production package with one is better-sqlite3, whose script downloads
  // its prebuilt addon or, offline, compiles it (minutes on a busy machine). The addon the repository's own install
  // holds is that same file: same package version, same Node.
  expect(productionInstallScripts()).toEqual([SQLITE_ADDON.split('/')[0]]);
  mkdirSync(path.dirname(path.join(install, 'node_modules', SQLITE_ADDON)), { recursive: true });
  copyFileSync(path.join(REPO_ROOT, 'node_modules', SQLITE_ADDON), path.join(install, 'node_modules', SQLITE_ADDON));
  await run('chmod', ['-R', 'a-w', install]);
  installedFiles = snapshot(install);
}, 600_000);

afterAll(async () => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  if (existsSync(install)) await run('chmod', ['-R', 'u+w', install]);
  for (const dir of [install, dataDir, work]) rmSync(dir, { recursive: true, force: true });
});

describe('the production build', () => {
  it('installs without development tooling, and no bundle imports any', () => {
    expect(existsSync(path.join(install, 'node_modules', 'socket.io'))).toBe(true);
    for (const name of [...DEV_TOOLS, ...BUILD_INPUTS]) expect(existsSync(path.join(install, 'node_modules', name)), name).toBe(false);
    const bundles = readdirSync(path.join(install, 'dist', 'server')).filter((f) => f.endsWith('.js'));
    expect(bundles.sort()).toEqual(Object.keys(SERVER_ENTRIES).map((name) => `${name}.js`).sort());
    const devImport = new RegExp(String.raw`(?:\bfrom\s*|\bimport\s*\(\s*|\brequire\s*\(\s*|\bimport\s+)["'](?:${DEV_TOOLS.join('|')})(?:/[^"']*)?["']`);
    for (const bundle of bundles) {
      const code = readFileSync(path.join(install, 'dist', 'server', bundle), 'utf8');
      expect(code, bundle).not.toMatch(devImport);
      expect(code, bundle).not.toContain('node_modules/.cache');
      expect(existsSync(path.join(install, 'dist', 'server', `${bundle}.map`)), `${bundle}.map`).toBe(true);
    }
  });

  it('serves from a read-only install: a session is created, played through Socket.io and exported, and only PARLEY_DATA_DIR is written', async () => {
    const child = spawn(process.execPath, ['--enable-source-maps', 'dist/server/main.js'], {
      cwd: install,
      env: nodeEnv({ PORT: '0', PARLEY_DATA_DIR: dataDir }),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.push(child);
    const url = await listeningUrl(child);
    // the generated admin token is kept in the data dir, like the SQLite log
    const token = readFileSync(path.join(dataDir, 'admin-token'), 'utf8').trim();
    const api = apiClient(url);

    const created = await api<CreatedSession>('POST', '/api/sessions', {
      game: 'trust-split',
      preset: 'paper',
      seed: 3,
      seats: [{ kind: 'human' }, { kind: 'agent', agent: 'tit-for-tat' }],
    }, token);
    expect(created.status).toBe(201);
    const client = connectClient(url, created.json.seats[0].token!, { idPrefix: 'prod' });
    try {
      const asked = await client.waitFor((s) => s.pending !== null && s.seat !== null);
      const ack = await client.act(genericAction(asked.pending!, testRng(1), asked.seat!), 'prod-first');
      expect(ack).toMatchObject({ ok: true });
    } finally {
      client.close();
    }

    const res = await fetch(`${url}/api/sessions/${created.json.id}/export`, { headers: { authorization: `Bearer ${token}` } });
    expect(res.status).toBe(200);
    const files = unzip(Buffer.from(await res.arrayBuffer()));
    const events = files.get(`parley-${created.json.id}/events.jsonl`);
    expect(events, [...files.keys()].join(', ')).toBeDefined();
    const rows = events!.toString().trim().split('\n').map((line) => JSON.parse(line) as LogRow);
    expect(rows.filter((r) => r.clientActionId === 'prod-first')).toHaveLength(1);

    child.kill('SIGTERM');
    const [code] = (await once(child, 'exit')) as [number | null];
    expect(code).toBe(0);
    expect(readdirSync(dataDir)).toEqual(expect.arrayContaining(['admin-token', 'parley.sqlite']));
    expect(snapshot(install)).toEqual(installedFiles);
  });

  it('simulates on worker threads from the install, byte for byte as the sources do', async () => {
    const spec: BatchSpec = { game: 'traitors', preset: 'paper', games: 12, seed: 11, agents: 'scripted' };
    const built = path.join(work, 'built');
    await run(process.execPath, [path.join(install, 'dist', 'server', 'simulate.js'), '--game', spec.game, '--preset', spec.preset!, '--games', String(spec.games), '--seed', String(spec.seed), '--concurrency', '2', '--out', built], {
      cwd: work,
      env: nodeEnv(),
    });
    const sources = path.join(work, 'sources');
    await simulateToDir(spec, sources, { concurrency: 1 });

    const names = filesUnder(sources);
    expect(names).toContain('events.jsonl');
    expect(filesUnder(built)).toEqual(names);
    for (const name of names) expect(readFileSync(path.join(built, name)).equals(readFileSync(path.join(sources, name))), name).toBe(true);
    expect(snapshot(install)).toEqual(installedFiles);
  });
});
