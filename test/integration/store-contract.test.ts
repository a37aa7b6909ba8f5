/**
 * One contract, two engines: every test in the first suite runs against the SQLite store (a file
 * in a temp dir) and the PostgreSQL store (a real server this file starts, a fresh database per
 * store), and the logs they write must be byte-identical. The PostgreSQL-only suite covers what
 * only several processes can do: two writers racing for one seq, and owners racing for leases.
 */
import { rmSync } from 'node:fs';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { KeyedQueue } from '../../server/keyed-queue.ts';
import type { StudyDefinition } from '../../shared/study/definition.ts';
import { PostgresStore } from '../../server/store/postgres.ts';
import { SCHEMA_VERSION } from '../../server/store/postgres-schema.ts';
import { SqliteStore } from '../../server/store/sqlite.ts';
import {
  SeqConflictError,
  type EventStore,
  type NewRow,
  type ParticipantRecord,
  type SessionRecord,
  type StudyRecord,
} from '../../server/store/types.ts';
import { startPostgres, type PostgresServer } from '../support/postgres.ts';
import { tempDir } from './helpers.ts';

let postgres: PostgresServer;
const cleanups: (() => Promise<void> | void)[] = [];

beforeAll(async () => {
  postgres = await startPostgres();
}, 120_000);

afterAll(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  await postgres?.stop();
});

type Engine = 'sqlite' | 'postgres';

/** A new, empty store of the engine, closed (and its files removed) after the file's tests. */
async function openEngine(engine: Engine): Promise<EventStore> {
  if (engine === 'sqlite') {
    const dir = tempDir('parley-contract-');
    const store = new SqliteStore(dir);
    cleanups.push(async () => {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    });
    return store;
  }
  const store = await PostgresStore.open(await postgres.createDatabase());
  cleanups.push(() => store.close());
  return store;
}

/** Times like the server's (ms since 1970, beyond 32 bits), so BIGINT columns must come back as numbers. */
const T0 = 1_764_547_200_123;

function sessionRecord(id: string, overrides: Partial<SessionRecord> = {}): SessionRecord {
  return {
    id,
    game: 'traitors',
    preset: 'classic',
    config: { players: 3, nested: { list: [1, 2.5, 'three'] } },
    seed: '00ff00ff00ff00ff00ff00ff00ff00ff',
    createdAt: T0,
    status: 'active',
    endedAt: null,
    outcome: null,
    seats: [
      { seat: 0, name: 'Ada', kind: 'human', token: `${id}-seat0` },
      { seat: 1, name: 'Bo', kind: 'agent', agent: 'scripted', agentName: 'scripted-v1', token: null },
      { seat: 2, name: 'Cy', kind: 'human', label: 'P3', token: `${id}-seat2` },
    ],
    spectatorToken: `${id}-spectator`,
    options: { takeoverAfterSec: 30, takeoverAgent: 'scripted', agentDelayMs: 0, revealAgents: false, quickplay: false },
    ...overrides,
  };
}

const row = (type: string, extra: Partial<NewRow> = {}): NewRow => ({ at: T0 + 7, kind: 'game', seat: null, clientActionId: null, event: { type }, ...extra });

/** Events whose JSON text would differ if any engine re-encoded it (escapes, unicode, number forms). */
const TRICKY_ROWS: NewRow[] = [
  row('say', { seat: 0, clientActionId: 'c-1', event: { type: 'say', text: 'naïve "quote" \\ back\nline \u2028 😀 \u0007' } as never }),
  row('numbers', { kind: 'session', event: { type: 'numbers', big: 1e21, small: 5e-324, neg: -0.5, int: 9007199254740991 } as never }),
  row('nested', { seat: 2, clientActionId: 'ü-ñ', event: { type: 'nested', a: [{ b: null, c: [true, false] }], '': 'empty key' } as never }),
  row('proto', { event: { type: 'proto', ['__proto__']: 'x', constructor: 'y' } as never }),
];

async function collect(lines: AsyncGenerator<string>): Promise<string> {
  let text = '';
  for await (const line of lines) text += line;
  return text;
}

