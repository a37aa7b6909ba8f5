import type { ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { replay } from '../../shared/engine/match.ts';
import { trustSplit } from '../../shared/games/trust-split/index.ts';
import type { CreatedSession, LogRow } from '../../shared/protocol/index.ts';
import { ADMIN_TOKEN, connectClient, gameRows, startServerProcess, tempDir, type TestClient } from './helpers.ts';

const dataDir = tempDir('parley-crash-');
const children: ChildProcess[] = [];

afterAll(() => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  rmSync(dataDir, { recursive: true, force: true });
});

async function startChild(): Promise<{ child: ChildProcess; url: string }> {
  const started = await startServerProcess(dataDir, ADMIN_TOKEN);
  children.push(started.child);
  return started;
}

async function api<T>(url: string, method: string, route: string, body?: unknown): Promise<T> {
  const res = await fetch(url + route, {
    method,
    headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return (route.endsWith('/events') ? text.trim().split('\n').map((l) => JSON.parse(l)) : JSON.parse(text)) as T;
}

describe('crash recovery', () => {
  it('survives SIGKILL mid-game: every acknowledged action is in the log, and the game finishes', async () => {
    const first = await startChild();
    const created = await api<CreatedSession>(first.url, 'POST', '/api/sessions', {
      game: 'trust-split',
      preset: 'paper',
      seed: 3,
      seats: [{ kind: 'human' }, { kind: 'agent', agent: 'tit-for-tat' }],
    });
    // a second session where nobody acts: its deadline must come back unchanged
    const waiting = await api<CreatedSession>(first.url, 'POST', '/api/sessions', { game: 'trust-split', seats: [{ kind: 'human' }, { kind: 'human' }] });
    const watchers = waiting.seats.map((s) => connectClient(first.url, s.token!));
    const asked = (await Promise.all(watchers.map((w) => w.connected()))).find((s) => s.pending)!;
    expect(asked.deadline).toBeGreaterThan(asked.serverNow);
    for (const w of watchers) w.close();

    const before: TestClient = connectClient(first.url, created.seats[0].token!, { seed: 4, idPrefix: 'before' });
    await before.connected();
    before.autoplay();
    // kill the server the moment the 6th ack arrives, with more actions in flight
    await new Promise<void>((resolve) => {
      const poll = setInterval(() => {
        if (before.acks.length >= 6) {
          clearInterval(poll);
          first.child.kill('SIGKILL');
          resolve();
        }
      }, 1);
    });
    await new Promise((r) => first.child.once('exit', r));
    before.stopAutoplay();
    const ackedBefore = before.acks.filter((a) => a.ack.ok);
    expect(ackedBefore.length).toBeGreaterThanOrEqual(6);
    before.close();

    // restart on the same data dir: the unfinished session is rebuilt from its log
    const restartedAt = Date.now();
    const second = await startChild();
    const after = connectClient(second.url, created.seats[0].token!, { seed: 5, idPrefix: 'after' });
    const resumed = await after.connected();
    expect(resumed.outcome).toBeNull();
    expect(resumed.seat).toBe(0);
    let log = await api<LogRow[]>(second.url, 'GET', `/api/sessions/${created.id}/events`);
    expect(log.some((r) => r.event.type === 'recovered')).toBe(true);
    // deadlines run from when each request began (logged), not from the restart
    const again = connectClient(second.url, waiting.seats[asked.seat!].token!);
    const restored = await again.connected();
    expect(restored.pending).toEqual(asked.pending);
    expect(restored.deadline).toBe(asked.deadline);
    expect(restored.deadline!).toBeLessThan(restartedAt + asked.pending!.timeLimitSec * 1000);
    again.close();

    after.autoplay();
    const end = await after.waitForOutcome();
    log = await api<LogRow[]>(second.url, 'GET', `/api/sessions/${created.id}/events`);
    for (const { clientActionId, ack } of [...ackedBefore, ...after.acks.filter((a) => a.ack.ok)]) {
      const rows = log.filter((r) => r.seat === 0 && r.clientActionId === clientActionId);
      expect(rows, clientActionId).toHaveLength(1);
      expect(ack.ok && rows[0].seq).toBeLessThanOrEqual(ack.ok ? ack.version : 0);
    }
    // the log is whole: contiguous, and it folds to the state the players saw
    expect(log.map((r) => r.seq)).toEqual(log.map((_, i) => i + 1));
    const state = replay(trustSplit, gameRows(log).map((r) => r.event as never));
    expect(trustSplit.outcome(state as never)).toEqual(end.outcome);
    // the agent seat carried on after the restart too
    const restartSeq = log.find((r) => r.event.type === 'recovered')!.seq;
    expect(gameRows(log).some((r) => r.seat === 1 && r.seq > restartSeq && r.clientActionId?.startsWith('agent:1:'))).toBe(true);
    const detail = await api<{ status: string }>(second.url, 'GET', `/api/sessions/${created.id}`);
    expect(detail.status).toBe('finished');
    after.close();
    second.child.kill('SIGTERM');
    await new Promise((r) => second.child.once('exit', r));
  });
});
