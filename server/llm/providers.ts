import { AsyncLocalStorage } from 'node:async_hooks';
import { createAnthropic } from '@ai-sdk/anthropic';
import { createOpenAI } from '@ai-sdk/openai';
import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import type { LanguageModel } from 'ai';
import type { HttpExchange } from './record.ts';
import { isForbiddenKeyEnv, type Env, type LlmAgentSpec } from './spec.ts';

export type FetchFunction = typeof globalThis.fetch;

/**
 * The key an agent uses, read from the environment at call time (never stored in a spec or record).
 * Specs are checked against the allowed names when parsed; the admin token is refused here as well,
 * for a spec built by hand.
 */
export function apiKeyFor(spec: LlmAgentSpec, env: Env): string | undefined {
  if (!spec.apiKeyEnv) return undefined;
  if (isForbiddenKeyEnv(spec.apiKeyEnv)) throw new Error(`apiKeyEnv "${spec.apiKeyEnv}" is refused: the admin token is never sent to a model endpoint`);
  return env[spec.apiKeyEnv] || undefined;
}

/** What the concurrency limit is keyed by: one endpoint. */
export function endpointKey(spec: LlmAgentSpec): string {
  return `${spec.provider} ${spec.baseURL ?? 'default'}`;
}

/** The exchange list of the attempt running in this async context (see recordingFetch). */
const currentExchanges = new AsyncLocalStorage<HttpExchange[]>();

/** Run one attempt so that every HTTP exchange it makes is noted in `exchanges`. */
export function withExchangeLog<T>(exchanges: HttpExchange[], task: () => Promise<T>): Promise<T> {
  return currentExchanges.run(exchanges, task);
}

/**
 * A fetch that notes every HTTP exchange (status and latency, never headers or bodies) in the
 * running attempt's list, so the AI SDK's own retries on 429 and 5xx show up in the call record.
 * Models are shared between agents (see sharedLanguageModel), so the list comes from the async
 * context, not a closure.
 */
export function recordingFetch(base: FetchFunction = globalThis.fetch): FetchFunction {
  return async (input, init) => {
    const exchanges = currentExchanges.getStore();
    const started = performance.now();
    try {
      const response = await base(input, init);
      exchanges?.push({ status: response.status, latencyMs: Math.round(performance.now() - started) });
      return response;
    } catch (error) {
      exchanges?.push({ status: null, latencyMs: Math.round(performance.now() - started), error: error instanceof Error ? error.name : 'error' });
      throw error;
    }
  };
}

/**
 * The AI SDK model for a spec, with the API key read from the environment now. OpenAI goes
 * through Chat Completions, like every OpenAI-compatible server. Without apiKeyEnv, OpenAI and
 * Anthropic fall back to the SDK's own OPENAI_API_KEY / ANTHROPIC_API_KEY.
 */
export function languageModel(spec: LlmAgentSpec, env: Env, fetch: FetchFunction): LanguageModel {
  const apiKey = apiKeyFor(spec, env);
  switch (spec.provider) {
    case 'openai-compatible':
      return createOpenAICompatible({
        name: 'openai-compatible',
        baseURL: spec.baseURL!,
        apiKey,
        fetch,
        // send the answer's JSON schema as response_format (Ollama, vLLM, llama.cpp, LM Studio honour it)
        supportsStructuredOutputs: true,
        includeUsage: true,
      }).chatModel(spec.model);
    case 'openai':
      return createOpenAI({ baseURL: spec.baseURL, apiKey, fetch }).chat(spec.model);
    case 'anthropic':
      return createAnthropic({ baseURL: spec.baseURL, apiKey, fetch })(spec.model);
  }
}

const models = new WeakMap<FetchFunction, Map<string, LanguageModel>>();

/**
 * One model per endpoint, model, key and transport, shared by every agent that uses it: building a
 * model compiles the provider's response schemas, which costs more than a whole request.
 */
export function sharedLanguageModel(spec: LlmAgentSpec, env: Env, fetch: FetchFunction): LanguageModel {
  let byKey = models.get(fetch);
  if (!byKey) {
    byKey = new Map();
    models.set(fetch, byKey);
  }
  const key = JSON.stringify([spec.provider, spec.model, spec.baseURL ?? '', apiKeyFor(spec, env) ?? '']);
  let model = byKey.get(key);
  if (!model) {
    model = languageModel(spec, env, recordingFetch(fetch));
    byKey.set(key, model);
  }
  return model;
}
