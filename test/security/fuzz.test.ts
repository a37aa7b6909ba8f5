// Protocol fuzzer (issue 9): arbitrary socket payloads, raw socket.io frames, REST bodies, headers and
// tokens against a real server running as a child process (its own temp data dir, real SQLite file).
// Invariants: the process stays up, no 5xx, every rejection leaves every session's log unchanged,
// and an honest room keeps playing with bounded ack latency throughout.
// The budget is fixed (runs per property) and so is the seed, so `npm test` is repeatable;
// PARLEY_FUZZ_SEED / PARLEY_FUZZ_RUNS (a multiplier) explore further.
import type { ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import { request } from 'node:http';
import fc from 'fast-check';
import { io } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Action } from '../../shared/engine/actions.ts';
import { ACT_ERROR_CODES, CONNECT_ERROR_CODES, type CreatedSession, type LogRow, type StatePayload } from '../../shared/protocol/index.ts';
import { ADMIN_TOKEN, apiClient, connectClient, genericAction, startServerProcess, tempDir, testRng, type TestClient } from '../integration/helpers.ts';

const SEED = Number(process.env.PARLEY_FUZZ_SEED ?? 20260309);
const SCALE = Number(process.env.PARLEY_FUZZ_RUNS ?? 1);
const runs = (n: number) => Math.max(1, Math.round(n * SCALE));
/** A generous liveness bound for the honest room (not a performance figure: that is `npm run bench`). */
const HONEST_ACK_BOUND_MS = 5_000;
/** Codes a refused act may carry: the protocol's, except `internal` (that one means a server bug). */
const REJECTION_CODES = new Set<string>(ACT_ERROR_CODES.filter((code) => code !== 'internal'));
const CONNECT_CODES = new Set<string>(CONNECT_ERROR_CODES);

// ---------------------------------------------------------------------------------------------
// the server and what the fuzzer holds on to

const dataDir = tempDir('parley-fuzz-');
let child: ChildProcess;
let url: string;
let port: number;
let serverOutput = '';
const processFailures: string[] = [];
const onUncaught = (err: unknown) => processFailures.push(`uncaughtException: ${String(err)}`);
const onUnhandled = (err: unknown) => processFailures.push(`unhandledRejection: ${String(err)}`);

/** Sessions the fuzzer attacks: every seat human, no deadlines, so only the fuzzer can change them. */
let traitors: CreatedSession;
let split: CreatedSession;
/** A session whose tokens play "another session's token". */
let other: CreatedSession;
const seatClients = new Map<string, TestClient>();
let spectator: TestClient;

interface Target {
  session: CreatedSession;
  seat: number;
}
let targets: Target[] = [];

/** The admin REST API of the server under fuzz (bound once the server is up). */
function admin<T>(method: string, route: string, body?: unknown): Promise<{ status: number; json: T }> {
  return apiClient(url)<T>(method, route, body);
}

async function createSession(body: Record<string, unknown>): Promise<CreatedSession> {
  const res = await admin<CreatedSession>('POST', '/api/sessions', body);
  if (res.status !== 201) throw new Error(`create session: ${res.status} ${JSON.stringify(res.json)}`);
  return res.json;
}

async function logText(id: string): Promise<string> {
  const res = await fetch(`${url}/api/sessions/${id}/events`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
  expect(res.status).toBe(200);
  return res.text();
}

function rowsOf(text: string): LogRow[] {
  return text.split('\n').filter(Boolean).map((line) => JSON.parse(line) as LogRow);
}

/** The logs of every attacked session, as text (state = fold(log), so equal logs = equal state). */
async function snapshot(): Promise<Map<string, string>> {
  const ids = [traitors.id, split.id, other.id];
  return new Map(await Promise.all(ids.map(async (id) => [id, await logText(id)] as const)));
}

async function expectUnchanged(before: Map<string, string>, what: string): Promise<void> {
  const after = await snapshot();
  for (const [id, text] of before) expect(after.get(id), `${what}: session ${id} changed`).toBe(text);
}

const clientKey = (t: Target) => `${t.session.id}:${t.seat}`;

/** The seat's fuzzing connection, reconnecting it if the server closed it (e.g. an oversized message). */
async function seatClient(target: Target): Promise<TestClient> {
  const existing = seatClients.get(clientKey(target));
  if (existing?.socket.connected) return existing;
  existing?.close();
  const client = await connectRetrying(target.session.seats[target.seat].token!);
  seatClients.set(clientKey(target), client);
  return client;
}

/** Connect, waiting out a connection rate limit (reported as connect error `rate_limited`). */
async function connectRetrying(token: string): Promise<TestClient> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const client = connectClient(url, token);
    try {
      await client.connected();
      return client;
    } catch (err) {
      client.close();
      if (!String((err as Error).message).startsWith('rate_limited') || Date.now() > deadline) throw err;
      await new Promise((resolve) => setTimeout(resolve, 200)); // back off as told
    }
  }
}

// ---------------------------------------------------------------------------------------------
// an honest room that must keep playing while the fuzzer runs

const honest = {
  stop: false,
  acts: 0,
  maxAckMs: 0,
  failures: [] as string[],
  games: 0,
  sessions: new Set<string>(),
  /** the honest loop's session creation in flight: its session is listed before its id comes back */
  creating: Promise.resolve() as Promise<unknown>,
};
let honestLoop: Promise<void>;

