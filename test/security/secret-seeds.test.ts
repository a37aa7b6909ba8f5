import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { newToken } from '../../server/sessions.ts';
import type { SessionRecord } from '../../server/store/index.ts';
import { SqliteStore } from '../../server/store/sqlite.ts';
import { PLAYER_NAMES, pickNames } from '../../shared/engine/names.ts';
import { Purpose, Rng, RngKey, SECRET_SEED_PATTERN } from '../../shared/engine/rng.ts';
import { getGame, resolveConfig } from '../../shared/games/index.ts';
import { traitors } from '../../shared/games/traitors/index.ts';
import type { TraitorsConfig } from '../../shared/games/traitors/config.ts';
import type { TraitorsEvent } from '../../shared/games/traitors/types.ts';
import { HANDS } from '../../shared/games/trust-split/hands.ts';
import type { TrustSplitEvent } from '../../shared/games/trust-split/events.ts';
import type { CreatedSession, LogRow, QuickplayResult } from '../../shared/protocol/index.ts';
import { bootServer, connectClient, gameRows, tempDir, type TestClient, type TestServer } from '../integration/helpers.ts';

/**
 * Issue 9.2: a live session's hidden information must not be computable from what a seat sees.
 * Live sessions get 128-bit secret seeds; every draw comes from a ChaCha20 stream keyed by the
 * seed; no seat, spectator or quick-play answer carries the seed, the key or any RNG state.
 */

let servers: TestServer[] = [];
let clients: TestClient[] = [];
async function boot(options: Parameters<typeof bootServer>[0] = {}): Promise<TestServer> {
  const t = await bootServer(options);
  servers.push(t);
  return t;
}
function client(t: TestServer, token: string, seed: number): TestClient {
  const c = connectClient(t.url, token, { seed });
  clients.push(c);
  return c;
}
afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  await Promise.all(servers.splice(0).map((t) => t.close()));
});

type SessionDetail = { seed: number | string; spectatorToken: string; status: string };

async function detail(t: TestServer, id: string): Promise<SessionDetail> {
  const res = await t.api<SessionDetail>('GET', `/api/sessions/${id}`);
  expect(res.status).toBe(200);
  return res.json;
}

async function quickplay(t: TestServer, game: string): Promise<{ result: QuickplayResult; raw: string }> {
  const res = await t.api<QuickplayResult>('POST', '/api/quickplay', { game }, null);
  expect(res.status).toBe(201);
  return { result: res.json, raw: JSON.stringify(res.json) };
}

/** Every RNG key recorded in a log (setup, deals, tie-breaks). */
function rngKeys(rows: LogRow[]): string[] {
  const keys = new Set<string>();
  for (const row of gameRows(rows)) {
    const rng = (row.event as { rng?: unknown }).rng;
    if (rng && typeof rng === 'object') keys.add((rng as { key: string }).key);
  }
  return [...keys];
}

describe('live sessions keep their seed secret (issue 9.2)', () => {
  it('property: no seat, spectator or quick-play answer carries the seed, the key or any RNG state', async () => {
    // instant agents let the autoplaying seat act faster than the per-seat act limit, which this test is not about
    const t = await boot({ limits: { socketActsPerSec: 0 } });
    for (const game of ['traitors', 'trust-split', 'traitors', 'trust-split']) {
      const { result, raw } = await quickplay(t, game);
      const { seed, spectatorToken } = await detail(t, result.id);
      // a fresh 128-bit secret per live session, shown to the admin (the positive control)
      expect(seed).toMatch(SECRET_SEED_PATTERN);
      const spectator = client(t, spectatorToken, 1);
      await spectator.connected();
      const seat = client(t, result.token, 2);
      seat.autoplay();
      await seat.waitForOutcome();
      await spectator.waitFor((s) => s.outcome !== null);

      const log = await t.events(result.id);
      const keys = rngKeys(log);
      expect(keys).toEqual([RngKey.fromSeed(seed).hex]);
      // the search below can see a leak: the admin's log holds the seed and the key
      const adminLog = JSON.stringify(log);
      expect(adminLog).toContain(seed as string);
      expect(adminLog).toContain(keys[0]);

      const seen = [raw, ...seat.received.map((p) => p.json), ...spectator.received.map((p) => p.json)];
      expect(seat.received.length).toBeGreaterThan(3);
      for (const json of seen) {
        expect(json).not.toContain(seed as string);
        for (const key of keys) expect(json).not.toContain(key);
        expect(json).not.toMatch(/"(seed|rng|key|stream|position)"\s*:/);
      }
    }
  });

  it('every server-made seed is 32 hex characters (128 bits from node:crypto), each one new', async () => {
    const t = await boot();
    const seeds = new Set<string | number>();
    for (let i = 0; i < 12; i++) {
      const created = await t.createSession({ game: 'trust-split', seats: [{ kind: 'human' }, { kind: 'human' }] });
      expect(typeof created.seed).toBe('string');
      expect(created.seed).toMatch(SECRET_SEED_PATTERN);
      seeds.add(created.seed);
    }
    expect(seeds.size).toBe(12);
  });
});

