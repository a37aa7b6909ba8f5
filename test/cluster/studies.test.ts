/**
 * A study on three processes sharing one PostgreSQL database, as behind a load balancer with no
 * sticky HTTP: each participant request lands on whichever process. The study must still behave as
 * on one process: one participant per (study, participant id) however many processes see the
 * entry at once, arms balanced exactly, presence in the waiting room seen by every process, every
 * participant seated once and moved on once, and the waiting room's tick carried on by another
 * process when the one running it is SIGKILLed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TICK_LEASE } from '../../server/studies/lobby.ts';
import { PostgresStore } from '../../server/store/postgres.ts';
import type { Stage } from '../../shared/protocol/study.ts';
import { apiClient, type TestServer } from '../integration/helpers.ts';
import { startPostgres, type PostgresServer } from '../support/postgres.ts';
import { allUntil, createStudy, Participant, tsStudy } from '../studies/flow-helpers.ts';
import { Cluster, until, type ServerProcess } from './processes.ts';
import { SeatClient } from './seat-client.ts';

let postgres: PostgresServer;
let cluster: Cluster;
let store: PostgresStore;
const clients: SeatClient[] = [];

beforeAll(async () => {
  postgres = await startPostgres();
  const url = await postgres.createDatabase();
  cluster = new Cluster(url, { PARLEY_LEASE_TTL_MS: '1500' });
  await cluster.start(3);
  // the test reads the study's records straight from the database the processes share
  store = await PostgresStore.open(url);
}, 180_000);

afterAll(async () => {
  for (const c of clients) c.stop();
  await store?.close();
  await cluster?.stop();
  await postgres?.stop();
});

/** The REST API of a random live process, drawn again for every request. */
const anyProcess: Pick<TestServer, 'api'> = {
  api: (...args) => {
    const urls = cluster.liveUrls;
    return apiClient(urls[Math.floor(Math.random() * urls.length)])(...args);
  },
};

/** The REST API of one process, kept as long as it lives (then the next live one). */
function oneProcess(i: number): Pick<TestServer, 'api'> {
  return { api: (...args) => apiClient(cluster.liveUrls[i % cluster.liveUrls.length])(...args) };
}

/** The process whose owner id is `owner` (each logs it as it starts). */
function processOf(owner: string): ServerProcess | undefined {
  return cluster.processes.find((p) => p.startOutput.includes(`this process is owner ${owner}`));
}

async function stagesOf(studyId: string, pid: string): Promise<Stage[]> {
  return (await store.studies.events(studyId, pid)).filter((e) => e.type === 'stage').map((e) => (e.data as { to: Stage }).to);
}