async function playHonestly(): Promise<void> {
  const rand = testRng(99);
  while (!honest.stop) {
    let client: TestClient | null = null;
    try {
      const creating = createSession({
        game: 'trust-split',
        preset: 'paper',
        config: { rounds: 4 },
        seats: [{ kind: 'human' }, { kind: 'agent', agent: 'tit-for-tat' }],
      }).then((created) => {
        honest.sessions.add(created.id);
        return created;
      });
      honest.creating = creating.catch(() => {});
      const session = await creating;
      client = await connectRetrying(session.seats[0].token!);
      let from = 0;
      let n = 0;
      while (!honest.stop) {
        const state: StatePayload = await client.waitFor((s) => s.outcome !== null || (s.pending !== null && s.version >= from), 15_000, 'the honest seat to be asked');
        if (state.outcome) {
          honest.games++;
          break;
        }
        // human-ish pacing, so the honest seat stays far below any per-seat act limit
        await new Promise((resolve) => setTimeout(resolve, 150));
        const action: Action = genericAction(state.pending!, rand, 0);
        const sentAt = performance.now();
        const ack = await client.send({ action, clientActionId: `honest-${++n}` });
        honest.maxAckMs = Math.max(honest.maxAckMs, performance.now() - sentAt);
        if (!ack.ok) {
          honest.failures.push(`honest act refused: ${ack.code} ${ack.message}`);
          from = state.version + 1;
          continue;
        }
        honest.acts++;
        from = ack.version;
      }
    } catch (err) {
      honest.failures.push(`honest room: ${err instanceof Error ? err.message : String(err)}`);
    } finally {
      client?.close();
    }
  }
}

// ---------------------------------------------------------------------------------------------
// arbitraries

/** Keys an attacker tries on plain-object lookups, plus the protocol's own field names. */
const WEIRD_WORDS = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'valueOf', '__defineGetter__', 'then', 'length'];
const FIELD_NAMES = ['kind', 'action', 'clientActionId', 'text', 'target', 'suspicion', 'coins', 'token', 'game', 'preset', 'seats', 'config', 'seed'];
const ODD_TEXT = [
  '',
  ' ',
  '\u0000',
  '\u202e\u2066evil',
  '\ud800',
  '\udfff\ud800',
  '👩‍👩‍👧‍👦🏳️‍🌈',
  'e\u0301'.repeat(50),
  '=cmd|" /C calc"!A0',
  '+1',
  '@SUM(1)',
  '<script>alert(1)</script>',
  '../../etc/passwd',
  '%00',
  'null',
  '1e309',
  'x'.repeat(4001),
];

const weirdKey = fc.oneof(fc.constantFrom(...WEIRD_WORDS, ...FIELD_NAMES, '0', '1', '7', '-1', '1e2', '007', '63', '64', ''), fc.string({ maxLength: 8 }));
const weirdString = fc.oneof(
  fc.constantFrom(...WEIRD_WORDS, ...ODD_TEXT),
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
);
const weirdNumber = fc.oneof(
  fc.integer({ min: -3, max: 70 }),
  fc.integer(),
  fc.double(),
  fc.constantFrom(-0, 0.5, 2 ** 31, 2 ** 53 + 1, -(2 ** 53), 1e308, Number.MIN_VALUE),
);
const leaf = fc.oneof(weirdString, weirdNumber, fc.boolean(), fc.constant(null));
const weirdValue = fc.anything({ key: weirdKey, values: [leaf], maxDepth: 3, maxKeys: 6, withNullPrototype: true });

/** An object whose own keys include `__proto__` (JSON.parse makes it an own property, as a wire payload would). */
const protoPolluted = fc.constantFrom(
  '{"action":{"kind":"speak","text":"hi","__proto__":{"kind":"vote"}},"clientActionId":"p1"}',
  '{"__proto__":{"action":{"kind":"speak","text":"hi"},"clientActionId":"p2"}}',
  '{"action":{"kind":"beliefs","suspicion":{"__proto__":50,"constructor":50,"1":50}},"clientActionId":"p3"}',
  '{"action":{"kind":"beliefs","suspicion":{"__proto__":{"x":1}}},"clientActionId":"p4"}',
  '{"action":{"kind":"constructor"},"clientActionId":"constructor"}',
  '{"action":{"kind":"__proto__","text":"x"},"clientActionId":"__proto__"}',
  '{"constructor":{"prototype":{"polluted":true}},"action":{"kind":"propose","coins":5},"clientActionId":"p5"}',
).map((text) => JSON.parse(text) as unknown);

function deep(depth: number): unknown {
  let value: unknown = 'bottom';
  for (let i = 0; i < depth; i++) value = i % 2 ? [value] : { action: value };
  return value;
}

/** Values that are big, deep or odd on purpose. */
const huge = fc.constantFrom(
  { action: { kind: 'speak', text: 'x'.repeat(60_000) }, clientActionId: 'big-text' },
  { action: { kind: 'speak', text: 'x'.repeat(4000) }, clientActionId: 'x'.repeat(101) },
  { action: { kind: 'beliefs', suspicion: Object.fromEntries(Array.from({ length: 2000 }, (_, i) => [String(i), 50])) }, clientActionId: 'wide' },
  { action: deep(400), clientActionId: 'deep' },
  deep(1500),
  Array.from({ length: 5000 }, (_, i) => i),
);

