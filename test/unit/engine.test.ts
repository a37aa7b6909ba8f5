import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { Action, Pending } from '../../shared/engine/actions.ts';
import type { GameDefinition, Rejection } from '../../shared/engine/game.ts';
import { Match, replay } from '../../shared/engine/match.ts';
import { pickNames } from '../../shared/engine/names.ts';
import { playAgents, playScripted } from '../../shared/engine/play.ts';
import { scriptedSeatAgent } from '../../shared/engine/agent.ts';
import { Purpose, Rng, type RngState } from '../../shared/engine/rng.ts';

describe('pickNames', () => {
  it('picks distinct names, reproducibly', () => {
    const names = pickNames(10, 5);
    expect(new Set(names).size).toBe(10);
    expect(pickNames(10, 5)).toEqual(names);
  });
});

// A tiny counting game: two seats take turns adding 1..3; whoever reaches 10 wins.
// A "bonus" event is settled automatically (with randomness) whenever the total is a multiple of 4.
type CountState = { names: string[]; rng: RngState; total: number; turn: number; bonuses: number };
type CountEvent =
  | { type: 'setup'; names: string[]; rng: RngState }
  | { type: 'add'; seat: number; n: number }
  | { type: 'bonus'; amount: number; rng: RngState };

const countGame: GameDefinition<{ target: number }, CountState, CountEvent, { total: number; you: number }> = {
  id: 'trust-split',
  title: 'count',
  configSchema: z.object({ target: z.number() }),
  presets: { default: { target: 10 } },
  seatCount: () => 2,
  start: (_c, seed, names) => ({ type: 'setup', names, rng: Rng.stream(seed, Purpose.game).state }),
  reduce(state, e) {
    switch (e.type) {
      case 'setup':
        return { names: e.names, rng: e.rng, total: 0, turn: 0, bonuses: 0 };
      case 'add':
        return { ...state!, total: state!.total + e.n, turn: 1 - state!.turn };
      case 'bonus':
        return { ...state!, total: state!.total + e.amount, bonuses: state!.bonuses + 1, rng: e.rng };
    }
  },
  pending: (s, seat): Pending | null =>
    s.total < 10 && s.turn === seat ? { kind: 'propose', min: 1, max: 3, timeLimitSec: 0 } : null,
  validate(s, seat, a: Action): Rejection | null {
    if (s.total >= 10) return { code: 'game_over', message: 'over' };
    if (s.turn !== seat) return { code: 'not_your_turn', message: 'wait' };
    if (a.kind !== 'propose') return { code: 'wrong_action', message: 'propose' };
    if (a.coins < 1 || a.coins > 3) return { code: 'out_of_range', message: '1..3' };
    return null;
  },
  actionEvent: (_s, seat, a) => ({ type: 'add', seat, n: (a as { coins: number }).coins }),
  timeoutEvent: (_s, seat) => ({ type: 'add', seat, n: 1 }),
  settle(s) {
    if (s.total > 0 && s.total < 10 && s.total % 4 === 0 && s.bonuses < s.total / 4) {
      const r = Rng.from(s.rng);
      return { type: 'bonus', amount: r.range(0, 1), rng: r.state };
    }
    return null;
  },
  view: (s, viewer) => ({ total: s.total, you: viewer === 'spectator' ? -1 : viewer }),
  outcome: (s) => (s.total >= 10 ? { summary: `seat ${1 - s.turn} wins`, winners: [1 - s.turn] } : null),
  progress: (s) => ({ phase: s.total >= 10 ? 'over' : 'add', round: null }),
  audience: () => null,
  metrics: (events) => ({ events: events.length }),
  headline: (events) => ({ events: events.length }),
  agents: { up: ({ pending, rng }) => ({ kind: 'propose', coins: pending.kind === 'propose' ? rng.range(pending.min, pending.max) : 0 }) },
  scriptedAgentFor: () => 'up',
};

