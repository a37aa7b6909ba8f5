import { defineConfig } from 'vitest/config';

// The browser client lives in client/; `npm run build` writes dist/client, which the server serves.
export default defineConfig({
  root: 'client',
  build: { outDir: '../dist/client', emptyOutDir: true, chunkSizeWarningLimit: 2000 },
  test: {
    root: '.',
    include: ['test/unit/**/*.test.ts', 'test/property/**/*.test.ts', 'test/integration/**/*.test.ts', 'test/llm/**/*.test.ts', 'test/export/**/*.test.ts', 'test/security/**/*.test.ts', 'test/studies/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
