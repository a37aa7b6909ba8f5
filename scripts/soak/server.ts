// The soak's server: Parley's own startServer (the one `npm start` runs), bound to 127.0.0.1 only,
// with the limits the soak needs (every client shares one address). Run as a child process by
// scripts/soak.ts; configured through PARLEY_SOAK_* variables so nothing leaks into a real deployment.
import { startServer } from '../../server/app.ts';
import type { Limits } from '../../server/limits.ts';

const dataDir = process.env.PARLEY_SOAK_DATA_DIR;
const adminToken = process.env.PARLEY_SOAK_ADMIN_TOKEN;
if (!dataDir || !adminToken) {
  console.error('scripts/soak/server.ts is started by `npm run soak`; it needs PARLEY_SOAK_DATA_DIR and PARLEY_SOAK_ADMIN_TOKEN.');
  process.exit(2);
}
const limits = JSON.parse(process.env.PARLEY_SOAK_LIMITS ?? '{}') as Partial<Limits>;

const server = await startServer({
  port: 0,
  host: '127.0.0.1',
  dataDir,
  adminToken,
  staticDir: null,
  quickplay: true,
  quickplayAgentDelayMs: Number(process.env.PARLEY_SOAK_AGENT_DELAY_MS ?? 1200),
  durability: process.env.PARLEY_SOAK_DURABILITY === 'normal' ? 'normal' : 'full',
  limits,
});
console.log(`Parley listening on http://127.0.0.1:${server.port}`);

// Every PARLEY_SOAK_GC_EVERY_SEC (a minute in a long run), a full collection and the heap it leaves: the memory the server really retains
// (RSS and heapUsed alone rise and fall with the collector's timing). Needs node --expose-gc.
const gc = (globalThis as { gc?: () => void }).gc;
if (gc) {
  setInterval(() => {
    gc();
    console.log(`soak:retained-heap ${(process.memoryUsage().heapUsed / 2 ** 20).toFixed(1)}`);
  }, Number(process.env.PARLEY_SOAK_GC_EVERY_SEC ?? 60) * 1000).unref();
}

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (stopping) process.exit(1);
    stopping = true;
    void server.close().then(() => process.exit(0));
  });
}
