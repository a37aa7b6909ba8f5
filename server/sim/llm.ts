import { scriptedSeatAgent, type SeatAgent } from '../../shared/engine/agent.ts';
import type { AnyGame } from '../../shared/engine/game.ts';
import { pickNames } from '../../shared/engine/names.ts';
import { playAgents, type LoggedDecision } from '../../shared/engine/play.ts';
import { getGame, resolveConfig } from '../../shared/games/index.ts';
import { createLlmAgent } from '../llm/agent.ts';
import { ProviderLimits, sharedProviderLimits } from '../llm/limits.ts';
import type { LlmCallRecord } from '../llm/record.ts';
import { isLlmSpec, parseAgentList, type AgentChoice, type Env } from '../llm/spec.ts';
import type { Persona } from '../../shared/personas.ts';
import { configWithSeatPersonas, gameSeatPersonas } from '../personas.ts';
import { gameSeed, toGameResult, type BatchSpec, type GameResult } from './batch.ts';

/**
 * Batches with LLM seats. Model calls are I/O-bound, so games run concurrently in this thread
 * (`concurrency` games at once) rather than in worker threads; results are still delivered in
 * game order, so the files do not depend on which game finished first.
 */

/** True when any seat of the batch's agent list is an LLM. */
export function batchUsesLlm(spec: BatchSpec, env: Env = process.env): boolean {
  const game = getGame(spec.game);
  const seats = game.seatCount(resolveConfig(game, spec.preset, spec.config));
  return parseAgentList(spec.agents, seats, env).some(isLlmSpec);
}

export interface LlmGameResult extends GameResult {
  /** one llm_calls.jsonl record per model call, linked to the event its action produced */
  calls: LlmCallLine[];
}

export type LlmCallLine = { game: number; seed: number; eventIndex: number } & LlmCallRecord;

function seatAgentFor(game: AnyGame, choice: AgentChoice, seat: number, state: unknown, limits: ProviderLimits, env: Env, persona: Persona | null): SeatAgent {
  if (isLlmSpec(choice)) return createLlmAgent(persona ? { ...choice, persona } : choice, { limits, env });
  const name = choice.name === 'scripted' ? game.scriptedAgentFor(state, seat) : choice.name;
  return scriptedSeatAgent(game, name, persona?.style);
}

function callLines(index: number, seed: number, decisions: LoggedDecision[]): LlmCallLine[] {
  const lines: LlmCallLine[] = [];
  for (const d of decisions) {
    for (const call of d.calls ?? []) lines.push({ game: index, seed, eventIndex: d.eventIndex, ...(call as LlmCallRecord) });
  }
  return lines;
}

/** Play game `index` of a batch with its (scripted and LLM) agents. */
export async function playLlmGame(spec: BatchSpec, index: number, limits: ProviderLimits, env: Env = process.env): Promise<LlmGameResult> {
  const game = getGame(spec.game);
  const config = resolveConfig(game, spec.preset, spec.config);
  const seats = game.seatCount(config);
  const choices = parseAgentList(spec.agents, seats, env);
  const seed = gameSeed(spec.seed, index);
  const names = pickNames(seats, seed);
  const personas = gameSeatPersonas(choices, spec.personas, seed);
  const gameConfig = configWithSeatPersonas(game, spec.preset, spec.config, config, personas);
  const played = await playAgents(game, gameConfig, seed, names, (seat, state) => seatAgentFor(game, choices[seat], seat, state, limits, env, personas[seat]));
  return { ...toGameResult(game, index, seed, names, played), calls: callLines(index, seed, played.decisions) };
}

/**
 * Play games [from, spec.games) with up to `concurrency` games in flight, calling `onGame` strictly in
 * game order. The process-wide provider limits (PARLEY_LLM_CONCURRENCY) cap requests per endpoint.
 * `from` > 0 skips games already played (a resumed tournament).
 */
export function playLlmBatch(
  spec: BatchSpec,
  concurrency: number,
  onGame: (result: LlmGameResult) => void | Promise<void>,
  limits: ProviderLimits = sharedProviderLimits(),
  env: Env = process.env,
  from = 0,
): Promise<void> {
  const indices = Array.from({ length: Math.max(0, spec.games - from) }, (_, k) => from + k);
  return playLlmGames(spec, indices, concurrency, onGame, limits, env);
}

/** Play the listed games of a batch (a shard's share), `concurrency` at once, delivering them in the listed order. */
export async function playLlmGames(
  spec: BatchSpec,
  indices: readonly number[],
  concurrency: number,
  onGame: (result: LlmGameResult) => void | Promise<void>,
  limits: ProviderLimits = sharedProviderLimits(),
  env: Env = process.env,
): Promise<void> {
  // keyed by position in the list, so the delivery order is the list's order
  const ready = new Map<number, LlmGameResult>();
  let nextToStart = 0;
  let nextToDeliver = 0;
  let delivering = Promise.resolve();
  const deliver = () => {
    delivering = delivering.then(async () => {
      while (ready.has(nextToDeliver)) {
        const result = ready.get(nextToDeliver)!;
        ready.delete(nextToDeliver++);
        await onGame(result);
      }
    });
    return delivering;
  };
  const lane = async () => {
    while (nextToStart < indices.length) {
      const position = nextToStart++;
      ready.set(position, await playLlmGame(spec, indices[position], limits, env));
      await deliver();
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, indices.length)) }, lane));
  await delivering;
}

export interface LlmUsage {
  calls: number;
  attempts: number;
  /** attempts after the first of their call (re-asks and repeated requests) */
  reasks: number;
  fallbacks: number;
  inputTokens: number;
  outputTokens: number;
}

export function emptyLlmUsage(): LlmUsage {
  return { calls: 0, attempts: 0, reasks: 0, fallbacks: 0, inputTokens: 0, outputTokens: 0 };
}

/** Add one call to a batch's totals (summary.json: what the batch cost). */
export function addLlmUsage(usage: LlmUsage, call: LlmCallRecord): void {
  usage.calls++;
  usage.attempts += call.attempts.length;
  usage.reasks += call.attempts.length - 1;
  usage.inputTokens += call.inputTokens;
  usage.outputTokens += call.outputTokens;
  if (call.fallback) usage.fallbacks++;
}