// ------------------------------------------------------------------------------------------------
// the attack of issue 9.2: search integer seeds for the one that shuffles the names a seat sees

/** The names derivation before this fix: FNV-1a("names:" + seed) + an avalanche → mulberry32. */
function oldPickNames(count: number, seed: number): string[] {
  let h = 0x811c9dc5;
  const text = `names:${seed}`;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  return Rng.from(h >>> 0).shuffle(PLAYER_NAMES).slice(0, count);
}

/** A sample of the 2³² integer seeds: all of [0, 2¹⁶) and 2¹⁶ spread over the rest, each once. */
function sampledSeeds(): number[] {
  const rng = Rng.stream(2024, Purpose.test);
  const seeds = new Set(Array.from({ length: 2 ** 16 }, (_, i) => i));
  while (seeds.size < 2 ** 17) seeds.add(rng.uint32());
  return [...seeds];
}

function search(names: string[], seeds: number[], derive: (count: number, seed: number) => string[]): number[] {
  const wanted = names.join(',');
  return seeds.filter((s) => derive(names.length, s).join(',') === wanted);
}

async function seatNames(t: TestServer, token: string): Promise<string[]> {
  const seat = client(t, token, 3);
  const state = await seat.connected();
  return state.names;
}

describe('brute-forcing integer seeds (issue 9.2)', () => {
  it('finds the roles of a table with a short explicit seed (the control) but nothing for a live secret seed', async () => {
    const t = await boot();
    const seeds = sampledSeeds();
    const seatsOf = (n: number) => Array.from({ length: n }, (_, i) => (i === 0 ? { kind: 'human' as const } : { kind: 'agent' as const, agent: 'scripted' }));

    // control: an experimenter's short seed is searchable, and the seed gives away the roles
    const shortSeed = 40_503;
    const control: CreatedSession = await t.createSession({ game: 'traitors', preset: 'table', seed: shortSeed, seats: seatsOf(8), agentDelayMs: 60_000 });
    const controlNames = await seatNames(t, control.seats[0].token!);
    const found = search(controlNames, seeds, pickNames);
    expect(found).toEqual([shortSeed]);
    const setup = gameRows(await t.events(control.id))[0].event as Extract<TraitorsEvent, { type: 'setup' }>;
    const config = resolveConfig(traitors, 'table') as TraitorsConfig;
    expect((traitors.start(config, found[0], controlNames) as typeof setup).roles).toEqual(setup.roles);

    // a live table: neither the current nor the old derivation reproduces its names from any sampled seed
    const { result } = await quickplay(t, 'traitors');
    const names = await seatNames(t, result.token);
    expect(names).toHaveLength(8);
    expect(search(names, seeds, pickNames)).toEqual([]);
    expect(search(names, seeds, oldPickNames)).toEqual([]);
    expect((await detail(t, result.id)).seed).toMatch(SECRET_SEED_PATTERN);
  });
});

// ------------------------------------------------------------------------------------------------

describe('seeds at the API and in the store', () => {
  it('rejects a malformed seed with what a seed must be, and creates nothing', async () => {
    const t = await boot();
    const before = (await t.api<{ sessions: unknown[] }>('GET', '/api/sessions')).json.sessions.length;
    for (const seed of ['0123456789ABCDEF0123456789ABCDEF', 'abc', '__proto__', -1, 2 ** 32, 1.5]) {
      const res = await t.api<{ error: string }>('POST', '/api/sessions', { game: 'trust-split', seed, seats: [{ kind: 'human' }, { kind: 'human' }] });
      expect(res.status).toBe(400);
      expect(res.json.error).toMatch(/seed must be an integer from 0 to 4294967295 or 32 lowercase hex characters/);
    }
    expect((await t.api<{ sessions: unknown[] }>('GET', '/api/sessions')).json.sessions.length).toBe(before);
  });

  it('keeps an all-digit string seed a string across a restart (the column has INTEGER affinity)', async () => {
    const dataDir = tempDir();
    const seed = '12345678901234567890123456789012';
    const first = await boot({ dataDir, keepDataDir: true });
    const created = await first.createSession({ game: 'trust-split', seed, seats: [{ kind: 'human' }, { kind: 'human' }] });
    expect(created.seed).toBe(seed);
    await first.close();
    servers = servers.filter((s) => s !== first);
    const second = await boot({ dataDir });
    const again = await detail(second, created.id);
    expect(again.seed).toBe(seed);
    expect(again.status).toBe('active');
    const setup = gameRows(await second.events(created.id))[0].event as Extract<TrustSplitEvent, { type: 'setup' }>;
    expect(setup.seed).toBe(seed);
  });
});

