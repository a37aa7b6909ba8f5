#!/usr/bin/env tsx
// Export one session's study data (tables, log, metrics, report) from the server's SQLite log.
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Command } from 'commander';
import { sessionReportHtml } from '../server/export/routes.ts';
import { exportFileNames } from '../server/export/files.ts';
import { sessionExportFiles } from '../server/export/session.ts';
import { writeExportDir } from '../server/export/write.ts';
import { Store } from '../server/store.ts';

const program = new Command()
  .name('npm run export --')
  .description('Write a session\'s export (events.jsonl, CSV tables, seats.csv, llm_calls.jsonl, metrics.json) and report.html into a directory.')
  .requiredOption('--session <id>', 'session id')
  .requiredOption('--out <dir>', 'output directory')
  .option('--data <dir>', 'the server\'s data directory (default: $PARLEY_DATA_DIR or ./data)', process.env.PARLEY_DATA_DIR || 'data')
  .addHelpText('after', '\nExample: npm run export -- --session 3f9c2a1b --out out/session-3f9c2a1b\nColumns: docs/study-data.md');
program.parse();
const opts = program.opts<{ session: string; out: string; data: string }>();

const store = new Store(resolve(opts.data), { durability: 'normal' });
try {
  const files = sessionExportFiles(store, opts.session);
  if (!files) {
    console.error(`No session "${opts.session}" in ${resolve(opts.data)}.`);
    process.exitCode = 1;
  } else {
    const out = resolve(opts.out);
    await writeExportDir(files, out);
    writeFileSync(join(out, 'report.html'), (await sessionReportHtml(store, opts.session))!);
    console.log(`wrote ${out}/{${[...exportFileNames(store.session(opts.session)!.game), 'report.html'].join(',')}}`);
  }
} finally {
  store.close();
}
