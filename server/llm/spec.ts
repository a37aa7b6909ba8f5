import { z } from 'zod';
import { PersonaInputSchema, toPersona, type Persona } from '../../shared/personas.ts';
import { ScriptedAgentSpecSchema } from '../agents.ts';

/**
 * What an LLM seat is: which endpoint and model, how it is asked, and how hard we try to get a
 * usable answer. A spec is recorded with the data (sessions, simulator summaries), so it never
 * holds a secret: the API key is read from the environment variable it names, at call time.
 */
export const LLM_PROVIDERS = ['openai-compatible', 'openai', 'anthropic'] as const;
export type LlmProvider = (typeof LLM_PROVIDERS)[number];

export const STRUCTURED_OUTPUT_MODES = ['auto', 'json', 'tagged'] as const;
export type StructuredOutputMode = (typeof STRUCTURED_OUTPUT_MODES)[number];

/** Whose prompts an LLM seat reads: Parley's own, or the reference code's wording and answer formats (docs/llm-agents.md). */
export const PROMPT_SETS = ['parley', 'reference'] as const;
export type PromptSet = (typeof PROMPT_SETS)[number];

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export const LlmAgentSpecSchema = z.strictObject({
  type: z.literal('llm'),
  provider: z.enum(LLM_PROVIDERS),
  model: z.string().min(1).max(300),
  /** e.g. http://localhost:11434/v1 (Ollama); required for openai-compatible */
  baseURL: z.url({ protocol: /^https?$/ }).optional(),
  /** the environment variable holding the API key (the key itself is never part of a spec) */
  apiKeyEnv: z.string().regex(ENV_NAME, 'an environment variable name').optional(),
  temperature: z.number().min(0).max(2).optional(),
  /** cap on output tokens per call */
  maxTokens: z.number().int().min(1).max(200_000).optional(),
  /** who the seat plays: a character description (text) or a persona (biography, traits; shared/personas.ts) */
  persona: PersonaInputSchema.optional(),
  /** "parley" (default): Parley's prompts; "reference": the paper's reference code's prompts and answer formats */
  prompts: z.enum(PROMPT_SETS).optional(),
  /** re-asks after unusable output (bad JSON, illegal move, too long) or a failed request, before a fallback */
  maxRetries: z.number().int().min(0).max(20).default(2),
  /** HTTP retries with exponential backoff on 429 and 5xx inside one attempt (the AI SDK's maxRetries) */
  httpRetries: z.number().int().min(0).max(20).default(2),
  /** per attempt, HTTP retries included */
  timeoutMs: z.number().int().min(1).max(3_600_000).default(120_000),
  /**
   * "json": schema-constrained JSON (the endpoint's structured output); "tagged": tagged text such
   * as <vote>3</vote>, for endpoints without structured output; "auto": JSON, switching this agent
   * to tagged text for good when the endpoint rejects the structured-output request.
   */
  structuredOutput: z.enum(STRUCTURED_OUTPUT_MODES).default('auto'),
  /** a label for the data; default "llm:<model>" */
  name: z.string().min(1).max(200).optional(),
});
export type LlmAgentSpec = z.infer<typeof LlmAgentSpecSchema>;
export type LlmAgentSpecInput = z.input<typeof LlmAgentSpecSchema>;

/** A parsed seat agent: one of the game's scripted agents (by name, checked by the caller), with its persona, or an LLM. */
export type AgentChoice = { type: 'scripted'; name: string; persona?: Persona } | LlmAgentSpec;

/** The persona a parsed seat agent plays, if any. */
export function choicePersona(choice: AgentChoice): Persona | null {
  return choice.persona === undefined ? null : toPersona(choice.persona);
}

export class AgentSpecError extends Error {}

/** The environment the defaults come from (process.env in production; tests pass their own). */
export type Env = Record<string, string | undefined>;

/**
 * The environment variables a spec may name in `apiKeyEnv`: the usual provider keys plus those
 * listed (comma-separated) in PARLEY_LLM_KEY_ENVS. A spec can come from anyone holding the admin
 * token and can point at any URL, so it must not be able to send the server's other secrets there.
 */
