import type { PendingKind } from '../../shared/engine/actions.ts';
import type { DecisionContext } from '../../shared/engine/agent.ts';
import type { GameEventBase } from '../../shared/engine/game.ts';
import { Match } from '../../shared/engine/match.ts';
import { pickNames } from '../../shared/engine/names.ts';
import { agentRng, type LoggedDecision } from '../../shared/engine/play.ts';
import { getGame, resolveConfig } from '../../shared/games/index.ts';
import type { LlmCallRecord } from '../../server/llm/record.ts';
import { resolveLlmSpec, type LlmAgentSpec, type LlmAgentSpecInput } from '../../server/llm/spec.ts';

/** An LLM spec against the fake server (no environment involved). */
export function fakeSpec(baseURL: string, extra: Partial<LlmAgentSpecInput> = {}): LlmAgentSpec {
  return resolveLlmSpec({ type: 'llm', provider: 'openai-compatible', model: 'fake-model', baseURL, ...extra }, {});
}

/**
 * A real decision context: play `gameId` with its scripted agents and return the first seat
 * context `wanted` accepts (null when the game ends first).
 */
export function contextWhere(gameId: string, wanted: (ctx: DecisionContext) => boolean, seed = 3, preset?: string, overrides: Record<string, unknown> = {}): DecisionContext | null {
  for (const ctx of scriptedContexts(gameId, seed, preset, overrides)) if (wanted(ctx)) return ctx;
  return null;
}

/**
 * Every decision context of one game played by the game's scripted agents, in the order asked
 * (seats asked together in seat order); each context's view is the state when it was asked.
 */
export function* scriptedContexts(gameId: string, seed = 3, preset?: string, overrides: Record<string, unknown> = {}): Generator<DecisionContext> {
  const game = getGame(gameId);
  const config = resolveConfig(game, preset, overrides);
  const n = game.seatCount(config);
  const match = Match.start<unknown, GameEventBase>(game, config, seed, pickNames(n, seed));
  for (let turn = 0; turn < 10_000 && !match.isOver; turn++) {
    const contexts = match.pendingSeats().map((seat) => ({ gameId, seat, view: game.view(match.state, seat), pending: match.pending(seat)!, rng: agentRng(seed, seat, turn) }));
    yield* contexts;
    for (const ctx of contexts) {
      const result = match.submit(ctx.seat, game.agents[game.scriptedAgentFor(match.state, ctx.seat)](ctx));
      if (!result.ok) throw new Error(result.message);
    }
  }
}

/** The `skip`-th moment some seat is asked for a `kind` action. */
export function contextAt(gameId: string, kind: PendingKind, seed = 3, skip = 0): DecisionContext {
  let seen = 0;
  const ctx = contextWhere(gameId, (c) => c.pending.kind === kind && seen++ === skip, seed);
  if (!ctx) throw new Error(`${gameId}: no ${kind} request found`);
  return ctx;
}

export function callOf(decision: { calls?: Record<string, unknown>[] }): LlmCallRecord {
  if (!decision.calls || decision.calls.length !== 1) throw new Error('expected exactly one call record');
  return decision.calls[0] as LlmCallRecord;
}

/** The game event type each action kind produces, per game. */
const EVENT_OF: Record<string, Record<string, string>> = {
  traitors: { speak: 'statement', vote: 'vote', beliefs: 'beliefs' },
  'trust-split': { speak: 'message', propose: 'proposal' },
};

/**
 * Check that a decision's record is complete and that its eventIndex points at the event its
 * action produced. Returns a description of the first problem, or null.
 */
export function decisionProblem(gameId: string, events: readonly GameEventBase[], d: LoggedDecision): string | null {
  const call = d.calls?.[0] as LlmCallRecord | undefined;
  if (!call) return `decision at event ${d.eventIndex} has no call record`;
  if (call.attempts.length === 0) return 'a call without attempts';
  if (JSON.stringify(call.action) !== JSON.stringify(d.action)) return 'the call records a different action than the decision';
  if (!!call.fallback !== !!d.fallback) return 'fallback flag differs between call and decision';
  const last = call.attempts[call.attempts.length - 1];
  if (!call.fallback && JSON.stringify(last.action) !== JSON.stringify(d.action)) return 'the last attempt did not parse to the action';
  for (const a of call.attempts.slice(0, -1)) if (!a.error) return 'an earlier attempt has no error';
  if (call.messages[0]?.role !== 'system' || call.messages[1]?.role !== 'user') return 'messages do not start with system and user';
  const event = events[d.eventIndex] as GameEventBase & { seat?: number };
  if (!event) return `eventIndex ${d.eventIndex} is past the log`;
  if (event.type !== EVENT_OF[gameId][d.action.kind]) return `event ${d.eventIndex} is ${event.type}, not the ${d.action.kind} it should be`;
  if (event.seat !== d.seat) return `event ${d.eventIndex} belongs to seat ${event.seat}, not ${d.seat}`;
  return null;
}
