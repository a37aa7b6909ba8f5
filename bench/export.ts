// Study-data exports: a batch of 200 simulated Traitors games (paper preset, 10 players) played,
// then exported (per-game folders, combined tables) and reported (report.html). Target: under a minute.
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exportBatch } from '../server/export/batch.ts';
import { simulateToDir } from '../server/sim/run.ts';
import type { BatchSpec } from '../server/sim/batch.ts';

export async function benchExport(): Promise<void> {
  const spec: BatchSpec = { game: 'traitors', games: 200, seed: 1, preset: 'paper', agents: 'scripted' };
  const dir = mkdtempSync(join(tmpdir(), 'parley-bench-export-'));
  try {
    const t0 = performance.now();
    const result = await simulateToDir(spec, dir, { concurrency: 1, exports: false });
    const t1 = performance.now();
    await exportBatch(spec, dir, result.rows);
    const t2 = performance.now();
    const folders = readdirSync(join(dir, 'games')).length;
    const reportKb = statSync(join(dir, 'report.html')).size / 1024;
    console.log('Study-data export: 200 Traitors games (paper, scripted)');
    console.log(`  simulate            ${((t1 - t0) / 1000).toFixed(2)} s (${result.events} events)`);
    console.log(`  export + report     ${((t2 - t1) / 1000).toFixed(2)} s (${folders} game folders, report.html ${reportKb.toFixed(0)} KB)`);
    console.log(`  total               ${((t2 - t0) / 1000).toFixed(2)} s (target: under 60 s)`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await benchExport();
