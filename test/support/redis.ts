/**
 * A real Redis server for the tests, started by the test itself: Debian's redis-server as a child
 * process on 127.0.0.1 and a free port, persisting nothing, in a temp directory that stop()
 * removes. Each test file that needs Redis starts its own in beforeAll.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort } from './postgres.ts';

export const REDIS_MISSING = 'Redis is not installed: run `bash scripts/install-redis.sh` (Debian: apt-get install redis-server)';

/** How long the server may take to answer PING (a cold start on a busy machine). */
const READY_TIMEOUT_MS = 30_000;

export interface RedisServer {
  /** redis://127.0.0.1:<port> */
  readonly url: string;
  /** kill the server and remove its directory */
  stop(): Promise<void>;
}

/** Start a throwaway Redis server; see the module comment. */
export async function startRedis(): Promise<RedisServer> {
  const dir = mkdtempSync(path.join(tmpdir(), 'parley-redis-'));
  // a port found free may be taken before the server binds it: try a few
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const killAtExit = () => child.kill('SIGKILL');
    process.once('exit', killAtExit);
    try {
      await untilAnswering(child, port, () => output);
    } catch (err) {
      child.kill('SIGKILL');
      process.off('exit', killAtExit);
      if (attempt < 3 && /Address already in use/.test(output)) continue;
      rmSync(dir, { recursive: true, force: true });
      throw err;
    }
    let stopped: Promise<void> | null = null;
    return {
      url: `redis://127.0.0.1:${port}`,
      stop() {
        stopped ??= (async () => {
          if (child.exitCode === null && child.signalCode === null) {
            const exited = new Promise((resolve) => child.once('exit', resolve));
            child.kill('SIGKILL');
            await exited;
          }
          process.off('exit', killAtExit);
          rmSync(dir, { recursive: true, force: true });
        })();
        return stopped;
      },
    };
  }
}

/** Resolves once the server answers PING with PONG (asking every 50 ms); fails if it exits or never answers. */
async function untilAnswering(child: ChildProcess, port: number, output: () => string): Promise<void> {
  const spawnError = new Promise<never>((_, reject) =>
    child.once('error', (err: NodeJS.ErrnoException) => reject(err.code === 'ENOENT' ? new Error(REDIS_MISSING) : err)),
  );
  spawnError.catch(() => undefined);
  const deadline = Date.now() + READY_TIMEOUT_MS;
  for (;;) {
    if (await Promise.race([ping(port), spawnError])) return;
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`redis-server exited before answering: ${output().trim()}`);
    if (Date.now() > deadline) throw new Error(`redis-server did not answer PING within ${READY_TIMEOUT_MS} ms: ${output().trim()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** One PING over a fresh connection: true on +PONG, false on anything else (refused, loading, closed). */
function ping(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ port, host: '127.0.0.1' });
    let reply = '';
    const finish = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1000, () => finish(false));
    socket.once('error', () => finish(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.on('data', (chunk: Buffer) => {
      reply += chunk.toString();
      if (reply.includes('\r\n')) finish(reply.startsWith('+PONG'));
    });
    socket.once('close', () => finish(false));
  });
}
