/**
 * The console and the exports on PostgreSQL, as an experimenter and players use them: a real
 * server in this process on a real PostgreSQL (started here), a Traitors and a Trust-and-Split
 * session created through the API and played to the end over Socket.io, then every route the
 * console offers for them (list, live table, export zip, report, events, replay). The server is
 * then closed and started again on the same database: the finished sessions read back the same,
 * and an unfinished one is taken over and played on to the end.
 */
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { replay } from '../../shared/engine/match.ts';
import { trustSplit } from '../../shared/games/trust-split/index.ts';
import type { CreatedSession, LogRow, StatePayload } from '../../shared/protocol/index.ts';
import { expandFrames, type ReplayPayload } from '../../shared/protocol/replay.ts';
import { exportFileNames } from '../../server/export/files.ts';
import { ConsoleClient } from '../console/helpers.ts';
import { csvRecords, unzip } from '../export/helpers.ts';
import { createStudy, Participant, tsStudy } from '../studies/flow-helpers.ts';
import { startPostgres, type PostgresServer } from '../support/postgres.ts';
import { ADMIN_TOKEN, bootServer, connectClient, gameRows, tempDir, type TestClient, type TestServer } from './helpers.ts';

type Game = 'traitors' | 'trust-split';

let postgres: PostgresServer;
let databaseUrl: string;
// one data dir for both servers (the admin token lives there; the log does not)
const dataDir = tempDir('parley-pg-server-');
let t: TestServer;
const clients: TestClient[] = [];

/** the same database, as a restarted process would open it */
const boot = () =>
  bootServer({
    dataDir,
    databaseUrl,
    cluster: { leaseTtlMs: 1000 },
    console: { flushMs: 50 },
    studies: { humanPacingScale: 0.001, agentDelayMs: 0, tickMs: 100 },
  });

beforeAll(async () => {
  postgres = await startPostgres();
  databaseUrl = await postgres.createDatabase();
  t = await boot();
}, 120_000);

