import { io } from 'socket.io-client';
import { afterEach, describe, expect, it } from 'vitest';
import type { Limits } from '../../server/limits.ts';
import type { Ack, LogRow, StatePayload } from '../../shared/protocol/index.ts';
import { bootServer, connectClient, genericAction, testRng, type TestClient, type TestServer } from '../integration/helpers.ts';

let servers: TestServer[] = [];
let clients: TestClient[] = [];
async function boot(limits: Partial<Limits>): Promise<TestServer> {
  const t = await bootServer({ limits });
  servers.push(t);
  return t;
}
afterEach(async () => {
  for (const c of clients) c.close();
  clients = [];
  await Promise.all(servers.map((t) => t.close()));
  servers = [];
});

async function trustSplitTable(t: TestServer) {
  const session = await t.createSession({ game: 'trust-split', preset: 'human', seats: [{ kind: 'human' }, { kind: 'external' }] });
  return { session, human: session.seats[0].token!, other: session.seats[1].token! };
}

/** Connect and settle: resolves 'ok' on the first state, or the connect_error code. */
function tryConnect(url: string, token: string): Promise<{ result: string; close: () => void }> {
  const socket = io(url, { auth: { token }, transports: ['websocket'], reconnection: false, forceNew: true });
  return new Promise((resolve) => {
    socket.once('state', () => resolve({ result: 'ok', close: () => socket.disconnect() }));
    socket.once('connect_error', (err: Error & { data?: { code?: string } }) => resolve({ result: err.data?.code ?? err.message, close: () => socket.disconnect() }));
  });
}

/** Connect every token; resolves with the client whose seat is asked something first. */
async function seatWithPending(t: TestServer, tokens: string[]): Promise<[TestClient, StatePayload]> {
  const opened = tokens.map((token) => connectClient(t.url, token));
  clients.push(...opened);
  return Promise.race(opened.map((c) => c.waitFor((s) => s.pending !== null).then((s) => [c, s] as [TestClient, StatePayload])));
}

const connectedRows = (log: LogRow[]) => log.filter((r) => r.event.type === 'connected');

describe('connections per token (issue 9.6)', () => {
  it('a reconnect storm is refused as rate_limited and logs a presence row only for the connections let in', async () => {
    const t = await boot({ socketConnectsPerSec: 3 });
    const { session, human } = await trustSplitTable(t);
    const attempts = await Promise.all(Array.from({ length: 60 }, () => tryConnect(t.url, human)));
    for (const a of attempts) a.close();
    const admitted = attempts.filter((a) => a.result === 'ok').length;
    const limited = attempts.filter((a) => a.result === 'rate_limited').length;
    expect(admitted + limited).toBe(60);
    // a fixed one-second window: a storm straddling two windows gets at most twice the limit in
    expect(admitted).toBeGreaterThan(0);
    expect(admitted).toBeLessThanOrEqual(6);
    await (await t.server.sessions.room(session.id))!.idle();
    expect(connectedRows(await t.events(session.id))).toHaveLength(admitted);
  });

  it('the refusal carries the code and a message saying what to do', async () => {
    const t = await boot({ socketConnectsPerSec: 1 });
    const { human } = await trustSplitTable(t);
    const first = await tryConnect(t.url, human);
    const socket = io(t.url, { auth: { token: human }, transports: ['websocket'], reconnection: false, forceNew: true });
    const err = await new Promise<Error & { data?: { code?: string } }>((resolve) => socket.once('connect_error', resolve));
    expect(err.data?.code).toBe('rate_limited');
    expect(err.message).toMatch(/^rate_limited: too many connections with this token.*connect again in \d+ ms/);
    socket.disconnect();
    first.close();
  });

  it('one token at its limit does not stop another seat from connecting', async () => {
    const t = await boot({ socketConnectsPerSec: 2 });
    const { human, other } = await trustSplitTable(t);
    const storm = await Promise.all(Array.from({ length: 20 }, () => tryConnect(t.url, human)));
    storm.forEach((a) => a.close());
    const client = connectClient(t.url, other);
    clients.push(client);
    expect((await client.connected()).seat).toBe(1);
  });
});

