import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { io, type Socket } from 'socket.io-client';
import type { Action, Pending } from '../../shared/engine/actions.ts';
import { Purpose, Rng } from '../../shared/engine/rng.ts';
import type {
  Ack,
  ClientToServerEvents,
  CreatedSession,
  LogRow,
  PresencePayload,
  ServerToClientEvents,
  StatePayload,
} from '../../shared/protocol/index.ts';
import { startServer, type RunningServer, type ServerOptions } from '../../server/app.ts';
import type { SessionRecord } from '../../server/store/index.ts';

export type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

export const ADMIN_TOKEN = 'test-admin-token';

export function tempDir(prefix = 'parley-test-'): string {
  return mkdtempSync(path.join(tmpdir(), prefix));
}

/** A stand-in for the built client (`index.html` and `assets/app.js`) in a fresh temp dir, for `staticDir`. */
export function fakeClientDir(prefix = 'parley-client-'): string {
  const dir = tempDir(prefix);
  mkdirSync(path.join(dir, 'assets'));
  writeFileSync(path.join(dir, 'index.html'), '<!doctype html><title>Parley test client</title>');
  writeFileSync(path.join(dir, 'assets', 'app.js'), 'console.log("parley")');
  return dir;
}

export interface TestServer {
  server: RunningServer;
  url: string;
  dataDir: string;
  /** call the REST API; `token: null` sends no Authorization header */
  api<T = unknown>(method: string, route: string, body?: unknown, token?: string | null): Promise<{ status: number; json: T }>;
  createSession(body: Record<string, unknown>): Promise<CreatedSession>;
  /** the session's whole log, as the events endpoint exports it */
  events(sessionId: string): Promise<LogRow[]>;
  close(): Promise<void>;
}

/**
 * The REST API of the server at `url`: a string body is sent as is (malformed JSON), anything else
 * as JSON; `token: null` sends no Authorization header. Non-JSON answers come back as text.
 */
