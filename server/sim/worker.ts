import { parentPort } from 'node:worker_threads';
import { playGames, type BatchSpec } from './batch.ts';
import { serializeChunk } from './serialize.ts';

// A simulation worker: plays the chunks of a batch it is handed and sends back ready-to-write text,
// so serialisation runs in parallel too.
parentPort!.on('message', (job: { spec: BatchSpec; chunk: number; games: number[] }) => {
  try {
    parentPort!.postMessage({ ok: true, chunk: job.chunk, result: serializeChunk(playGames(job.spec, job.games)) });
  } catch (error) {
    parentPort!.postMessage({ ok: false, chunk: job.chunk, message: error instanceof Error ? error.message : String(error) });
  }
});