describe('acts per seat', () => {
  it('a flood is answered rate_limited and only the admitted acts reach the log', async () => {
    const t = await boot({ socketActsPerSec: 2 });
    const { session, human, other } = await trustSplitTable(t);
    const [client, state] = await seatWithPending(t, [human, other]);
    const action = genericAction(state.pending!, testRng(1), state.seat!);
    const before = await t.events(session.id);
    const acks: Ack[] = await Promise.all(Array.from({ length: 20 }, (_, i) => client.send({ action, clientActionId: `flood-${i}` })));
    const limited = acks.filter((a) => !a.ok && a.code === 'rate_limited');
    // a fixed one-second window: at most twice the limit get through if the flood straddles two
    expect(limited.length).toBeGreaterThanOrEqual(16);
    expect(limited[0]).toMatchObject({ ok: false, message: expect.stringMatching(/at most 2 a second.*nothing was recorded/) });
    const acceptedIds = acks.flatMap((a, i) => (a.ok ? [`flood-${i}`] : []));
    expect(acceptedIds.length).toBeGreaterThanOrEqual(1);
    await (await t.server.sessions.room(session.id))!.idle();
    const after = await t.events(session.id);
    const logged = after.slice(before.length).flatMap((r) => (r.clientActionId ? [r.clientActionId] : []));
    expect(logged.sort()).toEqual(acceptedIds.sort());
  });
});

describe('deeply nested socket payloads', () => {
  it('are rejected as invalid_payload without parsing work, and change nothing', async () => {
    const t = await boot({});
    const { session, human } = await trustSplitTable(t);
    const client = connectClient(t.url, human);
    clients.push(client);
    await client.connected();
    const before = await t.events(session.id);
    let deep: unknown = 5;
    for (let i = 0; i < 2_000; i++) deep = [deep];
    let deepObject: unknown = 'x';
    for (let i = 0; i < 2_000; i++) deepObject = { text: deepObject };
    const payloads = [deep, { action: deep, clientActionId: 'a' }, { action: { kind: 'speak', text: deepObject }, clientActionId: 'b' }, { action: { kind: 'propose', coins: deep }, clientActionId: 'c' }];
    for (const payload of payloads) {
      expect(await client.send(payload)).toMatchObject({ ok: false, code: 'invalid_payload' });
    }
    // deeper than socket.io-client will encode: written raw, 30,000 levels (a 60 kB message)
    client.socket.io.engine.write(`2["act",${'['.repeat(30_000)}1${']'.repeat(30_000)}]`);
    expect(await client.send({ action: 'speak', clientActionId: 'd' })).toMatchObject({ ok: false, code: 'invalid_payload' });
    expect(client.socket.connected).toBe(true);
    expect(await t.events(session.id)).toHaveLength(before.length);
  });

  it('a binary packet nested past the parser\'s stack closes that connection only; the server and other seats carry on', async () => {
    const t = await boot({});
    const { session, human, other } = await trustSplitTable(t);
    const attacker = io(t.url, { auth: { token: other }, transports: ['websocket'], reconnection: false, forceNew: true });
    await new Promise((resolve) => attacker.once('state', resolve));
    const closed = new Promise((resolve) => attacker.once('disconnect', resolve));
    // socket.io-parser rebuilds binary packets recursively: 30,000 levels overflow its stack
    const text = '['.repeat(30_000) + '{"_placeholder":true,"num":0}' + ']'.repeat(30_000);
    attacker.io.engine.write(`51-["act",${text}]`);
    attacker.io.engine.write(Buffer.from('x') as never);
    await closed;

    const client = connectClient(t.url, human);
    clients.push(client);
    await client.connected();
    expect((await t.api('GET', '/healthz', undefined, null)).status).toBe(200);
    expect((await t.events(session.id)).some((r) => r.seat === 1 && r.kind === 'game')).toBe(false);
    // the game goes on: whichever seat is asked first acts and is accepted
    const [actor, state] = await seatWithPending(t, [human, other]);
    expect(await actor.act(genericAction(state.pending!, testRng(2), state.seat!))).toMatchObject({ ok: true });
  });
});
