import { describe, expect, it } from 'vitest';
import type { SeatId } from '../../shared/engine/actions.ts';
import { Match, replay } from '../../shared/engine/match.ts';
import { pickNames } from '../../shared/engine/names.ts';
import { agentRng, playScripted } from '../../shared/engine/play.ts';
import { resolveConfig } from '../../shared/games/index.ts';
import { traitors, traitorsHeadline, type TraitorsConfig, type TraitorsEvent, type TraitorsState } from '../../shared/games/traitors/index.ts';
import { readText } from '../../shared/games/traitors/agents/index.ts';

const paper = resolveConfig(traitors, 'paper') as TraitorsConfig;
const table = resolveConfig(traitors, 'table') as TraitorsConfig;

function rolesOf(config: TraitorsConfig, seed: number): string[] {
  return (traitors.start(config, seed, pickNames(config.players, seed)) as Extract<TraitorsEvent, { type: 'setup' }>).roles;
}

/** Scripted traitors; faithful seats get `faithfulAgent`. */
function play(config: TraitorsConfig, seed: number, faithfulAgent = 'sleuth') {
  const agents = rolesOf(config, seed).map((r) => (r === 'traitor' ? 'schemer' : faithfulAgent));
  return playScripted<TraitorsEvent>(traitors, config, seed, pickNames(config.players, seed), agents);
}

describe('traitors determinism and replay', () => {
  it('gives the same log for the same seed and a different one for another seed', () => {
    const a = JSON.stringify(play(paper, 7).events);
    expect(JSON.stringify(play(paper, 7).events)).toBe(a);
    expect(JSON.stringify(play(paper, 8).events)).not.toBe(a);
  });

  it('rebuilds the live state from the log at every step (state = fold of the log)', () => {
    for (const seed of [1, 2, 3]) {
      const names = pickNames(table.players, seed);
      const match = Match.start<TraitorsState, TraitorsEvent>(traitors, table, seed, names);
      const agents = match.state.roles.map((r) => (r === 'traitor' ? traitors.agents.schemer : traitors.agents.sleuth));
      let decisions = 0;
      while (!match.isOver) {
        for (const seat of match.pendingSeats()) {
          const pending = match.pending(seat)!;
          // every 7th decision times out instead, so timeouts are replayed too
          if (++decisions % 7 === 0) match.timeout(seat);
          else expect(match.submit(seat, agents[seat]({ seat, view: traitors.view(match.state, seat), pending, rng: agentRng(seed, seat, decisions) })).ok).toBe(true);
          expect(JSON.stringify(replay(traitors, match.log))).toBe(JSON.stringify(match.state));
        }
      }
      expect(match.log.some((e) => e.type === 'timeout')).toBe(true);
      expect(JSON.stringify(Match.fromLog(traitors, match.log).state)).toBe(JSON.stringify(match.state));
    }
  });

  it('never mutates a state it reduces', () => {
    const { events } = play(table, 11);
    let state: TraitorsState | undefined;
    for (const event of events) {
      const before = state === undefined ? undefined : JSON.stringify(state);
      const next = traitors.reduce(state, event);
      if (before !== undefined) expect(JSON.stringify(state)).toBe(before);
      state = next;
    }
  });
});

describe('traitors scripted agents over many paper games', () => {
  const GAMES = 300;
  const scripted = Array.from({ length: GAMES }, (_, i) => traitorsHeadline(play(paper, i + 1).events));
  const randomFaithful = Array.from({ length: GAMES }, (_, i) => traitorsHeadline(play(paper, i + 1, 'random').events));
  const mean = (rows: typeof scripted, key: keyof (typeof scripted)[number]) => {
    const values = rows.map((r) => r[key]).filter((v): v is number => typeof v === 'number');
    return values.reduce((a, b) => a + b, 0) / values.length;
  };

  it('keeps every headline metric in [0, 1] or null', () => {
    for (const row of [...scripted, ...randomFaithful]) {
      for (const [key, value] of Object.entries(row)) {
        if (key === 'winner') expect(['faithful', 'traitors']).toContain(value);
        else if (key === 'rounds') expect(value).toBeGreaterThanOrEqual(1);
        else if (value !== null) {
          expect(typeof value).toBe('number');
          expect(value).toBeGreaterThanOrEqual(0);
          expect(value).toBeLessThanOrEqual(1);
        }
      }
    }
  });

  it('lets both sides win sometimes', () => {
    const faithfulWins = scripted.filter((r) => r.faithfulWin === 1).length;
    expect(faithfulWins).toBeGreaterThan(GAMES * 0.05);
    expect(faithfulWins).toBeLessThan(GAMES * 0.95);
  });

  it('has sleuths beat random faithful on FCR', () => {
    expect(mean(scripted, 'FCR')).toBeGreaterThan(mean(randomFaithful, 'FCR') + 0.1);
  });

  it('has schemers agree at night and sleuths report informative beliefs', () => {
    expect(mean(scripted, 'TAS')).toBe(1);
    expect(mean(scripted, 'auc')).toBeGreaterThan(0.6);
    expect(mean(randomFaithful, 'auc')).toBeLessThan(0.6);
  });
});

describe('traitors scripted statements', () => {
  it('are varied natural language that names players by name, and never accuse a fellow traitor', () => {
    const { events } = play(paper, 5);
    const setup = events[0] as Extract<TraitorsEvent, { type: 'setup' }>;
    const publicTexts = events.flatMap((e) => (e.type === 'statement' && e.channel === 'public' ? [e] : []));
    expect(new Set(publicTexts.map((s) => s.text)).size).toBeGreaterThan(publicTexts.length / 2);
    expect(publicTexts.some((s) => setup.names.some((n) => s.text.includes(n) && s.purpose === 'discussion'))).toBe(true);
    for (let seed = 1; seed <= 30; seed++) {
      const game = play(paper, seed).events;
      const { names, roles } = game[0] as Extract<TraitorsEvent, { type: 'setup' }>;
      for (const e of game) {
        if (e.type !== 'statement' || e.channel !== 'public' || roles[e.seat] !== 'traitor') continue;
        const accused: SeatId[] = readText(e.text, names).accused;
        expect(accused.filter((s) => roles[s] === 'traitor')).toEqual([]);
      }
    }
  });
});

describe('traitors random agent', () => {
  it('plays every seat legally in both presets', () => {
    for (const config of [paper, table]) {
      for (let seed = 1; seed <= 20; seed++) {
        const game = playScripted<TraitorsEvent>(traitors, config, seed, pickNames(config.players, seed), Array(config.players).fill('random'));
        expect(game.events[game.events.length - 1].type).toBe('gameOver');
      }
    }
  });
});
