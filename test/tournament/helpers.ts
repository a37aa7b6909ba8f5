import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The tournament CLI as `npm run tournament --` runs it (tsx), without npm's start-up. */
export function startCli(args: string[], env: NodeJS.ProcessEnv = process.env): { child: ChildProcess; done: Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }> } {
  const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/tournament.ts', ...args], { cwd: process.cwd(), env });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d) => (stdout += d));
  child.stderr!.on('data', (d) => (stderr += d));
  const done = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal, stdout, stderr })),
  );
  return { child, done };
}

export function runCli(args: string[], env?: NodeJS.ProcessEnv) {
  return startCli(args, env).done;
}

/** Complete lines in DIR/games.jsonl so far. */
export function savedGames(dir: string): number {
  const path = join(dir, 'games.jsonl');
  if (!existsSync(path)) return 0;
  const text = readFileSync(path, 'utf8');
  let n = 0;
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

/** Poll until `condition` holds (or fail after `timeoutMs`): waits for a state, never for a fixed time. */
export async function waitFor(condition: () => boolean, what: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

export interface CsvTable {
  header: string[];
  rows: Record<string, string>[];
}

/** Our CSVs hold no quoted commas in the columns these tests read (agent names, numbers). */
export function readCsv(path: string): CsvTable {
  const [head, ...lines] = readFileSync(path, 'utf8').trim().split('\n');
  const header = head.split(',');
  return { header, rows: lines.map((line) => Object.fromEntries(line.split(',').map((v, i) => [header[i], v]))) };
}
