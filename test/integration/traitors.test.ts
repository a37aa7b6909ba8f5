import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { traitors, type TraitorsEvent, type TraitorsState, type TraitorsView } from '../../shared/games/traitors/index.ts';
import type { CreatedSession, LogRow, StatePayload } from '../../shared/protocol/index.ts';
import { bootServer, connectClient, gameRows, type TestClient, type TestServer } from './helpers.ts';

let t: TestServer;
beforeAll(async () => {
  t = await bootServer();
});
afterAll(async () => {
  await t.close();
});

const oneHumanSeats = [{ kind: 'human', label: 'participant' }, ...Array.from({ length: 7 }, () => ({ kind: 'agent', agent: 'scripted' }))];

/** A table where seat 0 (the human) has the wanted role: seeds are tried in order, so this is deterministic. */
async function tableWithHumanAs(role: 'faithful' | 'traitor', extra: Record<string, unknown> = {}): Promise<CreatedSession> {
  for (let seed = 1; seed < 50; seed++) {
    const created = await t.createSession({ game: 'traitors', preset: 'table', seed, seats: oneHumanSeats, ...extra });
    const setup = (await t.events(created.id))[0].event as unknown as { type: 'setup'; roles: string[] };
    if (setup.roles[0] === role) return created;
    await t.api('POST', `/api/sessions/${created.id}/end`);
  }
  throw new Error(`no seed below 50 makes seat 0 ${role}`);
}

/** The game state after each log row, by seq (state = fold of the game rows). */
function statesBySeq(log: LogRow[]): Map<number, TraitorsState> {
  const out = new Map<number, TraitorsState>();
  let state: TraitorsState | undefined;
  for (const row of log) {
    if (row.kind === 'game') state = traitors.reduce(state, row.event as unknown as TraitorsEvent);
    out.set(row.seq, state!);
  }
  return out;
}

describe('a full Traitors game: one program-played human among scripted agents', () => {
  let created: CreatedSession;
  let human: TestClient;
  let spectator: TestClient;
  let log: LogRow[];
  let end: StatePayload;

  beforeAll(async () => {
    created = await tableWithHumanAs('faithful');
    human = connectClient(t.url, created.seats[0].token!, { seed: 21, idPrefix: 'h' });
    spectator = connectClient(t.url, created.spectatorToken);
    await Promise.all([human.connected(), spectator.connected()]);
    human.autoplay();
    end = await human.waitForOutcome(30_000);
    await spectator.waitForOutcome();
    log = await t.events(created.id);
  });

  afterAll(() => {
    human.close();
    spectator.close();
  });

  it('plays to the end, with the agents acting through the same log', () => {
    expect(end.status).toBe('finished');
    expect(end.outcome?.summary).toMatch(/win/i);
    const setup = log[0].event as unknown as { config: { agentSeats: number[] } };
    // the seat kinds told the game which seats are agents
    expect(setup.config.agentSeats).toEqual([1, 2, 3, 4, 5, 6, 7]);
    const actions = gameRows(log).filter((r) => r.clientActionId);
    for (let seat = 1; seat < 8; seat++) {
      const mine = actions.filter((r) => r.seat === seat).map((r) => r.clientActionId);
      expect(mine.length).toBeGreaterThan(0);
      // decision index = how many actions the seat had accepted before
      expect(mine).toEqual(mine.map((_, i) => `agent:${seat}:${i}`));
    }
    const humanAcks = human.acks.filter((a) => a.ack.ok).map((a) => a.clientActionId);
    expect(humanAcks.length).toBeGreaterThan(2);
    expect(actions.filter((r) => r.seat === 0).map((r) => r.clientActionId)).toEqual(humanAcks);
    expect(human.acks.every((a) => a.ack.ok)).toBe(true);
  });

  it('sends the faithful seat exactly its own view of the state at each version', () => {
    const states = statesBySeq(log);
    expect(human.states.length).toBeGreaterThan(20);
    for (const payload of human.states) {
      expect(payload.seat).toBe(0);
      expect(payload.view).toEqual(JSON.parse(JSON.stringify(traitors.view(states.get(payload.version)!, 0))));
      expect(payload.pending).toEqual(traitors.pending(states.get(payload.version)!, 0));
    }
  });

  it('never identifies an unrevealed traitor to the faithful seat, in any payload', () => {
    const setup = log[0].event as unknown as { roles: string[] };
    const traitorSeats = setup.roles.flatMap((r, seat) => (r === 'traitor' ? [seat] : []));
    expect(traitorSeats).toHaveLength(2);
    // when each traitor's role became public (banished with the role shown)
    const revealedAt = new Map<number, number>();
    for (const row of log) if (row.event.type === 'banished' && row.event.role === 'traitor') revealedAt.set(row.event.seat, row.seq);
    const overAt = log.find((r) => r.event.type === 'gameOver')!.seq;

    // text only the traitors (and the spectator) ever saw: the night chat
    const publicTexts = new Set(gameRows(log).filter((r) => r.event.type === 'statement' && r.event.channel === 'public').map((r) => r.event.text));
    const secretTexts = gameRows(log)
      .filter((r) => r.event.type === 'statement' && r.event.channel === 'traitors' && r.event.text.length > 12 && !publicTexts.has(r.event.text))
      .map((r) => JSON.stringify(r.event.text).slice(1, -1));
    expect(secretTexts.length).toBeGreaterThan(0);
    // the check can see a leak: the spectator was sent all of it
    const spectatorPayloads = spectator.received.map((p) => p.json).join('\n');
    for (const text of secretTexts) expect(spectatorPayloads).toContain(text);

    expect(human.received.length).toBeGreaterThan(20);
    for (const { json } of human.received) {
      for (const text of secretTexts) expect(json).not.toContain(text);
      // every role is revealed when the game is over, not before
      if (!json.includes('"status":"finished"')) expect(json).not.toContain('"roles"');
      expect(json).not.toContain('"fellowTraitors":[');
      expect(json).not.toContain('"traitorChat":[');
    }
    for (const payload of human.states) {
      const view = payload.view as TraitorsView;
      const over = payload.version >= overAt;
      expect(view.role).toBe('faithful');
      expect(view.spectator).toBeNull();
      expect(payload.agentSeats).toBeNull();
      for (const seat of traitorSeats) {
        const revealed = over || (revealedAt.get(seat) ?? Infinity) <= payload.version;
        if (revealed) continue;
        expect(view.eliminations.find((e) => e.seat === seat)?.role ?? null).toBeNull();
        expect(payload.outcome).toBeNull();
      }
    }
  });

  it('shows the spectator the whole truth and asks nothing of it', () => {
    const first = spectator.states[0];
    const view = first.view as TraitorsView;
    expect(view.spectator?.roles).toEqual((log[0].event as unknown as { roles: string[] }).roles);
    expect(view.traitorChat).not.toBeNull();
    expect(first.agentSeats).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(spectator.states.every((s) => s.pending === null && s.seat === null)).toBe(true);
  });
});