describe.each(['sqlite', 'postgres'] as const)('EventStore contract (%s)', (engine) => {
  it('creates a session with its tokens, all or nothing, and reads it back exactly', async () => {
    const store = await openEngine(engine);
    expect(store.engine).toBe(engine);
    const record = sessionRecord('sess-a');
    const written = await store.createSession(record, [row('start'), row('deal')]);
    expect(written.map((r) => [r.seq, r.batch])).toEqual([
      [1, 1],
      [2, 1],
    ]);
    expect(await store.session('sess-a')).toEqual(record);
    // a numeric seed stays a number, an all-digit string seed stays a string
    await store.createSession(sessionRecord('sess-n', { seed: 42, createdAt: T0 + 1 }), []);
    await store.createSession(sessionRecord('sess-s', { seed: '1234', createdAt: T0 + 2 }), []);
    expect((await store.session('sess-n'))?.seed).toBe(42);
    expect((await store.session('sess-s'))?.seed).toBe('1234');

    expect(await store.resolveToken('sess-a-seat0')).toEqual({ sessionId: 'sess-a', seat: 0 });
    expect(await store.resolveToken('sess-a-seat2')).toEqual({ sessionId: 'sess-a', seat: 2 });
    expect(await store.resolveToken('sess-a-spectator')).toEqual({ sessionId: 'sess-a', seat: null });
    for (const unknown of ['nope', '__proto__', 'constructor']) expect(await store.resolveToken(unknown)).toBeNull();
    expect(await store.session('__proto__')).toBeNull();

    // the same id again fails and leaves nothing of itself behind (its new tokens included)
    const again = sessionRecord('sess-a', { seats: [{ seat: 0, name: 'Z', kind: 'human', token: 'fresh-token' }], spectatorToken: 'fresh-spec' });
    await expect(store.createSession(again, [row('other')])).rejects.toThrow();
    expect(await store.resolveToken('fresh-token')).toBeNull();
    expect(await store.resolveToken('fresh-spec')).toBeNull();
    expect((await store.log('sess-a')).map((r) => r.event.type)).toEqual(['start', 'deal']);
    expect(await store.session('sess-a')).toEqual(record);
  });

  it('group-commits concurrent appends from many sessions, each session in the order requested', async () => {
    const store = await openEngine(engine);
    const ids = ['g-1', 'g-2', 'g-3', 'g-4', 'g-5'];
    for (const id of ids) await store.createSession(sessionRecord(id), [row('start')]);
    const before = store.writerStats;
    // every append requested at once (as rooms do), none awaited before the next
    const pending: Promise<unknown>[] = [];
    for (let seq = 2; seq <= 21; seq++) {
      for (const id of ids) pending.push(store.append(id, seq, [row(`${id}:${seq}`, { at: T0 + seq })]));
    }
    const results = await Promise.all(pending);
    expect(results).toHaveLength(100);
    const after = store.writerStats;
    expect(after.appends - before.appends).toBe(100);
    // sharing commits is the point of group commit
    expect(after.commits - before.commits).toBeLessThan(100);
    for (const id of ids) {
      const log = await store.log(id);
      expect(log.map((r) => r.seq)).toEqual(Array.from({ length: 21 }, (_, i) => i + 1));
      expect(log.slice(1).map((r) => r.event.type)).toEqual(Array.from({ length: 20 }, (_, i) => `${id}:${i + 2}`));
      expect(log[5].at).toBe(T0 + 6);
    }
  });

  it('rejects an append whose seq is taken with SeqConflictError, writing none of it, while its group still lands', async () => {
    const store = await openEngine(engine);
    await store.createSession(sessionRecord('c-1'), [row('start')]);
    await store.createSession(sessionRecord('c-2'), [row('start')]);
    const good = store.append('c-1', 2, [row('a2'), row('a3')]);
    const taken = store.append('c-2', 1, [row('again'), row('and-again')]);
    const unknownSession = store.append('no-such-session', 1, [row('orphan')]);
    const alsoGood = store.append('c-2', 2, [row('b2')]);
    await expect(good).resolves.toMatchObject([
      { seq: 2, batch: 2 },
      { seq: 3, batch: 2 },
    ]);
    const conflict = await taken.catch((err: unknown) => err);
    expect(conflict).toBeInstanceOf(SeqConflictError);
    expect(conflict).toMatchObject({ code: 'seq_conflict', sessionId: 'c-2', firstSeq: 1 });
    await expect(unknownSession).rejects.toThrow();
    expect(await unknownSession.catch((e: unknown) => e)).not.toBeInstanceOf(SeqConflictError);
    await expect(alsoGood).resolves.toMatchObject([{ seq: 2, batch: 2 }]);
    expect((await store.log('c-1')).map((r) => r.event.type)).toEqual(['start', 'a2', 'a3']);
    expect((await store.log('c-2')).map((r) => r.event.type)).toEqual(['start', 'b2']);
    expect(await store.log('no-such-session')).toEqual([]);
  });

  it('changes status with an append, and lists sessions, settled ids and ids by status in the same orders', async () => {
    const store = await openEngine(engine);
    // ids whose byte order ("B" < "a") differs from a dictionary's; equal times so the id decides
    const ids = ['a-late', 'B-early', 'b-mid', 'C-other'];
    for (const [i, id] of ids.entries()) await store.createSession(sessionRecord(id, { createdAt: i < 2 ? T0 : T0 + 10 }), [row('start')]);
    await store.append('a-late', 2, [row('over')], { status: 'finished', at: T0 + 500, outcome: { winner: 'faithful', scores: [1, 2] } });
    await store.append('B-early', 2, [row('ended')], { status: 'ended', at: T0 + 500, outcome: null });
    await store.append('b-mid', 2, [row('over')], { status: 'finished', at: T0 + 900, outcome: { winner: 'traitors' } });

    expect(await store.session('a-late')).toMatchObject({ status: 'finished', endedAt: T0 + 500, outcome: { winner: 'faithful', scores: [1, 2] } });
    expect(await store.session('B-early')).toMatchObject({ status: 'ended', endedAt: T0 + 500, outcome: null });
    // settled without an end time (as an import may write): last among the settled, as SQLite sorts NULL
    await store.createSession(sessionRecord('no-end', { status: 'ended', createdAt: T0 - 1 }), []);
    expect((await store.sessions()).map((s) => s.id)).toEqual(['C-other', 'b-mid', 'B-early', 'a-late', 'no-end']);
    expect(await store.recentlySettledIds(10)).toEqual(['b-mid', 'B-early', 'a-late', 'no-end']);
    expect(await store.recentlySettledIds(2)).toEqual(['b-mid', 'B-early']);
    expect(await store.sessionIdsWithStatus('active')).toEqual(['C-other']);
    expect(await store.sessionIdsWithStatus('finished')).toEqual(['a-late', 'b-mid']);
    expect(await store.sessionIdsWithStatus('ended')).toEqual(['no-end', 'B-early']);
  });

  it('streams the log as JSON lines, page by page, equal to the parsed log', async () => {
    const store = await openEngine(engine);
    await store.createSession(sessionRecord('lines'), [row('start')]);
    let seq = 2;
    for (const tricky of TRICKY_ROWS) {
      await store.append('lines', seq, [tricky, row('after', { seat: 1 })]);
      seq += 2;
    }
    const log = await store.log('lines');
    expect(log).toHaveLength(1 + 2 * TRICKY_ROWS.length);
    expect(log[1].event).toEqual(TRICKY_ROWS[0].event);
    const expected = log.map((r) => JSON.stringify(r) + '\n').join('');
    for (const pageSize of [1, 3, 1000]) expect(await collect(store.logLines('lines', pageSize))).toBe(expected);
    expect(await collect(store.logLines('no-such-session'))).toBe('');
  });

  it('keeps studies, participants, their numbered events and tables', async () => {
    const store = await openEngine(engine);
    const studies = store.studies;
    const definition = { title: 'Trust under pressure', arms: [{ id: 'control' }] } as unknown as StudyDefinition;
    const study: StudyRecord = {
      id: 'st-1',
      slug: 'trust',
      title: 'Trust under pressure',
      game: 'trust-split',
      definition,
      source: 'title: Trust under pressure\n',
      pilot: true,
      createdAt: T0,
      recruiting: true,
    };
    await studies.createStudy(study);
    await studies.createStudy({ ...study, id: 'st-2', slug: 'second', pilot: false, createdAt: T0 + 1 });
    await expect(studies.createStudy({ ...study, id: 'st-3' })).rejects.toThrow(); // slug taken
    expect(await studies.study('st-1')).toEqual(study);
    expect(await studies.studyBySlug('second')).toMatchObject({ id: 'st-2', pilot: false });
    expect(await studies.study('__proto__')).toBeNull();
    expect((await studies.studies()).map((s) => s.id)).toEqual(['st-2', 'st-1']);

    await studies.setRecruiting('st-1', false, T0 + 5);
    await studies.setRecruiting('st-1', true, T0 + 6);
    expect((await studies.study('st-1'))?.recruiting).toBe(true);
    expect(await studies.studyEvents('st-1')).toEqual([
      { studyId: 'st-1', seq: 1, at: T0 + 5, type: 'recruitment_closed', data: {} },
      { studyId: 'st-1', seq: 2, at: T0 + 6, type: 'recruitment_opened', data: {} },
    ]);

    const participant = (participantId: string, extra: Partial<ParticipantRecord> = {}): ParticipantRecord => ({
      studyId: 'st-1',
      participantId,
      token: `tok-${participantId}`,
      arm: 'control',
      idSource: 'query',
      recruiterStudyId: null,
      recruiterSessionId: null,
      stage: 'consent',
      outcome: null,
      quizAttempts: 0,
      waitingSince: null,
      minWaitMs: 0,
      sessionId: null,
      seat: null,
      seatToken: null,
      code: null,
      payment: null,
      lastRequest: null,
      createdAt: T0,
      updatedAt: T0,
      ...extra,
    });
    const pB = participant('B');
    const pa = participant('a', { createdAt: T0 + 1 });
    await studies.commit([{ participant: pB, events: [{ type: 'consent_viewed' }, { type: 'consented', data: { at: 'x' } }] }, { participant: pa, events: [] }], T0 + 10);
    const waitingB = participant('B', { stage: 'waiting', waitingSince: T0 + 20, updatedAt: T0 + 20 });
    const waitingA = participant('a', { stage: 'waiting', createdAt: T0 + 1, waitingSince: null, updatedAt: T0 + 20 });
    await studies.commit([{ participant: waitingB, events: [{ type: 'waiting' }] }, { participant: waitingA, events: [{ type: 'waiting' }] }], T0 + 20);

    expect(await studies.participant('st-1', 'B')).toEqual(waitingB);
    expect(await studies.participantByToken('tok-a')).toEqual(waitingA);
    expect(await studies.participantByToken('__proto__')).toBeNull();
    expect((await studies.participants('st-1')).map((p) => p.participantId)).toEqual(['B', 'a']);
    // oldest waiting first, one not yet timed (null) before any
    expect((await studies.participantsAtStage('waiting')).map((p) => p.participantId)).toEqual(['a', 'B']);
    // a second study waiting at the same stage, its times between the first's, one id shared:
    // each study reads only its own, in the same order; without a study, both interleaved
    const other = (participantId: string, waitingSince: number) =>
      participant(participantId, { studyId: 'st-2', token: `tok-2${participantId}`, stage: 'waiting', waitingSince, createdAt: T0 + 2, updatedAt: T0 + 25 });
    await studies.commit([{ participant: other('a', T0 + 25), events: [] }, { participant: other('c', T0 + 15), events: [] }], T0 + 25);
    const ids = (list: ParticipantRecord[]) => list.map((p) => `${p.studyId}/${p.participantId}`);
    expect(ids(await studies.participantsAtStage('waiting', 'st-1'))).toEqual(['st-1/a', 'st-1/B']);
    expect(ids(await studies.participantsAtStage('waiting', 'st-2'))).toEqual(['st-2/c', 'st-2/a']);
    expect(ids(await studies.participantsAtStage('waiting'))).toEqual(['st-1/a', 'st-2/c', 'st-1/B', 'st-2/a']);
    expect(await studies.participantsAtStage('waiting', 'no-such-study')).toEqual([]);
    expect(await studies.events('st-1', 'B')).toEqual([
      { studyId: 'st-1', participantId: 'B', seq: 1, at: T0 + 10, type: 'consent_viewed', data: {} },
      { studyId: 'st-1', participantId: 'B', seq: 2, at: T0 + 10, type: 'consented', data: { at: 'x' } },
      { studyId: 'st-1', participantId: 'B', seq: 3, at: T0 + 20, type: 'waiting', data: {} },
    ]);
    expect((await studies.events('st-1')).map((e) => `${e.participantId}${e.seq}`)).toEqual(['B1', 'B2', 'B3', 'a1']);

    // a table formed with the participants' new records: all or nothing
    await store.createSession(sessionRecord('study-table'), [row('start')]);
    const table = { studyId: 'st-1', arm: 'control', sessionId: 'study-table', createdAt: T0 + 30, seats: ['B', null, 'a'], agentFilled: 1 };
    const playing = participant('B', { stage: 'game', sessionId: 'study-table', seat: 0, seatToken: 'study-table-seat0', payment: { amount: 1.5, currency: 'GBP', status: 'pending' } as never, updatedAt: T0 + 30 });
    await studies.commit([{ participant: playing, events: [{ type: 'seated', data: { seat: 0 } }] }], T0 + 30, table);
    expect(await studies.tables('st-1')).toEqual([table]);
    expect(await studies.studyOfSession('study-table')).toEqual({ id: 'st-1', slug: 'trust', arm: 'control' });
    expect(await studies.studyOfSession('constructor')).toBeNull();
    expect(await studies.participant('st-1', 'B')).toEqual(playing);
    expect(await studies.participantsAtStage('game', 'st-1')).toEqual([playing]);
    expect(await studies.participantsAtStage('game', 'st-2')).toEqual([]);
    expect(ids(await studies.participantsAtStage('waiting', 'st-1'))).toEqual(['st-1/a']);

    const lost = participant('a', { stage: 'game', updatedAt: T0 + 40 });
    await expect(studies.commit([{ participant: lost, events: [{ type: 'seated' }] }], T0 + 40, table)).rejects.toThrow(); // table exists
    expect(await studies.participant('st-1', 'a')).toEqual(waitingA);
    expect((await studies.events('st-1', 'a')).map((e) => e.type)).toEqual(['waiting']);
  });

  it('leases: one holder at a time, renewed, released, expired and taken over; orphaned lists active sessions nobody holds', async () => {
    const store = await openEngine(engine);
    const leases = store.leases;
    for (const id of ['l-1', 'l-2', 'l-3']) await store.createSession(sessionRecord(id), [row('start')]);
    await store.append('l-3', 2, [row('over')], { status: 'finished', at: T0 + 1, outcome: null });
    expect(await leases.orphaned()).toEqual(['l-1', 'l-2']);

    expect(await leases.acquire('l-1', 'proc-A', 60_000)).toBe(true);
    expect(await leases.acquire('l-1', 'proc-B', 60_000)).toBe(false);
    expect(await leases.acquire('l-1', 'proc-A', 60_000)).toBe(true); // its holder keeps it
    expect(await leases.holder('l-1')).toBe('proc-A');
    expect(await leases.holder('l-2')).toBeNull();
    expect(await leases.orphaned()).toEqual(['l-2']);
    expect(await leases.acquire('l-2', 'proc-B', 60_000)).toBe(true);
    expect(await leases.orphaned()).toEqual([]);
    expect(await leases.renew('proc-A', 60_000)).toEqual(['l-1']);
    expect(await leases.renew('proc-C', 60_000)).toEqual([]);

    await leases.release('l-1', 'proc-B'); // not its holder: nothing happens
    expect(await leases.holder('l-1')).toBe('proc-A');
    await leases.release('l-1', 'proc-A');
    expect(await leases.holder('l-1')).toBeNull();
    expect(await leases.orphaned()).toEqual(['l-1']);

    // a short lease runs out by itself; then another owner may take it, and the first has lost it
    expect(await leases.acquire('l-1', 'proc-A', 300)).toBe(true);
    expect(await leases.acquire('l-1', 'proc-B', 60_000)).toBe(false);
    await vi.waitFor(async () => expect(await leases.holder('l-1')).toBeNull(), { timeout: 10_000, interval: 50 });
    expect(await leases.orphaned()).toEqual(['l-1']);
    expect(await leases.acquire('l-1', 'proc-B', 60_000)).toBe(true);
    expect(await leases.holder('l-1')).toBe('proc-B');
    expect(await leases.renew('proc-A', 60_000)).toEqual([]);
    expect((await leases.renew('proc-B', 60_000)).sort()).toEqual(['l-1', 'l-2']);
  });

  it('waiting-room presence: the latest sighting per token, unknown tokens absent, old ones forgotten', async () => {
    const store = await openEngine(engine);
    const { studies } = store;
    await studies.markSeen('tok-a', T0 + 10);
    await studies.markSeen('tok-b', T0 + 20);
    // a late-arriving older sighting never moves a token's time back
    await studies.markSeen('tok-a', T0 + 5);
    await studies.markSeen('constructor', T0 + 30);
    expect(await studies.lastSeen(['tok-a', 'tok-b', 'tok-never', 'constructor'])).toEqual(
      new Map([
        ['tok-a', T0 + 10],
        ['tok-b', T0 + 20],
        ['constructor', T0 + 30],
      ]),
    );
    expect(await studies.lastSeen([])).toEqual(new Map());
    await studies.forgetSeen(T0 + 15);
    expect([...(await studies.lastSeen(['tok-a', 'tok-b', 'constructor'])).keys()].sort()).toEqual(['constructor', 'tok-b']);
  });

  it('console sign-ins: kept by hash until removed or swept; unknown and prototype-named hashes absent', async () => {
    const { consoleSessions } = await openEngine(engine);
    await consoleSessions.put('a'.repeat(64), T0 + 100);
    await consoleSessions.put('b'.repeat(64), T0 + 200);
    // signing in again with the same id moves its expiry
    await consoleSessions.put('b'.repeat(64), T0 + 300);
    expect(await consoleSessions.expiry('a'.repeat(64))).toBe(T0 + 100);
    expect(await consoleSessions.expiry('b'.repeat(64))).toBe(T0 + 300);
    expect(await consoleSessions.expiry('c'.repeat(64))).toBeNull();
    expect(await consoleSessions.expiry('constructor')).toBeNull();
    expect(await consoleSessions.expiry('__proto__')).toBeNull();
    await consoleSessions.sweep(T0 + 150);
    expect(await consoleSessions.expiry('a'.repeat(64))).toBeNull();
    await consoleSessions.remove('b'.repeat(64));
    expect(await consoleSessions.expiry('b'.repeat(64))).toBeNull();
  });

  it('exclusive: runs the work and passes its result or its error through', async () => {
    const store = await openEngine(engine);
    expect(await store.studies.exclusive('s1', async () => 42)).toBe(42);
    await expect(store.studies.exclusive('s1', async () => Promise.reject(new Error('refused')))).rejects.toThrow('refused');
    // a failed piece of work leaves the key usable
    expect(await store.studies.exclusive('s1', async () => 'again')).toBe('again');
  });

  it('lease race: of many owners acquiring at once, exactly one wins each session, round after round', async () => {
    const store = await openEngine(engine);
    const ids = ['r-1', 'r-2', 'r-3', 'r-4'];
    for (const id of ids) await store.createSession(sessionRecord(id), [row('start')]);
    const owners = Array.from({ length: 8 }, (_, i) => `owner-${i}`);
    for (let round = 0; round < 15; round++) {
      const attempts = ids.flatMap((id) => owners.map(async (owner) => ({ id, owner, won: await store.leases.acquire(id, owner, 60_000) })));
      const results = await Promise.all(attempts);
      for (const id of ids) {
        const winners = results.filter((r) => r.id === id && r.won);
        expect(winners).toHaveLength(1);
        expect(await store.leases.holder(id)).toBe(winners[0].owner);
        await store.leases.release(id, winners[0].owner);
      }
    }
  });
});