describe('Match', () => {
  it('rejects an illegal action without changing state or log', () => {
    const m = Match.start<CountState, CountEvent>(countGame, { target: 10 }, 1, ['A', 'B']);
    const before = JSON.stringify({ s: m.state, l: m.log });
    expect(m.submit(1, { kind: 'propose', coins: 1 })).toMatchObject({ ok: false, code: 'not_your_turn' });
    expect(m.submit(0, { kind: 'propose', coins: 9 })).toMatchObject({ ok: false, code: 'out_of_range' });
    expect(m.submit(0, { kind: 'speak', text: 'hi' })).toMatchObject({ ok: false, code: 'wrong_action' });
    expect(JSON.stringify({ s: m.state, l: m.log })).toBe(before);
  });

  it('appends the action and its automatic consequences, and replays to the same state', () => {
    const m = Match.start<CountState, CountEvent>(countGame, { target: 10 }, 1, ['A', 'B']);
    m.submit(0, { kind: 'propose', coins: 3 });
    const r = m.submit(1, { kind: 'propose', coins: 1 });
    expect(r.ok && r.events.map((e) => e.type)).toEqual(['add', 'bonus']);
    expect(replay<CountState, CountEvent>(countGame, m.log)).toEqual(m.state);
    expect(Match.fromLog<CountState, CountEvent>(countGame, m.log).state).toEqual(m.state);
  });

  it('applies the default on timeout, only for a seat that owes an action', () => {
    const m = Match.start<CountState, CountEvent>(countGame, { target: 10 }, 1, ['A', 'B']);
    expect(m.timeout(1)).toEqual([]);
    expect(m.timeout(0)[0]).toEqual({ type: 'add', seat: 0, n: 1 });
    expect(m.state.turn).toBe(1);
  });

  it('decides an action or a timeout without applying it; the commit applies exactly that (a room writes in between)', () => {
    const m = Match.start<CountState, CountEvent>(countGame, { target: 10 }, 1, ['A', 'B']);
    const before = JSON.stringify({ s: m.state, l: m.log });
    expect(m.decide(1, { kind: 'propose', coins: 1 })).toMatchObject({ ok: false, code: 'not_your_turn' });
    const decided = m.decide(0, { kind: 'propose', coins: 3 });
    if (!decided.ok) throw new Error(decided.message);
    expect(m.decideTimeout(1)).toBeNull(); // seat 1 owes nothing yet
    expect(JSON.stringify({ s: m.state, l: m.log })).toBe(before);
    m.commit(decided.events, decided.state);
    const timedOut = m.decideTimeout(1)!;
    expect(timedOut.events.map((e) => e.type)).toEqual(['add', 'bonus']); // 3 + 1 = 4: the settled bonus comes with it
    expect(m.state.total).toBe(3);
    m.commit(timedOut.events, timedOut.state);

    const twin = Match.start<CountState, CountEvent>(countGame, { target: 10 }, 1, ['A', 'B']);
    twin.submit(0, { kind: 'propose', coins: 3 });
    twin.timeout(1);
    expect(JSON.stringify({ s: m.state, l: m.log })).toBe(JSON.stringify({ s: twin.state, l: twin.log }));
  });

  it('adopts a log its caller already folded (fromFold) as fromLog would fold it', () => {
    const m = Match.start<CountState, CountEvent>(countGame, { target: 10 }, 1, ['A', 'B']);
    m.submit(0, { kind: 'propose', coins: 3 });
    m.submit(1, { kind: 'propose', coins: 1 });
    const adopted = Match.fromFold<CountState, CountEvent>(countGame, m.log, m.state);
    expect(adopted.state).toBe(m.state);
    expect(adopted.log).toEqual(m.log);
    expect(Match.fromLog<CountState, CountEvent>(countGame, m.log).state).toEqual(adopted.state);
  });

  it('plays scripted games deterministically from the seed', () => {
    const a = playScripted(countGame, { target: 10 }, 9, ['A', 'B'], ['scripted', 'up']);
    const b = playScripted(countGame, { target: 10 }, 9, ['A', 'B'], ['scripted', 'up']);
    expect(JSON.stringify(a.events)).toBe(JSON.stringify(b.events));
    expect(a.agents).toEqual(['up', 'up']);
    expect(a.outcome.winners).toHaveLength(1);
    expect(() => playScripted(countGame, { target: 10 }, 9, ['A', 'B'], ['nobody', 'up'])).toThrow(/Unknown agent "nobody"/);
  });
});

describe('playAgents', () => {
  it('plays the same game as the synchronous path, and links each decision to its event', async () => {
    const sync = playScripted(countGame, { target: 10 }, 4, ['A', 'B'], ['up', 'up']);
    const slowUp = scriptedSeatAgent(countGame, 'up');
    const played = await playAgents(countGame, { target: 10 }, 4, ['A', 'B'], () => ({
      name: 'slow-up',
      decide: async (ctx) => {
        await new Promise((r) => setTimeout(r, 1));
        return { action: await slowUp.decide(ctx) as never, thoughts: `seat ${ctx.seat} thinking` };
      },
    }));
    expect(JSON.stringify(played.events)).toBe(JSON.stringify(sync.events));
    expect(played.decisions.length).toBeGreaterThan(0);
    for (const d of played.decisions) {
      expect(played.events[d.eventIndex]).toMatchObject({ type: 'add', seat: d.seat });
      expect(d.thoughts).toBe(`seat ${d.seat} thinking`);
    }
  });
});