/** What a player may legally say that has broken text processing before: lookup keys, controls, formulas. */
const hostileText = fc.oneof(
  fc.constantFrom(...WEIRD_WORDS, ...ODD_TEXT.filter((t) => t.length <= 600)),
  fc.array(fc.constantFrom(...WEIRD_WORDS, 'I', 'have', 'rock', 'paper', 'scissors', 'upper', "I'm", 'lower', '💥', '\u202e', '=1+1'), { minLength: 1, maxLength: 12 }).map((w) => w.join(' ')),
  fc.string({ unit: 'grapheme', maxLength: 200 }),
);

/** Near-valid acts: the right shape with one thing off, so payloads get past the schema into the game. */
const nearAct = fc.record(
  {
    action: fc.oneof(
      fc.record({ kind: fc.constant('speak'), text: weirdString }),
      fc.record({ kind: fc.constant('vote'), target: fc.oneof(weirdNumber, weirdString) }),
      fc.record({ kind: fc.constant('beliefs'), suspicion: fc.dictionary(weirdKey, fc.oneof(weirdNumber, leaf), { maxKeys: 10 }) }),
      fc.record({ kind: fc.constant('propose'), coins: weirdNumber }),
      fc.record({ kind: weirdString }),
      weirdValue,
    ),
    clientActionId: fc.oneof(fc.string({ minLength: 1, maxLength: 12 }), weirdString, weirdValue),
    extra: leaf,
  },
  { requiredKeys: ['action', 'clientActionId'] },
);

/** Acts the schema accepts, with odd but well-typed values: these reach the game's validate() and rules. */
const wellTypedAct = fc.record({
  action: fc.oneof(
    fc.record({ kind: fc.constant('speak'), text: fc.oneof(fc.constantFrom(...WEIRD_WORDS, ...ODD_TEXT.filter((t) => t.length <= 4000)), fc.string({ unit: 'grapheme', maxLength: 700 })) }),
    fc.record({ kind: fc.constant('vote'), target: fc.integer({ min: 0, max: 63 }) }),
    fc.record({
      kind: fc.constant('beliefs'),
      suspicion: fc.dictionary(fc.oneof(fc.integer({ min: 0, max: 70 }).map(String), fc.constantFrom('007', '1', '00')), fc.double({ min: 0, max: 100, noNaN: true }), { maxKeys: 9 }),
    }),
    fc.record({ kind: fc.constant('propose'), coins: fc.oneof(fc.integer({ min: -2, max: 12 }), fc.integer()) }),
  ),
  clientActionId: fc.oneof(fc.constantFrom(...WEIRD_WORDS, 'dup'), fc.string({ minLength: 1, maxLength: 100 })),
});

const actPayload = fc.oneof(
  { weight: 5, arbitrary: wellTypedAct },
  { weight: 4, arbitrary: nearAct },
  { weight: 2, arbitrary: weirdValue },
  { weight: 1, arbitrary: protoPolluted },
  { weight: 1, arbitrary: huge },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 64 }) }, // arrives as a binary attachment
);

/** socket.io-client refuses to emit these names itself; everything else goes on the wire. */
const CLIENT_RESERVED = new Set(['connect', 'connect_error', 'disconnect', 'disconnecting', 'newListener', 'removeListener']);
const eventName = fc
  .oneof(fc.constantFrom('error', 'state', 'presence', 'replaced', 'ACT', 'act ', 'Act', ...WEIRD_WORDS), weirdString)
  .filter((name) => !CLIENT_RESERVED.has(name));

/** Raw socket.io packets (the engine.io message prefix is added by the transport). */
const rawFrame = fc.oneof(
  fc.string({ maxLength: 60 }),
  fc.constantFrom(
    '2',
    '2[',
    '2[]',
    '2{}',
    '2["act"]',
    '2["disconnect"]',
    '2["newListener","act"]',
    '2["__proto__",{}]',
    '21["act",{"action":{"kind":"speak","text":"x"},"clientActionId":"raw"}]',
    '3999["act"]',
    '31[{"ok":true}]',
    '0/admin,',
    '0/admin,{"token":"x"}',
    '0',
    '1',
    '4"boom"',
    '51-["act",{"_placeholder":true,"num":0}]',
    '59999999999-["act"]',
    '6',
    '9',
    `2${'['.repeat(20_000)}`,
  ),
  fc.tuple(weirdString, fc.array(weirdValue, { maxLength: 3 }), fc.option(fc.nat(), { nil: undefined })).map(
    ([name, args, id]) => `2${id ?? ''}${JSON.stringify([name, ...args])}`,
  ),
);

// ---------------------------------------------------------------------------------------------
// helpers for the properties

function isRejection(ack: unknown): ack is { ok: false; code: string; message: string } {
  return typeof ack === 'object' && ack !== null && (ack as { ok?: unknown }).ok === false;
}

/** How the server answered the fuzzed acts, printed at the end to show what the fuzzer reached. */
const answers = new Map<string, number>();

/** Every ack is well-formed; a refusal names a known code and says what went wrong. */
function checkAck(ack: unknown): void {
  expect(typeof ack).toBe('object');
  const a = ack as { ok: unknown; code?: unknown; message?: unknown; version?: unknown };
  const key = a.ok === true ? 'ok' : String(a.code);
  answers.set(key, (answers.get(key) ?? 0) + 1);
  if (a.ok === true) {
    expect(Number.isInteger(a.version)).toBe(true);
    return;
  }
  expect(a.ok).toBe(false);
  expect(REJECTION_CODES.has(String(a.code)), `unexpected ack code ${String(a.code)}: ${String(a.message)}`).toBe(true);
  expect(typeof a.message === 'string' && a.message.length > 0).toBe(true);
}

