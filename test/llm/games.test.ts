import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLlmAgent } from '../../server/llm/agent.ts';
import { ProviderLimits } from '../../server/llm/limits.ts';
import type { LlmCallRecord } from '../../server/llm/record.ts';
import { pickNames } from '../../shared/engine/names.ts';
import { playAgents } from '../../shared/engine/play.ts';
import { getGame, resolveConfig } from '../../shared/games/index.ts';
import { faulty, startFakeOpenAI, type FakeReply, type FakeRequest, type FakeServer } from './fake-openai-server.ts';
import { decisionProblem, fakeSpec } from './helpers.ts';

/**
 * Whole games with an LLM in every seat, over real HTTP, while the endpoint misbehaves:
 * malformed JSON, out-of-range values, wrong seats, 429s, 5xx, slow replies and replies that
 * never come. One seat's model ("broken") never answers usably, so its moves are all fallbacks.
 */
let fake: FakeServer;

function troublemaker(req: FakeRequest): FakeReply | string | undefined {
  if (req.model === 'broken') return req.index % 2 ? faulty.wrongSeat(req) : faulty.malformedJson(req);
  if (req.index % 41 === 20) return { kind: 'hang' };
  switch (req.index % 11) {
    case 1:
      return faulty.malformedJson(req);
    case 3:
      return faulty.outOfRange(req);
    case 5:
      return faulty.wrongSeat(req);
    case 7:
      return { kind: 'status', status: 429, headers: { 'retry-after-ms': '5' } };
    case 8:
      return { kind: 'status', status: 502, headers: { 'retry-after-ms': '5' } };
    case 9:
      return { kind: 'answer', delayMs: 60 };
    default:
      return undefined;
  }
}

beforeAll(async () => {
  fake = await startFakeOpenAI({ script: troublemaker });
});
afterAll(async () => {
  await fake.close();
});

async function playAllLlm(gameId: string, seed: number) {
  fake.reset();
  const game = getGame(gameId);
  const config = resolveConfig(game);
  const seats = game.seatCount(config);
  const limits = new ProviderLimits(64);
  // different models at one table; the last seat's model is hopeless
  const specs = Array.from({ length: seats }, (_, seat) =>
    fakeSpec(fake.url, { model: seat === seats - 1 ? 'broken' : `model-${seat % 2 ? 'a' : 'b'}`, timeoutMs: 250, maxRetries: 2 }),
  );
  const played = await playAgents(game, config, seed, pickNames(seats, seed), (seat) => createLlmAgent(specs[seat], { limits }));
  return { game, seats, played };
}

for (const gameId of ['traitors', 'trust-split']) {
  describe(`${gameId} with an LLM in every seat`, () => {
    it('plays to the end through every kind of fault, and every call is on record', async () => {
      const { seats, played } = await playAllLlm(gameId, 11);
      expect(played.outcome).not.toBeNull();
      expect(played.agents).toEqual(Array.from({ length: seats }, (_, s) => (s === seats - 1 ? 'llm:broken' : `llm:model-${s % 2 ? 'a' : 'b'}`)));

      // every decision carries one complete call record linked to the event its action produced
      for (const d of played.decisions) expect(decisionProblem(gameId, played.events, d)).toBeNull();
      const calls = played.decisions.map((d) => d.calls![0] as LlmCallRecord);

      // every HTTP request the endpoint saw is in some attempt's record
      const exchanges = calls.flatMap((c) => c.attempts.flatMap((a) => a.http));
      expect(exchanges).toHaveLength(fake.requests.length);
      expect(exchanges.map((e) => e.status)).toEqual(expect.arrayContaining([429, 502, 200]));

      // the faults happened and were handled as designed
      const kinds = new Set(calls.flatMap((c) => c.attempts.map((a) => a.errorKind)).filter(Boolean));
      expect(kinds).toEqual(new Set(['format', 'illegal', 'timeout']));
      const recovered = calls.filter((c) => !c.fallback && c.attempts.length > 1);
      expect(recovered.length).toBeGreaterThan(0);

      // the broken seat falls back every time, after 1 + maxRetries attempts; fallbacks are marked everywhere
      const broken = played.decisions.filter((d) => d.seat === seats - 1);
      expect(broken.length).toBeGreaterThan(0);
      for (const d of broken) {
        expect(d.fallback).toBe(true);
        expect((d.calls![0] as LlmCallRecord).attempts).toHaveLength(3);
      }
      const others = played.decisions.filter((d) => d.seat !== seats - 1);
      expect(others.every((d) => !d.fallback || (d.calls![0] as LlmCallRecord).fallback)).toBe(true);

      // private thoughts never reach the game log (which is what players' views are built from)
      expect(calls.some((c) => c.thoughts)).toBe(true);
      expect(JSON.stringify(played.events)).not.toContain('Thinking it over privately');
    });
  });
}