describe('logs written before ChaCha streams (issue 9.2)', () => {
  /** mulberry32, the old generator, written out here as the reference. */
  function mulberry32(state: number): { value: number; state: number } {
    const s = (state + 0x6d2b79f5) >>> 0;
    let x = Math.imul(s ^ (s >>> 15), s | 1);
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61);
    return { value: ((x ^ (x >>> 14)) >>> 0) / 4294967296, state: s };
  }

  it('recover an unfinished session and keep dealing from its numeric mulberry32 state', async () => {
    const dataDir = tempDir();
    const game = getGame('trust-split');
    const config = resolveConfig(game, 'paper', { rounds: 3 });
    // what the old code wrote: a numeric seed and numeric RNG states
    const setup: TrustSplitEvent = { type: 'setup', config: config as never, seed: 7, names: ['Alice', 'Ben'], firstSpeaker: 0, rng: 12345 };
    const firstDeal = game.settle(game.reduce(undefined, setup)) as Extract<TrustSplitEvent, { type: 'deal' }>;
    const record: SessionRecord = {
      id: 'aa11bb22cc33',
      game: 'trust-split',
      preset: 'paper',
      config,
      seed: 7,
      createdAt: Date.now(),
      status: 'active',
      endedAt: null,
      outcome: null,
      seats: [0, 1].map((seat) => ({ seat, name: setup.names[seat], kind: 'human' as const, token: newToken() })),
      spectatorToken: newToken(),
      options: { takeoverAfterSec: null, takeoverAgent: 'scripted', agentDelayMs: 0, revealAgents: false, quickplay: false },
    };
    const store = new SqliteStore(dataDir);
    await store.createSession(record, [setup, firstDeal].map((event) => ({ at: record.createdAt, kind: 'game' as const, seat: null, clientActionId: null, event })));
    await store.close();

    const t = await boot({ dataDir });
    const players = record.seats.map((s, i) => client(t, s.token!, 10 + i));
    for (const p of players) p.autoplay();
    await Promise.all(players.map((p) => p.waitForOutcome()));

    const deals = gameRows(await t.events(record.id)).map((r) => r.event as TrustSplitEvent).filter((e) => e.type === 'deal');
    expect(deals).toHaveLength(3);
    // each deal draws once from the old generator: the pair index, then the state moves on
    let state = 12345;
    for (const deal of deals) {
      const draw = mulberry32(state);
      state = draw.state;
      const pair = Math.floor(draw.value * 6);
      const first = Math.floor(pair / 2);
      expect(deal.hands).toEqual([HANDS[first], HANDS[(first + 1 + (pair % 2)) % 3]]);
      expect(deal.rng).toBe(state);
    }
  });
});

describe('no weak hash derives anything from a seed (issue 9.2)', () => {
  it('server/ and shared/ hold no FNV, murmur or mulberry constant outside the legacy reader in rng.ts, and no Math.random in shared/', () => {
    const root = path.resolve(import.meta.dirname, '../..');
    const files: string[] = [];
    const walk = (dir: string) => {
      for (const name of readdirSync(dir)) {
        const full = path.join(dir, name);
        if (statSync(full).isDirectory()) walk(full);
        else if (full.endsWith('.ts')) files.push(full);
      }
    };
    walk(path.join(root, 'shared'));
    walk(path.join(root, 'server'));
    const weak = /0x811c9dc5|0x01000193|0x85ebca6b|0xc2b2ae35|0x6d2b79f5/i;
    const offenders = files.filter((f) => !f.endsWith(path.join('shared', 'engine', 'rng.ts')) && weak.test(readFileSync(f, 'utf8')));
    expect(offenders).toEqual([]);
    const random = files.filter((f) => f.includes(`${path.sep}shared${path.sep}`) && /Math\.random\(/.test(readFileSync(f, 'utf8')));
    expect(random).toEqual([]);
    // the legacy reader is the only user: it appears once, in LegacyRng
    expect(readFileSync(path.join(root, 'shared/engine/rng.ts'), 'utf8').match(weak)).toHaveLength(1);
  });
});
