import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bootServer, gameRows, type TestServer } from './helpers.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const EXAMPLE = 'server/examples/play-any-game.ts';

let t: TestServer;
beforeAll(async () => {
  t = await bootServer();
});
afterAll(async () => {
  await t.close();
});

function runExample(url: string, token: string): Promise<{ code: number | null; output: string }> {
  const child = spawn(path.join(ROOT, 'node_modules/.bin/tsx'), [EXAMPLE, url, token], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr.on('data', (c: Buffer) => (output += c.toString()));
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code, output })));
}

describe('the documented example client', () => {
  it('is included verbatim in docs/protocol.md', () => {
    const doc = readFileSync(path.join(ROOT, 'docs/protocol.md'), 'utf8');
    const program = readFileSync(path.join(ROOT, EXAMPLE), 'utf8');
    expect(doc).toContain(program.trim());
  });

  it('plays a whole game from pending alone, in both seats', async () => {
    const created = await t.createSession({ game: 'trust-split', preset: 'human', seats: [{ kind: 'external', label: 'bot A' }, { kind: 'external', label: 'bot B' }] });
    const runs = await Promise.all(created.seats.map((s) => runExample(t.url, s.token!)));
    for (const run of runs) {
      expect(run.code, run.output).toBe(0);
      expect(run.output).toMatch(/Game over: /);
      expect(run.output).not.toMatch(/refused/);
    }
    const log = await t.events(created.id);
    const actions = gameRows(log).filter((r) => r.clientActionId);
    // 5 rounds × (2 messages + 1 proposal) per seat
    expect(actions.filter((r) => r.seat === 0)).toHaveLength(15);
    expect(actions.filter((r) => r.seat === 1)).toHaveLength(15);
    expect(log.some((r) => r.event.type === 'gameOver')).toBe(true);
  });

  it('reports a bad token and exits non-zero', async () => {
    const run = await runExample(t.url, 'no-such-token');
    expect(run.code).toBe(1);
    expect(run.output).toMatch(/cannot connect: invalid_token/);
  });
});
