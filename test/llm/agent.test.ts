import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createLlmAgent } from '../../server/llm/agent.ts';
import { ProviderLimits } from '../../server/llm/limits.ts';
import { resolveLlmSpec } from '../../server/llm/spec.ts';
import { toDecision } from '../../shared/engine/agent.ts';
import { faulty, startFakeOpenAI, type FakeServer } from './fake-openai-server.ts';
import { callOf, contextAt, fakeSpec } from './helpers.ts';

let fake: FakeServer;
const limits = new ProviderLimits(64);

beforeAll(async () => {
  fake = await startFakeOpenAI();
});
afterAll(async () => {
  await fake.close();
});
beforeEach(() => {
  fake.reset();
});

/** One decision by a fresh agent; returns the decision and its call record. */
async function decideOnce(kind: 'speak' | 'vote' | 'beliefs' | 'propose', extra = {}, options = {}) {
  const ctx = kind === 'propose' ? contextAt('trust-split', 'propose') : contextAt('traitors', kind);
  const agent = createLlmAgent(fakeSpec(fake.url, extra), { limits, ...options });
  const decision = toDecision(await agent.decide(ctx));
  return { ctx, agent, decision, call: callOf(decision) };
}

describe('a legal answer', () => {
  it('is asked with the answer schema as response format, parsed, and recorded in full', async () => {
    const { ctx, decision, call } = await decideOnce('vote');
    expect(fake.requests).toHaveLength(1);
    const format = fake.requests[0].body.response_format as { type: string; json_schema: { schema: { properties: Record<string, unknown> } } };
    expect(format.type).toBe('json_schema');
    expect(Object.keys(format.json_schema.schema.properties)).toEqual(['thoughts', 'vote']);
    expect(decision.fallback).toBeUndefined();
    expect(decision.thoughts).toBe('Thinking it over privately.');
    expect(ctx.pending.kind === 'vote' && ctx.pending.options).toContain((decision.action as { target: number }).target);
    expect(call).toMatchObject({ kind: 'llm_call', provider: 'openai-compatible', model: 'fake-model', agent: 'llm:fake-model', gameId: 'traitors', seat: ctx.seat, fallback: false });
    expect(call.task).toMatch(/^vote\//);
    expect(call.messages.map((m) => m.role)).toEqual(['system', 'user']);
    expect(call.messages[1].content).toContain('## Your task');
    expect(call.attempts).toHaveLength(1);
    const [attempt] = call.attempts;
    expect(attempt).toMatchObject({ index: 0, mode: 'json', messageCount: 2, action: decision.action });
    expect(attempt.raw).toContain('"vote"');
    expect(attempt.http).toEqual([expect.objectContaining({ status: 200 })]);
    // the fake server counts characters ÷ 4
    const sent = call.messages.map((m) => m.content).join('');
    expect(attempt.inputTokens).toBe(Math.ceil(sent.length / 4));
    expect(attempt.outputTokens).toBe(Math.ceil(attempt.raw!.length / 4));
    expect(call.inputTokens).toBe(attempt.inputTokens);
  });

  it('plays every request kind in tagged mode without a response format', async () => {
    for (const kind of ['speak', 'vote', 'beliefs', 'propose'] as const) {
      fake.reset();
      const { decision, call } = await decideOnce(kind, { structuredOutput: 'tagged' });
      expect(fake.requests[0].body.response_format).toBeUndefined();
      expect(fake.requests[0].json).toBe(false);
      expect(decision.action.kind).toBe(kind);
      expect(call.attempts[0].mode).toBe('tagged');
      expect(call.fallback).toBe(false);
    }
  });
});

describe('unusable answers are re-asked with the error', () => {
  const cases = [
    ['malformed JSON', 'vote', faulty.malformedJson, 'format', /not valid JSON|no JSON/],
    ['an out-of-range value', 'beliefs', faulty.outOfRange, 'illegal', /from 0 to 100/],
    ['a wrong seat id', 'vote', faulty.wrongSeat, 'illegal', /You cannot vote for seat \d+/],
    ['a message over the limit', 'speak', faulty.outOfRange, 'illegal', /characters; the limit is/],
    ['a proposal out of range', 'propose', faulty.outOfRange, 'illegal', /whole number from 0 to 10/],
  ] as const;
  for (const [what, kind, fault, errorKind, message] of cases) {
    it(`after ${what}`, async () => {
      fake.setScript((req) => (req.index === 0 ? fault(req) : undefined));
      const { decision, call } = await decideOnce(kind);
      expect(call.attempts).toHaveLength(2);
      expect(call.attempts[0]).toMatchObject({ errorKind });
      expect(call.attempts[0].error).toMatch(message);
      expect(call.attempts[0].action).toBeUndefined();
      expect(call.attempts[1]).toMatchObject({ messageCount: 4, action: decision.action });
      // the second request carried the bad answer and the correction
      const second = fake.requests[1].messages;
      expect(second.map((m) => m.role)).toEqual(['system', 'user', 'assistant', 'user']);
      expect(second[2].content).toBe(call.attempts[0].raw);
      expect(second[3].content).toContain(call.attempts[0].error);
      expect(call.messages).toHaveLength(4);
      expect(decision.fallback).toBeUndefined();
    });
  }

  it('falls back to a legal default after maxRetries re-asks, marked as such', async () => {
    fake.setScript((req) => faulty.wrongSeat(req));
    const { ctx, decision, call } = await decideOnce('vote', { maxRetries: 3 });
    expect(fake.requests).toHaveLength(4);
    expect(call.attempts).toHaveLength(4);
    expect(call.attempts.every((a) => a.errorKind === 'illegal')).toBe(true);
    expect(decision.fallback).toBe(true);
    expect(call).toMatchObject({ fallback: true, action: decision.action });
    expect(call.error).toMatch(/You cannot vote for/);
    expect(ctx.pending.kind === 'vote' && ctx.pending.options).toContain((decision.action as { target: number }).target);
  });
});

describe('endpoint trouble', () => {
  it('429 and 5xx are retried inside one attempt with backoff (the AI SDK honours retry-after-ms)', async () => {
    fake.setScript((req) =>
      req.index === 0
        ? { kind: 'status', status: 429, headers: { 'retry-after-ms': '20' } }
        : req.index === 1
          ? { kind: 'status', status: 503, headers: { 'retry-after-ms': '20' } }
          : undefined,
    );
    const { decision, call } = await decideOnce('vote');
    expect(call.attempts).toHaveLength(1);
    expect(call.attempts[0].http.map((h) => h.status)).toEqual([429, 503, 200]);
    expect(decision.fallback).toBeUndefined();
  });

  it('a request that keeps failing uses up the attempts, then falls back', async () => {
    fake.setScript(() => ({ kind: 'status', status: 500, headers: { 'retry-after-ms': '5' } }));
    const { decision, call } = await decideOnce('propose', { maxRetries: 1, httpRetries: 1 });
    expect(call.attempts.map((a) => a.errorKind)).toEqual(['request', 'request']);
    expect(call.attempts[0].http.map((h) => h.status)).toEqual([500, 500]);
    expect(call.attempts[0].error).toMatch(/^HTTP 500/);
    // a failed request is repeated as it was, without a correction turn
    expect(fake.requests[2].messages).toHaveLength(2);
    expect(decision).toMatchObject({ fallback: true, action: { kind: 'propose', coins: 5 } });
  });

  it('a reply that never comes times out and is asked again', async () => {
    fake.setScript((req) => (req.index === 0 ? { kind: 'hang' } : undefined));
    const started = performance.now();
    const { decision, call } = await decideOnce('beliefs', { timeoutMs: 300 });
    expect(call.attempts.map((a) => a.errorKind ?? 'ok')).toEqual(['timeout', 'ok']);
    expect(call.attempts[0].error).toMatch(/no answer within 300 ms/);
    expect(decision.fallback).toBeUndefined();
    expect(performance.now() - started).toBeGreaterThanOrEqual(290);
  });

  it('a slow reply within the timeout is used, its latency recorded', async () => {
    fake.setScript(() => ({ kind: 'answer', delayMs: 150 }));
    const { call } = await decideOnce('speak', { timeoutMs: 2000 });
    expect(call.attempts).toHaveLength(1);
    expect(call.attempts[0].latencyMs).toBeGreaterThanOrEqual(140);
    expect(call.latencyMs).toBeGreaterThanOrEqual(call.attempts[0].latencyMs);
  });

  it('an aborted decision stops at once and says so', async () => {
    fake.setScript(() => ({ kind: 'hang' }));
    const ctx = contextAt('traitors', 'vote');
    const controller = new AbortController();
    const agent = createLlmAgent(fakeSpec(fake.url, { timeoutMs: 10_000 }), { limits });
    setTimeout(() => controller.abort(), 100);
    const started = performance.now();
    const decision = toDecision(await agent.decide({ ...ctx, signal: controller.signal }));
    expect(performance.now() - started).toBeLessThan(2000);
    expect(decision.fallback).toBe(true);
    expect(callOf(decision).attempts.map((a) => a.errorKind)).toEqual(['aborted']);
  });
});

describe('structured output negotiation', () => {
  it('"auto" switches to tagged text for good when the endpoint refuses response_format', async () => {
    const plain = await startFakeOpenAI({ rejectStructuredOutput: true });
    try {
      const ctx = contextAt('traitors', 'vote');
      const agent = createLlmAgent(fakeSpec(plain.url), { limits });
      expect(agent.mode).toBe('json');
      const first = callOf(toDecision(await agent.decide(ctx)));
      expect(first.attempts.map((a) => a.mode)).toEqual(['json', 'tagged']);
      expect(first.attempts[0]).toMatchObject({ errorKind: 'request' });
      expect(first.attempts[0].messages?.[0].role).toBe('system');
      expect(first.fallback).toBe(false);
      expect(agent.mode).toBe('tagged');
      const second = callOf(toDecision(await agent.decide(ctx)));
      expect(second.attempts.map((a) => a.mode)).toEqual(['tagged']);
      expect(plain.requests).toHaveLength(3);
    } finally {
      await plain.close();
    }
  });

  it('"json" never switches', async () => {
    const plain = await startFakeOpenAI({ rejectStructuredOutput: true });
    try {
      const agent = createLlmAgent(fakeSpec(plain.url, { structuredOutput: 'json', maxRetries: 1 }), { limits });
      const call = callOf(toDecision(await agent.decide(contextAt('traitors', 'vote'))));
      expect(call.attempts.map((a) => a.mode)).toEqual(['json', 'json']);
      expect(call.fallback).toBe(true);
    } finally {
      await plain.close();
    }
  });
});

describe('providers and keys', () => {
  const KEY = 'sk-live-very-secret-0042';

  it('sends the key from the named variable and never records it, even when the endpoint echoes it', async () => {
    fake.setScript((req) => (req.index === 0 ? { kind: 'status', status: 400, body: { error: { message: `bad key ${KEY}` } } } : undefined));
    const { decision } = await decideOnce('vote', { apiKeyEnv: 'OPENROUTER_API_KEY', maxRetries: 1 }, { env: { OPENROUTER_API_KEY: KEY } });
    expect(fake.requests[0].credential).toBe(`Bearer ${KEY}`);
    const recorded = JSON.stringify(decision);
    expect(recorded).not.toContain(KEY);
    expect(recorded).toContain('[redacted]');
  });

  it('the openai provider speaks Chat Completions to its base URL', async () => {
    const spec = resolveLlmSpec({ type: 'llm', provider: 'openai', model: 'gpt-test', baseURL: fake.url, apiKeyEnv: 'PARLEY_LLM_API_KEY' }, {});
    const agent = createLlmAgent(spec, { limits, env: { PARLEY_LLM_API_KEY: KEY } });
    const call = callOf(toDecision(await agent.decide(contextAt('trust-split', 'propose'))));
    expect(fake.requests[0].api).toBe('chat');
    expect(call).toMatchObject({ provider: 'openai', model: 'gpt-test', fallback: false });
  });

  it('the anthropic provider works in json and tagged mode', async () => {
    for (const structuredOutput of ['json', 'tagged'] as const) {
      fake.reset();
      const spec = resolveLlmSpec({ type: 'llm', provider: 'anthropic', model: 'claude-test', baseURL: fake.url, apiKeyEnv: 'PARLEY_LLM_API_KEY', structuredOutput, maxTokens: 400 }, {});
      const agent = createLlmAgent(spec, { limits, env: { PARLEY_LLM_API_KEY: KEY } });
      const decision = toDecision(await agent.decide(contextAt('traitors', 'beliefs')));
      expect(fake.requests[0].api).toBe('anthropic');
      expect(fake.requests[0].credential).toBe(KEY);
      expect(fake.requests[0].json).toBe(structuredOutput === 'json');
      expect(fake.requests[0].messages[0]).toMatchObject({ role: 'system' });
      expect(decision.fallback).toBeUndefined();
      expect(decision.action.kind).toBe('beliefs');
      expect(callOf(decision).attempts[0].inputTokens).toBeGreaterThan(100);
    }
  });
});

describe('concurrency', () => {
  it('never has more requests in flight per endpoint than the limit', async () => {
    fake.setScript(() => ({ kind: 'answer', delayMs: 60 }));
    fake.resetMaxInFlight();
    const narrow = new ProviderLimits(2);
    const ctx = contextAt('traitors', 'vote');
    const agents = Array.from({ length: 6 }, () => createLlmAgent(fakeSpec(fake.url), { limits: narrow }));
    const started = performance.now();
    await Promise.all(agents.map((a) => a.decide(ctx)));
    expect(fake.maxInFlight).toBe(2);
    expect(performance.now() - started).toBeGreaterThanOrEqual(3 * 55);
  });

  it('without a limit, simultaneous decisions all run at once', async () => {
    fake.setScript(() => ({ kind: 'answer', delayMs: 100 }));
    fake.resetMaxInFlight();
    const open = new ProviderLimits(Infinity);
    const ctx = contextAt('traitors', 'vote');
    const started = performance.now();
    await Promise.all(Array.from({ length: 8 }, () => createLlmAgent(fakeSpec(fake.url), { limits: open }).decide(ctx)));
    expect(fake.maxInFlight).toBe(8);
    expect(performance.now() - started).toBeLessThan(800);
  });
});
