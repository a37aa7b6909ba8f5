import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterAll, describe, expect, it } from 'vitest';
import { sessionExportFiles } from '../../server/export/session.ts';
import { writeExportDir } from '../../server/export/write.ts';
import { SqliteStore } from '../../server/store/sqlite.ts';
import { playedGames, storeSession } from './helpers.ts';

const dir = mkdtempSync(join(tmpdir(), 'parley-export-mem-'));
const store = new SqliteStore(join(dir, 'data'), { durability: 'normal' });
afterAll(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

const STATEMENTS = 10_000;
const TEXT_CHARS = 8_000;
const MB = 1024 * 1024;

/** A real Traitors game with 10,000 long round-1 statements inserted: ~80 MB of log text. */
async function bigSession(id: string): Promise<number> {
  const [game] = playedGames('traitors', 'scripted', 1, 77, 'paper');
  const events = [...game.events] as { type: string; round?: number }[];
  const at = events.findIndex((e) => e.type === 'roundStarted' && e.round === 2);
  const filler = Array.from({ length: STATEMENTS }, (_, i) => ({
    type: 'statement', seat: i % 10, round: 1, pass: 9, channel: 'public', purpose: 'discussion',
    text: `${i} `.padEnd(TEXT_CHARS, 'I am faithful, believe me. '),
  }));
  events.splice(at, 0, ...filler);
  await storeSession(store, id, 'traitors', events as never);
  return events.length;
}

// a full collection before each baseline, so garbage from earlier work is not counted
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** Live heap after a full collection, relative to `base`. */
function liveHeap(base: number): number {
  gc();
  return process.memoryUsage().heapUsed - base;
}

/**
 * Peak live memory while every file of an export is produced: a full collection every few
 * chunks, so garbage waiting for the collector is not counted, only what the export holds.
 */
async function exportLivePeak(files: Awaited<ReturnType<typeof sessionExportFiles>>): Promise<{ peak: number; bytes: number }> {
  const base = liveHeap(0);
  let peak = 0;
  let bytes = 0;
  let sampledAt = 0;
  for (const file of files!) {
    for await (const chunk of file.content()) {
      bytes += chunk.length;
      // sample every ~2 MB of output, i.e. in the middle of every large file
      if (bytes - sampledAt > 2 * MB) {
        sampledAt = bytes;
        peak = Math.max(peak, liveHeap(base));
      }
    }
    peak = Math.max(peak, liveHeap(base));
  }
  return { peak, bytes };
}

describe('exports of a 10,000-event session', () => {
  it('stream within bounded memory, where holding the log whole would not', async () => {
    const id = 'dd0001';
    const events = await bigSession(id);
    expect(events).toBeGreaterThan(10_000);
    const out = join(dir, 'out');
    const BOUND = 32 * MB;

    await writeExportDir((await sessionExportFiles(store, id))!, out);
    const { peak: streamed, bytes } = await exportLivePeak(await sessionExportFiles(store, id));
    expect(bytes).toBeGreaterThan(2 * STATEMENTS * TEXT_CHARS);
    // the whole-in-memory way: the parsed log, held while tables would be made from it
    const base = liveHeap(0);
    const log = await store.log(id);
    const whole = liveHeap(base);
    expect(log).toHaveLength(events);

    expect(statSync(join(out, 'events.jsonl')).size).toBeGreaterThan(STATEMENTS * TEXT_CHARS);
    expect(statSync(join(out, 'statements.csv')).size).toBeGreaterThan(STATEMENTS * TEXT_CHARS);
    const metrics = JSON.parse(readFileSync(join(out, 'metrics.json'), 'utf8'));
    expect(metrics.metrics.outcome.winner).not.toBeNull();
    console.log(`heap growth: streamed export ${(streamed / MB).toFixed(1)} MB, whole log ${(whole / MB).toFixed(1)} MB`);
    expect(whole).toBeGreaterThan(BOUND);
    expect(streamed).toBeLessThan(BOUND);
  });
});