export const DEFAULT_KEY_ENVS = ['OPENAI_API_KEY', 'ANTHROPIC_API_KEY', 'OPENROUTER_API_KEY', 'PARLEY_LLM_API_KEY'] as const;
export const KEY_ENVS_VAR = 'PARLEY_LLM_KEY_ENVS';

/** Never a key, whatever PARLEY_LLM_KEY_ENVS says: the admin token and anything named like it. */
export function isForbiddenKeyEnv(name: string): boolean {
  return name.toUpperCase().startsWith('PARLEY_ADMIN');
}

/** The variable names `apiKeyEnv` may take in this environment. */
export function allowedKeyEnvs(env: Env): string[] {
  const extra = (env[KEY_ENVS_VAR] ?? '').split(',').map((s) => s.trim()).filter((s) => ENV_NAME.test(s));
  return [...new Set([...DEFAULT_KEY_ENVS, ...extra])].filter((name) => !isForbiddenKeyEnv(name));
}

/** Throws unless `name` may be used as `apiKeyEnv` here; the message names the allowed variables. */
export function checkKeyEnv(name: string, env: Env): void {
  const allowed = allowedKeyEnvs(env);
  if (allowed.includes(name)) return;
  const why = isForbiddenKeyEnv(name) ? 'the admin token is never sent to a model endpoint' : `it is not an allowed key variable`;
  throw new AgentSpecError(
    `apiKeyEnv "${name}" is refused: ${why}. Use one of ${allowed.join(', ')}, or (server operators) add the name to ${KEY_ENVS_VAR} (comma-separated).`,
  );
}

/** The environment variables that make plain "llm" work. */
export const LLM_ENV = {
  provider: 'PARLEY_LLM_PROVIDER',
  baseURL: 'PARLEY_LLM_BASE_URL',
  model: 'PARLEY_LLM_MODEL',
  apiKey: 'PARLEY_LLM_API_KEY',
  concurrency: 'PARLEY_LLM_CONCURRENCY',
} as const;

function envDefaults(env: Env): Record<string, unknown> {
  const provider = env[LLM_ENV.provider]?.trim() || 'openai-compatible';
  if (!(LLM_PROVIDERS as readonly string[]).includes(provider)) {
    throw new AgentSpecError(`${LLM_ENV.provider}="${provider}" is not one of ${LLM_PROVIDERS.join(', ')}`);
  }
  const out: Record<string, unknown> = { type: 'llm', provider };
  if (env[LLM_ENV.baseURL]?.trim()) out.baseURL = env[LLM_ENV.baseURL]!.trim();
  if (env[LLM_ENV.model]?.trim()) out.model = env[LLM_ENV.model]!.trim();
  if (env[LLM_ENV.apiKey]) out.apiKeyEnv = LLM_ENV.apiKey;
  return out;
}

function describeIssues(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.length ? i.path.join('.') + ': ' : ''}${i.message}`).join('; ');
}

/**
 * Fill an LLM spec from the environment and validate it. Environment defaults apply to fields the
 * spec leaves out; the base URL only when the spec's provider is the environment's provider.
 */
export function resolveLlmSpec(input: Record<string, unknown>, env: Env = process.env): LlmAgentSpec {
  if ('apiKey' in input) {
    throw new AgentSpecError('an agent spec must not contain an API key: put it in an environment variable and name that variable in "apiKeyEnv"');
  }
  const defaults = envDefaults(env);
  const provider = (input.provider as string | undefined) ?? defaults.provider;
  const merged: Record<string, unknown> = { ...input, provider };
  if (merged.model === undefined && defaults.model !== undefined) merged.model = defaults.model;
  if (merged.baseURL === undefined && defaults.baseURL !== undefined && provider === defaults.provider) merged.baseURL = defaults.baseURL;
  if (merged.apiKeyEnv === undefined && defaults.apiKeyEnv !== undefined) merged.apiKeyEnv = defaults.apiKeyEnv;
  if (merged.model === undefined) {
    throw new AgentSpecError(`LLM agent has no model: set ${LLM_ENV.model}, write "llm:<model>", or give "model" in the spec`);
  }
  const parsed = LlmAgentSpecSchema.safeParse(merged);
  if (!parsed.success) throw new AgentSpecError(`invalid LLM agent spec: ${describeIssues(parsed.error)}`);
  if (parsed.data.apiKeyEnv !== undefined) checkKeyEnv(parsed.data.apiKeyEnv, env);
  if (parsed.data.provider === 'openai-compatible' && !parsed.data.baseURL) {
    throw new AgentSpecError(`an openai-compatible LLM agent needs a base URL: set ${LLM_ENV.baseURL} or give "baseURL" (e.g. http://localhost:11434/v1 for Ollama)`);
  }
  return parsed.data;
}

