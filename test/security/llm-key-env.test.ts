import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiKeyFor } from '../../server/llm/providers.ts';
import { llmAgentResolver } from '../../server/llm/resolver.ts';
import { AgentSpecError, allowedKeyEnvs, resolveLlmSpec, type LlmAgentSpec } from '../../server/llm/spec.ts';
import { bootServer, type TestServer } from '../integration/helpers.ts';

const SPEC = { type: 'llm', provider: 'openai-compatible', model: 'm', baseURL: 'http://127.0.0.1:9/v1' };

describe('apiKeyEnv is limited to an allowlist (issue 9.3)', () => {
  it('accepts the usual provider keys and the names listed in PARLEY_LLM_KEY_ENVS', () => {
    for (const name of ['OPENAI_API_KEY', 'ANTHROPIC_API_KEY', 'OPENROUTER_API_KEY', 'PARLEY_LLM_API_KEY']) {
      expect(resolveLlmSpec({ ...SPEC, apiKeyEnv: name }, {}).apiKeyEnv).toBe(name);
    }
    expect(resolveLlmSpec({ ...SPEC, apiKeyEnv: 'GROQ_API_KEY' }, { PARLEY_LLM_KEY_ENVS: ' GROQ_API_KEY , X_KEY' }).apiKeyEnv).toBe('GROQ_API_KEY');
  });

  it('refuses any other name, with a message naming the allowed variables', () => {
    expect(() => resolveLlmSpec({ ...SPEC, apiKeyEnv: 'HOME' }, {})).toThrow(AgentSpecError);
    expect(() => resolveLlmSpec({ ...SPEC, apiKeyEnv: 'AWS_SECRET_ACCESS_KEY' }, {})).toThrow(/OPENAI_API_KEY, ANTHROPIC_API_KEY, OPENROUTER_API_KEY, PARLEY_LLM_API_KEY.*PARLEY_LLM_KEY_ENVS/);
  });

  it('never allows the admin token, or anything named PARLEY_ADMIN*, even when listed', () => {
    const env = { PARLEY_LLM_KEY_ENVS: 'PARLEY_ADMIN_TOKEN,parley_admin_x,PARLEY_ADMIN' };
    expect(allowedKeyEnvs(env).some((n) => n.toUpperCase().startsWith('PARLEY_ADMIN'))).toBe(false);
    for (const name of ['PARLEY_ADMIN_TOKEN', 'parley_admin_x', 'PARLEY_ADMIN']) {
      expect(() => resolveLlmSpec({ ...SPEC, apiKeyEnv: name }, env)).toThrow(/admin token is never sent/);
    }
    // a spec built by hand, past the parser, still cannot read it
    const handMade = { ...resolveLlmSpec(SPEC, {}), apiKeyEnv: 'PARLEY_ADMIN_TOKEN' } as LlmAgentSpec;
    expect(() => apiKeyFor(handMade, { PARLEY_ADMIN_TOKEN: 'secret' })).toThrow(/refused/);
  });
});

describe('a session asking for the admin token as its key', () => {
  let t: TestServer;
  beforeAll(async () => {
    const env = { PARLEY_ADMIN_TOKEN: 'test-admin-token', PARLEY_LLM_KEY_ENVS: 'PARLEY_ADMIN_TOKEN' };
    t = await bootServer({ agentResolvers: [llmAgentResolver({ env })] });
  });
  afterAll(() => t.close());

  it('is refused with HTTP 400 naming the allowed variables, and creates nothing', async () => {
    const before = await t.api<{ sessions: unknown[] }>('GET', '/api/sessions');
    const res = await t.api<{ error: string }>('POST', '/api/sessions', {
      game: 'trust-split',
      seats: [{ kind: 'human' }, { kind: 'agent', agent: { ...SPEC, apiKeyEnv: 'PARLEY_ADMIN_TOKEN' } }],
    });
    expect(res.status).toBe(400);
    expect(res.json.error).toMatch(/apiKeyEnv "PARLEY_ADMIN_TOKEN" is refused/);
    expect(res.json.error).toMatch(/OPENAI_API_KEY/);
    const after = await t.api<{ sessions: unknown[] }>('GET', '/api/sessions');
    expect(after.json.sessions).toHaveLength(before.json.sessions.length);
  });
});
