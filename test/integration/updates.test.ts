import { isDeepStrictEqual } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StatePayload } from '../../shared/protocol/index.ts';
import { bootServer, type TestServer } from './helpers.ts';
import { recordFeed, UpdatesClient, distinct } from './updates-client.ts';

// Clients that connect with `updates: 'patch'` get one full state and then JSON Patches. What they
// hold after each message must be exactly the full state the server would have sent them.

let t: TestServer;
let sent: Map<string, StatePayload[]>;
beforeAll(async () => {
  t = await bootServer();
  sent = recordFeed(t.server.sessions.feed);
});
afterAll(async () => {
  await t.close();
});


/** What the server's feed was asked to send this client's connection. */
function serverSent(client: UpdatesClient): StatePayload[] {
  return sent.get(client.id) ?? [];
}

/** Resolves once `condition` holds (checked every 20 ms), else fails after `timeoutMs`. */
async function until(condition: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
  const started = Date.now();
  while (!condition()) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** The last state the server sent each of these clients has arrived (so have all before it: a connection keeps order). */
function caughtUp(clients: readonly UpdatesClient[]): Promise<void> {
  return until(() => clients.every((c) => isDeepStrictEqual(c.latest, serverSent(c).at(-1))), 'the last states to arrive');
}

/**
 * Two spectators' payloads from when both were connected: the later one's connect state starts
 * its list; every broadcast after it went to both.
 */
function expectInStep(a: UpdatesClient, b: UpdatesClient): void {
  const [earlier, later] = a.payloads[0].serverNow <= b.payloads[0].serverNow ? [a, b] : [b, a];
  const tail = distinct(later.payloads).slice(1);
  expect(tail.length).toBeGreaterThan(5);
  const from = distinct(earlier.payloads).findIndex((p) => isDeepStrictEqual(p, tail[0]));
  expect(from).toBeGreaterThan(0);
  expect(distinct(earlier.payloads).slice(from)).toEqual(tail);
}

function eventsOf(client: UpdatesClient): string[] {
  return client.received.map((m) => m.event).filter((e) => e === 'state' || e === 'update');
}

function bytes(client: UpdatesClient, event: string): number {
  return client.received.filter((m) => m.event === event).reduce((sum, m) => sum + m.json.length, 0);
}

describe('a whole Traitors game (8 seats: agents, patch clients, a full-state client)', () => {
  let patchSeats: UpdatesClient[];
  let fullSeat: UpdatesClient;
  let plainSeat: UpdatesClient;
  let spectators: { full: UpdatesClient; patch: UpdatesClient };

  beforeAll(async () => {
    const seats = [
      ...Array.from({ length: 4 }, () => ({ kind: 'external' })),
      { kind: 'external' },
      { kind: 'external' },
      ...Array.from({ length: 2 }, () => ({ kind: 'agent', agent: 'scripted' })),
    ];
    const created = await t.createSession({ game: 'traitors', preset: 'table', seed: 5, seats });
    patchSeats = created.seats.slice(0, 4).map((s, i) => new UpdatesClient(t.url, s.token!, 'patch', 10 + i));
    fullSeat = new UpdatesClient(t.url, created.seats[4].token!, 'full', 20);
    plainSeat = new UpdatesClient(t.url, created.seats[5].token!, null, 21);
    spectators = { full: new UpdatesClient(t.url, created.spectatorToken, null), patch: new UpdatesClient(t.url, created.spectatorToken, 'patch') };
    const all = [...patchSeats, fullSeat, plainSeat, spectators.full, spectators.patch];
    await Promise.all(all.map((c) => c.connected()));
    for (const c of [...patchSeats, fullSeat, plainSeat]) c.autoplay();
    await Promise.all(all.map((c) => c.waitForOutcome()));
    await caughtUp(all);
  });

  afterAll(() => {
    for (const c of [...patchSeats, fullSeat, plainSeat, spectators.full, spectators.patch]) c.close();
  });

  it('sends a patch client one full state, then only updates', () => {
    for (const client of [...patchSeats, spectators.patch]) {
      const events = eventsOf(client);
      expect(events[0]).toBe('state');
      expect(events.slice(1).every((e) => e === 'update')).toBe(true);
      expect(events.length).toBeGreaterThan(30);
      expect(client.gaps).toBe(0);
    }
  });

  it('leaves each patch client holding exactly the full state the server would have sent, at every version', () => {
    for (const client of [...patchSeats, spectators.patch]) {
      const expected = serverSent(client);
      expect(expected.length).toBeGreaterThan(30);
      expect(distinct(client.payloads)).toEqual(expected);
    }
  });

  it('keeps the patch spectator in step with a full-state spectator, payload for payload', () => {
    expectInStep(spectators.patch, spectators.full);
  });

  it('keeps sending clients that did not opt in (or asked for "full") only full states', () => {
    for (const client of [fullSeat, plainSeat, spectators.full]) {
      expect(eventsOf(client).every((e) => e === 'state')).toBe(true);
      expect(client.updates).toEqual([]);
      expect(distinct(client.payloads)).toEqual(serverSent(client));
    }
  });

  it('sends far fewer bytes as patches than as full states', () => {
    const full = bytes(spectators.full, 'state');
    const patched = bytes(spectators.patch, 'state') + bytes(spectators.patch, 'update');
    expect(patched * 4).toBeLessThan(full);
  });
});

describe('a whole Trust-and-Split game (a patch client against an agent)', () => {
  it('leaves the patch seat and the patch spectator holding the full states, at every version', async () => {
    const created = await t.createSession({ game: 'trust-split', preset: 'human', seed: 12, seats: [{ kind: 'external' }, { kind: 'agent', agent: 'scripted' }] });
    const seat = new UpdatesClient(t.url, created.seats[0].token!, 'patch', 30);
    const spectator = new UpdatesClient(t.url, created.spectatorToken, 'patch');
    const fullSpectator = new UpdatesClient(t.url, created.spectatorToken, null);
    const all = [seat, spectator, fullSpectator];
    try {
      await Promise.all(all.map((c) => c.connected()));
      seat.autoplay();
      await Promise.all(all.map((c) => c.waitForOutcome()));
      await caughtUp(all);
      for (const client of [seat, spectator]) {
        expect(eventsOf(client).slice(1).every((e) => e === 'update')).toBe(true);
        expect(client.updates.length).toBeGreaterThan(5);
        expect(distinct(client.payloads)).toEqual(serverSent(client));
      }
      expectInStep(spectator, fullSpectator);
      expect(seat.latest!.status).toBe('finished');
    } finally {
      for (const c of all) c.close();
    }
  });
});

describe('connections that come and go', () => {
  it('starts a reconnected patch client from a full state and keeps it exact to the end', async () => {
    const created = await t.createSession({ game: 'traitors', preset: 'table', seed: 6, seats: [{ kind: 'external' }, ...Array.from({ length: 7 }, () => ({ kind: 'agent', agent: 'scripted' }))] });
    const first = new UpdatesClient(t.url, created.seats[0].token!, 'patch', 40);
    await first.connected();
    first.autoplay();
    await first.waitFor((s) => s.version > 30 && first.updates.length > 5, 'a few updates');
    first.close();
    const again = new UpdatesClient(t.url, created.seats[0].token!, 'patch', 41);
    try {
      await again.connected();
      again.autoplay();
      await again.waitForOutcome();
      await caughtUp([again]);
      const events = eventsOf(again);
      expect(events[0]).toBe('state');
      expect(events.slice(1).every((e) => e === 'update')).toBe(true);
      expect(again.updates.length).toBeGreaterThan(5);
      expect(distinct(again.payloads)).toEqual(serverSent(again));
      // the first connection's patches were exact too, up to when it left (a last one may have been on its way)
      const held = distinct(first.payloads);
      expect(held.length).toBeGreaterThan(5);
      expect(held).toEqual(serverSent(first).slice(0, held.length));
    } finally {
      again.close();
    }
  });

  it('answers a gap (`resync`) with a full state and carries on with updates from it', async () => {
    const created = await t.createSession({ game: 'traitors', preset: 'table', seed: 7, seats: [{ kind: 'external' }, ...Array.from({ length: 7 }, () => ({ kind: 'agent', agent: 'scripted' }))] });
    const client = new UpdatesClient(t.url, created.seats[0].token!, 'patch', 50);
    try {
      await client.connected();
      // nothing was patched since the full state on connect: a resync costs the server nothing
      await client.socket.timeout(5_000).emitWithAck('resync');
      expect(eventsOf(client)).toEqual(['state']);

      client.autoplay();
      await client.waitFor(() => client.updates.length >= 3, 'three updates');
      // lose an update after which the game goes on without this seat (so another update follows)
      client.dropNext = (next) => next.pending === null && next.outcome === null;
      await until(() => client.lostAt !== null, 'an update to lose');
      const dropped = client.lostAt!;
      await client.waitFor(() => client.gaps === 1 && eventsOf(client).filter((e) => e === 'state').length === 2, 'the full state answering the resync');
      await client.waitForOutcome();
      await caughtUp([client]);
      expect(client.gaps).toBe(1);
      const events = eventsOf(client);
      const resent = events.indexOf('state', 1);
      // the update after the lost one did not follow: the client asked, and got a full state
      expect(resent).toBeGreaterThan(dropped);
      expect(events.slice(resent + 1).length).toBeGreaterThan(3);
      expect(events.slice(resent + 1).every((e) => e === 'update')).toBe(true);
      // from the resent state on, the client holds exactly what the server sent
      const resentState = JSON.parse(client.received.filter((m) => m.event === 'state')[1].json) as StatePayload;
      const expected = serverSent(client);
      const held = distinct(client.payloads);
      const inExpected = expected.findIndex((p) => isDeepStrictEqual(p, resentState));
      const inHeld = held.findIndex((p) => isDeepStrictEqual(p, resentState));
      expect(inExpected).toBeGreaterThan(0);
      expect(held.slice(inHeld)).toEqual(expected.slice(inExpected));
      // and before the gap too
      expect(held.slice(0, dropped)).toEqual(expected.slice(0, dropped));
    } finally {
      client.close();
    }
  });
});

describe('the handshake', () => {
  it('refuses an unknown `updates` mode and unknown fields, with invalid_auth', async () => {
    const created = await t.createSession({ game: 'trust-split', preset: 'human', seats: [{ kind: 'external' }, { kind: 'agent', agent: 'scripted' }] });
    const token = created.seats[0].token!;
    const { io } = await import('socket.io-client');
    for (const auth of [{ token, updates: 'diff' }, { token, updates: 'patch', extra: 1 }]) {
      const socket = io(t.url, { auth, transports: ['websocket'], reconnection: false, forceNew: true });
      const err = await new Promise<Error & { data?: { code?: string } }>((resolve) => socket.once('connect_error', resolve));
      socket.close();
      expect(err.data?.code).toBe('invalid_auth');
    }
  });
});
