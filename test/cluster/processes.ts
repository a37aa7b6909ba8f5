/**
 * Parley server processes sharing one PostgreSQL database, for the cluster tests: each is
 * `npm start`'s entry on its own free port (test/integration/helpers.ts startServerProcess), and its
 * output is kept so a test can read what it logged (takeovers, lost leases).
 */
import type { ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import type { CreatedSession, LogRow } from '../../shared/protocol/index.ts';
import { ADMIN_TOKEN, apiClient, startServerProcess, tempDir } from '../integration/helpers.ts';

export interface ServerProcess {
  readonly index: number;
  readonly url: string;
  readonly child: ChildProcess;
  /** what it printed until it listened (which store and adapter it uses) */
  readonly startOutput: string;
  /** everything it printed after it started listening */
  output: string;
  alive: boolean;
}

export class Cluster {
  readonly processes: ServerProcess[] = [];
  private readonly dataDir = tempDir('parley-cluster-');

  constructor(
    private readonly databaseUrl: string,
    private readonly env: Record<string, string> = {},
  ) {}

  async start(count: number): Promise<ServerProcess[]> {
    return Promise.all(Array.from({ length: count }, () => this.startOne()));
  }

  async startOne(): Promise<ServerProcess> {
    const { child, url, output } = await startServerProcess(this.dataDir, ADMIN_TOKEN, { PARLEY_DATABASE_URL: this.databaseUrl, ...this.env });
    const proc: ServerProcess = { index: this.processes.length, url, child, startOutput: output, output: '', alive: true };
    child.stdout!.on('data', (chunk: Buffer) => (proc.output += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (proc.output += chunk.toString()));
    child.once('exit', () => (proc.alive = false));
    this.processes.push(proc);
    return proc;
  }

  get liveUrls(): string[] {
    return this.processes.filter((p) => p.alive).map((p) => p.url);
  }

  /** SIGKILL: no shutdown, no lease released; resolves once it has exited. */
  async kill(proc: ServerProcess): Promise<void> {
    proc.alive = false;
    const exited = new Promise((resolve) => proc.child.once('exit', resolve));
    proc.child.kill('SIGKILL');
    await exited;
  }

  async createSession(proc: ServerProcess, body: Record<string, unknown>): Promise<CreatedSession> {
    const { status, json } = await apiClient(proc.url)<CreatedSession>('POST', '/api/sessions', body);
    if (status !== 201 && status !== 200) throw new Error(`creating a session on process ${proc.index}: ${status} ${JSON.stringify(json)}`);
    return json;
  }

  /** A session's whole log, read through a live process's events endpoint. */
  async events(sessionId: string): Promise<LogRow[]> {
    const url = this.liveUrls[0];
    const res = await fetch(`${url}/api/sessions/${sessionId}/events`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
    if (!res.ok) throw new Error(`events of ${sessionId}: ${res.status}`);
    return (await res.text())
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as LogRow);
  }

  async stop(): Promise<void> {
    for (const proc of this.processes) if (proc.child.exitCode === null && proc.child.signalCode === null) proc.child.kill('SIGKILL');
    rmSync(this.dataDir, { recursive: true, force: true });
  }
}

/**
 * `npm start -- --workers N` primaries for a test file, each on a database of its own: started with
 * their output kept, stopped (SIGTERM, then awaited) by stop().
 */
export class WorkerPrimaries {
  private readonly children: ChildProcess[] = [];
  private readonly dataDir = tempDir('parley-workers-');

  async start(databaseUrl: string, workers = 2): Promise<{ url: string; output: () => string }> {
    const { child, url, output: started } = await startServerProcess(this.dataDir, ADMIN_TOKEN, { PARLEY_DATABASE_URL: databaseUrl, PARLEY_LEASE_TTL_MS: '1500' }, ['--workers', String(workers)]);
    this.children.push(child);
    let output = started;
    child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    return { url, output: () => output };
  }

  async stop(): Promise<void> {
    const running = this.children.filter((child) => child.exitCode === null && child.signalCode === null);
    await Promise.all(running.map((child) => new Promise((resolve) => (child.once('exit', resolve), child.kill('SIGTERM')))));
    rmSync(this.dataDir, { recursive: true, force: true });
  }
}

/** Poll `test` every 20 ms until it holds; fails naming `what` after `timeoutMs`. */
export async function until(test: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await test())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
