import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';
import { precompress } from './scripts/precompress.ts';

// The browser client lives in client/; `npm run build` writes dist/client, which the server serves.
export default defineConfig({
  root: 'client',
  build: { outDir: '../dist/client', emptyOutDir: true, chunkSizeWarningLimit: 2000 },
  // brotli and gzip copies of every text asset, written once at build time (the server picks one per request)
  plugins: [precompress()],
  test: {
    root: '.',
    include: ['test/unit/**/*.test.ts', 'test/property/**/*.test.ts', 'test/integration/**/*.test.ts', 'test/llm/**/*.test.ts', 'test/export/**/*.test.ts', 'test/security/**/*.test.ts', 'test/replay/**/*.test.ts', 'test/studies/**/*.test.ts', 'test/console/**/*.test.ts', 'test/tournament/**/*.test.ts', 'test/cluster/**/*.test.ts'],
    // most test files spend their time waiting on servers, sockets and timers, so one file more than
    // there are cores keeps the cores busy (vitest's default is one fewer: a single worker on 2 cores)
    maxWorkers: availableParallelism() + 1,
    // a worker keeps the modules it has loaded from one test file to the next: importing the server
    // through the transform once per file was ~190 s of CPU of a ~370 s run; every test file starts
    // and closes its own servers, stores and clients, so nothing else is shared
    isolate: false,
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