describe('a study across processes', () => {
  it('seats two participants together although each polls a different process', async () => {
    const study = await createStudy(anyProcess as TestServer, tsStudy({ slug: 'apart', arms: [{ name: 'pairs', tablesTarget: 1 }] }));
    const one = new Participant(oneProcess(0), 'apart', 'A1');
    const two = new Participant(oneProcess(1), 'apart', 'A2');
    for (const p of [one, two]) {
      await p.enter();
      await p.throughQuiz();
    }
    // neither process alone ever sees both present: only presence shared through the database seats them
    await allUntil([one, two], 'game', 30_000);
    const tables = await store.studies.tables(study.id);
    expect(tables.map((t) => [...t.seats].sort())).toEqual([['A1', 'A2']]);
    for (const p of [one, two]) expect((await store.studies.participant(study.id, p.pid!))?.sessionId).toBe(tables[0].sessionId);
  });

  it('assigns, seats and moves on everyone exactly once with requests on random processes, and the tick survives its process', async () => {
    const study = await createStudy(
      anyProcess as TestServer,
      tsStudy({
        slug: 'spread',
        arms: [
          { name: 'a', tablesTarget: 3 },
          { name: 'b', tablesTarget: 3 },
        ],
      }),
    );
    const pids = Array.from({ length: 12 }, (_, i) => `P${String(i + 1).padStart(2, '0')}`);
    const participants = pids.map((pid) => new Participant(anyProcess, 'spread', pid));
    // everyone arrives at once; four of them open the link twice, the two requests racing on random processes
    const repeats = participants.slice(0, 4).map((p) => new Participant(anyProcess, 'spread', p.pid));
    await Promise.all([...participants, ...repeats].map((p) => p.enter()));
    for (const [i, repeat] of repeats.entries()) expect(repeat.token).toBe(participants[i].token);
    expect((await store.studies.participants(study.id)).length).toBe(12);

    await Promise.all(participants.map((p) => p.throughQuiz()));
    // balanced assignment counted across every process's entries
    const arms = new Map<string, number>();
    for (const p of await store.studies.participants(study.id)) arms.set(p.arm, (arms.get(p.arm) ?? 0) + 1);
    expect(Object.fromEntries(arms)).toEqual({ a: 6, b: 6 });

    // each waits polling one process of its own
    for (const [i, p] of participants.entries()) p.t = oneProcess(i);
    await allUntil(participants, 'game', 60_000);

    const tables = await store.studies.tables(study.id);
    expect(tables).toHaveLength(6);
    const seated = tables.flatMap((t) => t.seats);
    expect([...seated].sort()).toEqual(pids);
    const armOf = new Map((await store.studies.participants(study.id)).map((p) => [p.participantId, p.arm]));
    for (const t of tables) for (const pid of t.seats) expect(armOf.get(pid!)).toBe(t.arm);

    // the process running the waiting room's tick dies mid-game
    const holder = await store.leases.holder(TICK_LEASE);
    expect(holder).not.toBeNull();
    const ticking = processOf(holder!);
    expect(ticking).toBeDefined();
    await cluster.kill(ticking!);

    for (const p of participants) {
      const client = new SeatClient({ token: p.state.game!.seatToken, urls: () => cluster.liveUrls, seed: pids.indexOf(p.pid!) + 1, idPrefix: `${p.pid}`, stateWatchdogMs: 8000 });
      clients.push(client);
      client.start();
    }
    await Promise.all(clients.map((c) => c.done));
    for (const c of clients) expect(c.errors).toEqual([]);

    // another live process ticks now: the first table's two players never poll again, yet move on to the survey
    await until(async () => {
      const now = await store.leases.holder(TICK_LEASE);
      return now !== null && now !== holder && processOf(now)?.alive === true;
    }, 30_000, 'another process to take the tick over');
    const silent = new Set(tables[0].seats);
    await until(
      async () => {
        const records = await store.studies.participants(study.id);
        return records.filter((p) => silent.has(p.participantId)).every((p) => p.stage === 'survey');
      },
      30_000,
      "the silent table's players moved on by the tick",
    );
    const polling = participants.filter((p) => !silent.has(p.pid));
    for (const [i, p] of polling.entries()) p.t = oneProcess(i);
    await allUntil(polling, 'survey', 30_000);

    await Promise.all(participants.map((p) => ((p.t = anyProcess), p.ok('survey', { answers: { trust: 4, strategy: 0, comments: 'ok' } }))));
    for (const pid of pids) {
      const events = await store.studies.events(study.id, pid);
      // nothing done twice by two processes: one seat, one game over, each stage entered once
      expect(events.filter((e) => e.type === 'seated'), pid).toHaveLength(1);
      expect(events.filter((e) => e.type === 'game_over'), pid).toHaveLength(1);
      const stages = await stagesOf(study.id, pid);
      expect(new Set(stages).size, `${pid}: ${stages.join(' → ')}`).toBe(stages.length);
      expect(stages.slice(-4)).toEqual(['waiting', 'game', 'survey', 'done']);
    }
    for (const proc of cluster.processes) expect(proc.output).not.toMatch(/study lobby:|study [0-9a-f]+:/);
  }, 240_000);
});
