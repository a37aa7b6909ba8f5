import { APICallError, generateText, RetryError, zodSchema, type JSONSchema7, type ModelMessage, type OutputInterface } from 'ai';
import type { Action } from '../../shared/engine/actions.ts';
import type { AgentDecision, DecisionContext, SeatAgent } from '../../shared/engine/agent.ts';
import { answerForm, type AnswerForm, type AnswerMode, type ParsedAnswer } from './answer.ts';
import { toPersona } from '../../shared/personas.ts';
import { sharedProviderLimits, type ProviderLimits } from './limits.ts';
import { prompterFor, referencePrompterFor, TASK_HEADING, type PromptInput, type PromptParts, type ReferencePrompt } from './prompts/index.ts';
import { apiKeyFor, endpointKey, sharedLanguageModel, withExchangeLog, type FetchFunction } from './providers.ts';
import { publicBaseURL, redact, type AttemptErrorKind, type HttpExchange, type LlmAttempt, type LlmCallRecord, type LlmMessage } from './record.ts';
import { llmAgentName, type Env, type LlmAgentSpec } from './spec.ts';
import { httpFetch } from './transport.ts';

export interface LlmAgentOptions {
  /** where API keys are read from (default process.env) */
  env?: Env;
  /** the HTTP client under the AI SDK (default: httpFetch for http:// endpoints, the built-in fetch for https://) */
  fetch?: FetchFunction;
  /** per-endpoint concurrency (default: the process-wide limits from PARLEY_LLM_CONCURRENCY) */
  limits?: ProviderLimits;
}

export interface LlmSeatAgent extends SeatAgent {
  readonly spec: LlmAgentSpec;
  /** how this agent currently asks: "auto" settles on json, or on tagged once the endpoint refuses json */
  readonly mode: AnswerMode;
}

/** JSON Schemas of the (cached) answer schemas, converted once each. */
const jsonSchemas = new WeakMap<object, PromiseLike<JSONSchema7>>();

/** The response format of json mode: the answer's schema goes to the endpoint, the text comes back untouched. */
function jsonAnswerOutput(form: AnswerForm): OutputInterface<string, string, never> {
  let schema = jsonSchemas.get(form.schema);
  if (!schema) {
    schema = Promise.resolve(zodSchema(form.schema).jsonSchema);
    jsonSchemas.set(form.schema, schema);
  }
  return {
    name: 'object',
    responseFormat: Promise.resolve(schema).then((json) => ({ type: 'json' as const, schema: json, name: 'answer' })),
    parseCompleteOutput: async ({ text }) => text,
    parsePartialOutput: async ({ text }) => ({ partial: text }),
    createElementStreamTransform: () => undefined,
  };
}

function taskMessage(parts: PromptParts, form: AnswerForm, mode: AnswerMode): string {
  return `${parts.memory}\n\n${TASK_HEADING}\n${parts.task}\n${form.constraints}\n\n${form.instructions(mode)}`;
}

function correctionMessage(error: string, form: AnswerForm, mode: AnswerMode): string {
  return `Your answer could not be used: ${error}\n\n${TASK_HEADING} (again)\n${form.constraints}\n\n${form.instructions(mode)}`;
}

/** Endpoints without structured output reject the response_format with a 4xx that says so. */
function refusesStructuredOutput(error: unknown): boolean {
  if (!APICallError.isInstance(error)) return false;
  const status = error.statusCode ?? 0;
  if (![400, 404, 415, 422, 501].includes(status)) return false;
  return /response_format|json_schema|json schema|structured|grammar|schema/i.test(`${error.message} ${error.responseBody ?? ''}`);
}

/** How one attempt asks and reads: Parley's JSON or tagged answer, or a reference prompt set's own text format. */
interface Ask {
  mode: AnswerMode | 'reference';
  /** the JSON answer's form (json mode: sent as the response format) */
  form: AnswerForm;
  parse(text: string): ParsedAnswer;
}

type AttemptOutcome =
  | { ok: true; raw: string; action: Action; thoughts?: string }
  | { ok: false; kind: AttemptErrorKind | 'unsupported'; error: string; raw: string | null; thoughts?: string };