/**
 * Wait until the server has handled everything this client sent before: a probe act must come back.
 * `silentOk`: a raw DISCONNECT packet makes the server drop the client from the namespace without
 * telling it, so there no answer is an outcome too (the caller reconnects).
 */
async function barrier(client: TestClient, silentOk = false): Promise<'answered' | 'closed' | 'silent'> {
  if (!client.socket.connected) return 'closed';
  const closed = new Promise<'closed'>((resolve) => client.socket.once('disconnect', () => resolve('closed')));
  const answered = client.socket
    .timeout(silentOk ? 5_000 : 10_000)
    .emitWithAck('act', {} as never)
    .then(
      (ack: unknown) => {
        checkAck(ack);
        return 'answered' as const;
      },
      (err: Error) => {
        if (silentOk) return 'silent' as const;
        throw err;
      },
    );
  return Promise.race([answered, closed]);
}

/** A rejection changed nothing; an acceptance only appended this seat's action to the end of the log. */
function checkLogChange(before: string, after: string, ack: unknown, seat: number, clientActionId: unknown): void {
  if (isRejection(ack) || ack === undefined) {
    expect(after).toBe(before);
    return;
  }
  expect(after.startsWith(before), 'the log is append-only').toBe(true);
  const added = rowsOf(after.slice(before.length));
  const version = (ack as { version: number }).version;
  if (added.length === 0) {
    // a resend of an accepted action: the same answer, nothing new
    expect(rowsOf(before).some((r) => r.seat === seat && r.clientActionId === clientActionId && r.seq <= version)).toBe(true);
    return;
  }
  expect(added[0]).toMatchObject({ kind: 'game', seat, clientActionId });
  expect(added[added.length - 1].seq).toBe(version);
}

type HttpAnswer = { status: number; body: string; headers: Record<string, string | string[] | undefined> };

/** One HTTP request with full control over headers (Host included, or none at all). */
function rawRequest(method: string, path: string, headers: Record<string, string>, body?: string | Buffer): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    const hasHost = Object.keys(headers).some((h) => h.toLowerCase() === 'host');
    const req = request({ host: '127.0.0.1', port, method, path, headers, setHost: hasHost ? undefined : false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8'), headers: res.headers }));
      res.on('error', reject);
    });
    req.setTimeout(20_000, () => req.destroy(new Error(`no answer to ${method} ${path} within 20 s`)));
    req.on('error', (err: NodeJS.ErrnoException) => {
      // the server may answer (413, 405 …) and close before a big body is fully sent: that is a refusal
      if ((err.code === 'EPIPE' || err.code === 'ECONNRESET') && body !== undefined && body.length > 64 * 1024) {
        resolve({ status: 413, body: '', headers: {} });
      } else reject(err);
    });
    req.end(body);
  });
}

/** Sessions created by anyone but the honest loop since `before` (a rejection must create none). */
async function newSessions(before: Set<string>): Promise<string[]> {
  const res = await admin<{ sessions: { id: string }[] }>('GET', '/api/sessions');
  // a session the honest loop was creating when the list was read is known once that creation returns
  await honest.creating;
  return res.json.sessions.map((s) => s.id).filter((id) => !before.has(id) && !honest.sessions.has(id));
}

async function sessionIds(): Promise<Set<string>> {
  const res = await admin<{ sessions: { id: string }[] }>('GET', '/api/sessions');
  return new Set(res.json.sessions.map((s) => s.id));
}

function expectNo5xx(answer: HttpAnswer, what: string): void {
  expect(answer.status, `${what} answered ${answer.status}: ${answer.body.slice(0, 300)}`).toBeLessThan(500);
  expect(answer.status).toBeGreaterThanOrEqual(100);
}

/** A 4xx from the API says what went wrong (429 also says when to come back). */
function expectClearError(answer: HttpAnswer, what: string): void {
  if (answer.status < 400) return;
  if (answer.status === 429) expect(answer.headers['retry-after'], `${what}: 429 without Retry-After`).toBeDefined();
  if (answer.body && answer.headers['content-type']?.toString().includes('application/json')) {
    // Parley answers { error }, socket.io's engine { code, message }
    const json = JSON.parse(answer.body) as { error?: unknown; message?: unknown };
    const message = json.error ?? json.message;
    expect(typeof message === 'string' && message.length > 0, `${what}: error without a message: ${answer.body.slice(0, 200)}`).toBe(true);
  }
}

// ---------------------------------------------------------------------------------------------

