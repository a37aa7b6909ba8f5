// `npm start`: build the client if needed, then serve Parley on one port.
// Environment: PORT (default 3000; 0 = any free port), PARLEY_DATA_DIR (./data), PARLEY_ADMIN_TOKEN,
// PARLEY_QUICKPLAY=0 (turn quick play off), PARLEY_PUBLIC_URL, PARLEY_AGENT_DELAY_MS (quick-play pacing),
// PARLEY_DURABILITY=normal (skip the fsync per commit), PARLEY_BUILD_CLIENT=0 (never build the client).
import { existsSync } from 'node:fs';
import path from 'node:path';
import { DEFAULT_CLIENT_DIR, REPO_ROOT, startServer } from './app.ts';
import { llmAgentResolver } from './llm/resolver.ts';

function envNumber(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) {
    console.error(`${name} must be a non-negative integer, got "${raw}"`);
    process.exit(2);
  }
  return value;
}

async function buildClientIfMissing(): Promise<void> {
  if (existsSync(path.join(DEFAULT_CLIENT_DIR, 'index.html')) || process.env.PARLEY_BUILD_CLIENT === '0') return;
  console.log('Building the browser client (dist/client is missing) …');
  try {
    const { build } = await import('vite');
    await build({ configFile: path.join(REPO_ROOT, 'vite.config.ts'), logLevel: 'warn' });
  } catch (err) {
    // the API and Socket.io still work without the browser client
    console.error(`The client build failed; serving without it: ${err instanceof Error ? err.message : String(err)}`);
  }
}

await buildClientIfMissing();
const durability = process.env.PARLEY_DURABILITY === 'normal' ? 'normal' : 'full';
const server = await startServer({
  port: envNumber('PORT', 3000),
  dataDir: process.env.PARLEY_DATA_DIR || 'data',
  adminToken: process.env.PARLEY_ADMIN_TOKEN || undefined,
  quickplay: process.env.PARLEY_QUICKPLAY !== '0',
  quickplayAgentDelayMs: envNumber('PARLEY_AGENT_DELAY_MS', 1200),
  publicUrl: process.env.PARLEY_PUBLIC_URL || undefined,
  durability,
  // LLM seats: agent "llm", "llm:<model>" or {"type":"llm",…}, configured by PARLEY_LLM_* (docs/llm-agents.md)
  agentResolvers: [llmAgentResolver()],
});

const publicUrl = process.env.PARLEY_PUBLIC_URL || server.url;
console.log(`Parley listening on ${server.url}`);
if (publicUrl !== server.url) console.log(`Public URL: ${publicUrl}`);
console.log(`Admin token: ${server.adminToken}`);
console.log(`Data: ${server.dataDir}${server.recovered.length ? ` (recovered ${server.recovered.length} unfinished session(s))` : ''}`);

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (stopping) process.exit(1);
    stopping = true;
    console.log(`${signal}: closing …`);
    void server.close().then(() => process.exit(0));
  });
}