/**
 * Parse one seat's agent as sessions and the simulator accept it:
 *   "llm"                    an LLM from the PARLEY_LLM_* environment
 *   "llm:<model>"            the same, with this model (everything after the first colon, so "llm:llama3.1:8b" works)
 *   '{"type":"llm",…}'       a JSON spec (string or object)
 *   any other name           a scripted agent of the game (the caller checks the name)
 */
export function parseAgentSpec(input: string | Record<string, unknown>, env: Env = process.env): AgentChoice {
  if (typeof input !== 'string') {
    if (input.type === 'scripted') {
      const parsed = ScriptedAgentSpecSchema.safeParse(input);
      if (!parsed.success) throw new AgentSpecError(`invalid scripted agent spec: ${describeIssues(parsed.error)}`);
      return { type: 'scripted', name: parsed.data.name, ...(parsed.data.persona !== undefined ? { persona: toPersona(parsed.data.persona) } : {}) };
    }
    if (input.type !== 'llm') throw new AgentSpecError(`unknown agent type "${String(input.type)}" (expected "llm" or "scripted")`);
    return resolveLlmSpec(input, env);
  }
  const text = input.trim();
  if (text.startsWith('{')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (error) {
      throw new AgentSpecError(`agent spec is not valid JSON: ${(error as Error).message}`);
    }
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new AgentSpecError('a JSON agent spec must be an object');
    return parseAgentSpec(parsed as Record<string, unknown>, env);
  }
  if (text === 'llm') return resolveLlmSpec({ type: 'llm' }, env);
  if (text.startsWith('llm:')) {
    const model = text.slice(4).trim();
    if (!model) throw new AgentSpecError('"llm:" needs a model name, e.g. llm:llama3.1:8b');
    return resolveLlmSpec({ type: 'llm', model }, env);
  }
  if (!text) throw new AgentSpecError('empty agent name');
  return { type: 'scripted', name: text };
}

export function isLlmSpec(choice: AgentChoice): choice is LlmAgentSpec {
  return choice.type === 'llm';
}

/** The agent's name as recorded with the data. */
export function llmAgentName(spec: LlmAgentSpec): string {
  return spec.name ?? `llm:${spec.model}`;
}

/**
 * Split a per-seat agent list: a JSON array of specs, one JSON spec for every seat, or
 * comma-separated names ("llm", "llm:<model>", scripted names). One entry means every seat.
 */
export function parseAgentList(text: string, seats: number, env: Env = process.env): AgentChoice[] {
  const trimmed = text.trim();
  let entries: (string | Record<string, unknown>)[];
  if (trimmed.startsWith('[')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(trimmed);
    } catch (error) {
      throw new AgentSpecError(`agent list is not valid JSON: ${(error as Error).message}`);
    }
    if (!Array.isArray(parsed)) throw new AgentSpecError('a JSON agent list must be an array');
    entries = parsed as (string | Record<string, unknown>)[];
  } else if (trimmed.startsWith('{')) {
    entries = [trimmed];
  } else {
    entries = trimmed.split(',').map((s) => s.trim()).filter(Boolean);
  }
  if (entries.length === 0) throw new AgentSpecError('no agents given');
  const choices = entries.map((entry) => {
    if (typeof entry !== 'string' && (entry === null || typeof entry !== 'object')) throw new AgentSpecError('each agent must be a name or a spec object');
    return parseAgentSpec(entry, env);
  });
  if (choices.length === 1) return new Array<AgentChoice>(seats).fill(choices[0]);
  if (choices.length !== seats) {
    throw new AgentSpecError(`the agent list has ${choices.length} entries but the game has ${seats} seats: give one agent for all seats or exactly ${seats}`);
  }
  return choices;
}
