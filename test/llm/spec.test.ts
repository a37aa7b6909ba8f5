import { describe, expect, it } from 'vitest';
import { concurrencyFromEnv, DEFAULT_CONCURRENCY } from '../../server/llm/limits.ts';
import { looksLikeLlmSpec } from '../../server/llm/resolver.ts';
import { AgentSpecError, llmAgentName, parseAgentList, parseAgentSpec } from '../../server/llm/spec.ts';

const ENV = {
  PARLEY_LLM_PROVIDER: 'openai-compatible',
  PARLEY_LLM_BASE_URL: 'http://localhost:11434/v1',
  PARLEY_LLM_MODEL: 'llama3.1:8b',
  PARLEY_LLM_API_KEY: 'sk-test-abcdef',
};

describe('parseAgentSpec', () => {
  it('"llm" takes everything from the environment, naming the key variable but never holding the key', () => {
    const spec = parseAgentSpec('llm', ENV);
    expect(spec).toMatchObject({ type: 'llm', provider: 'openai-compatible', model: 'llama3.1:8b', baseURL: 'http://localhost:11434/v1', apiKeyEnv: 'PARLEY_LLM_API_KEY' });
    expect(spec).toMatchObject({ maxRetries: 2, structuredOutput: 'auto' });
    expect(JSON.stringify(spec)).not.toContain('sk-test-abcdef');
  });

  it('"llm:<model>" picks the model, keeping colons in it', () => {
    const spec = parseAgentSpec('llm:qwen2.5:7b-instruct', ENV);
    expect(spec).toMatchObject({ type: 'llm', model: 'qwen2.5:7b-instruct' });
    expect(spec.type === 'llm' && llmAgentName(spec)).toBe('llm:qwen2.5:7b-instruct');
  });

  it('accepts JSON specs as text or object; the env base URL applies only to its own provider', () => {
    const anthropic = parseAgentSpec('{"type":"llm","provider":"anthropic","model":"claude-x","persona":"a retired judge"}', ENV);
    expect(anthropic).toMatchObject({ provider: 'anthropic', model: 'claude-x', persona: 'a retired judge' });
    expect(anthropic).not.toHaveProperty('baseURL');
    const obj = parseAgentSpec({ type: 'llm', model: 'm', baseURL: 'http://vllm:8000/v1', maxRetries: 4, structuredOutput: 'tagged' }, ENV);
    expect(obj).toMatchObject({ baseURL: 'http://vllm:8000/v1', maxRetries: 4, structuredOutput: 'tagged' });
  });

  it('other names are scripted agents', () => {
    expect(parseAgentSpec('greedy', ENV)).toEqual({ type: 'scripted', name: 'greedy' });
  });

  it('refuses keys in specs, missing models and base URLs, and bad fields', () => {
    expect(() => parseAgentSpec({ type: 'llm', model: 'm', apiKey: 'sk-1' }, ENV)).toThrow(/must not contain an API key/);
    expect(() => parseAgentSpec('llm', {})).toThrow(/no model/);
    expect(() => parseAgentSpec('llm:m', {})).toThrow(/needs a base URL/);
    expect(() => parseAgentSpec({ type: 'llm', model: 'm', temperature: 9 }, ENV)).toThrow(AgentSpecError);
    expect(() => parseAgentSpec({ type: 'llm', model: 'm', provider: 'mystery' }, ENV)).toThrow(/provider/);
    expect(() => parseAgentSpec('{"type":', ENV)).toThrow(/not valid JSON/);
    expect(() => parseAgentSpec('llm', { ...ENV, PARLEY_LLM_PROVIDER: 'cohere' })).toThrow(/PARLEY_LLM_PROVIDER/);
  });
});

describe('parseAgentList', () => {
  it('one entry fills every seat; a list gives one per seat, mixing scripted and different models', () => {
    expect(parseAgentList('llm', 3, ENV)).toHaveLength(3);
    const mixed = parseAgentList('llm:a,greedy', 2, ENV);
    expect(mixed[0]).toMatchObject({ type: 'llm', model: 'a' });
    expect(mixed[1]).toEqual({ type: 'scripted', name: 'greedy' });
    const json = parseAgentList('[{"type":"llm","model":"x"},"llm:y"]', 2, ENV);
    expect(json.map((c) => (c.type === 'llm' ? c.model : c.name))).toEqual(['x', 'y']);
    expect(parseAgentList('{"type":"llm","model":"z"}', 2, ENV).every((c) => c.type === 'llm' && c.model === 'z')).toBe(true);
  });

  it('refuses a list of the wrong length', () => {
    expect(() => parseAgentList('llm,llm,llm', 2, ENV)).toThrow(/3 entries but the game has 2 seats/);
  });
});

describe('helpers', () => {
  it('recognises LLM specs for the server resolver', () => {
    expect(looksLikeLlmSpec('llm')).toBe(true);
    expect(looksLikeLlmSpec('llm:x')).toBe(true);
    expect(looksLikeLlmSpec({ type: 'llm', model: 'x' })).toBe(true);
    expect(looksLikeLlmSpec('{"type": "llm"}')).toBe(true);
    expect(looksLikeLlmSpec('greedy')).toBe(false);
    expect(looksLikeLlmSpec({ type: 'bridge' })).toBe(false);
  });

  it('reads PARLEY_LLM_CONCURRENCY (0 = unlimited)', () => {
    expect(concurrencyFromEnv({})).toBe(DEFAULT_CONCURRENCY);
    expect(concurrencyFromEnv({ PARLEY_LLM_CONCURRENCY: '8' })).toBe(8);
    expect(concurrencyFromEnv({ PARLEY_LLM_CONCURRENCY: '0' })).toBe(Infinity);
    expect(() => concurrencyFromEnv({ PARLEY_LLM_CONCURRENCY: 'lots' })).toThrow();
  });
});
