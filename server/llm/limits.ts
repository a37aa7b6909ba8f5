import pLimit, { type LimitFunction } from 'p-limit';
import { LLM_ENV, type Env } from './spec.ts';

/**
 * How many requests may be in flight per endpoint at once. Local servers (Ollama, llama.cpp)
 * queue or fail when flooded, hosted APIs rate-limit; the limit is per provider and base URL, so
 * one slow endpoint never holds back another. PARLEY_LLM_CONCURRENCY sets it; 0 means unlimited.
 */
export const DEFAULT_CONCURRENCY = 64;

export function concurrencyFromEnv(env: Env = process.env): number {
  const raw = env[LLM_ENV.concurrency]?.trim();
  if (!raw) return DEFAULT_CONCURRENCY;
  if (raw === 'unlimited' || raw === '0') return Infinity;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) throw new Error(`${LLM_ENV.concurrency}="${raw}" must be a non-negative integer (0 = unlimited)`);
  return n;
}

export class ProviderLimits {
  private readonly limits = new Map<string, LimitFunction>();

  constructor(readonly concurrency: number = DEFAULT_CONCURRENCY) {}

  /** Run `task` when the endpoint has a free slot. */
  run<T>(endpoint: string, task: () => Promise<T>): Promise<T> {
    if (this.concurrency === Infinity) return task();
    let limit = this.limits.get(endpoint);
    if (!limit) {
      limit = pLimit(this.concurrency);
      this.limits.set(endpoint, limit);
    }
    return limit(task);
  }

  /** Requests running and waiting for an endpoint (for tests and monitoring). */
  load(endpoint: string): { active: number; waiting: number } {
    const limit = this.limits.get(endpoint);
    return { active: limit?.activeCount ?? 0, waiting: limit?.pendingCount ?? 0 };
  }
}

let shared: ProviderLimits | null = null;

/** The process-wide limits every LLM agent shares unless given its own (read from the environment once). */
export function sharedProviderLimits(): ProviderLimits {
  shared ??= new ProviderLimits(concurrencyFromEnv());
  return shared;
}
