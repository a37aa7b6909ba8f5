import type { Action } from '../../shared/engine/actions.ts';

/**
 * The record of one model call: everything a researcher needs to audit what the model was told,
 * what it answered and what the game made of it. One call = one decision; its attempts are the
 * re-asks after unusable output or a failed request. Stored in AgentDecision.calls, written to
 * llm_calls.jsonl by the simulator and to the session log by the server. Never holds a key.
 */
export interface LlmMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

/** One HTTP request inside an attempt (the AI SDK retries 429 and 5xx with backoff). */
export interface HttpExchange {
  /** HTTP status, or null when no response came (network error, timeout) */
  status: number | null;
  latencyMs: number;
  error?: string;
}

export type AttemptErrorKind =
  /** the answer was not in the asked form (bad JSON, missing tag) */
  | 'format'
  /** well-formed but not a legal move (out of range, wrong seat, too long) */
  | 'illegal'
  /** the endpoint failed (HTTP error after its retries, refused request) */
  | 'request'
  /** no answer within timeoutMs */
  | 'timeout'
  /** the decision was no longer wanted (state moved on, room closed) */
  | 'aborted';

export interface LlmAttempt {
  /** 0-based */
  index: number;
  /** "json" or "tagged" (Parley's prompts), or "reference" (a reference prompt set's own format): how this attempt asked for its answer */
  mode: 'json' | 'tagged' | 'reference';
  /** how many of the call's messages this attempt sent (the first ones) */
  messageCount: number;
  /** the messages this attempt sent, only when they are not a prefix of the call's (before a switch to tagged mode) */
  messages?: LlmMessage[];
  /** the model's text exactly as received, or null when there was none */
  raw: string | null;
  /** the model's own reasoning channel, when the endpoint returns one */
  reasoning?: string;
  /** the action this attempt's answer parsed to, when it was legal */
  action?: Action;
  error?: string;
  errorKind?: AttemptErrorKind;
  latencyMs: number;
  inputTokens: number | null;
  outputTokens: number | null;
  finishReason?: string;
  http: HttpExchange[];
}

export type LlmCallRecord = {
  kind: 'llm_call';
  provider: string;
  model: string;
  /** the endpoint (no key, no query secrets: only origin and path) */
  baseURL?: string;
  agent: string;
  gameId: string;
  seat: number;
  /** what was asked: the pending kind and its purpose (e.g. "vote/banish") */
  task: string;
  /** the whole conversation as last sent: system, user, then (assistant answer, user correction) per re-ask */
  messages: LlmMessage[];
  attempts: LlmAttempt[];
  /** the legal action taken (the model's, or the fallback) */
  action: Action;
  /** true when no attempt gave a legal action and the default was taken */
  fallback: boolean;
  thoughts?: string;
  /** wall time of the whole call, queueing for the concurrency limit included */
  latencyMs: number;
  inputTokens: number;
  outputTokens: number;
  /** the last attempt's error when the call fell back */
  error?: string;
};

/** Strip credentials from anything that goes into a record (defence in depth: errors may echo requests). */
export function redact(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) if (secret.length >= 4) out = out.split(secret).join('[redacted]');
  return out;
}

/** Only origin and path of a base URL: query strings sometimes carry keys. */
export function publicBaseURL(url: string | undefined): string | undefined {
  if (!url) return undefined;
  try {
    const parsed = new URL(url);
    return `${parsed.origin}${parsed.pathname}`.replace(/\/$/, '');
  } catch {
    return undefined;
  }
}
