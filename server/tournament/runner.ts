import { Worker } from 'node:worker_threads';
import { playBatch } from '../sim/run.ts';
import { simWorkerUrl } from '../sim/worker-bundle.ts';
import { playLlmBatch } from '../sim/llm.ts';
import { sharedProviderLimits } from '../llm/limits.ts';
import type { BatchSpec } from '../sim/batch.ts';
import { eventsByGame, gameRecord, needsEvents, type GameRecord } from './record.ts';
import { buildSchedule, totalGames, type Table } from './schedule.ts';
import { usesLlm, type TournamentSpec } from './spec.ts';
import { ProgressStore } from './store.ts';

export interface RunnerOptions {
  /** worker threads for scripted tables; games in flight at once for tables with an LLM seat */
  concurrency: number;
  /** called after every saved batch of games: games done (resumed ones included) of the total */
  onProgress?: (done: number, total: number) => void;
}

export interface TournamentRun {
  records: GameRecord[];
  /** games found already finished in DIR when this run started */
  resumed: number;
  total: number;
}

/**
 * A table as a simulator batch: its per-seat agents, and the tournament seed as the batch seed,
 * so game k of every table gets the same derived seed (common random numbers).
 */
export function tableBatch(spec: TournamentSpec, table: Table): BatchSpec {
  return {
    game: spec.game,
    games: spec.gamesPerPairing,
    seed: spec.seed,
    preset: spec.preset,
    ...(Object.keys(spec.config).length ? { config: spec.config } : {}),
    // a JSON array: LLM spec objects contain commas
    agents: JSON.stringify(table.seats.map((e) => spec.entrants[e].agent)),
  };
}

/**
 * Play the schedule table by table through the simulator's game runners (worker threads for scripted
 * tables, the LLM batch runner, bounded by the endpoint limits, for tables with an LLM seat), saving
 * every batch of finished games before going on. Games already in DIR are not played again.
 */
export async function runTournament(spec: TournamentSpec, dir: string, options: RunnerOptions): Promise<TournamentRun> {
  const tables = buildSchedule(spec);
  const total = totalGames(spec, tables);
  const { store, done } = ProgressStore.open(dir, spec, usesLlm(spec));
  const records = [...done];
  const perTable = spec.gamesPerPairing;
  // one pool of simulator workers for every scripted table: a table is too small to pay for new threads
  const pool: Worker[] = [];
  if (options.concurrency > 1 && spec.entrants.some((e) => !e.llm)) {
    const url = await simWorkerUrl();
    for (let i = 0; i < options.concurrency; i++) pool.push(new Worker(url));
  }
  options.onProgress?.(records.length, total);
  try {
    for (let t = Math.floor(records.length / perTable); t < tables.length; t++) {
      const table = tables[t];
      const batch = tableBatch(spec, table);
      const from = records.length - t * perTable;
      if (table.seats.some((e) => spec.entrants[e].llm)) {
        await playLlmBatch(
          batch,
          options.concurrency,
          (result) => {
            const record = gameRecord(spec, table, { game: result.index, seed: result.seed, outcome: result.summary, headline: result.headline }, result.events);
            const calls = result.calls.map((call) => JSON.stringify({ table: table.index, ...call }) + '\n').join('');
            store.append([record], calls);
            records.push(record);
            options.onProgress?.(records.length, total);
          },
          sharedProviderLimits(),
          process.env,
          from,
        );
      } else {
        await playBatch(batch, { concurrency: options.concurrency, from, ...(pool.length ? { workers: pool } : {}) }, (chunk) => {
          const events = needsEvents(spec.game) ? eventsByGame(chunk.eventLines) : undefined;
          const saved = chunk.rows.map((row) => gameRecord(spec, table, row, events?.get(row.game)));
          store.append(saved);
          records.push(...saved);
          options.onProgress?.(records.length, total);
          // in one thread the games run back to back: yield to the event loop so Ctrl-C and the bar get their turn
          return new Promise<void>((resume) => setImmediate(resume));
        });
      }
    }
  } finally {
    store.close();
    await Promise.all(pool.map((w) => w.terminate()));
  }
  return { records, resumed: done.length, total };
}
