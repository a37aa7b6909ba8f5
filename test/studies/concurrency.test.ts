// The study flow over an async store: state-changing work of one study runs one piece at a time
// (server/keyed-queue.ts), so requests fired together give what serial processing gives. The
// calls go to the flow and the lobby directly, started in one tick, so that without the queue they
// would interleave between their reads and their writes (over HTTP, SQLite's instant answers could
// let the first finish before the second is even parsed, and the test would prove nothing).
import { afterEach, describe, expect, it } from 'vitest';
import type { ParticipantRecord } from '../../server/store/index.ts';
import { bootServer, type TestServer } from '../integration/helpers.ts';
import { createStudy, Participant, RIGHT, tsStudy, WRONG } from './flow-helpers.ts';

let servers: TestServer[] = [];
/** a server whose lobby never ticks on its own: the tests decide when tables form */
async function boot(): Promise<TestServer> {
  const t = await bootServer({ studies: { humanPacingScale: 0, agentDelayMs: 0, tickMs: 3_600_000 } });
  servers.push(t);
  return t;
}
afterEach(async () => {
  for (const s of servers) await s.close();
  servers = [];
});

async function record(t: TestServer, studyId: string, pid: string): Promise<ParticipantRecord> {
  const p = await t.server.studies.studies.participant(studyId, pid);
  if (!p) throw new Error(`no participant ${pid}`);
  return p;
}

const eventTypes = async (t: TestServer, studyId: string, pid: string) => (await t.server.studies.studies.events(studyId, pid)).map((e) => e.type);

describe('concurrent requests of one study', () => {
  it('one participant: a repeated request sent before the first was answered is answered again, not applied twice', async () => {
    const t = await boot();
    const study = await createStudy(t, tsStudy());
    const p = new Participant(t, 'test-split', 'P1');
    await p.enter();
    await p.ok('consent', { consent: true });
    await p.ok('instructions', {});
    const { flow } = t.server.studies;

    const [first, repeat] = await Promise.all([flow.quiz(p.token, WRONG), flow.quiz(p.token, WRONG)]);
    expect(repeat).toEqual(first);
    expect(first.result).toMatchObject({ passed: false, attemptsLeft: 1 });
    expect((await record(t, study.id, 'P1')).quizAttempts).toBe(1);
    expect((await eventTypes(t, study.id, 'P1')).filter((type) => type === 'quiz_attempt')).toHaveLength(1);

    // two different answers together: the first is the last attempt, so the second finds the participant done
    const [last, late] = await Promise.allSettled([flow.quiz(p.token, { ...WRONG, upper: 1 }), flow.quiz(p.token, RIGHT)]);
    expect(last.status === 'fulfilled' && last.value.result).toMatchObject({ passed: false, attemptsLeft: 0 });
    expect(late.status === 'rejected' && late.reason).toMatchObject({ status: 409, message: expect.stringContaining('"done"') });
    const done = await record(t, study.id, 'P1');
    expect(done).toMatchObject({ stage: 'done', outcome: 'failed_quiz', quizAttempts: 2 });
    expect((await eventTypes(t, study.id, 'P1')).filter((type) => type === 'completed')).toHaveLength(1);
  });

  it('one participant entering twice at once gets one record and one token', async () => {
    const t = await boot();
    const study = await createStudy(t, tsStudy());
    const { flow } = t.server.studies;
    const [a, b] = await Promise.all([
      flow.enter('test-split', { PROLIFIC_PID: 'P1' }, undefined),
      flow.enter('test-split', { PROLIFIC_PID: 'P1' }, undefined),
    ]);
    expect(b.token).toBe(a.token);
    expect((await record(t, study.id, 'P1')).token).toBe(a.token);
    expect(await eventTypes(t, study.id, 'P1')).toEqual(['entered', 'stage', 'reentered']);
  });

  it('two lobby passes racing for the same waiting participants form one table, each seated once', async () => {
    const t = await boot();
    const study = await createStudy(t, tsStudy());
    const { studies, lobby } = t.server.studies;
    const pids = ['P1', 'P2', 'P3'];
    for (const pid of pids) await new Participant(t, 'test-split', pid).enter();
    // three present participants waiting for a two-seat table (put there directly: through the
    // flow, the request that makes one wait would already kick the lobby)
    const now = Date.now();
    for (const [i, pid] of pids.entries()) {
      const p = await record(t, study.id, pid);
      await studies.commit([{ participant: { ...p, stage: 'waiting', waitingSince: now + i }, events: [] }], now);
      await lobby.seen(p.token);
    }

    await Promise.all([lobby.match(), lobby.match(), lobby.match()]);

    const tables = await studies.tables(study.id);
    expect(tables).toHaveLength(1);
    // first come, first served: the two who waited longest
    expect([...tables[0].seats].sort()).toEqual(['P1', 'P2']);
    for (const pid of ['P1', 'P2']) {
      expect(await record(t, study.id, pid)).toMatchObject({ stage: 'game', sessionId: tables[0].sessionId });
      expect((await eventTypes(t, study.id, pid)).filter((type) => type === 'seated')).toHaveLength(1);
    }
    expect(await record(t, study.id, 'P3')).toMatchObject({ stage: 'waiting', sessionId: null });
    expect(await t.server.store.sessionIdsWithStatus('active')).toEqual([tables[0].sessionId]);
  });
});