describe('Traitors deadlines', () => {
  it('skip the statement, abstain the vote and record uniform beliefs when the human does nothing', async () => {
    const created = await tableWithHumanAs('faithful', { config: { introductions: false, discussionPasses: 1, timeouts: { speak: 1, vote: 1, beliefs: 1 } } });
    const human = connectClient(t.url, created.seats[0].token!, { seed: 5 });
    await human.connected();
    // idle until the round table has timed out
    const voteTimedOut = (rows: LogRow[]) => rows.some((r) => r.event.type === 'timeout' && r.seat === 0 && r.event.pendingKind === 'vote');
    let log: LogRow[] = [];
    for (let i = 0; i < 100 && !voteTimedOut(log); i++) {
      await new Promise((r) => setTimeout(r, 100));
      log = await t.events(created.id);
    }
    const mineRows = gameRows(log).filter((r) => r.event.type === 'timeout' && r.seat === 0);
    const mine = mineRows.map((r) => r.event);
    expect(mine.map((e) => [e.pendingKind, e.defaultApplied])).toEqual([
      ['speak', 'skip'],
      ['beliefs', 'uniform50'],
      ['vote', 'abstain'],
    ]);
    expect(Object.values(mine[1].suspicion as Record<string, number>).every((v) => v === 50)).toBe(true);
    expect(mineRows.every((r) => r.clientActionId === null)).toBe(true);
    // the skipped statement is in everybody's view, marked as skipped
    const view = (await human.waitFor((s) => (s.view as TraitorsView).statements.some((st) => st.seat === 0))).view as TraitorsView;
    expect(view.statements.find((st) => st.seat === 0)).toMatchObject({ text: '', skipped: true });
    // and then the human plays on to the end
    human.autoplay();
    const end = await human.waitForOutcome(30_000);
    expect(end.status).toBe('finished');
    human.close();
  });
});
