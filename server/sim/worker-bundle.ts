import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

let bundled: Promise<URL> | undefined;

/**
 * The simulation worker as one plain-JS file. Loading the TypeScript sources through tsx in
 * every worker costs over a second per thread; a bundle starts in milliseconds, so worker threads
 * pay off even for small batches. `npm run build` writes it beside the built simulator
 * (dist/server/sim-worker.js); run from the sources, it is bundled once per process (~100 ms) into
 * node_modules/.cache, with esbuild, a development tool the built install does not have.
 */
export function simWorkerUrl(): Promise<URL> {
  if (typeof PARLEY_BUNDLED !== 'undefined') return Promise.resolve(new URL('./sim-worker.js', import.meta.url));
  bundled ??= (async () => {
    const { build } = await import('esbuild');
    const outDir = fileURLToPath(new URL('../../node_modules/.cache/parley/', import.meta.url));
    mkdirSync(outDir, { recursive: true });
    const result = await build({
      entryPoints: [fileURLToPath(new URL('./worker.ts', import.meta.url))],
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      packages: 'external',
      outfile: join(outDir, 'sim-worker.mjs'),
      write: false,
      logLevel: 'error',
    });
    const code = result.outputFiles[0].contents;
    // named by content, written atomically: concurrent simulator runs share it safely
    const outfile = join(outDir, `sim-worker-${createHash('sha256').update(code).digest('hex').slice(0, 16)}.mjs`);
    if (!existsSync(outfile)) {
      const temp = `${outfile}.${process.pid}.tmp`;
      writeFileSync(temp, code);
      renameSync(temp, outfile);
    }
    return pathToFileURL(outfile);
  })();
  return bundled;
}
