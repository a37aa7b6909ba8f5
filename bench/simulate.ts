// Simulation throughput: games/s per core and events/s for each game, and where the time goes.
import type { AnyGame } from '../shared/engine/game.ts';
import { pickNames } from '../shared/engine/names.ts';
import { playScripted } from '../shared/engine/play.ts';
import { getGame, resolveConfig } from '../shared/games/index.ts';
import { gameSeed, seatAgents, type BatchSpec } from '../server/sim/batch.ts';
import { playBatch } from '../server/sim/run.ts';

interface Case {
  label: string;
  game: string;
  preset: string;
  agents: string;
}

const CASES: Case[] = [
  { label: 'The Traitors, paper (10 players), scripted', game: 'traitors', preset: 'paper', agents: 'scripted' },
  { label: 'Trust-and-Split, paper (10 rounds), cooperative', game: 'trust-split', preset: 'paper', agents: 'cooperative' },
];

/** Wrap a game's functions with timers, to see where a simulated game spends its time. */
function instrument(game: AnyGame): { game: AnyGame; totals: Map<string, number> } {
  const totals = new Map<string, number>();
  const timed = <F extends (...args: never[]) => unknown>(name: string, fn: F): F =>
    ((...args: Parameters<F>) => {
      const t = performance.now();
      try {
        return fn(...args);
      } finally {
        totals.set(name, (totals.get(name) ?? 0) + performance.now() - t);
      }
    }) as F;
  const agents = Object.fromEntries(Object.entries(game.agents).map(([k, a]) => [k, timed('agents', a)]));
  return {
    totals,
    game: {
      ...game,
      reduce: timed('reduce', game.reduce),
      settle: timed('settle', game.settle),
      validate: timed('validate', game.validate),
      view: timed('view', game.view),
      pending: timed('pending', game.pending),
      outcome: timed('outcome', game.outcome),
      agents,
    },
  };
}

function runFor(ms: number, c: Case, game: AnyGame): { games: number; events: number; seconds: number } {
  const config = resolveConfig(game, c.preset);
  const seats = game.seatCount(config);
  const agents = seatAgents(c.agents, seats);
  let games = 0;
  let events = 0;
  const t0 = performance.now();
  while (performance.now() - t0 < ms) {
    const seed = gameSeed(1, games);
    events += playScripted(game, config, seed, pickNames(seats, seed), agents).events.length;
    games++;
  }
  return { games, events, seconds: (performance.now() - t0) / 1000 };
}

export async function benchSimulation(): Promise<void> {
  console.log('## Simulation throughput (one thread = one core)');
  for (const c of CASES) {
    const game = getGame(c.game);
    runFor(300, c, game); // warm-up: let the JIT settle
    const r = runFor(2000, c, game);
    const perCore = r.games / r.seconds;
    console.log(`${c.label}: ${perCore.toFixed(0)} games/s per core, ${(r.events / r.seconds).toFixed(0)} events/s, ${(r.events / r.games).toFixed(1)} events/game`);

    const { game: timedGame, totals } = instrument(game);
    const profiled = runFor(1000, c, timedGame);
    const total = profiled.seconds * 1000;
    const parts = [...totals.entries()].sort((a, b) => b[1] - a[1]);
    const accounted = parts.reduce((a, [, v]) => a + v, 0);
    console.log(
      `  time split (instrumented run): ${parts.map(([k, v]) => `${k} ${((v / total) * 100).toFixed(0)}%`).join(', ')}, harness/other ${(((total - accounted) / total) * 100).toFixed(0)}%`,
    );

    const spec: BatchSpec = { game: c.game, games: Math.max(200, Math.round(perCore * 2)), seed: 1, preset: c.preset, agents: c.agents };
    const timings: number[] = [];
    for (const concurrency of [1, 2]) {
      const t0 = performance.now();
      await playBatch(spec, { concurrency }, () => {});
      timings.push((performance.now() - t0) / 1000);
    }
    console.log(
      `  batch of ${spec.games} incl. serialisation: 1 worker ${(spec.games / timings[0]).toFixed(0)} games/s, 2 workers ${(spec.games / timings[1]).toFixed(0)} games/s (speed-up ×${(timings[0] / timings[1]).toFixed(2)})`,
    );
  }
}