/**
 * An LLM playing one seat. Each decision is one call: the game's prompt from the seat's view, the
 * answer asked for in the pending request's exact form, re-asked with the error when the answer is
 * unusable (up to spec.maxRetries times), then a legal default marked as a fallback. Everything
 * sent and received goes into the call record; the API key goes nowhere.
 */
export function createLlmAgent(spec: LlmAgentSpec, options: LlmAgentOptions = {}): LlmSeatAgent {
  const env = options.env ?? process.env;
  const model = sharedLanguageModel(spec, env, options.fetch ?? httpFetch);
  const secrets = [apiKeyFor(spec, env)].filter((s): s is string => !!s);
  const limits = options.limits ?? sharedProviderLimits();
  const endpoint = endpointKey(spec);
  const name = llmAgentName(spec);
  let mode: AnswerMode = spec.structuredOutput === 'tagged' ? 'tagged' : 'json';

  async function attempt(
    ctx: DecisionContext,
    system: string | undefined,
    conversation: LlmMessage[],
    ask: Ask,
    record: LlmAttempt,
  ): Promise<AttemptOutcome> {
    const askMode = ask.mode;
    return limits.run(endpoint, async (): Promise<AttemptOutcome> => {
      if (ctx.signal?.aborted) return { ok: false, kind: 'aborted', error: 'the decision was no longer wanted', raw: null };
      const started = performance.now();
      // one controller for the attempt's deadline and the caller's abort (cheaper than AbortSignal.any)
      const controller = new AbortController();
      let timedOut = false;
      const timer = setTimeout(() => {
        timedOut = true;
        controller.abort(new DOMException(`no answer within ${spec.timeoutMs} ms`, 'TimeoutError'));
      }, spec.timeoutMs);
      const forwardAbort = () => controller.abort(ctx.signal?.reason);
      ctx.signal?.addEventListener('abort', forwardAbort, { once: true });
      const signal = controller.signal;
      try {
        const result = await withExchangeLog(record.http, () =>
          generateText({
            model,
            system,
            messages: conversation.map((m) => ({ role: m.role, content: m.content }) as ModelMessage),
            temperature: spec.temperature,
            maxOutputTokens: spec.maxTokens,
            maxRetries: spec.httpRetries,
            abortSignal: signal,
            ...(askMode === 'json' ? { output: jsonAnswerOutput(ask.form) } : {}),
          }),
        );
        record.latencyMs = Math.round(performance.now() - started);
        record.raw = redact(result.text, secrets);
        record.inputTokens = result.usage.inputTokens ?? null;
        record.outputTokens = result.usage.outputTokens ?? null;
        record.finishReason = result.finishReason;
        if (result.reasoningText) record.reasoning = redact(result.reasoningText, secrets);
        const parsed = ask.parse(result.text);
        if (!parsed.ok) return { ok: false, kind: parsed.kind, error: parsed.error, raw: result.text, thoughts: parsed.thoughts };
        record.action = parsed.action;
        return { ok: true, raw: result.text, action: parsed.action, thoughts: parsed.thoughts ?? result.reasoningText ?? undefined };
      } catch (caught) {
        record.latencyMs = Math.round(performance.now() - started);
        const error = RetryError.isInstance(caught) ? (caught.lastError ?? caught) : caught;
        if (ctx.signal?.aborted) return { ok: false, kind: 'aborted', error: 'the decision was no longer wanted', raw: null };
        if (timedOut) return { ok: false, kind: 'timeout', error: `no answer within ${spec.timeoutMs} ms`, raw: null };
        const status = APICallError.isInstance(error) && error.statusCode ? `HTTP ${error.statusCode}: ` : '';
        const message = redact(`${status}${error instanceof Error ? error.message : String(error)}`, secrets);
        if (askMode === 'json' && spec.structuredOutput === 'auto' && refusesStructuredOutput(error)) {
          return { ok: false, kind: 'unsupported', error: message, raw: null };
        }
        return { ok: false, kind: 'request', error: message, raw: null };
      } finally {
        clearTimeout(timer);
        ctx.signal?.removeEventListener('abort', forwardAbort);
      }
    });
  }

  async function decide(ctx: DecisionContext): Promise<AgentDecision> {
    const started = performance.now();
    const names = (ctx.view as { names?: readonly string[] }).names ?? [];
    const form = answerForm(ctx.pending, names);
    const input: PromptInput<unknown> = { view: ctx.view, seat: ctx.seat, pending: ctx.pending, ...(spec.persona !== undefined ? { persona: toPersona(spec.persona) } : {}) };
    // the reference set covers the requests its code has; the others (e.g. Traitors beliefs) use Parley's prompts
    const reference: ReferencePrompt | null = spec.prompts === 'reference' ? referencePrompterFor(ctx.gameId)(input) : null;
    const parts: PromptParts | null = reference ? null : prompterFor(ctx.gameId)(input);
    const system = reference ? reference.system : parts!.system;
    let askMode: AnswerMode = mode;
    const askFor = (m: AnswerMode): Ask => (reference ? { mode: 'reference', form, parse: reference.parse } : { mode: m, form, parse: (text) => form.parse(text, m) });
    let conversation: LlmMessage[] = reference ? reference.messages : [{ role: 'user', content: taskMessage(parts!, form, askMode) }];
    const attempts: LlmAttempt[] = [];
    let chosen: { action: Action; thoughts?: string } | null = null;
    let lastError: string | undefined;
    let lastThoughts: string | undefined;

    for (let retriesLeft = spec.maxRetries; ; ) {
      const record: LlmAttempt = {
        index: attempts.length,
        mode: askFor(askMode).mode,
        messageCount: conversation.length + 1,
        raw: null,
        latencyMs: 0,
        inputTokens: null,
        outputTokens: null,
        http: [] as HttpExchange[],
      };
      attempts.push(record);
      const outcome = await attempt(ctx, system, conversation, askFor(askMode), record);
      if (outcome.ok) {
        chosen = { action: outcome.action, thoughts: outcome.thoughts };
        break;
      }
      record.error = outcome.error;
      lastError = outcome.error;
      if (outcome.kind === 'aborted') {
        record.errorKind = 'aborted';
        break;
      }
      if (outcome.kind === 'unsupported') {
        // the endpoint has no structured output: ask in tagged text from now on (not counted as a retry)
        record.errorKind = 'request';
        record.messages = [...(system ? [{ role: 'system' as const, content: system }] : []), ...conversation];
        mode = askMode = 'tagged';
        conversation = [{ role: 'user', content: taskMessage(parts!, form, askMode) }];
        continue;
      }
      record.errorKind = outcome.kind;
      if (outcome.thoughts) lastThoughts = outcome.thoughts;
      if (retriesLeft-- <= 0) break;
      if (outcome.kind === 'format' || outcome.kind === 'illegal') {
        conversation = reference
          ? reference.reask(conversation, outcome.raw ?? '', outcome.error)
          : [
              ...conversation,
              { role: 'assistant', content: outcome.raw ?? '' },
              { role: 'user', content: correctionMessage(outcome.error, form, askMode) },
            ];
      }
      // request errors and timeouts: the same conversation again
    }

    const fallback = chosen === null;
    const action = chosen?.action ?? form.fallback(ctx.rng);
    const thoughts = chosen?.thoughts ?? lastThoughts;
    const call: LlmCallRecord = {
      kind: 'llm_call',
      provider: spec.provider,
      model: spec.model,
      ...(spec.baseURL ? { baseURL: publicBaseURL(spec.baseURL) } : {}),
      agent: name,
      gameId: ctx.gameId,
      seat: ctx.seat,
      task: 'purpose' in ctx.pending ? `${ctx.pending.kind}/${ctx.pending.purpose}` : ctx.pending.kind,
      messages: [...(system ? [{ role: 'system' as const, content: system }] : []), ...conversation].map((m) => (secrets.length ? { ...m, content: redact(m.content, secrets) } : m)),
      attempts,
      action,
      fallback,
      ...(thoughts ? { thoughts } : {}),
      latencyMs: Math.round(performance.now() - started),
      inputTokens: attempts.reduce((sum, a) => sum + (a.inputTokens ?? 0), 0),
      outputTokens: attempts.reduce((sum, a) => sum + (a.outputTokens ?? 0), 0),
      ...(fallback && lastError ? { error: lastError } : {}),
    };
    return { action, ...(thoughts ? { thoughts } : {}), ...(fallback ? { fallback: true } : {}), calls: [call] };
  }

  return {
    name,
    spec,
    get mode() {
      return mode;
    },
    decide,
  };
}
