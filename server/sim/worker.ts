import { parentPort } from 'node:worker_threads';
import { playRange, type BatchSpec } from './batch.ts';
import { serializeChunk } from './serialize.ts';

// A simulation worker: plays the chunks of a batch it is handed and sends back ready-to-write text,
// so serialisation runs in parallel too.
parentPort!.on('message', (job: { spec: BatchSpec; from: number; to: number }) => {
  try {
    parentPort!.postMessage({ ok: true, from: job.from, chunk: serializeChunk(playRange(job.spec, job.from, job.to)) });
  } catch (error) {
    parentPort!.postMessage({ ok: false, from: job.from, message: error instanceof Error ? error.message : String(error) });
  }
});
