#!/usr/bin/env tsx
// `npm run study -- <command>`: studies from the command line (docs/studies.md).
//   create FILE   validate a study file (YAML or JSON) and create the study on a running server
//   pilot FILE    simulated participants through a pilot copy of the study
import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import { parseStudyFile, StudyFileError } from '../shared/study/definition.ts';
import { adminToken, contentTypeFor, registerPilot } from './study/pilot.ts';

const program = new Command().name('npm run study --').description('Create and pilot studies (docs/studies.md).');

program
  .command('create')
  .description('Validate a study file and create the study on a running Parley server; prints its id and public link.')
  .argument('<file>', 'the study file (.yaml, .yml or .json)')
  .option('--url <url>', 'the server (default: $PARLEY_PUBLIC_URL or http://localhost:3000)', process.env.PARLEY_PUBLIC_URL || 'http://localhost:3000')
  .option('--data <dir>', 'where to find the generated admin token when PARLEY_ADMIN_TOKEN is not set', process.env.PARLEY_DATA_DIR || 'data')
  .option('--check', 'only validate the file; create nothing')
  .action(async (file: string, opts: { url: string; data: string; check?: boolean }) => {
    const text = readFileSync(file, 'utf8');
    const type = contentTypeFor(file);
    try {
      const def = parseStudyFile(text, type);
      if (opts.check) {
        console.log(`${file}: valid — "${def.title}" (${def.game}), arms ${def.arms.map((a) => `${a.name} (${a.disclosure}, ${a.tablesTarget} tables)`).join(', ')}`);
        return;
      }
    } catch (err) {
      if (err instanceof StudyFileError) {
        console.error(`${file}: ${err.message}`);
        process.exitCode = 1;
        return;
      }
      throw err;
    }
    const base = opts.url.replace(/\/+$/, '');
    const res = await fetch(`${base}/api/studies`, {
      method: 'POST',
      headers: { authorization: `Bearer ${adminToken(opts.data)}`, 'content-type': type },
      body: text,
    });
    const body = (await res.json().catch(() => ({}))) as { id?: string; slug?: string; link?: string; error?: string };
    if (res.status !== 201) {
      console.error(`${base}: HTTP ${res.status}: ${body.error ?? JSON.stringify(body)}`);
      process.exitCode = 1;
      return;
    }
    console.log(`Created study ${body.id} (slug ${body.slug}).`);
    console.log(`Public link: ${body.link}`);
    console.log(`For Prolific: ${body.link}?PROLIFIC_PID={{%PROLIFIC_PID%}}&STUDY_ID={{%STUDY_ID%}}&SESSION_ID={{%SESSION_ID%}}`);
  });

// pilot: `npm run study -- pilot FILE --participants N --url URL --out DIR` (scripts/study/pilot.ts)
registerPilot(program);

await program.parseAsync();
