import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { AgentDecision, DecisionContext, SeatAgent } from '../../shared/engine/agent.ts';
import type { AgentResolver } from '../../server/agents.ts';
import { bootServer, connectClient, gameRows, type TestServer } from './helpers.ts';

/** vi.waitFor's bound: its default second is short on a loaded machine */
const WAIT = { timeout: 10_000 };

/**
 * A stand-in for an LLM agent: answers after `ms` (per action kind), with private thoughts and a
 * record of its "model calls"; or fails. Plugged in the way issue 5's agents are: a resolver.
 */
const fakeModelResolver: AgentResolver = ({ spec }) => {
  if (typeof spec !== 'object' || spec.type !== 'fake-model') return null;
  const delays = (spec.ms ?? {}) as Record<string, number>;
  const agent: SeatAgent = {
    name: 'fake-model',
    async decide(ctx: DecisionContext): Promise<AgentDecision> {
      await new Promise((resolve) => setTimeout(resolve, delays[ctx.pending.kind] ?? 0));
      if (spec.fail) throw new Error('the model answered nonsense three times');
      const action =
        ctx.pending.kind === 'speak'
          ? { kind: 'speak' as const, text: 'I will be honest with you.' }
          : { kind: 'propose' as const, coins: ctx.pending.kind === 'propose' ? ctx.pending.max : 0 };
      return { action, thoughts: `seat ${ctx.seat} considered ${ctx.pending.kind}`, calls: [{ model: 'fake', attempt: 1 }] };
    },
  };
  return agent;
};

let t: TestServer;
beforeAll(async () => {
  t = await bootServer({ agentResolvers: [fakeModelResolver] });
});
afterAll(async () => {
  await t.close();
});

describe('agents that think asynchronously', () => {
  it('never block another room while they think, and their notes are logged with their action', async () => {
    const slow = await t.createSession({
      game: 'trust-split',
      config: { rounds: 1 },
      seats: [{ kind: 'human' }, { kind: 'agent', agent: { type: 'fake-model', ms: { speak: 4000, propose: 0 } } }],
    });
    const fast = await t.createSession({ game: 'trust-split', config: { rounds: 3 }, seats: [{ kind: 'human' }, { kind: 'human' }] });
    const slowHuman = connectClient(t.url, slow.seats[0].token!);
    const players = fast.seats.map((s, i) => connectClient(t.url, s.token!, { seed: i + 7 }));
    await Promise.all([slowHuman.connected(), ...players.map((p) => p.connected())]);
    slowHuman.autoplay();
    for (const p of players) p.autoplay();
    await Promise.all(players.map((p) => p.waitForOutcome()));
    // a whole game elsewhere finished while the agent was still thinking about its first move (4 s: a
    // margin for a loaded machine, not a timing claim)
    expect(gameRows(await t.events(slow.id)).filter((r) => r.seat === 1 && r.clientActionId)).toHaveLength(0);

    await slowHuman.waitForOutcome(20_000);
    const log = await t.events(slow.id);
    const agentActions = gameRows(log).filter((r) => r.seat === 1 && r.clientActionId);
    expect(agentActions.map((r) => r.clientActionId)).toEqual(['agent:1:0', 'agent:1:1']);
    for (const action of agentActions) {
      const note = log.find((r) => r.event.type === 'agent_decision' && r.event.clientActionId === action.clientActionId)!;
      expect(note.kind).toBe('session');
      expect(note.batch).toBe(action.batch);
      expect(note.event).toMatchObject({ seat: 1, agent: 'fake-model', calls: [{ model: 'fake', attempt: 1 }] });
      expect(note.event.thoughts).toMatch(/seat 1 considered/);
    }
    // thoughts are private: never in what the human was sent
    expect(slowHuman.received.some((p) => p.json.includes('considered'))).toBe(false);
    for (const c of [slowHuman, ...players]) c.close();
  });

  it('discards an answer that comes after the deadline, keeping its model calls in the log', async () => {
    const created = await t.createSession({
      game: 'trust-split',
      config: { rounds: 1, timeouts: { speak: 5, propose: 0.1 } },
      seats: [{ kind: 'human' }, { kind: 'agent', agent: { type: 'fake-model', ms: { speak: 0, propose: 300 } } }],
    });
    const human = connectClient(t.url, created.seats[0].token!);
    await human.connected();
    human.autoplay();
    await human.waitForOutcome();
    // the late answer arrives after the end: wait until the room has recorded it as discarded
    let log = await t.events(created.id);
    await vi.waitFor(async () => {
      log = await t.events(created.id);
      expect(log.some((r) => r.event.type === 'agent_discarded')).toBe(true);
    }, WAIT);
    const timeout = gameRows(log).find((r) => r.event.type === 'timeout' && r.seat === 1);
    expect(timeout?.event).toMatchObject({ action: 'propose', coins: 5 });
    expect(gameRows(log).filter((r) => r.seat === 1 && r.clientActionId?.startsWith('agent:')).map((r) => r.event.type)).toEqual(['message']);
    const discarded = log.find((r) => r.event.type === 'agent_discarded');
    expect(discarded?.event).toMatchObject({ seat: 1, agent: 'fake-model', calls: [{ model: 'fake' }] });
    human.close();
  });

  it('applies the default when an agent fails, and records why', async () => {
    const created = await t.createSession({
      game: 'trust-split',
      config: { rounds: 1 },
      seats: [{ kind: 'human' }, { kind: 'agent', agent: { type: 'fake-model', fail: true } }],
    });
    const human = connectClient(t.url, created.seats[0].token!);
    await human.connected();
    human.autoplay();
    await human.waitForOutcome();
    const log = await t.events(created.id);
    const errors = log.filter((r) => r.event.type === 'agent_error');
    expect(errors.length).toBe(2); // its message and its proposal
    expect(errors[0].event).toMatchObject({ seat: 1, agent: 'fake-model', message: 'the model answered nonsense three times' });
    expect(gameRows(log).filter((r) => r.event.type === 'timeout' && r.seat === 1)).toHaveLength(2);
    human.close();
  });

  it('rejects an agent spec no resolver knows', async () => {
    const res = await t.api<{ error: string }>('POST', '/api/sessions', {
      game: 'trust-split',
      seats: [{ kind: 'human' }, { kind: 'agent', agent: { type: 'telepath' } }],
    });
    expect(res.status).toBe(400);
    expect(res.json.error).toMatch(/seats\.1\.agent: Unknown agent of type "telepath"/);
  });
});
