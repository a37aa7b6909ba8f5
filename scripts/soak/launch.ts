import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Limits } from '../../server/limits.ts';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export interface SoakServer {
  child: ChildProcess;
  url: string;
  /** lines the server logged after it started (room errors, agent failures …), newest last, capped */
  logTail: string[];
  logLines: number;
  /** [epoch ms, MB]: the heap left after the full collection the server runs once a minute */
  retainedHeap: [number, number][];
  stop(): Promise<number | null>;
}

const MAX_LOG_TAIL = 50;

/**
 * Start scripts/soak/server.ts as a child process (node with tsx's loader, so a signal reaches the
 * process that holds the database) and resolve once it listens.
 */
export function launchServer(options: { dataDir: string; adminToken: string; limits: Partial<Limits>; agentDelayMs: number; durability: 'full' | 'normal'; gcEverySec: number }): Promise<SoakServer> {
  const child = spawn(process.execPath, ['--expose-gc', '--import', 'tsx', 'scripts/soak/server.ts'], {
    cwd: REPO_ROOT,
    env: {
      ...process.env,
      PARLEY_SOAK_DATA_DIR: options.dataDir,
      PARLEY_SOAK_ADMIN_TOKEN: options.adminToken,
      PARLEY_SOAK_LIMITS: JSON.stringify(options.limits),
      PARLEY_SOAK_AGENT_DELAY_MS: String(options.agentDelayMs),
      PARLEY_SOAK_DURABILITY: options.durability,
      PARLEY_SOAK_GC_EVERY_SEC: String(options.gcEverySec),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let started = false;
  let startup = '';
  const server: SoakServer = {
    child,
    url: '',
    logTail: [],
    logLines: 0,
    retainedHeap: [],
    stop() {
      if (child.exitCode !== null) return Promise.resolve(child.exitCode);
      return new Promise((resolve) => {
        const kill = setTimeout(() => child.kill('SIGKILL'), 30_000);
        child.once('exit', (code) => {
          clearTimeout(kill);
          resolve(code);
        });
        child.kill('SIGTERM');
      });
    },
  };
  const onLine = (line: string) => {
    if (!line.trim()) return;
    const retained = /^soak:retained-heap ([\d.]+)$/.exec(line.trim());
    if (retained) {
      server.retainedHeap.push([Date.now(), Number(retained[1])]);
      return;
    }
    server.logLines++;
    server.logTail.push(line.slice(0, 500));
    if (server.logTail.length > MAX_LOG_TAIL) server.logTail.shift();
  };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the server did not start within 60 s:\n${startup}`));
    }, 60_000);
    let pending = '';
    const onData = (chunk: Buffer) => {
      if (!started) {
        startup += chunk.toString();
        const m = /Parley listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(startup);
        if (m) {
          started = true;
          clearTimeout(timer);
          server.url = m[1];
          resolve(server);
        }
        return;
      }
      pending += chunk.toString();
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      lines.forEach(onLine);
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      if (!started) reject(new Error(`the server exited with ${code} before listening:\n${startup}`));
    });
  });
}