afterAll(async () => {
  for (const c of clients) c.close();
  await t?.close();
  await postgres?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

const track = (client: TestClient) => {
  clients.push(client);
  return client;
};

const get = (route: string) => fetch(t.url + route, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });

async function until(test: () => boolean | Promise<boolean>, what: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await test())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Every acknowledged action of `players` is in `log` exactly once, at its seat, no later than its ack. */
function expectAckedOnce(log: readonly LogRow[], players: readonly TestClient[]): number {
  let checked = 0;
  for (const player of players) {
    const seat = player.states[0].seat;
    for (const { clientActionId, ack } of player.acks.filter((a) => a.ack.ok)) {
      const rows = log.filter((r) => r.clientActionId === clientActionId);
      expect(rows, clientActionId).toHaveLength(1);
      expect(rows[0].seat).toBe(seat);
      expect(rows[0].kind).toBe('game');
      expect(ack.ok && rows[0].seq).toBeLessThanOrEqual(ack.ok ? ack.version : 0);
      checked++;
    }
  }
  const seqs = log.map((r) => r.seq);
  expect(seqs).toEqual(seqs.map((_, i) => i + 1));
  return checked;
}

async function exportZip(id: string): Promise<Map<string, Buffer>> {
  const res = await get(`/api/sessions/${id}/export`);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toBe('application/zip');
  expect(res.headers.get('content-disposition')).toContain(`parley-${id}.zip`);
  return unzip(Buffer.from(await res.arrayBuffer()));
}

const eventsText = async (id: string) => (await get(`/api/sessions/${id}/events`)).text();
const parseLines = (text: string): LogRow[] => text.split('\n').filter(Boolean).map((line) => JSON.parse(line) as LogRow);

describe('the console and exports on PostgreSQL, across a restart', () => {
  const created = {} as Record<Game | 'unfinished', CreatedSession>;
  const players = {} as Record<Game, TestClient[]>;
  const finals = {} as Record<Game, StatePayload>;
  const before = {} as Record<Game, { events: string; zip: Map<string, Buffer>; replay: unknown }>;
  let unfinishedBefore: TestClient[] = [];
  // a one-participant study (blind arm: the participant and an agent), the console's batch export
  let study: { id: string; slug: string };
  let studyPlayer: TestClient;
  let studySession = '';
  let studyZip: Map<string, Buffer>;

  beforeAll(async () => {
    expect(t.server.store.engine).toBe('postgres');
    // a Traitors table: one program-played human among seven scripted agents
    created.traitors = await t.createSession({
      game: 'traitors',
      preset: 'table',
      seed: 3,
      agentDelayMs: 0,
      seats: [{ kind: 'human', label: 'participant' }, ...Array.from({ length: 7 }, () => ({ kind: 'agent', agent: 'scripted' }))],
    });
    // a Trust-and-Split table between two program-played humans
    created['trust-split'] = await t.createSession({ game: 'trust-split', preset: 'human', seed: 11, seats: [{ kind: 'human', label: 'P1' }, { kind: 'human', label: 'P2' }] });
    // and one that will still be in play when the server stops
    created.unfinished = await t.createSession({ game: 'trust-split', preset: 'paper', seed: 7, seats: [{ kind: 'human' }, { kind: 'agent', agent: 'tit-for-tat' }] });

    for (const game of ['traitors', 'trust-split'] as const) {
      players[game] = created[game].seats.filter((s) => s.token).map((s) => track(connectClient(t.url, s.token!, { seed: 30 + s.seat, idPrefix: `${game}-${s.seat}` })));
    }
    const all = [...players.traitors, ...players['trust-split']];
    await Promise.all(all.map((p) => p.connected()));
    for (const p of all) p.autoplay();
    finals.traitors = await players.traitors[0].waitForOutcome(60_000);
    finals['trust-split'] = (await Promise.all(players['trust-split'].map((p) => p.waitForOutcome(60_000))))[0];
    for (const p of all) p.stopAutoplay();

    // the unfinished session: a few actions acknowledged, then nobody acts
    const human = track(connectClient(t.url, created.unfinished.seats[0].token!, { seed: 5, idPrefix: 'before' }));
    await human.connected();
    human.autoplay();
    await until(() => human.acks.filter((a) => a.ack.ok).length >= 4, '4 acknowledged actions');
    human.stopAutoplay();
    unfinishedBefore = [human];

    study = await createStudy(t, tsStudy({ slug: 'pg-study', arms: [{ name: 'blind', humans: 1, agents: ['tit-for-tat'], disclosure: 'blind', tablesTarget: 5 }] }));
    const participant = new Participant(t, 'pg-study', 'P1');
    await participant.enter();
    await participant.throughQuiz();
    const seated = await participant.until('game');
    studyPlayer = track(connectClient(t.url, seated.game!.seatToken, { seed: 9, idPrefix: 'study' }));
    studySession = (await studyPlayer.connected()).sessionId;
    studyPlayer.autoplay();
    await studyPlayer.waitForOutcome(30_000);
    studyPlayer.stopAutoplay();
    const judged = await participant.until('survey');
    await participant.ok('survey', { answers: { trust: 3, strategy: 0 }, judgements: [{ seat: judged.judge![0].seat, judgement: 'human', confidence: 2 }] });
    await participant.until('done');
  }, 90_000);

  it.each(['traitors', 'trust-split'] as const)('logs every acknowledged action of the %s game exactly once, and the export holds that log', async (game) => {
    const id = created[game].id;
    const events = await eventsText(id);
    const log = parseLines(events);
    expect(expectAckedOnce(log, players[game])).toBeGreaterThan(2);
    expect(log.some((r) => r.kind === 'game' && r.event.type === 'gameOver')).toBe(true);

    const zip = await exportZip(id);
    expect([...zip.keys()].sort()).toEqual(exportFileNames(game).map((f) => `parley-${id}/${f}`).sort());
    // the zip's events.jsonl is the whole log, as the events endpoint serves it
    expect(zip.get(`parley-${id}/events.jsonl`)!.toString()).toBe(events);
    expect(JSON.parse(zip.get(`parley-${id}/metrics.json`)!.toString())).toMatchObject({ sessionId: id, game, status: 'finished' });
    const seats = csvRecords(zip.get(`parley-${id}/seats.csv`)!.toString());
    expect(seats).toHaveLength(created[game].seats.length);
    if (game === 'traitors') {
      expect(zip.get(`parley-${id}/votes.csv`)!.toString().split('\n')[0]).toBe('Round,Vote_Type,Player_ID,Role,Vote_Target,Eliminated,actor');
      expect(csvRecords(zip.get(`parley-${id}/eliminations.csv`)!.toString()).length).toBeGreaterThan(1);
    } else {
      const metrics = JSON.parse(zip.get(`parley-${id}/metrics.json`)!.toString());
      expect(csvRecords(zip.get(`parley-${id}/rounds.csv`)!.toString())).toHaveLength(2 * metrics.metrics.rounds);
      const state = replay(trustSplit, gameRows(log).map((r) => r.event as never));
      expect(trustSplit.outcome(state as never)).toEqual(finals[game].outcome);
    }

    const report = await get(`/api/sessions/${id}/report`);
    expect(report.status).toBe(200);
    expect(report.headers.get('content-type')).toContain('text/html');
    const html = await report.text();
    expect(html).toMatch(/^<!doctype html>/);
    expect(html).toContain('<svg');
    before[game] = { events, zip, replay: undefined };
  });

  it('lists the sessions for the console: REST list, summaries and the live table', async () => {
    const list = await t.api<{ sessions: { id: string; game: string; status: string; seats: number; summary: string | null }[]; summaries: { id: string; status: string }[] }>('GET', '/api/sessions');
    expect(list.status).toBe(200);
    for (const game of ['traitors', 'trust-split'] as const) {
      const row = list.json.sessions.find((s) => s.id === created[game].id);
      expect(row).toMatchObject({ game, status: 'finished', seats: created[game].seats.length, summary: finals[game].outcome!.summary ?? null });
      expect(list.json.summaries.find((s) => s.id === created[game].id)).toMatchObject({ game, status: 'finished' });
    }
    expect(list.json.sessions.find((s) => s.id === created.unfinished.id)?.status).toBe('active');
    const detail = await t.api<{ status: string; outcome: unknown; seats: { label?: string }[] }>('GET', `/api/sessions/${created['trust-split'].id}`);
    expect(detail.json).toMatchObject({ status: 'finished', outcome: finals['trust-split'].outcome });
    expect(detail.json.seats.map((s) => s.label)).toEqual(['P1', 'P2']);

    const console_ = new ConsoleClient(t.url, { adminToken: ADMIN_TOKEN });
    try {
      await console_.waitFor('all three sessions', (table) => [created.traitors, created['trust-split'], created.unfinished].every((c) => table.has(c.id)));
      expect(console_.table.get(created.traitors.id)).toMatchObject({ game: 'traitors', preset: 'table', status: 'finished' });
      expect(console_.table.get(created['trust-split'].id)).toMatchObject({ game: 'trust-split', preset: 'human', status: 'finished' });
      expect(console_.table.get(created.unfinished.id)).toMatchObject({ status: 'active', quickplay: false });
    } finally {
      console_.close();
    }
  });

  it('exports the study: participants, its game\'s log with every acknowledged action once, the survey', async () => {
    const res = await get(`/api/studies/${study.id}/export`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/zip');
    studyZip = unzip(Buffer.from(await res.arrayBuffer()));
    const file = (name: string) => studyZip.get(`parley-study-pg-study/${name}`)!.toString();
    for (const name of ['participants.csv', 'payments.csv', 'survey.csv', 'ai_judgements.csv', 'rounds.csv', 'seats.csv', 'events.jsonl']) {
      expect(studyZip.has(`parley-study-pg-study/${name}`), name).toBe(true);
    }
    expect(csvRecords(file('participants.csv')).map((r) => [r.participant_id, r.arm, r.stage, r.outcome, r.session])).toEqual([['P1', 'blind', 'done', 'completed', studySession]]);
    expect(csvRecords(file('survey.csv')).map((r) => [r.participant_id, r.item_id, r.answer])).toEqual([
      ['P1', 'trust', '3'],
      ['P1', 'strategy', '0'],
    ]);
    expect(csvRecords(file('ai_judgements.csv')).map((r) => [r.participant_id, r.judgement, r.truth, r.correct])).toEqual([['P1', 'human', 'ai', 'false']]);
    // the study's events.jsonl is its game's log, each row tagged with the session
    const rows = file('events.jsonl').trim().split('\n').map((line) => JSON.parse(line) as LogRow & { sessionId: string });
    expect(new Set(rows.map((r) => r.sessionId))).toEqual(new Set([studySession]));
    expect(rows.map((r) => r.seq)).toEqual(parseLines(await eventsText(studySession)).map((r) => r.seq));
    expect(expectAckedOnce(rows, [studyPlayer])).toBeGreaterThan(0);
  });

  it.each(['traitors', 'trust-split'] as const)('replays the finished %s game: the admin view and a player\'s own link', async (game) => {
    const id = created[game].id;
    const admin = await t.api<ReplayPayload>('GET', `/api/sessions/${id}/replay`);
    expect(admin.status).toBe(200);
    expect(admin.json).toMatchObject({ sessionId: id, game, status: 'finished', viewer: { seat: null } });
    expect(admin.json.viewpoints).toHaveLength(created[game].seats.length + 1);
    const frames = expandFrames(admin.json);
    expect(frames.length).toBeGreaterThan(5);
    expect(frames.at(-1)!.outcome).toEqual(finals[game].outcome);

    const own = await t.api<ReplayPayload>('GET', `/api/replay/${created[game].seats[0].token}`, undefined, null);
    expect(own.status).toBe(200);
    expect(own.json.viewer.seat).toBe(0);
    // the seat's last frame is the last state it was sent live
    const live = players[game][0].states.at(-1)!;
    expect(expandFrames(own.json).at(-1)).toMatchObject({ version: live.version, outcome: live.outcome, view: live.view });
    before[game].replay = admin.json;
  });

  describe('after the server is closed and started again on the same database', () => {
    beforeAll(async () => {
      for (const c of clients) c.close();
      await t.close();
      t = await boot();
      // cluster mode takes the unfinished session over (its lease was given up on close)
      await until(() => [...t.server.sessions.loaded()].some((room) => room.id === created.unfinished.id), 'the unfinished session taken over');
    }, 60_000);

    it.each(['traitors', 'trust-split'] as const)('still lists, exports and replays the finished %s game unchanged', async (game) => {
      const id = created[game].id;
      const list = await t.api<{ sessions: { id: string; status: string }[] }>('GET', '/api/sessions');
      expect(list.json.sessions.find((s) => s.id === id)?.status).toBe('finished');
      expect(await eventsText(id)).toBe(before[game].events);
      const zip = await exportZip(id);
      expect([...zip.keys()].sort()).toEqual([...before[game].zip.keys()].sort());
      for (const [name, bytes] of zip) expect(bytes.toString(), name).toBe(before[game].zip.get(name)!.toString());
      const again = await t.api<ReplayPayload>('GET', `/api/sessions/${id}/replay`);
      expect(again.status).toBe(200);
      expect(again.json).toEqual(before[game].replay);
    });

    it('exports the study byte for byte as before', async () => {
      const res = await get(`/api/studies/${study.id}/export`);
      expect(res.status).toBe(200);
      const zip = unzip(Buffer.from(await res.arrayBuffer()));
      expect([...zip.keys()].sort()).toEqual([...studyZip.keys()].sort());
      for (const [name, bytes] of zip) expect(bytes.toString(), name).toBe(studyZip.get(name)!.toString());
    });

    it('recovers the unfinished session, which plays on to the end with nothing lost or doubled', async () => {
      const id = created.unfinished.id;
      const after = track(connectClient(t.url, created.unfinished.seats[0].token!, { seed: 6, idPrefix: 'after' }));
      const resumed = await after.connected();
      expect(resumed.outcome).toBeNull();
      expect(resumed.seat).toBe(0);
      after.autoplay();
      const end = await after.waitForOutcome(30_000);
      expect(end.status).toBe('finished');

      const log = parseLines(await eventsText(id));
      expect(log.filter((r) => r.event.type === 'recovered')).toHaveLength(1);
      expect(expectAckedOnce(log, [...unfinishedBefore, after])).toBeGreaterThan(4);
      const restartSeq = log.find((r) => r.event.type === 'recovered')!.seq;
      // both halves are in the log: the actions before the restart and the ones after it
      expect(log.filter((r) => r.clientActionId?.startsWith('before-')).every((r) => r.seq < restartSeq)).toBe(true);
      expect(log.some((r) => r.clientActionId?.startsWith('after-') && r.seq > restartSeq)).toBe(true);
      // the agent seat's clock and agent restarted too
      expect(gameRows(log).some((r) => r.seat === 1 && r.seq > restartSeq && r.clientActionId?.startsWith('agent:1:'))).toBe(true);
      const state = replay(trustSplit, gameRows(log).map((r) => r.event as never));
      expect(trustSplit.outcome(state as never)).toEqual(end.outcome);

      const zip = await exportZip(id);
      expect(zip.get(`parley-${id}/events.jsonl`)!.toString()).toBe(log.map((r) => JSON.stringify(r) + '\n').join(''));
      const list = await t.api<{ sessions: { id: string; status: string }[] }>('GET', '/api/sessions');
      expect(list.json.sessions.find((s) => s.id === id)?.status).toBe('finished');
      const replayed = await t.api<ReplayPayload>('GET', `/api/sessions/${id}/replay`);
      expect(replayed.status).toBe(200);
      expect(expandFrames(replayed.json).at(-1)!.outcome).toEqual(end.outcome);
    }, 45_000);
  });
});
