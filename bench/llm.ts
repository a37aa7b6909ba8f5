// LLM agents: many all-LLM games at once against an endpoint with a fixed latency. Simultaneous
// decisions (beliefs, votes) and separate games should overlap completely, so the batch should take
// about as long as its longest chain of dependent calls (one game's sequence of turns × latency).
import type { SeatAgent } from '../shared/engine/agent.ts';
import { pickNames } from '../shared/engine/names.ts';
import { playAgents } from '../shared/engine/play.ts';
import { getGame, resolveConfig } from '../shared/games/index.ts';
import { createLlmAgent } from '../server/llm/agent.ts';
import { concurrencyFromEnv, ProviderLimits } from '../server/llm/limits.ts';
import type { LlmCallRecord } from '../server/llm/record.ts';
import { resolveLlmSpec } from '../server/llm/spec.ts';
import { gameSeed } from '../server/sim/batch.ts';
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const GAMES = 50;
const LATENCY_MS = 200;
const PRESET = 'paper';

/**
 * The fake endpoint runs in its own process, as a real endpoint would: the measurement is then of
 * Parley's side (prompts, the AI SDK, HTTP, the games), not of the test server sharing its thread.
 */
async function startEndpoint(latencyMs: number, wordy = { messageChars: 0, thoughtsChars: 0 }): Promise<{ url: string; child: ChildProcess }> {
  const server = fileURLToPath(new URL('../test/llm/fake-openai-server.ts', import.meta.url));
  const args = ['--import', 'tsx', server, '0', String(latencyMs), String(wordy.messageChars), String(wordy.thoughtsChars)];
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  const url = await new Promise<string>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`fake endpoint exited (${code})`)));
    child.stdout!.on('data', (chunk: Buffer) => {
      const found = /(http:\/\/\S+)/.exec(String(chunk));
      if (found) resolve(found[1]);
    });
  });
  return { url, child };
}

/**
 * Count a game's turns: playAgents asks every seat owed an action at once and waits for all of
 * them, so a turn starts whenever a decision begins while none is running. The game's chain of
 * dependent calls is its number of turns.
 */
function turnCounter(): { wrap(agent: SeatAgent): SeatAgent; readonly turns: number } {
  let running = 0;
  let turns = 0;
  return {
    get turns() {
      return turns;
    },
    wrap: (agent) => ({
      name: agent.name,
      async decide(ctx) {
        if (running++ === 0) turns++;
        try {
          return await agent.decide(ctx);
        } finally {
          running--;
        }
      },
    }),
  };
}

/**
 * What a game costs in calls and tokens, per game and preset, with every seat an LLM. Tokens are
 * counted by the fake endpoint as characters ÷ 4. Two answer styles: terse (short statements, a
 * one-line thought) and wordy (statements of ~400 characters and ~600 characters of thoughts, closer
 * to what chat models write), since what players say is what later prompts are made of.
 */
export async function llmCostTable(gamesPerPreset = 20): Promise<void> {
  const styles = [
    { label: 'terse', messageChars: 0, thoughtsChars: 0 },
    { label: 'wordy', messageChars: 400, thoughtsChars: 600 },
  ];
  console.log(`  cost per game, every seat an LLM, ${gamesPerPreset} games per preset and style (tokens = characters ÷ 4)`);
  console.log('  game/preset         style  calls/game (min–max)  input tok/call (max)  input tok/game  output tok/call');
  for (const style of styles) {
    const endpoint = await startEndpoint(0, style);
    try {
      const spec = resolveLlmSpec({ type: 'llm', provider: 'openai-compatible', model: 'cost', baseURL: endpoint.url }, {});
      const limits = new ProviderLimits(Infinity);
      for (const [gameId, presets] of [['traitors', ['table', 'paper']], ['trust-split', ['paper', 'human']]] as const) {
        const game = getGame(gameId);
        for (const preset of presets) {
          const config = resolveConfig(game, preset);
          const seats = game.seatCount(config);
          const games = await Promise.all(
            Array.from({ length: gamesPerPreset }, async (_, index) => {
              const seed = gameSeed(2, index);
              const played = await playAgents(game, config, seed, pickNames(seats, seed), () => createLlmAgent(spec, { limits }));
              return played.decisions.map((d) => d.calls![0] as LlmCallRecord);
            }),
          );
          const calls = games.flat();
          const perGame = games.map((g) => g.length);
          const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
          const input = calls.map((c) => c.inputTokens);
          const inputPerGame = games.map((g) => g.reduce((sum, c) => sum + c.inputTokens, 0));
          console.log(
            '  ' +
              `${gameId}/${preset}`.padEnd(20) +
              style.label.padEnd(7) +
              `${mean(perGame).toFixed(1)} (${Math.min(...perGame)}–${Math.max(...perGame)})`.padEnd(22) +
              `${mean(input).toFixed(0)} (${Math.max(...input)})`.padEnd(22) +
              `${mean(inputPerGame).toFixed(0)}`.padEnd(16) +
              mean(calls.map((c) => c.outputTokens)).toFixed(0),
          );
        }
      }
    } finally {
      endpoint.child.removeAllListeners('exit');
      endpoint.child.kill();
    }
  }
}

