#!/usr/bin/env tsx
// Export one session's or one study's data from the server's event store (SQLite, or PostgreSQL with PARLEY_DATABASE_URL).
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Command, Option } from 'commander';
import { sessionReportHtml } from '../server/export/routes.ts';
import { exportFileNames } from '../server/export/files.ts';
import { sessionExportFiles } from '../server/export/session.ts';
import { writeExportDir } from '../server/export/write.ts';
import { VOTES_FORMATS, type VotesFormat } from '../server/export/tables.ts';
import { studyExportFileNames, studyExportFiles } from '../server/studies/export.ts';
import { openStore } from '../server/store/index.ts';

const program = new Command()
  .name('npm run export --')
  .description(
    'Write a session\'s export (events.jsonl, CSV tables, seats.csv, llm_calls.jsonl, metrics.json) and report.html, ' +
      'or a study\'s export (participants, survey, AI judgements, payments, bonuses and the joined session tables), into a directory.',
  )
  .option('--session <id>', 'session id')
  .option('--study <id>', 'study id (GET /api/studies lists them), or its slug')
  .requiredOption('--out <dir>', 'output directory')
  .addOption(
    new Option('--votes-format <form>', 'The Traitors\' votes.csv of a session: "parley" (every ballot, actor column) or "reference" (the reference implementation\'s own rows, docs/study-data.md)')
      .choices(VOTES_FORMATS)
      .default('parley'),
  )
  .option('--data <dir>', 'the server\'s data directory (default: $PARLEY_DATA_DIR or ./data)', process.env.PARLEY_DATA_DIR || 'data')
  .addHelpText('after', '\nExamples:\n  npm run export -- --session 3f9c2a1b --out out/session-3f9c2a1b\n  npm run export -- --study 5e1d0c9a7b --out out/study\nColumns: docs/study-data.md, docs/studies.md');
program.parse();
const opts = program.opts<{ session?: string; study?: string; out: string; data: string; votesFormat: VotesFormat }>();
if ((opts.session === undefined) === (opts.study === undefined)) {
  console.error('Give exactly one of --session ID or --study ID.');
  process.exit(2);
}
if (opts.study !== undefined && opts.votesFormat !== 'parley') {
  // a study's joined tables carry session columns, so they cannot be the reference's file
  console.error('--votes-format reference applies to one session (--session); export each session of a study on its own.');
  process.exit(2);
}

const store = await openStore({ dataDir: resolve(opts.data), databaseUrl: process.env.PARLEY_DATABASE_URL || undefined, durability: 'normal' });
try {
  const out = resolve(opts.out);
  if (opts.study !== undefined) {
    const studies = store.studies;
    const study = (await studies.study(opts.study)) ?? (await studies.studyBySlug(opts.study));
    if (!study) {
      console.error(`No study "${opts.study}" in ${store.location}.`);
      process.exitCode = 1;
    } else {
      await writeExportDir(await studyExportFiles(studies, store, study), out);
      console.log(`wrote ${out}/{${studyExportFileNames(study.game).join(',')}}`);
    }
  } else {
    const session = opts.session!;
    const files = await sessionExportFiles(store, session, { votes: opts.votesFormat });
    if (!files) {
      console.error(`No session "${session}" in ${store.location}.`);
      process.exitCode = 1;
    } else {
      await writeExportDir(files, out);
      writeFileSync(join(out, 'report.html'), (await sessionReportHtml(store, session))!);
      console.log(`wrote ${out}/{${[...exportFileNames((await store.session(session))!.game), 'report.html'].join(',')}}`);
    }
  }
} finally {
  await store.close();
}