describe('the two engines write the same bytes', () => {
  it('gives byte-identical logLines and equal records for the same writes', async () => {
    const stores = await Promise.all((['sqlite', 'postgres'] as const).map(openEngine));
    const outputs = await Promise.all(
      stores.map(async (store) => {
        await store.createSession(sessionRecord('same', { seed: 7 }), [row('start', { kind: 'session', at: T0 })]);
        let seq = 2;
        for (const tricky of TRICKY_ROWS) {
          const status = seq === 8 ? { status: 'finished' as const, at: T0 + 99, outcome: { winner: 'ü' } } : undefined;
          await store.append('same', seq, [tricky, row('then', { seat: 2, clientActionId: `ca-${seq}` })], status);
          seq += 2;
        }
        return { lines: await collect(store.logLines('same', 2)), log: await store.log('same'), session: await store.session('same') };
      }),
    );
    expect(outputs[0].lines.length).toBeGreaterThan(0);
    expect(outputs[1].lines).toBe(outputs[0].lines);
    expect(outputs[1].log).toEqual(outputs[0].log);
    expect(outputs[1].session).toEqual(outputs[0].session);
  });
});

describe('PostgreSQL with several processes', () => {
  it('migrates once when several processes start together, and hides the password in location', async () => {
    const url = await postgres.createDatabase();
    const withPassword = url.replace('postgres@', 'postgres:s3cret-word@');
    const stores = await Promise.all([1, 2, 3, 4].map(() => PostgresStore.open(withPassword)));
    for (const store of stores) cleanups.push(() => store.close());
    expect(stores[0].location).not.toContain('s3cret');
    expect(stores[0].location).toContain('127.0.0.1');
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      const { rows } = await client.query('SELECT version FROM schema_migrations ORDER BY version');
      // each migration once, however many processes ran them
      expect(rows).toEqual(Array.from({ length: SCHEMA_VERSION }, (_, i) => ({ version: i + 1 })));
      // the harness's databases sort text like a dictionary, so the orders tested above mean something
      expect((await client.query(`SELECT 'a' < 'B' AS dictionary`)).rows).toEqual([{ dictionary: true }]);
    } finally {
      await client.end();
    }
    // and a session written by one process is read by another
    await stores[0].createSession(sessionRecord('shared'), [row('start')]);
    expect((await stores[3].log('shared')).map((r) => r.event.type)).toEqual(['start']);
  });

  it('two processes appending the same seq: exactly one lands, the other gets SeqConflictError, no fork', async () => {
    const url = await postgres.createDatabase();
    const [one, two] = await Promise.all([PostgresStore.open(url), PostgresStore.open(url)]);
    cleanups.push(() => one.close(), () => two.close());
    await one.createSession(sessionRecord('contested'), [row('start')]);
    await one.createSession(sessionRecord('bystander-1'), [row('start')]);
    await one.createSession(sessionRecord('bystander-2'), [row('start')]);
    let next = 2;
    for (let round = 0; round < 30; round++) {
      // each store's group also carries an unrelated append, which must land whatever happens
      const [a, b] = await Promise.allSettled([
        one.append('contested', next, [row('by-one'), row('by-one-too')]),
        two.append('contested', next, [row('by-two')]),
        one.append('bystander-1', round + 2, [row('x')]),
        two.append('bystander-2', round + 2, [row('y')]),
      ]);
      expect([a.status, b.status].sort()).toEqual(['fulfilled', 'rejected']);
      const loser = a.status === 'rejected' ? a : b;
      expect(loser.status === 'rejected' && loser.reason).toBeInstanceOf(SeqConflictError);
      // the winner's whole batch and nothing of the loser's: the next free seq follows it
      next += a.status === 'fulfilled' ? 2 : 1;
      expect((await two.log('contested')).length).toBe(next - 1);
    }
    const log = await two.log('contested');
    // no fork: seqs run 1..n without a gap or a repeat, and every batch is all of one writer's rows
    expect(log.map((r) => r.seq)).toEqual(Array.from({ length: log.length }, (_, i) => i + 1));
    for (const r of log.slice(1)) {
      const batch = log.filter((x) => x.batch === r.batch).map((x) => x.event.type);
      expect([['by-one', 'by-one-too'], ['by-two']]).toContainEqual(batch);
    }
    expect((await one.log('bystander-1')).length).toBe(31);
    expect((await two.log('bystander-2')).length).toBe(31);
  });

  it('a process that lost a seq cannot write after it: its later, pipelined appends of that session fail too (no hole)', async () => {
    const url = await postgres.createDatabase();
    const [winner, loser] = await Promise.all([PostgresStore.open(url), PostgresStore.open(url)]);
    cleanups.push(() => winner.close(), () => loser.close());
    await winner.createSession(sessionRecord('held'), [row('start')]);
    await winner.createSession(sessionRecord('other'), [row('start')]);
    await winner.append('held', 2, [row('by-winner')]);
    // the loser still believes seq 2 is free, and pipelines 2-3 then 4 without waiting
    const [first, second, unrelated] = await Promise.allSettled([
      loser.append('held', 2, [row('stale-2'), row('stale-3')]),
      loser.append('held', 4, [row('stale-4')]),
      loser.append('other', 2, [row('fine')]),
    ]);
    expect(first.status === 'rejected' && first.reason).toBeInstanceOf(SeqConflictError);
    expect(second.status === 'rejected' && second.reason).toBeInstanceOf(SeqConflictError);
    expect(second.status === 'rejected' && String(second.reason.message)).toMatch(/seq 3 is not written/);
    expect(unrelated.status).toBe('fulfilled');
    expect((await winner.log('held')).map((r) => `${r.seq}:${r.event.type}`)).toEqual(['1:start', '2:by-winner']);
    // the winner carries on at the next seq as usual
    await expect(winner.append('held', 3, [row('next')])).resolves.toMatchObject([{ seq: 3 }]);
  });

  it('lease race across two processes (two pools): never two owners, round after round, also after expiry', async () => {
    const url = await postgres.createDatabase();
    const [one, two] = await Promise.all([PostgresStore.open(url), PostgresStore.open(url)]);
    cleanups.push(() => one.close(), () => two.close());
    const ids = ['x-1', 'x-2', 'x-3'];
    for (const id of ids) await one.createSession(sessionRecord(id), [row('start')]);
    const owners = Array.from({ length: 6 }, (_, i) => ({ name: `p${i}`, store: i % 2 ? one : two }));
    for (let round = 0; round < 12; round++) {
      // odd rounds race for leases that expired (short ttl) rather than released ones; short, but
      // long enough to outlast the holder check below on a loaded machine
      const ttl = round % 2 ? 1000 : 60_000;
      const results = await Promise.all(
        ids.flatMap((id) => owners.map(async ({ name, store }) => ({ id, name, won: await store.leases.acquire(id, name, ttl) }))),
      );
      for (const id of ids) {
        const winners = results.filter((r) => r.id === id && r.won).map((r) => r.name);
        expect(winners).toHaveLength(1);
        expect(await two.leases.holder(id)).toBe(winners[0]);
        if (ttl === 60_000) await one.leases.release(id, winners[0]);
      }
      if (ttl !== 60_000) {
        await vi.waitFor(async () => expect(await one.leases.orphaned()).toEqual(ids), { timeout: 10_000, interval: 25 });
      }
    }
  });

  it("a study's lock across two processes (two pools): one key's work never overlaps, other keys run meanwhile", async () => {
    const url = await postgres.createDatabase();
    const [one, two] = await Promise.all([PostgresStore.open(url), PostgresStore.open(url)]);
    cleanups.push(() => one.close(), () => two.close());
    // as the study flow calls it: in turn per key within a process, then under the store's lock
    const queues = new Map([one, two].map((store) => [store, new KeyedQueue()]));
    const exclusive = <T,>(store: PostgresStore, key: string, work: () => Promise<T>) => queues.get(store)!.run(key, () => store.studies.exclusive(key, work));
    let inside = 0;
    let most = 0;
    const order: string[] = [];
    // a read-modify-write with an await between read and write: overlapping pieces would lose updates
    let counter = 0;
    const piece = (name: string) => async () => {
      inside++;
      most = Math.max(most, inside);
      const read = counter;
      await new Promise((resolve) => setImmediate(resolve));
      await one.sessionIdsWithStatus('active');
      counter = read + 1;
      order.push(name);
      inside--;
    };
    const pieces = Array.from({ length: 24 }, (_, i) => exclusive(i % 2 ? one : two, 'study-x', piece(`p${i}`)));
    // while one process holds study-x's lock, the other works on study-y at once
    let heldX!: () => void;
    const holding = new Promise<void>((resolve) => (heldX = resolve));
    const blocker = exclusive(one, 'study-x', () => holding);
    const other = await exclusive(two, 'study-y', async () => 'ran');
    expect(other).toBe('ran');
    heldX();
    await Promise.all([...pieces, blocker]);
    expect(most).toBe(1);
    expect(counter).toBe(24);
    expect(order).toHaveLength(24);
    // a failure inside releases the lock for the other process
    await expect(exclusive(one, 'study-x', async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(await exclusive(two, 'study-x', async () => 'next')).toBe('next');
  });

  it('bad input to a lease or an append fails alone, with a clear error, and changes nothing', async () => {
    const store = await PostgresStore.open(await postgres.createDatabase());
    cleanups.push(() => store.close());
    await store.createSession(sessionRecord('bad'), [row('start')]);
    for (const ttl of [0, -5, 1.5, Number.NaN]) {
      await expect(store.leases.acquire('bad', 'proc-A', ttl)).rejects.toThrow(/ttl must be a positive whole number/);
    }
    await expect(store.leases.renew('proc-A', 0)).rejects.toThrow(/ttl/);
    expect(await store.leases.holder('bad')).toBeNull();
    // PostgreSQL's text cannot hold U+0000 (SQLite's can): such an append is refused alone
    const nul = store.append('bad', 2, [row('nul', { clientActionId: 'id\u0000x' })]);
    const fine = store.append('bad', 2, [row('fine', { clientActionId: 'ok' })]);
    await expect(nul).rejects.toThrow(/0x00/);
    await expect(fine).resolves.toHaveLength(1);
    expect((await store.log('bad')).map((r) => r.clientActionId)).toEqual([null, 'ok']);
  });

  it('close() commits every append requested before it', async () => {
    const url = await postgres.createDatabase();
    const store = await PostgresStore.open(url);
    await store.createSession(sessionRecord('closing'), [row('start')]);
    const appended = [2, 3, 4].map((seq) => store.append('closing', seq, [row(`r${seq}`)]));
    await store.close();
    await expect(Promise.all(appended)).resolves.toHaveLength(3);
    await expect(store.append('closing', 5, [row('late')])).rejects.toThrow(/closed/);
    const reopened = await PostgresStore.open(url);
    cleanups.push(() => reopened.close());
    expect((await reopened.log('closing')).map((r) => r.event.type)).toEqual(['start', 'r2', 'r3', 'r4']);
  });
});
