import { once } from 'node:events';
import { createWriteStream, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { getGame, resolveConfig } from '../../shared/games/index.ts';
import { playRange, presetName, type BatchSpec } from './batch.ts';
import { serializeChunk, type GameRow, type SerializedChunk } from './serialize.ts';
import { batchMetrics } from './summary.ts';
import { simWorkerUrl } from './worker-bundle.ts';
import { addLlmUsage, batchUsesLlm, emptyLlmUsage, playLlmBatch, type LlmUsage } from './llm.ts';
import { isLlmSpec, parseAgentList } from '../llm/spec.ts';
import { exportBatch } from '../export/batch.ts';
import { csvLine, csvRows } from '../export/csv.ts';

export interface RunOptions {
  /** worker threads; 1 plays in this thread. With LLM seats: games played at once in this thread */
  concurrency: number;
  /** games per unit of work handed to a worker */
  chunkSize?: number;
  onProgress?: (gamesDone: number) => void;
  /** the first game index to play (games before it are already done elsewhere: a resumed tournament) */
  from?: number;
  /**
   * worker threads (sim worker) to use instead of starting `concurrency` new ones; they keep running
   * afterwards: a tournament plays many small batches, and starting workers costs more than a batch
   */
  workers?: Worker[];
  /** write DIR/games/<index>/, the combined tables and DIR/report.html (default true) */
  exports?: boolean;
}

export interface BatchTotals {
  games: number;
  events: number;
  rows: GameRow[];
}

/**
 * Play a batch, delivering chunks strictly in game order whatever the worker count, so the
 * output bytes never depend on concurrency.
 */
export async function playBatch(
  spec: BatchSpec,
  options: RunOptions,
  onChunk: (chunk: SerializedChunk) => void | Promise<void>,
): Promise<void> {
  const chunkSize = options.chunkSize ?? Math.max(1, Math.min(50, Math.ceil(spec.games / (options.concurrency * 8))));
  const starts: number[] = [];
  for (let from = options.from ?? 0; from < spec.games; from += chunkSize) starts.push(from);
  if (starts.length === 0) return; // nothing left to play (the workers would never answer)
  let done = 0;

  if (options.concurrency <= 1) {
    for (const from of starts) {
      const to = Math.min(spec.games, from + chunkSize);
      await onChunk(serializeChunk(playRange(spec, from, to)));
      done += to - from;
      options.onProgress?.(done);
    }
    return;
  }

  const ready = new Map<number, SerializedChunk>();
  let nextToWrite = 0;
  let nextToDispatch = 0;
  let writing = Promise.resolve();
  const workerUrl = options.workers ? undefined : await simWorkerUrl();
  const workers = options.workers ?? Array.from({ length: Math.min(options.concurrency, starts.length) }, () =>
    new Worker(workerUrl!),
  );
  const detach: (() => void)[] = [];
  try {
    await new Promise<void>((resolve, reject) => {
      const dispatch = (worker: Worker) => {
        if (nextToDispatch >= starts.length) return;
        const from = starts[nextToDispatch++];
        worker.postMessage({ spec, from, to: Math.min(spec.games, from + chunkSize) });
      };
      for (const worker of workers) {
        const onMessage = (msg: { ok: true; from: number; chunk: SerializedChunk } | { ok: false; from: number; message: string }) => {
          if (!msg.ok) return reject(new Error(`game chunk starting at ${msg.from}: ${msg.message}`));
          ready.set(msg.from, msg.chunk);
          dispatch(worker);
          // write every chunk that is next in order
          writing = writing.then(async () => {
            while (nextToWrite < starts.length && ready.has(starts[nextToWrite])) {
              const from = starts[nextToWrite];
              const chunk = ready.get(from)!;
              ready.delete(from);
              await onChunk(chunk);
              done += chunk.rows.length;
              options.onProgress?.(done);
              nextToWrite++;
            }
            if (nextToWrite === starts.length) resolve();
          }, reject);
        };
        worker.on('error', reject);
        worker.on('message', onMessage);
        detach.push(() => worker.off('error', reject).off('message', onMessage));
        dispatch(worker);
      }
    });
    await writing;
  } finally {
    if (options.workers) for (const off of detach) off();
    else await Promise.all(workers.map((w) => w.terminate()));
  }
}

/**
 * Play a batch and write DIR/events.jsonl, DIR/games.csv and DIR/summary.json; with LLM seats also
 * DIR/llm_calls.jsonl (one line per model call, its attempts inside, linked to game and event).
 */
export async function simulateToDir(spec: BatchSpec, outDir: string, options: RunOptions): Promise<BatchTotals & { summary: unknown }> {
  const game = getGame(spec.game);
  mkdirSync(outDir, { recursive: true });
  const events = createWriteStream(join(outDir, 'events.jsonl'));
  const totals: BatchTotals = { games: 0, events: 0, rows: [] };
  const addChunk = async (chunk: SerializedChunk) => {
    if (!events.write(chunk.eventLines)) await once(events, 'drain');
    totals.games += chunk.rows.length;
    totals.events += chunk.eventCount;
    totals.rows.push(...chunk.rows);
  };
  let llm: LlmUsage | null = null;
  if (batchUsesLlm(spec)) {
    llm = emptyLlmUsage();
    const usage = llm;
    const calls = createWriteStream(join(outDir, 'llm_calls.jsonl'));
    let done = 0;
    await playLlmBatch(spec, options.concurrency, async (result) => {
      await addChunk(serializeChunk([result]));
      for (const call of result.calls) {
        addLlmUsage(usage, call);
        if (!calls.write(JSON.stringify(call) + '\n')) await once(calls, 'drain');
      }
      options.onProgress?.(++done);
    });
    calls.end();
    await once(calls, 'finish');
  } else {
    await playBatch(spec, options, addChunk);
  }
  events.end();
  await once(events, 'finish');

  writeFileSync(join(outDir, 'games.csv'), gamesCsv(totals.rows));
  const summary = {
    game: game.id,
    preset: presetName(game, spec.preset),
    games: spec.games,
    seed: spec.seed,
    agents: spec.agents,
    ...(spec.config && Object.keys(spec.config).length ? { config: spec.config } : {}),
    ...(spec.personas?.length ? { personas: spec.personas } : {}),
    ...(llm ? { llm: { ...llm, ...llmAgentSpecs(spec) } } : {}),
    metrics: batchMetrics(game.id, totals.rows),
  };
  writeFileSync(join(outDir, 'summary.json'), JSON.stringify(summary, null, 2) + '\n');
  // study data: per-game folders, combined tables with a game column, report.html (docs/study-data.md)
  if (options.exports ?? true) await exportBatch(spec, outDir, totals.rows);
  return { ...totals, summary };
}

/**
 * The resolved LLM specs of a batch (environment defaults filled in, never a key): one `spec` when
 * every seat has the same, else `seats` with one entry per seat (null for scripted seats).
 */
function llmAgentSpecs(spec: BatchSpec): { spec: unknown } | { seats: unknown[] } {
  const game = getGame(spec.game);
  const count = game.seatCount(resolveConfig(game, spec.preset, spec.config));
  const seats = parseAgentList(spec.agents, count).map((choice) => (isLlmSpec(choice) ? choice : null));
  const first = JSON.stringify(seats[0]);
  return seats.every((s) => JSON.stringify(s) === first) ? { spec: seats[0] } : { seats };
}

export function gamesCsv(rows: GameRow[]): string {
  const metricKeys = rows.length ? Object.keys(rows[0].headline) : [];
  const header = ['game', 'seed', 'agents', 'outcome', ...metricKeys];
  const records = rows.map((r) => [r.game, r.seed, r.agents, r.outcome, ...metricKeys.map((k) => r.headline[k] ?? '')]);
  return csvLine(header) + csvRows(records);
}
