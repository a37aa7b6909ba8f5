// `npm run build:server` (part of `npm run build`): bundle the server, the simulator's worker thread and the
// command-line tools into dist/server/ as plain ESM for Node 20, so that `npm run serve` and
// `node dist/server/simulate.js …` run from an install without devDependencies (no tsx, vite or esbuild).
// Packages stay external: they are installed from `dependencies`, and the build fails if a bundle needs any other.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build, type Metafile } from 'esbuild';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Output name (dist/server/<name>.js) → source. The sim worker must sit beside the tools that start it (server/sim/worker-bundle.ts). */
export const SERVER_ENTRIES: Readonly<Record<string, string>> = {
  main: 'server/main.ts',
  'sim-worker': 'server/sim/worker.ts',
  simulate: 'scripts/simulate.ts',
  tournament: 'scripts/tournament.ts',
  reproduce: 'scripts/reproduce.ts',
  export: 'scripts/export.ts',
  study: 'scripts/study.ts',
};

export const DEFAULT_SERVER_OUT_DIR = path.join(ROOT, 'dist', 'server');

/** `lodash/fp` → `lodash`, `@scope/pkg/sub` → `@scope/pkg`. */
function packageName(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

/** The packages each bundle imports at run time that `dependencies` does not list (devDependencies are not installed in production). */
function undeclaredImports(metafile: Metafile, dependencies: ReadonlySet<string>): string[] {
  const builtins = new Set(builtinModules);
  const problems: string[] = [];
  for (const [file, output] of Object.entries(metafile.outputs)) {
    for (const imported of output.imports) {
      if (!imported.external || imported.path.startsWith('node:') || builtins.has(imported.path)) continue;
      const name = packageName(imported.path);
      if (!dependencies.has(name)) problems.push(`${file} imports "${imported.path}"`);
    }
  }
  return [...new Set(problems)];
}

/** Build every entry into `outDir` (emptied first); returns the files written. */
export async function buildServer(outDir: string = DEFAULT_SERVER_OUT_DIR): Promise<string[]> {
  const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { dependencies?: Record<string, string> };
  const result = await build({
    absWorkingDir: ROOT,
    entryPoints: Object.entries(SERVER_ENTRIES).map(([out, source]) => ({ in: source, out })),
    outdir: outDir,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    sourcemap: true,
    // folds `typeof PARLEY_BUNDLED` (server/bundled.d.ts) so the dev-only branches that import vite and esbuild are dropped
    define: { PARLEY_BUNDLED: 'true' },
    minifySyntax: true,
    metafile: true,
    write: false,
    logLevel: 'warning',
  });
  const missing = undeclaredImports(result.metafile, new Set(Object.keys(pkg.dependencies ?? {})));
  if (missing.length) throw new Error(`The server bundle imports packages that are not in "dependencies" (a production install lacks them):\n  ${missing.join('\n  ')}`);

  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  for (const file of result.outputFiles) {
    // the command-line tools' `#!/usr/bin/env tsx` line: the bundles are plain JavaScript
    const text = file.path.endsWith('.js') ? file.text.replace(/^#!\/usr\/bin\/env tsx\n/, '#!/usr/bin/env node\n') : file.text;
    writeFileSync(file.path, text);
  }
  return result.outputFiles.map((f) => f.path);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const outDir = process.argv[2] ? path.resolve(process.argv[2]) : DEFAULT_SERVER_OUT_DIR;
  const files = await buildServer(outDir);
  console.log(`Built ${files.filter((f) => f.endsWith('.js')).length} server bundles into ${path.relative(process.cwd(), outDir) || '.'}`);
}