beforeAll(async () => {
  process.on('uncaughtException', onUncaught);
  process.on('unhandledRejection', onUnhandled);
  ({ child, url } = await startServerProcess(dataDir, ADMIN_TOKEN, {
    PARLEY_DURABILITY: 'normal',
    PARLEY_AGENT_DELAY_MS: '0',
    // rate limits raised so fuzzed payloads reach the parsers and the games instead of the limiter
    PARLEY_SOCKET_ACTS_PER_SEC: '100000',
    PARLEY_SOCKET_CONNECTS_PER_SEC: '100000',
    PARLEY_QUICKPLAY_PER_MIN: '100000',
  }));
  port = Number(new URL(url).port);
  child.stdout!.on('data', (c: Buffer) => (serverOutput += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (serverOutput += c.toString()));

  traitors = await createSession({
    game: 'traitors',
    preset: 'table',
    seed: 11,
    config: { timeouts: { speak: 0, vote: 0, beliefs: 0 } },
    seats: Array.from({ length: 8 }, () => ({ kind: 'human' })),
  });
  split = await createSession({
    game: 'trust-split',
    preset: 'paper',
    seed: 12,
    config: { timeouts: { speak: 0, propose: 0 } },
    seats: [{ kind: 'human' }, { kind: 'human' }],
  });
  other = await createSession({
    game: 'trust-split',
    preset: 'paper',
    seed: 13,
    config: { timeouts: { speak: 0, propose: 0 } },
    seats: [{ kind: 'human' }, { kind: 'human' }],
  });
  targets = [...traitors.seats.map((s) => ({ session: traitors, seat: s.seat })), ...split.seats.map((s) => ({ session: split, seat: s.seat }))];
  for (const target of targets) await seatClient(target);
  spectator = await connectRetrying(traitors.spectatorToken);
  honestLoop = playHonestly();
});

afterAll(async () => {
  honest.stop = true;
  await honestLoop?.catch(() => undefined);
  for (const client of seatClients.values()) client.close();
  spectator?.close();
  if (child && child.exitCode === null) {
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
  }
  process.off('uncaughtException', onUncaught);
  process.off('unhandledRejection', onUnhandled);
  rmSync(dataDir, { recursive: true, force: true });
});

describe('protocol fuzzer (real server process)', () => {
  it('socket acts: every payload gets a well-formed ack; a refusal changes no log, an acceptance appends only that action', async () => {
    await fc.assert(
      fc.asyncProperty(fc.nat(), fc.nat({ max: 5 }), actPayload, hostileText, async (pick, steer, fuzzed, text) => {
        // mostly aimed at a seat that owes something (past the turn check), a third of the time its
        // legal answer (what it says being hostile text), so the games move on, hostile words get into
        // logs, claims and metrics, and later phases (votes, beliefs, proposals) get fuzzed too
        const owing = targets.filter((t) => seatClients.get(clientKey(t))?.latest?.pending);
        const target = steer > 0 && owing.length ? owing[pick % owing.length] : targets[pick % targets.length];
        const client = await seatClient(target);
        const pending = client.latest?.pending;
        let payload = fuzzed;
        if (steer >= 4 && pending) {
          const action: Action = pending.kind === 'speak' ? { kind: 'speak', text: Array.from(text).slice(0, pending.maxChars).join('') } : genericAction(pending, testRng(pick), target.seat);
          payload = { action, clientActionId: `legal-${pick}-${steer}` };
        }
        const before = await logText(target.session.id);
        const answer = await Promise.race([
          client.socket.timeout(10_000).emitWithAck('act', payload as never).then(
            (ack: unknown) => ({ ack }),
            (err: Error) => ({ error: err.message }),
          ),
          new Promise<{ closed: true }>((resolve) => client.socket.once('disconnect', () => resolve({ closed: true }))),
        ]);
        if ('closed' in answer) {
          // only a message over the transport's size cap may close the connection; it changes no game state
          expect(JSON.stringify(payload).length).toBeGreaterThan(50_000);
          await seatClient(target);
          const rows = rowsOf(await logText(target.session.id));
          const added = rows.slice(rowsOf(before).length);
          expect(added.every((r) => r.kind === 'session' && ['connected', 'disconnected'].includes(r.event.type))).toBe(true);
          return;
        }
        expect('error' in answer ? answer.error : null, 'every act is acknowledged').toBeNull();
        const { ack } = answer as { ack: unknown };
        checkAck(ack);
        const clientActionId = (payload as { clientActionId?: unknown } | null)?.clientActionId;
        checkLogChange(before, await logText(target.session.id), ack, target.seat, clientActionId);
      }),
      { numRuns: runs(300), seed: SEED },
    );
  });

  it('socket events: unknown or misnamed events and act without an ack function change nothing', async () => {
    await fc.assert(
      fc.asyncProperty(fc.nat(), eventName, fc.array(fc.oneof(weirdValue, actPayload), { maxLength: 3 }), async (pick, name, args) => {
        const target = targets[pick % targets.length];
        const client = await seatClient(target);
        const before = await snapshot();
        const emit = client.socket.emit.bind(client.socket) as (event: string, ...rest: unknown[]) => unknown;
        emit(name, ...args);
        emit('act', ...args); // act with no ack function (or garbage in its place)
        const result = await barrier(client);
        if (result === 'closed') {
          expect(JSON.stringify(args).length).toBeGreaterThan(50_000);
          await seatClient(target);
          return;
        }
        const after = await snapshot();
        for (const [id, text] of before) {
          if (id !== target.session.id) expect(after.get(id)).toBe(text);
        }
        // an `act` without an ack can still be a legal action: then it appended this seat's action only
        const added = rowsOf(after.get(target.session.id)!.slice(before.get(target.session.id)!.length));
        expect(after.get(target.session.id)!.startsWith(before.get(target.session.id)!)).toBe(true);
        if (added.length) expect(added[0]).toMatchObject({ kind: 'game', seat: target.seat });
      }),
      { numRuns: runs(100), seed: SEED + 1 },
    );
  });

  it('raw socket.io frames (malformed, binary, other namespaces, forged acks) never crash or change a log', async () => {
    const start = await snapshot();
    await fc.assert(
      fc.asyncProperty(fc.oneof(rawFrame, fc.uint8Array({ minLength: 1, maxLength: 32 })), async (frame) => {
        if (!spectator.socket.connected) {
          spectator.close();
          spectator = await connectRetrying(traitors.spectatorToken);
        }
        const before = await logText(traitors.id);
        spectator.socket.io.engine.write(frame as never);
        if ((await barrier(spectator, true)) === 'silent') spectator.close();
        expect(await logText(traitors.id), `raw frame ${JSON.stringify(String(frame).slice(0, 80))}`).toBe(before);
      }),
      { numRuns: runs(150), seed: SEED + 2 },
    );
    await expectUnchanged(start, 'the raw-frame fuzz');
  });

  it('socket handshakes: arbitrary auth, near-valid and foreign tokens are refused with a code, or open only their own session', async () => {
    const realTokens = [...traitors.seats, ...split.seats].map((s) => s.token!).concat(traitors.spectatorToken, split.spectatorToken);
    const mutate = fc.tuple(fc.constantFrom(...realTokens), fc.nat(), fc.constantFrom('flip', 'cut', 'grow', 'case', 'pad', 'prefix')).map(([token, n, how]) => {
      const i = n % token.length;
      switch (how) {
        case 'flip':
          return token.slice(0, i) + (token[i] === 'A' ? 'B' : 'A') + token.slice(i + 1);
        case 'cut':
          return token.slice(0, i);
        case 'grow':
          return token + 'A';
        case 'case':
          return token.toUpperCase() === token ? token.toLowerCase() : token.toUpperCase();
        case 'pad':
          return ` ${token}`;
        default:
          return 'Bearer ' + token;
      }
    });
    const auth = fc.oneof(
      { weight: 3, arbitrary: mutate.map((token) => ({ token })) },
      { weight: 2, arbitrary: fc.record({ token: fc.oneof(weirdString, weirdValue) }) },
      { weight: 1, arbitrary: fc.constantFrom({ token: ADMIN_TOKEN }, { token: other.seats[0].token, extra: 1 }, { token: [other.seats[0].token] }, {}, { __proto__: { token: other.seats[0].token } }) },
      { weight: 2, arbitrary: weirdValue },
    );
    await fc.assert(
      fc.asyncProperty(auth, async (handshake) => {
        const before = await snapshot();
        const socket = io(url, { auth: handshake as never, transports: ['websocket'], reconnection: false, forceNew: true });
        try {
          const outcome = await new Promise<{ error: string } | { state: StatePayload } | { closed: true }>((resolve, reject) => {
            const timer = setTimeout(() => reject(new Error('handshake neither refused nor answered within 10 s')), 10_000);
            // socket.io itself closes the transport when the CONNECT packet's auth is not an object
            // (a refusal also closes it, right after its connect_error: then give that a moment to arrive)
            const plainObject = Object.prototype.toString.call(handshake) === '[object Object]';
            socket.io.once('close', () => setTimeout(() => resolve({ closed: true }), plainObject ? 2_000 : 0));
            socket.once('connect_error', (err) => {
              clearTimeout(timer);
              resolve({ error: err.message });
            });
            socket.once('state', (state: StatePayload) => {
              clearTimeout(timer);
              resolve({ state });
            });
          });
          if ('closed' in outcome) {
            expect(Object.prototype.toString.call(handshake), `the server closed a handshake with auth ${JSON.stringify(handshake)}`).not.toBe('[object Object]');
            await expectUnchanged(before, `closed handshake ${JSON.stringify(handshake)}`);
          } else if ('error' in outcome) {
            const code = outcome.error.split(':')[0];
            expect(CONNECT_CODES.has(code), `connect error "${outcome.error}"`).toBe(true);
            await expectUnchanged(before, `refused handshake ${JSON.stringify(handshake)}`);
          } else {
            // only an exact token opens anything, and then only its own session
            const token = (handshake as { token?: unknown }).token;
            const owner = [traitors, split, other].find((s) => s.spectatorToken === token || s.seats.some((seat) => seat.token === token));
            expect(owner, `a connection opened with ${JSON.stringify(handshake)}`).toBeDefined();
            expect(outcome.state.sessionId).toBe(owner!.id);
          }
        } finally {
          socket.close();
        }
      }),
      { numRuns: runs(120), seed: SEED + 3 },
    );
    // the foreign token fuzzed above opened and closed a seat of `other`; reconnect any seat it replaced
    for (const target of targets) await seatClient(target);
  });

  it('REST bodies on every POST route: never a 5xx; a refusal creates, ends and changes nothing', async () => {
    const jsonText = fc.oneof(
      weirdValue.map((v) => JSON.stringify(v) ?? 'null'),
      fc
        .record(
          {
            game: fc.oneof(fc.constantFrom('traitors', 'trust-split'), weirdString),
            preset: fc.oneof(fc.constantFrom('table', 'paper', 'human'), weirdString),
            seed: weirdNumber,
            config: fc.dictionary(weirdKey, fc.oneof(leaf, weirdValue), { maxKeys: 4 }),
            seats: fc.array(
              fc.oneof(
                fc.record({ kind: fc.constantFrom('human', 'agent', 'external'), agent: fc.oneof(fc.constantFrom('scripted', 'llm', 'tit-for-tat'), weirdString, weirdValue), label: weirdString }, { requiredKeys: ['kind'] }),
                weirdValue,
              ),
              { maxLength: 10 },
            ),
            takeoverAfterSec: weirdNumber,
            agentDelayMs: weirdNumber,
            revealAgents: leaf,
          },
          { requiredKeys: [] },
        )
        .map((v) => JSON.stringify(v)),
      protoPolluted.map((v) => JSON.stringify(v)),
      fc.constantFrom(
        '{"__proto__":{"game":"traitors"},"seats":[{"kind":"human"}]}',
        '{"game":"trust-split","seats":[{"kind":"human"},{"kind":"agent","agent":{"type":"llm","apiKeyEnv":"PARLEY_ADMIN_TOKEN","baseUrl":"http://127.0.0.1:9"}}]}',
        '{"game":"constructor"}',
        '{"game":"traitors","preset":"__proto__"}',
        '{"game":"trust-split","preset":"toString"}',
        '{"game":"trust-split","config":{"__proto__":{"rounds":1}},"seats":[{"kind":"human"},{"kind":"human"}]}',
        '{"game":"trust-split","seats":[{"kind":"human","label":"=HYPERLINK(\\"http://x\\")"},{"kind":"human"}],"seed":-1}',
      ),
    );
    const body = fc.oneof(
      { weight: 6, arbitrary: jsonText },
      { weight: 2, arbitrary: fc.string({ maxLength: 50 }) },
      { weight: 1, arbitrary: fc.constantFrom('', ' ', '{', '[1,', 'null', '"x"', '1e999', '\u0000', '\ufeff{}') },
      { weight: 1, arbitrary: fc.integer({ min: 10, max: 100_000 }).map((n) => '['.repeat(n) + ']'.repeat(n)) },
      { weight: 1, arbitrary: fc.integer({ min: 10, max: 50_000 }).map((n) => '{"a":'.repeat(n) + '1' + '}'.repeat(n)) },
      { weight: 1, arbitrary: fc.constant(`{"game":"${'x'.repeat(1_100_000)}"}`) },
    );
    const contentType = fc.constantFrom('application/json', 'application/json; charset=utf-8', 'text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', '', 'application/json; charset=latin1');
    const route = fc.oneof(
      fc.constantFrom('/api/sessions', '/api/quickplay', '/api/quickplay/', '/api/sessions/', '/api/games', '/healthz', '/api/stats'),
      fc.constantFrom(`/api/sessions/${traitors.id}/end`, `/api/sessions/${split.id}/end`, `/api/sessions/${'0'.repeat(12)}/end`, '/api/sessions/constructor/end', '/api/sessions/__proto__/end'),
    );
    const auth = fc.constantFrom<'admin' | 'none' | 'seat' | 'wrong'>('admin', 'none', 'seat', 'wrong');
    const known = await sessionIds();
    await fc.assert(
      fc.asyncProperty(route, body, contentType, auth, async (path, text, type, who) => {
        // ending a real session with the right token is allowed, not a rejection: keep the fuzzer off it
        if (who === 'admin' && (path.includes(traitors.id) || path.includes(split.id))) return;
        const headers: Record<string, string> = {};
        if (type) headers['content-type'] = type;
        if (who === 'admin') headers.authorization = `Bearer ${ADMIN_TOKEN}`;
        if (who === 'seat') headers.authorization = `Bearer ${other.seats[0].token}`;
        if (who === 'wrong') headers.authorization = `Bearer ${ADMIN_TOKEN}x`;
        const before = await snapshot();
        const answer = await rawRequest('POST', path, headers, text);
        expectNo5xx(answer, `POST ${path}`);
        expectClearError(answer, `POST ${path}`);
        if (answer.status >= 400) {
          await expectUnchanged(before, `POST ${path} → ${answer.status}`);
          expect(await newSessions(known), `POST ${path} → ${answer.status} created a session`).toEqual([]);
        } else {
          // only the two create routes may create anything, and never without the right to
          expect(['/api/sessions', '/api/quickplay']).toContain(path);
          if (path === '/api/sessions') expect(who).toBe('admin');
          for (const id of await newSessions(known)) known.add(id);
          await expectUnchanged(before, `POST ${path} → ${answer.status}`);
        }
      }),
      { numRuns: runs(150), seed: SEED + 4 },
    );
  });

  it('headers: Authorization, Content-Type and Host variants never give a 5xx; only the exact admin token opens admin routes', async () => {
    const seatToken = other.seats[0].token!;
    const authorization = fc.oneof(
      fc.constantFrom(
        undefined,
        '',
        'Bearer',
        'Bearer ',
        `Bearer ${ADMIN_TOKEN}`,
        `bearer ${ADMIN_TOKEN}`,
        `BEARER   ${ADMIN_TOKEN}`,
        `Bearer\t${ADMIN_TOKEN}`,
        `Bearer ${ADMIN_TOKEN}x`,
        `Bearer ${ADMIN_TOKEN.slice(0, -1)}`,
        `Bearer ${ADMIN_TOKEN} ${ADMIN_TOKEN}`,
        `Bearer ${ADMIN_TOKEN.toUpperCase()}`,
        ADMIN_TOKEN,
        `Basic ${Buffer.from(`admin:${ADMIN_TOKEN}`).toString('base64')}`,
        `Bearer ${seatToken}`,
        `Bearer ${traitors.spectatorToken}`,
        `Bearer ${'A'.repeat(8000)}`,
        'Bearer constructor',
        'Bearer __proto__',
      ),
      fc.string({ unit: fc.constantFrom(...'Bearer abcXYZ019-_=\t.'.split('')), maxLength: 40 }),
    );
    const host = fc.constantFrom(undefined, '', 'evil.example', 'localhost:99999', '[::1]', 'a'.repeat(4000), 'x y', '127.0.0.1', 'constructor', '@evil.example');
    const contentType = fc.constantFrom(undefined, 'application/json', 'text/html', 'application/json; charset=utf-16', '*/*', ';;;');
    const method = fc.constantFrom('GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'OPTIONS', 'PATCH');
    const ADMIN_ROUTES = [
      '/api/sessions',
      `/api/sessions/${traitors.id}`,
      `/api/sessions/${traitors.id}/events`,
      `/api/sessions/${split.id}/export`,
      `/api/sessions/${split.id}/report`,
      `/api/sessions/${'f'.repeat(12)}`,
      '/api/stats',
    ];
    const route = fc.constantFrom(
      ...ADMIN_ROUTES,
      '/healthz',
      '/api/games',
      '/api/nope',
      '/',
      `/play/${seatToken}`,
      '/%E0%A4%A',
      '/..%2f..%2fetc%2fpasswd',
      '/socket.io/?EIO=4&transport=polling',
      '/socket.io/?EIO=3&transport=polling',
      '/socket.io/?EIO=4&transport=polling&sid=constructor',
      '/socket.io/?EIO=4&transport=websocket',
      '/socket.io/?__proto__=1',
    );
    const start = await snapshot();
    const isAdminHeader = (value: string | undefined) => {
      const match = /^Bearer\s+(\S+)\s*$/i.exec((value ?? '').trim());
      return Boolean(match && match[1] === ADMIN_TOKEN);
    };
    await fc.assert(
      fc.asyncProperty(method, route, authorization, host, contentType, async (verb, path, auth, hostHeader, type) => {
        const headers: Record<string, string> = {};
        if (auth !== undefined) headers.authorization = auth;
        if (hostHeader !== undefined) headers.host = hostHeader;
        if (type !== undefined) headers['content-type'] = type;
        // reads are compared once for the whole run (below); anything else after each request
        const writes = verb !== 'GET' && verb !== 'HEAD';
        const before = writes ? await snapshot() : null;
        const answer = await rawRequest(verb, path, headers, verb === 'POST' || verb === 'PUT' ? '{}' : undefined);
        expectNo5xx(answer, `${verb} ${path}`);
        expectClearError(answer, `${verb} ${path}`);
        const isAdminRoute = ADMIN_ROUTES.includes(path) && (verb === 'GET' || verb === 'HEAD');
        if (isAdminRoute && answer.status !== 400 && answer.status !== 429 && answer.status !== 431) {
          if (isAdminHeader(auth)) expect(answer.status, `${verb} ${path} with the admin token`).not.toBe(401);
          else expect(answer.status, `${verb} ${path} with ${JSON.stringify(auth)?.slice(0, 60)}`).toBe(401);
        }
        if (before) await expectUnchanged(before, `${verb} ${path}`);
      }),
      { numRuns: runs(150), seed: SEED + 5 },
    );
    await expectUnchanged(start, 'the header fuzz');
  });

  it('afterwards every session the fuzzer touched still reads, exports and reports (200), without taking the process down', async () => {
    const { json } = await admin<{ sessions: { id: string }[] }>('GET', '/api/sessions');
    expect(json.sessions.length).toBeGreaterThanOrEqual(3);
    for (const { id } of json.sessions) {
      for (const route of [`/api/sessions/${id}`, `/api/sessions/${id}/events`, `/api/sessions/${id}/export`, `/api/sessions/${id}/report`]) {
        const answer = await rawRequest('GET', route, { host: `127.0.0.1:${port}`, authorization: `Bearer ${ADMIN_TOKEN}` }).catch((err: Error) => {
          throw new Error(`GET ${route} failed (${err.message}); server exit code ${child.exitCode}; its output ends:\n${serverOutput.slice(-3000)}`);
        });
        expect(answer.status, `GET ${route}: ${answer.body.slice(0, 200)}`).toBe(200);
      }
    }
    expect(child.exitCode, `server output:\n${serverOutput}`).toBeNull();
  });

  it('through all of it: the honest room kept playing with bounded ack latency, and the server process stayed up', async () => {
    // the honest room must have made progress while the fuzzer ran, and still does now
    const acts = honest.acts;
    await expect.poll(() => honest.acts, { timeout: 20_000, interval: 50 }).toBeGreaterThan(acts);
    honest.stop = true;
    await honestLoop;
    expect(honest.failures).toEqual([]);
    expect(honest.acts).toBeGreaterThan(20);
    expect(honest.maxAckMs).toBeLessThan(HONEST_ACK_BOUND_MS);

    expect(child.exitCode, `server output:\n${serverOutput}`).toBeNull();
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    expect(serverOutput).not.toMatch(/uncaught|unhandled|Internal server error|TypeError|RangeError/i);
    expect(processFailures).toEqual([]);
    console.log(`fuzzed acts were answered: ${[...answers].map(([k, n]) => `${k} ×${n}`).join(', ')}`);
    // the attacked sessions still work: a legal action by a fuzzed seat is accepted
    const seat0 = await seatClient({ session: split, seat: 0 });
    const state = seat0.latest!;
    if (state.pending && state.outcome === null) expect((await seat0.act(genericAction(state.pending, testRng(1), 0), 'final-legal')).ok).toBe(true);
  });
});