export function apiClient(url: string): TestServer['api'] {
  return async <T,>(method: string, route: string, body?: unknown, token: string | null = ADMIN_TOKEN) => {
    const headers: Record<string, string> = {};
    if (token !== null) headers.authorization = `Bearer ${token}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(url + route, { method, headers, body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body) });
    const text = await res.text();
    let json: unknown = text;
    try {
      json = JSON.parse(text);
    } catch {
      // JSON lines or HTML: keep the text
    }
    return { status: res.status, json: json as T };
  };
}

/** A real server on an ephemeral port with a fresh data dir (removed on close unless kept). */
export async function bootServer(options: Partial<ServerOptions> & { keepDataDir?: boolean } = {}): Promise<TestServer> {
  const dataDir = options.dataDir ?? tempDir();
  const server = await startServer({
    port: 0,
    host: '127.0.0.1',
    adminToken: ADMIN_TOKEN,
    staticDir: null,
    durability: 'normal',
    quickplayAgentDelayMs: 0,
    log: () => {},
    ...options,
    dataDir,
  });
  const url = `http://127.0.0.1:${server.port}`;
  const api = apiClient(url);
  return {
    server,
    url,
    dataDir,
    api,
    async createSession(body) {
      const res = await api<CreatedSession & { error?: string }>('POST', '/api/sessions', body);
      if (res.status !== 201) throw new Error(`create session failed: ${res.status} ${JSON.stringify(res.json)}`);
      return res.json;
    },
    async events(sessionId) {
      const res = await fetch(`${url}/api/sessions/${sessionId}/events`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
      const text = await res.text();
      return text.split('\n').filter(Boolean).map((line) => JSON.parse(line) as LogRow);
    },
    async close() {
      await server.close();
      if (!options.keepDataDir && !options.dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** A request through node:http, for headers fetch will not send (a forged Host, X-Forwarded-For). */
export function rawRequest(
  url: string,
  method: string,
  headers: Record<string, string>,
  body?: string,
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers }, (res) => {
      let text = '';
      res.on('data', (c) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** Seeded randomness for test clients: the engine's own RNG, as a plain function. */
export function testRng(seed: number): () => number {
  const rng = Rng.stream(seed, Purpose.test);
  return () => rng.next();
}

const REPO_ROOT = path.resolve(import.meta.dirname, '../..');

/**
 * `npm start`'s entry point as a child process on a free port; resolves with its URL.
 * It runs node itself with tsx's loader, not the tsx wrapper (which would leave its node child
 * running when it is SIGKILLed): a kill must hit the process that holds the database.
 */
export function startServerProcess(
  dataDir: string,
  adminToken: string,
  env: Record<string, string> = {},
  /** command-line arguments, e.g. `--workers 2` */
  args: string[] = [],
): Promise<{ child: ChildProcess; url: string; /** what it printed until it listened */ output: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts', ...args], {
    cwd: REPO_ROOT,
    env: { ...process.env, PORT: '0', PARLEY_DATA_DIR: dataDir, PARLEY_ADMIN_TOKEN: adminToken, PARLEY_BUILD_CLIENT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return listening(child).then((started) => ({ child, ...started }));
}

/** The URL a server child process (stdout and stderr piped) prints once it listens; rejects (and kills it) if it exits or stays silent 90 s. */
export async function listeningUrl(child: ChildProcess): Promise<string> {
  return (await listening(child)).url;
}

function listening(child: ChildProcess): Promise<{ url: string; output: string }> {
  let output = '';
  let heard = false;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`server did not start within 90 s:\n${output}`));
      // generous: several tsx-loaded processes (--workers) start at once on a loaded 2-core machine
    }, 90_000);
    const onData = (chunk: Buffer) => {
      // still drained once it listens (a full pipe would block the server), but no longer kept or searched
      if (heard) return;
      output += chunk.toString();
      const m = /Parley listening on (http:\/\/\S+)/.exec(output);
      if (m) {
        heard = true;
        clearTimeout(timer);
        resolve({ url: m[1].replace('localhost', '127.0.0.1'), output });
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code}:\n${output}`));
    });
  });
}

/** A legal-looking action for any pending request, knowing nothing about the game. */
export function genericAction(pending: Pending, rand: () => number, seat: number): Action {
  switch (pending.kind) {
    case 'speak': {
      const text = `Seat ${seat} here. I have been watching closely and I trust my instincts (${Math.floor(rand() * 1000)}).`;
      return { kind: 'speak', text: text.slice(0, pending.maxChars) };
    }
    case 'vote':
      return { kind: 'vote', target: pending.options[Math.floor(rand() * pending.options.length)] };
    case 'beliefs':
      return { kind: 'beliefs', suspicion: Object.fromEntries(pending.targets.map((t) => [String(t), Math.round(rand() * 100)])) };
    case 'propose':
      return { kind: 'propose', coins: pending.min + Math.floor(rand() * (pending.max - pending.min + 1)) };
    case 'choose':
      return { kind: 'choose', option: pending.options[Math.floor(rand() * pending.options.length)] };
  }
}

/**
 * A program-played seat (or the spectator): records every payload it receives and can play any
 * game from `pending` alone.
 */
export class TestClient {
  readonly socket: ClientSocket;
  readonly states: StatePayload[] = [];
  readonly presence: PresencePayload[] = [];
  /** every payload received, in order, as raw JSON (for leak checks) */
  readonly received: { event: string; json: string }[] = [];
  readonly acks: { clientActionId: string; action: Action; ack: Ack; sentAt: number; ackAt: number }[] = [];
  replaced: string | null = null;
  private readonly rand: () => number;
  private waiters: { test: (s: StatePayload) => boolean; resolve: (s: StatePayload) => void }[] = [];
  private autoplaying = false;
  private busy = false;
  private minVersion = 0;
  private actions = 0;

  constructor(url: string, readonly token: string, readonly options: { seed?: number; idPrefix?: string } = {}) {
    this.rand = testRng(options.seed ?? 1);
    this.socket = io(url, { auth: { token }, transports: ['websocket'], reconnection: false, forceNew: true });
    this.socket.on('state', (state) => {
      this.received.push({ event: 'state', json: JSON.stringify(state) });
      this.states.push(state);
      this.waiters = this.waiters.filter((w) => {
        if (!w.test(state)) return true;
        w.resolve(state);
        return false;
      });
      if (this.autoplaying) void this.step();
    });
    this.socket.on('presence', (p) => {
      this.received.push({ event: 'presence', json: JSON.stringify(p) });
      this.presence.push(p);
    });
    this.socket.on('replaced', (p) => {
      this.received.push({ event: 'replaced', json: JSON.stringify(p) });
      this.replaced = p.message;
    });
  }


  get latest(): StatePayload | undefined {
    return this.states[this.states.length - 1];
  }

  /** Resolves with the latest state if it passes `test`, else with the first future state that does. */
  waitFor(test: (s: StatePayload) => boolean, timeoutMs = 20_000, what = 'state'): Promise<StatePayload> {
    const latest = this.latest;
    if (latest && test(latest)) return Promise.resolve(latest);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}; latest version ${this.latest?.version}`)), timeoutMs);
      this.waiters.push({
        test,
        resolve: (s) => {
          clearTimeout(timer);
          resolve(s);
        },
      });
    });
  }

  /** Wait for the connection (resolves on the first state) or reject with the connect error. */
  connected(timeoutMs = 10_000): Promise<StatePayload> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('timed out connecting')), timeoutMs);
      this.socket.once('connect_error', (err) => {
        clearTimeout(timer);
        reject(err);
      });
      void this.waitFor(() => true, timeoutMs).then((s) => {
        clearTimeout(timer);
        resolve(s);
      });
    });
  }

  /** Send one `act` (raw payload allowed, to test validation) and wait for its ack. */
  async send(payload: unknown): Promise<Ack> {
    return (await this.socket.timeout(10_000).emitWithAck('act', payload as never)) as Ack;
  }

  async act(action: Action, clientActionId = `${this.options.idPrefix ?? 'c'}-${++this.actions}`): Promise<Ack> {
    const sentAt = performance.now();
    const ack = await this.send({ action, clientActionId });
    this.acks.push({ clientActionId, action, ack, sentAt, ackAt: performance.now() });
    return ack;
  }

  /** Play generically from `pending` until the game is over (or `until` says stop). */
  autoplay(decide: (p: Pending, rand: () => number, seat: number) => Action = genericAction): void {
    this.autoplaying = true;
    this.decide = decide;
    void this.step();
  }
  private decide = genericAction;

  stopAutoplay(): void {
    this.autoplaying = false;
  }

  private async step(): Promise<void> {
    const state = this.latest;
    if (this.busy || !state || !state.pending || state.seat === null || state.version < this.minVersion || !this.socket.connected) return;
    this.busy = true;
    try {
      const action = this.decide(state.pending, this.rand, state.seat);
      const clientActionId = `${this.options.idPrefix ?? 'c'}-${++this.actions}`;
      let ack = await this.act(action, clientActionId);
      // the server's per-seat rate limit recorded nothing: the same act, same id, after the wait it names
      while (!ack.ok && ack.code === 'rate_limited' && this.autoplaying) {
        await new Promise((resolve) => setTimeout(resolve, ack.ok ? 0 : (ack.retryAfterMs ?? 100)));
        ack = await this.act(action, clientActionId);
      }
      // act again only from a state that already includes this action
      this.minVersion = ack.ok ? ack.version : state.version + 1;
    } catch {
      this.minVersion = state.version + 1;
    } finally {
      this.busy = false;
    }
    if (this.autoplaying) void this.step();
  }

  waitForOutcome(timeoutMs = 30_000): Promise<StatePayload> {
    return this.waitFor((s) => s.outcome !== null, timeoutMs, 'the outcome');
  }

  close(): void {
    this.socket.disconnect();
  }
}

export function connectClient(url: string, token: string, options?: { seed?: number; idPrefix?: string }): TestClient {
  return new TestClient(url, token, options);
}

/** Count log rows by kind, for before/after comparisons. */
export function gameRows(rows: LogRow[]): LogRow[] {
  return rows.filter((r) => r.kind === 'game');
}

/** A minimal one-seat Trust-and-Split session record, for store tests and the commit bench. */
export function sessionRecordFixture(id: string): SessionRecord {
  return {
    id,
    game: 'trust-split',
    preset: 'paper',
    config: {},
    seed: 1,
    createdAt: 1,
    status: 'active',
    endedAt: null,
    outcome: null,
    seats: [{ seat: 0, name: 'Ada', kind: 'human', token: `${id}-seat0` }],
    spectatorToken: `${id}-spectator`,
    options: { takeoverAfterSec: null, takeoverAgent: 'scripted', agentDelayMs: 0, revealAgents: false, quickplay: false },
  };
}
