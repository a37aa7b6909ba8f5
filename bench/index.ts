// `npm run bench`: prints measured figures and ratios for every part of Parley.
// Sections: sim (simulation throughput), server (live rooms over Socket.io: Parley against boardgame.io,
// bytes and CPU per action, human pace; bench/server.ts), client (bundle, first frame),
// llm (concurrent LLM games against a 200 ms fake endpoint), export (batch export + report),
// console (the experimenter console's live table with 500 live sessions),
// cluster (PostgreSQL: actions/s and act→state for 1 vs 2 processes, failover time; bench/cluster.ts),
// commit (durable SQLite commits: the fsync on the event loop vs on the thread pool; bench/commit.ts).
// Run one section with `npm run bench -- sim`.
import { existsSync } from 'node:fs';

type Section = { name: string; module: string; fn: string };
const SECTIONS: Section[] = [
  { name: 'sim', module: './simulate.ts', fn: 'benchSimulation' },
  { name: 'server', module: './server.ts', fn: 'benchServer' },
  { name: 'client', module: './client.ts', fn: 'benchClient' },
  { name: 'llm', module: './llm.ts', fn: 'benchLlm' },
  { name: 'export', module: './export.ts', fn: 'benchExport' },
  { name: 'console', module: './console.ts', fn: 'benchConsole' },
  { name: 'cluster', module: './cluster.ts', fn: 'benchCluster' },
  { name: 'commit', module: './commit.ts', fn: 'benchCommit' },
];

// section names only: flags and their values (`--part peer`, `--clients 20000`) go to the sections
const wanted = process.argv.slice(2).filter((a) => SECTIONS.some((s) => s.name === a));
console.log(`Parley benchmarks — node ${process.version}, ${new Date().toISOString()}`);
for (const section of SECTIONS) {
  if (wanted.length && !wanted.includes(section.name)) continue;
  if (!existsSync(new URL(section.module, import.meta.url))) continue;
  const mod = (await import(section.module)) as Record<string, (args?: string[]) => Promise<void>>;
  console.log('');
  await mod[section.fn](process.argv.slice(2));
}
