import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProviderLimits } from '../../server/llm/limits.ts';
import type { LlmCallRecord } from '../../server/llm/record.ts';
import { llmAgentResolver } from '../../server/llm/resolver.ts';
import { bootServer, connectClient, gameRows, type TestServer } from '../integration/helpers.ts';
import { faulty, startFakeOpenAI, type FakeServer } from './fake-openai-server.ts';

/**
 * Live sessions: LLM agents seated beside a program-played human, through the server's agent
 * resolver hook — exactly what the server needs: startServer({ agentResolvers: [llmAgentResolver()] }).
 */
const KEY = 'sk-room-secret-5a4b3c2d1e';
let fake: FakeServer;
let t: TestServer;

beforeAll(async () => {
  fake = await startFakeOpenAI({ script: (req) => (req.index % 9 === 2 ? faulty.malformedJson(req) : undefined) });
  const env = { PARLEY_LLM_BASE_URL: fake.url, PARLEY_LLM_MODEL: 'room-model', PARLEY_LLM_API_KEY: KEY };
  t = await bootServer({ agentResolvers: [llmAgentResolver({ env, limits: new ProviderLimits(64) })] });
});
afterAll(async () => {
  await t?.close();
  await fake?.close();
});

function callsOf(rows: { event: { type: string; calls?: unknown[] } }[]): LlmCallRecord[] {
  return rows.filter((r) => r.event.type === 'agent_decision').flatMap((r) => (r.event.calls ?? []) as LlmCallRecord[]);
}

describe('a live session with LLM agents', () => {
  it('seats an LLM agent beside a program-played human in Trust-and-Split; its calls and thoughts are logged, never shown', async () => {
    const created = await t.createSession({
      game: 'trust-split',
      config: { rounds: 2 },
      seats: [{ kind: 'human' }, { kind: 'agent', agent: 'llm' }],
    });
    const human = connectClient(t.url, created.seats[0].token!);
    await human.connected();
    human.autoplay();
    const final = await human.waitForOutcome(20_000);
    expect(final).toBeTruthy();
    const log = await t.events(created.id);
    const agentMoves = gameRows(log).filter((r) => r.seat === 1 && r.clientActionId?.startsWith('agent:'));
    expect(agentMoves.length).toBe(4); // 2 rounds × (1 message + 1 proposal)
    const notes = log.filter((r) => r.event.type === 'agent_decision');
    expect(notes).toHaveLength(agentMoves.length);
    for (const note of notes) expect(note.event).toMatchObject({ seat: 1, agent: 'llm:room-model', thoughts: expect.any(String) });
    const calls = callsOf(log as never);
    expect(calls).toHaveLength(4);
    for (const call of calls) {
      expect(call).toMatchObject({ kind: 'llm_call', provider: 'openai-compatible', model: 'room-model', gameId: 'trust-split', seat: 1, fallback: false });
      expect(call.attempts.at(-1)!.action).toEqual(call.action);
    }
    // the private thoughts never reached the human, and the key is nowhere in the log
    expect(human.received.some((p) => p.json.includes('Thinking it over privately'))).toBe(false);
    expect(JSON.stringify(log)).not.toContain(KEY);
    human.close();
  });

  it('plays The Traitors with one human and seven LLM agents of two models to the end', async () => {
    const created = await t.createSession({
      game: 'traitors',
      preset: 'table',
      seats: [
        { kind: 'human' },
        ...Array.from({ length: 7 }, (_, i) => ({ kind: 'agent', agent: i % 2 ? 'llm' : { type: 'llm', model: 'second-model', persona: 'A calm schoolteacher.' } })),
      ],
    });
    const human = connectClient(t.url, created.seats[0].token!, { seed: 3 });
    await human.connected();
    human.autoplay();
    await human.waitForOutcome(25_000);
    const log = await t.events(created.id);
    const calls = callsOf(log as never);
    expect(new Set(calls.map((c) => c.model))).toEqual(new Set(['room-model', 'second-model']));
    expect(calls.filter((c) => c.model === 'second-model').every((c) => c.messages[0].content.includes('A calm schoolteacher.'))).toBe(true);
    // the injected malformed answers were re-asked and recovered
    expect(calls.some((c) => c.attempts.length > 1 && c.attempts[0].errorKind === 'format' && !c.fallback)).toBe(true);
    // nothing on disk holds the key (while the calls themselves are there)
    const onDisk = Buffer.concat(readdirSync(t.dataDir).map((file) => readFileSync(join(t.dataDir, file))));
    expect(onDisk.includes('A calm schoolteacher.')).toBe(true);
    expect(onDisk.includes(KEY)).toBe(false);
    human.close();
  });

  it('refuses a session whose LLM spec holds a key, saying why', async () => {
    const res = await t.api<{ error: string }>('POST', '/api/sessions', {
      game: 'trust-split',
      seats: [{ kind: 'human' }, { kind: 'agent', agent: { type: 'llm', model: 'x', apiKey: 'sk-nope' } }],
    });
    expect(res.status).toBe(400);
    expect(JSON.stringify(res.json)).toContain('must not contain an API key');
  });
});

describe('a live session with a persona and the reference prompts', () => {
  it('asks in the reference\'s format with the persona, and records the persona with the seat', async () => {
    // no injected faults here: the fake endpoint's own answers, in the reference's formats
    fake.setScript(undefined);
    const persona = { biography: 'A cautious accountant from Dundee.', traits: { age: 52, nationality: 'Scottish', profession: 'Accountant' }, style: 'suspicious' };
    const created = await t.createSession({
      game: 'trust-split',
      preset: 'paper',
      config: { rounds: 2 },
      seats: [{ kind: 'human' }, { kind: 'agent', agent: { type: 'llm', prompts: 'reference', persona } }],
    });
    const human = connectClient(t.url, created.seats[0].token!);
    await human.connected();
    human.autoplay();
    expect(await human.waitForOutcome(20_000)).toBeTruthy();
    const calls = callsOf((await t.events(created.id)) as never);
    expect(calls).toHaveLength(4);
    for (const call of calls) {
      expect(call.fallback).toBe(false);
      expect(call.attempts[0].mode).toBe('reference');
      expect(call.messages[0].content).toMatch(/^Output must match this regex exactly: <<(message|proposal)_start>>/);
      expect(call.messages.map((m) => m.content).join('\n')).toContain('Your character:\nA cautious accountant from Dundee.');
    }
    expect((await t.server.store.session(created.id))!.seats[1].agent).toMatchObject({ persona });
    human.close();
    fake.reset();
  });
});
