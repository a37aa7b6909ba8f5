import { Worker } from 'node:worker_threads';
import { getGame, resolveConfig } from '../../shared/games/index.ts';
import { playGames, type BatchSpec } from './batch.ts';
import { serializeChunk, type SerializedChunk } from './serialize.ts';
import { simWorkerUrl } from './worker-bundle.ts';
import { playLlmGames } from './llm.ts';
import { isLlmSpec, parseAgentList } from '../llm/spec.ts';
import { batchGames, clearShardMarks, finishShard, startShard, type Shard } from './shard.ts';
import { BatchWriter, type BatchTotals } from './writer.ts';

export { gamesCsv, type BatchTotals } from './writer.ts';

export interface RunOptions {
  /** worker threads; 1 plays in this thread. With LLM seats: games played at once in this thread */
  concurrency: number;
  /** games per unit of work handed to a worker */
  chunkSize?: number;
  onProgress?: (gamesDone: number) => void;
  /** the first game index to play (games before it are already done elsewhere: a resumed tournament) */
  from?: number;
  /** play only this shard's games (i, i+n, …) and mark the folder as that shard (server/sim/shard.ts) */
  shard?: Shard;
  /**
   * worker threads (sim worker) to use instead of starting `concurrency` new ones; they keep running
   * afterwards: a tournament plays many small batches, and starting workers costs more than a batch
   */
  workers?: Worker[];
  /** write DIR/games/<index>/, the combined tables and DIR/report.html (default true) */
  exports?: boolean;
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
  const indices = batchGames(spec.games, options.shard, options.from);
  const chunkSize = options.chunkSize ?? Math.max(1, Math.min(50, Math.ceil(indices.length / (options.concurrency * 8))));
  const chunks: number[][] = [];
  for (let k = 0; k < indices.length; k += chunkSize) chunks.push(indices.slice(k, k + chunkSize));
  if (chunks.length === 0) return; // nothing left to play (the workers would never answer)
  let done = 0;

  if (options.concurrency <= 1) {
    for (const games of chunks) {
      await onChunk(serializeChunk(playGames(spec, games)));
      done += games.length;
      options.onProgress?.(done);
    }
    return;
  }

  const ready = new Map<number, SerializedChunk>();
  let nextToWrite = 0;
  let nextToDispatch = 0;
  let writing = Promise.resolve();
  const workerUrl = options.workers ? undefined : await simWorkerUrl();
  const workers = options.workers ?? Array.from({ length: Math.min(options.concurrency, chunks.length) }, () =>
    new Worker(workerUrl!),
  );
  const detach: (() => void)[] = [];
  try {
    await new Promise<void>((resolve, reject) => {
      const dispatch = (worker: Worker) => {
        if (nextToDispatch >= chunks.length) return;
        const chunk = nextToDispatch++;
        worker.postMessage({ spec, chunk, games: chunks[chunk] });
      };
      for (const worker of workers) {
        const onMessage = (msg: { ok: true; chunk: number; result: SerializedChunk } | { ok: false; chunk: number; message: string }) => {
          if (!msg.ok) return reject(new Error(`game chunk starting at ${chunks[msg.chunk][0]}: ${msg.message}`));
          ready.set(msg.chunk, msg.result);
          dispatch(worker);
          // write every chunk that is next in order
          writing = writing.then(async () => {
            while (nextToWrite < chunks.length && ready.has(nextToWrite)) {
              const chunk = ready.get(nextToWrite)!;
              ready.delete(nextToWrite);
              await onChunk(chunk);
              done += chunk.rows.length;
              options.onProgress?.(done);
              nextToWrite++;
            }
            if (nextToWrite === chunks.length) resolve();
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
 * Play a batch (or one shard of it) and write DIR/events.jsonl, DIR/games.csv and DIR/summary.json;
 * with LLM seats also DIR/llm_calls.jsonl (one line per model call, its attempts inside, linked to
 * game and event); and the exports unless switched off.
 */
export async function simulateToDir(spec: BatchSpec, outDir: string, options: RunOptions): Promise<BatchTotals & { summary: unknown }> {
  const game = getGame(spec.game);
  const choices = parseAgentList(spec.agents, game.seatCount(resolveConfig(game, spec.preset, spec.config)));
  const output = { spec, choices, exports: options.exports ?? true };
  const writer = new BatchWriter(outDir, output);
  // a shard's folder says which batch it is part of; a whole batch's folder must not look like a shard
  const shard = options.shard ? startShard(outDir, output, options.shard) : null;
  if (!shard) clearShardMarks(outDir);
  if (choices.some(isLlmSpec)) {
    let done = 0;
    await playLlmGames(spec, batchGames(spec.games, options.shard, options.from), options.concurrency, async (result) => {
      await writer.addChunk(serializeChunk([result]));
      await writer.addCalls(result.calls);
      options.onProgress?.(++done);
    });
  } else {
    await playBatch(spec, options, (chunk) => writer.addChunk(chunk));
  }
  const result = await writer.finish();
  if (shard) finishShard(outDir, shard, result.rows);
  return result;
}