/** 50 concurrent all-LLM games against a 200 ms endpoint: total time vs the longest chain of dependent calls. */
export async function benchLlmConcurrency(): Promise<void> {
  const fromEnv = process.env.PARLEY_LLM_CONCURRENCY !== undefined;
  const limit = fromEnv ? concurrencyFromEnv() : Infinity;
  console.log(`LLM agents — ${GAMES} concurrent all-LLM The Traitors games (preset "${PRESET}", 10 players), fake endpoint (own process) with ${LATENCY_MS} ms latency`);
  console.log(`  per-endpoint limit: ${limit === Infinity ? 'unlimited' : limit}${fromEnv ? ' (PARLEY_LLM_CONCURRENCY)' : ' (bench default; the agents\' default is 64, set PARLEY_LLM_CONCURRENCY to change)'}`);

  const endpoint = await startEndpoint(LATENCY_MS);
  try {
    const game = getGame('traitors');
    const config = resolveConfig(game, PRESET);
    const seats = game.seatCount(config);
    const spec = resolveLlmSpec({ type: 'llm', provider: 'openai-compatible', model: 'bench', baseURL: endpoint.url, timeoutMs: 60_000 }, {});
    const limits = new ProviderLimits(limit);
    const started = performance.now();
    const cpuBefore = process.cpuUsage();
    const results = await Promise.all(
      Array.from({ length: GAMES }, async (_, index) => {
        const seed = gameSeed(1, index);
        const counter = turnCounter();
        const played = await playAgents(game, config, seed, pickNames(seats, seed), () => counter.wrap(createLlmAgent(spec, { limits })));
        return { turns: counter.turns, played };
      }),
    );
    const wallMs = performance.now() - started;
    const cpu = process.cpuUsage(cpuBefore);
    const calls = results.flatMap((r) => r.played.decisions.map((d) => d.calls![0] as LlmCallRecord));
    const longest = Math.max(...results.map((r) => r.turns));
    const chainMs = longest * LATENCY_MS;
    const meanTurns = results.reduce((s, r) => s + r.turns, 0) / results.length;
    const fallbacks = calls.filter((c) => c.fallback).length;
    const meanLatency = calls.reduce((s, c) => s + c.latencyMs, 0) / calls.length;
    const ratio = wallMs / chainMs;
    console.log(`  ${calls.length} calls (${(calls.length / GAMES).toFixed(1)} per game, ${fallbacks} fallbacks), ${(calls.length / (wallMs / 1000)).toFixed(0)} calls/s, mean call latency ${meanLatency.toFixed(0)} ms, ${((cpu.user + cpu.system) / 1000 / calls.length).toFixed(2)} ms CPU per call in this process`);
    console.log(`  turns per game: mean ${meanTurns.toFixed(1)}, longest ${longest} → longest chain ${(chainMs / 1000).toFixed(2)} s`);
    console.log(`  total ${(wallMs / 1000).toFixed(2)} s = ${ratio.toFixed(3)}× the longest chain (target ≤ 1.3×) ${ratio <= 1.3 ? 'ok' : 'MISSED'}`);
  } finally {
    endpoint.child.removeAllListeners('exit');
    endpoint.child.kill();
  }
}

/** `npm run bench -- llm`: the concurrency benchmark, then what games cost in calls and tokens. */
export async function benchLlm(): Promise<void> {
  await benchLlmConcurrency();
  console.log('');
  await llmCostTable();
}

if (import.meta.url === `file://${process.argv[1]}`) {
  if (process.argv.includes('--cost')) await llmCostTable();
  else await benchLlm();
}
