import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Action, Pending } from '../../shared/engine/actions.ts';
import { scriptedSeatAgent } from '../../shared/engine/agent.ts';
import { resolveAgentNames } from '../../shared/engine/play.ts';
import { getGame, resolveConfig } from '../../shared/games/index.ts';
import { prompterFor } from '../../server/llm/prompts/index.ts';
import type { CreatedSession, LogRow } from '../../shared/protocol/index.ts';
import { csvRecords, unzip } from '../export/helpers.ts';
import { connectClient, genericAction, startServerProcess, tempDir, type TestClient } from '../integration/helpers.ts';

/**
 * Issue 9.1: words that name Object.prototype members ("constructor", "__proto__" …) once crashed
 * claim extraction, the report, the export stream (taking the whole process down) and the
 * scripted opponent. A real server process, a seat that says them all, then report and export.
 */
const TOKEN = 'prototype-words-admin-token';
const WORDS = ['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf', 'isPrototypeOf', 'prototype', '__defineGetter__', 'propertyIsEnumerable', 'toLocaleString'];
/** every word alone, in a claim-like sentence and with an apostrophe form the tokenizer expands */
const MESSAGES = [...WORDS, `i have ${WORDS.join(' ')}`, "constructor's __proto__'t i'm constructor", 'my constructor is rock, my __proto__ hand is upper'];

let child: ChildProcess;
let url: string;
const dataDir = tempDir('parley-proto-');

beforeAll(async () => {
  // the program seat plays as fast as the server answers: the per-seat act rate limit is not under test here
  ({ child, url } = await startServerProcess(dataDir, TOKEN, { PARLEY_SOCKET_ACTS_PER_SEC: '0' }));
}, 60_000);
afterAll(async () => {
  if (child.exitCode === null) {
    child.kill('SIGTERM');
    await once(child, 'exit');
  }
  rmSync(dataDir, { recursive: true, force: true });
});

const auth = { authorization: `Bearer ${TOKEN}` };

async function createSession(body: unknown): Promise<CreatedSession> {
  const res = await fetch(`${url}/api/sessions`, { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  expect(res.status).toBe(201);
  return (await res.json()) as CreatedSession;
}

/** Speaks the hostile messages in turn (then plain text), proposes generically. */
function hostileSpeaker(): (p: Pending, rand: () => number, seat: number) => Action {
  let said = 0;
  return (pending, rand, seat) => (pending.kind === 'speak' ? { kind: 'speak', text: MESSAGES[said++ % MESSAGES.length] } : genericAction(pending, rand, seat));
}

describe('prototype-named words in Trust-and-Split chat', () => {
  let session: CreatedSession;
  let player: TestClient;

  beforeAll(async () => {
    // every scripted opponent reads claims; 'paper' has 10 rounds of one message each
    session = await createSession({
      game: 'trust-split',
      preset: 'paper',
      seed: 7,
      config: { messagesPerRound: 2 },
      seats: [{ kind: 'external', label: 'constructor' }, { kind: 'agent', agent: 'tit-for-tat', label: '__proto__' }],
    });
    player = connectClient(url, session.seats[0].token!, { seed: 3 });
    await player.connected();
    player.autoplay(hostileSpeaker());
    await player.waitForOutcome(60_000);
    player.close();
  }, 90_000);

  it('plays the whole game: every hostile message is logged and the agent never fell back', async () => {
    const log = (await (await fetch(`${url}/api/sessions/${session.id}/events`, { headers: auth })).text())
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as LogRow);
    const said = log.filter((r) => r.kind === 'game' && r.event.type === 'message' && r.event.seat === 0).map((r) => r.event.text);
    expect(said.length).toBeGreaterThanOrEqual(MESSAGES.length);
    expect(new Set(said)).toEqual(new Set(MESSAGES));
    // the agent decided every time, none of its decisions failed
    expect(log.filter((r) => r.kind === 'session' && r.event.type === 'agent_error')).toEqual([]);
    expect(player.latest!.outcome!.points).toHaveLength(2);
  });

  it('answers the report with 200 and a complete page', async () => {
    const res = await fetch(`${url}/api/sessions/${session.id}/report`, { headers: auth });
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toMatch(/^<!doctype html>/);
    expect(html).toContain('</html>');
  });

  it('answers the export with 200 and a complete zip whose tables hold every message', async () => {
    const res = await fetch(`${url}/api/sessions/${session.id}/export`, { headers: auth });
    expect(res.status).toBe(200);
    const files = unzip(Buffer.from(await res.arrayBuffer()));
    const statements = csvRecords(files.get(`parley-${session.id}/statements.csv`)!.toString());
    expect(statements.filter((s) => s.seat === '0').map((s) => s.text)).toEqual(expect.arrayContaining(MESSAGES));
    const metrics = JSON.parse(files.get(`parley-${session.id}/metrics.json`)!.toString());
    expect(metrics.metrics.rounds).toBe(10);
    const rounds = csvRecords(files.get(`parley-${session.id}/rounds.csv`)!.toString());
    expect(rounds).toHaveLength(20);
  });

  it('keeps the process up: another room still plays to the end', async () => {
    expect(child.exitCode).toBeNull();
    const other = await createSession({ game: 'trust-split', preset: 'human', seed: 8, seats: [{ kind: 'external' }, { kind: 'agent', agent: 'fair' }] });
    const p = connectClient(url, other.seats[0].token!, { seed: 4 });
    await p.connected();
    p.autoplay();
    const final = await p.waitForOutcome(60_000);
    p.close();
    expect(final.status).toBe('finished');
    expect(child.exitCode).toBeNull();
  }, 90_000);
});

describe('prototype-named games, presets and agents', () => {
  it('are unknown to every lookup, with the usual clear error', () => {
    const game = getGame('trust-split');
    for (const word of WORDS) {
      expect(() => getGame(word)).toThrow(`Unknown game "${word}"`);
      expect(() => resolveConfig(game, word)).toThrow(`Unknown preset "${word}"`);
      expect(() => scriptedSeatAgent(game, word)).toThrow(`Unknown agent "${word}"`);
      expect(() => resolveAgentNames(game, undefined, [word, 'fair'])).toThrow(`Unknown agent "${word}"`);
      expect(() => prompterFor(word)).toThrow(`no prompts for the game "${word}"`);
    }
  });

  it('are refused by the API with a 400 that says what exists, and change nothing', async () => {
    const sessionIds = async () => ((await (await fetch(`${url}/api/sessions`, { headers: auth })).json()) as { sessions: { id: string }[] }).sessions.map((x) => x.id);
    const before = await sessionIds();
    for (const word of ['constructor', '__proto__', 'toString']) {
      for (const body of [
        { game: word, seats: [{ kind: 'human' }] },
        { game: 'trust-split', preset: word, seats: [{ kind: 'human' }, { kind: 'human' }] },
        { game: 'trust-split', seats: [{ kind: 'agent', agent: word }, { kind: 'human' }] },
        { game: 'trust-split', seats: [{ kind: 'human' }, { kind: 'human' }], takeoverAfterSec: 5, takeoverAgent: word },
      ]) {
        const res = await fetch(`${url}/api/sessions`, { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: JSON.stringify(body) });
        expect(res.status, JSON.stringify(body)).toBe(400);
        expect((await res.json()).error).toMatch(/Unknown (game|preset|agent)/);
      }
    }
    expect(await sessionIds()).toEqual(before);
  });
});
