import { afterEach, describe, expect, it } from 'vitest';
import type { SessionSummary } from '../../shared/protocol/console.ts';
import { ADMIN_TOKEN, bootServer, connectClient, genericAction, type TestClient, type TestServer } from '../integration/helpers.ts';
import { ConsoleClient, cookieCall, signIn } from './helpers.ts';

const TWO_HUMANS = { game: 'trust-split', seats: [{ kind: 'human', label: 'P-001' }, { kind: 'human' }] };

describe('the console namespace: the live session table', () => {
  let t: TestServer;
  const closers: { close(): void }[] = [];
  afterEach(async () => {
    for (const c of closers.splice(0)) c.close();
    await t?.close();
  });
  const track = <T extends { close(): void }>(c: T): T => {
    closers.push(c);
    return c;
  };

  it('refuses a connection without the cookie or the admin token', async () => {
    t = await bootServer();
    for (const auth of [{}, { adminToken: 'wrong' }, { cookie: 'parley_console=forged' }]) {
      const client = track(new ConsoleClient(t.url, auth));
      await expect(client.connection()).rejects.toThrow(/unauthorized/);
      expect(client.messages).toEqual([]);
    }
    // a signed-in cookie from another site's page is refused too
    const { cookie } = await signIn(t.url);
    const crossSite = track(new ConsoleClient(t.url, { cookie: `${cookie}` }));
    (crossSite.socket.io.opts as { extraHeaders?: Record<string, string> }).extraHeaders = { cookie, origin: 'https://evil.example' };
    crossSite.socket.disconnect().connect();
    await expect(crossSite.connection()).rejects.toThrow(/another site/);
  });

  it('sends the full table, then pushes creation, presence, phase changes and the end with its reason', async () => {
    t = await bootServer({ console: { flushMs: 50 } });
    const before = await t.createSession(TWO_HUMANS);
    const { cookie } = await signIn(t.url);
    const console_ = track(new ConsoleClient(t.url, { cookie }));
    await console_.connection();
    await console_.waitFor('the full table', (table) => table.has(before.id));
    expect(console_.messages[0]).toMatchObject({ full: true });
    const first = console_.table.get(before.id)!;
    expect(first).toMatchObject({ game: 'trust-split', preset: 'paper', status: 'active', phase: 'talk', round: 1, stuck: false, endReason: null, study: null, quickplay: false });
    expect(first.seats[0]).toMatchObject({ seat: 0, kind: 'human', label: 'P-001', agent: null, connected: false, takenOver: false });
    expect(first.seats[0].awaySince).toBeGreaterThan(0); // never came: away since the start
    expect(first.nextDeadline).toBeGreaterThan(Date.now());

    // a new session appears
    const created = await t.createSession(TWO_HUMANS);
    await console_.waitFor('the new session', (table) => table.has(created.id));
    expect(console_.messages.at(-1)).toMatchObject({ full: false });

    // a seat connects, then leaves: connected, then away since when it left
    const seat0: TestClient = track(connectClient(t.url, created.seats[0].token!));
    await seat0.connected();
    await console_.waitFor('seat 0 connected', (table) => table.get(created.id)!.seats[0].connected);
    expect(console_.table.get(created.id)!.seats[0].awaySince).toBeNull();
    const seat1: TestClient = track(connectClient(t.url, created.seats[1].token!, { seed: 2 }));
    await seat1.connected();
    const leftAt = Date.now();
    seat0.close();
    await console_.waitFor('seat 0 away', (table) => !table.get(created.id)!.seats[0].connected);
    expect(console_.table.get(created.id)!.seats[0].awaySince).toBeGreaterThanOrEqual(leftAt - 5);
    const seat0again = track(connectClient(t.url, created.seats[0].token!));
    await seat0again.connected();

    // play one action at a time, waiting for the console to show each: talk → propose → round 2
    // (the console coalesces changes per flush, so a game played flat out could skip a phase)
    const talk = console_.table.get(created.id)!;
    const players = [seat0again, seat1];
    const phases: string[] = [];
    for (let step = 0; step < 20 && (console_.table.get(created.id)!.round ?? 0) < 2; step++) {
      const mover = players.find((p) => p.latest?.pending);
      if (!mover) throw new Error(`nobody has anything to do at step ${step}`);
      const ack = await mover.act(genericAction(mover.latest!.pending!, Math.random, mover.latest!.seat!));
      if (!ack.ok) throw new Error(`refused: ${ack.message}`);
      for (const p of players) await p.waitFor((s) => s.version >= ack.version);
      await console_.waitFor(`version ${ack.version}`, (table) => table.get(created.id)!.version >= ack.version);
      phases.push(`${console_.table.get(created.id)!.phase}/${console_.table.get(created.id)!.round}`);
    }
    expect(phases).toContain('propose/1');
    expect(phases.at(-1)).toBe('talk/2');
    const propose = console_.table.get(created.id)!;
    expect(propose.version).toBeGreaterThan(talk.version);
    expect(propose.lastActivityAt).toBeGreaterThanOrEqual(talk.lastActivityAt);

    // ended from the console with a reason
    const end = await cookieCall(t.url, cookie, 'POST', `/api/sessions/${created.id}/end`, { reason: 'network trouble' });
    expect(end.status).toBe(200);
    await console_.waitFor('the end', (table) => table.get(created.id)!.status === 'ended');
    expect(console_.table.get(created.id)).toMatchObject({ endReason: 'experimenter: network trouble', stuck: false, nextDeadline: null });
    expect(console_.table.get(created.id)!.endedAt).toBeGreaterThan(0);

    // a second console (scripts sign in with the token) gets the same table in one message
    const script = track(new ConsoleClient(t.url, { adminToken: ADMIN_TOKEN }));
    await script.waitFor('the full table', (table) => table.size === 2);
    expect(script.table.get(created.id)).toMatchObject({ status: 'ended', endReason: 'experimenter: network trouble' });
    expect(script.messages).toHaveLength(1);
  });

  it('flags an active session stuck once its earliest deadline passed the grace, and clears the flag', async () => {
    let offsetMs = 0;
    t = await bootServer({ console: { now: () => Date.now() + offsetMs, stuckGraceMs: 1000 } });
    const session = await t.createSession(TWO_HUMANS);
    const client = track(new ConsoleClient(t.url, { adminToken: ADMIN_TOKEN }));
    await client.waitFor('the session', (table) => table.has(session.id));
    const row: SessionSummary = client.table.get(session.id)!;
    expect(row.stuck).toBe(false);
    // the console's clock jumps past the deadline (the room's own clock does not: it looks wedged)
    offsetMs = row.nextDeadline! - Date.now() + 2000;
    await client.waitFor('stuck', (table) => table.get(session.id)!.stuck);
    offsetMs = 0;
    await client.waitFor('not stuck', (table) => !table.get(session.id)!.stuck);
  });

  it('keeps only the most recently settled sessions besides the active ones', async () => {
    t = await bootServer({ console: { flushMs: 20, recentSettled: 2 } });
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push((await t.createSession(TWO_HUMANS)).id);
    const client = track(new ConsoleClient(t.url, { adminToken: ADMIN_TOKEN }));
    await client.waitFor('three sessions', (table) => table.size === 3);
    for (const id of ids) {
      await t.api('POST', `/api/sessions/${id}/end`);
      await client.waitFor(`${id} ended`, (table) => table.get(id)?.status === 'ended' || !table.has(id));
    }
    await client.waitFor('the oldest settled removed', (table) => !table.has(ids[0]) && table.has(ids[1]) && table.has(ids[2]));
    expect(client.messages.some((m) => !m.full && m.remove.includes(ids[0]))).toBe(true);
  });
});
