/**
 * A real PostgreSQL server for the tests, started by the test itself: a fresh cluster in a temp
 * directory (initdb), listening on 127.0.0.1 on a free port with trust auth, stopped and removed
 * by stop(). Each test file that needs PostgreSQL starts its own in beforeAll, so files stay
 * isolated. PostgreSQL refuses to run as root, so as root the cluster belongs to (and runs as) the
 * `postgres` OS user that Debian's package creates.
 */
import { execFile as execFileCallback, execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { chmod, chown, mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';

const execFile = promisify(execFileCallback);

/** runs one of PostgreSQL's tools (as the `postgres` user when we are root) */
type Run = (tool: string, args: string[]) => Promise<unknown>;

export const POSTGRES_MISSING =
  'PostgreSQL is not installed: run `bash scripts/install-postgres.sh` (Debian: apt-get install postgresql)';

/** How long the server may take to accept connections (a cold start on a busy 2-core machine). */
const READY_TIMEOUT_S = 60;
const SUPERUSER = 'postgres';

export interface PostgresServer {
  /** the port on 127.0.0.1 */
  readonly port: number;
  /** a connection URL for `database` (default: the `postgres` database) */
  url(database?: string): string;
  /**
   * A new empty database, with its URL: one per test or per store keeps tests apart. Its text
   * sorts like a dictionary (ICU "en-US": "a" before "B"), as production databases usually do,
   * unlike the byte order of this cluster's C locale, so tests see where the two would differ.
   */
  createDatabase(): Promise<string>;
  /** stop at once (no checkpoint: the data is thrown away) and remove the cluster */
  stop(): Promise<void>;
}

export interface StartPostgresOptions {
  /** extra server settings (`-c name=value`) */
  settings?: Record<string, string>;
}

/** The directory holding initdb and pg_ctl: pg_config's answer, else Debian's newest. */
export async function findPostgresBin(): Promise<string> {
  const hasTools = (dir: string) => ['initdb', 'pg_ctl'].every((tool) => existsSync(path.join(dir, tool)));
  try {
    const { stdout } = await execFile('pg_config', ['--bindir']);
    const dir = stdout.trim();
    if (hasTools(dir)) return dir;
  } catch {
    // no pg_config (it comes with libpq-dev); look where Debian's packages put the server
  }
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root)
    ? readdirSync(root)
        .filter((v) => /^\d+$/.test(v))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  for (const version of versions) {
    const dir = path.join(root, version, 'bin');
    if (hasTools(dir)) return dir;
  }
  throw new Error(POSTGRES_MISSING);
}

/** Start a fresh PostgreSQL server; see the module comment. */
export async function startPostgres(options: StartPostgresOptions = {}): Promise<PostgresServer> {
  const bin = await findPostgresBin();
  const asRoot = process.getuid?.() === 0;
  const run: Run = (tool, args) =>
    asRoot ? execFile('runuser', ['-u', SUPERUSER, '--', path.join(bin, tool), ...args]) : execFile(path.join(bin, tool), args);

  const dir = await mkdtemp(path.join(tmpdir(), 'parley-pg-'));
  const dataDir = path.join(dir, 'data');
  const logFile = path.join(dir, 'server.log');
  try {
    if (asRoot) {
      const { uid, gid } = await postgresUser();
      await chown(dir, uid, gid);
    }
    await chmod(dir, 0o700);
    await run('initdb', ['-D', dataDir, '-U', SUPERUSER, '-A', 'trust', '-E', 'UTF8', '--no-sync', '--no-instructions']);

    // a port found free may be taken before the server binds it: try a few
    for (let attempt = 1; ; attempt++) {
      const port = await freePort();
      const settings: Record<string, string> = {
        port: String(port),
        listen_addresses: '127.0.0.1',
        unix_socket_directories: dir,
        max_connections: '200',
        ...options.settings,
      };
      const serverArgs = Object.entries(settings)
        .map(([name, value]) => `-c ${name}=${value}`)
        .join(' ');
      try {
        // -w: pg_ctl itself waits for the server it forked to say it accepts connections, or to
        // exit. (Polling `pg_ctl status` after -W raced the server writing its pid file: under
        // load it read "no server running" from a server still starting.)
        await run('pg_ctl', ['start', '-w', '-t', String(READY_TIMEOUT_S), '-D', dataDir, '-l', logFile, '-o', serverArgs]);
      } catch (err) {
        await run('pg_ctl', ['stop', '-m', 'immediate', '-D', dataDir]).catch(() => undefined);
        const log = readLog(logFile);
        if (attempt < 3 && /could not bind|Address already in use/.test(log)) continue;
        throw new Error(`PostgreSQL did not start within ${READY_TIMEOUT_S} s (${(err as Error).message.trim()}); its log:\n${log}`);
      }
      return server(port, dir, dataDir, run, stopAtExit(bin, dir, dataDir, asRoot));
    }
  } catch (err) {
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
}

function server(
  port: number,
  dir: string,
  dataDir: string,
  run: Run,
  forgetAtExit: () => void,
): PostgresServer {
  let databases = 0;
  let stopped: Promise<void> | null = null;
  const url = (database = 'postgres') => `postgres://${SUPERUSER}@127.0.0.1:${port}/${database}`;
  return {
    port,
    url,
    async createDatabase() {
      const name = `parley_test_${++databases}`;
      const client = new pg.Client({ connectionString: url() });
      await client.connect();
      try {
        await client.query(`CREATE DATABASE ${name} TEMPLATE template0 ENCODING 'UTF8' LOCALE_PROVIDER icu ICU_LOCALE 'en-US' LOCALE 'C.UTF-8'`);
      } finally {
        await client.end();
      }
      return url(name);
    },
    stop() {
      stopped ??= (async () => {
        forgetAtExit();
        await run('pg_ctl', ['stop', '-m', 'immediate', '-D', dataDir]).catch(() => undefined);
        await rm(dir, { recursive: true, force: true });
      })();
      return stopped;
    },
  };
}

/**
 * A test run that ends without calling stop() (a failed beforeAll, an interrupted run) must not
 * leave a server running: stop it as the process exits. Returns the way to call that off.
 */
function stopAtExit(bin: string, dir: string, dataDir: string, asRoot: boolean): () => void {
  const stopNow = () => {
    const pgCtl = path.join(bin, 'pg_ctl');
    const args = ['stop', '-m', 'immediate', '-D', dataDir];
    try {
      if (asRoot) execFileSync('runuser', ['-u', SUPERUSER, '--', pgCtl, ...args], { stdio: 'ignore' });
      else execFileSync(pgCtl, args, { stdio: 'ignore' });
    } catch {
      // already stopped
    }
    rmSync(dir, { recursive: true, force: true });
  };
  process.once('exit', stopNow);
  return () => process.off('exit', stopNow);
}

function readLog(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}

async function postgresUser(): Promise<{ uid: number; gid: number }> {
  try {
    const { stdout } = await execFile('id', ['-u', SUPERUSER]);
    const { stdout: group } = await execFile('id', ['-g', SUPERUSER]);
    return { uid: Number(stdout.trim()), gid: Number(group.trim()) };
  } catch {
    throw new Error(`running as ${userInfo().username}, PostgreSQL must run as the \`postgres\` user, which is missing. ${POSTGRES_MISSING}`);
  }
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}
