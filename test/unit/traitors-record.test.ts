// The vote record and the moments the table plays: in the order things happened, and only what
// the viewer may see (the traitors' night choice is theirs and the spectator's).
import { describe, expect, it } from 'vitest';
import { replay } from '../../shared/engine/match.ts';
import { pickNames } from '../../shared/engine/names.ts';
import { playScripted } from '../../shared/engine/play.ts';
import { resolveConfig } from '../../shared/games/index.ts';
import { traitors, type TraitorsConfig, type TraitorsEvent, type TraitorsState } from '../../shared/games/traitors/index.ts';
import { view as viewOf } from '../../shared/games/traitors/view.ts';
import { outcome } from '../../shared/games/traitors/rules.ts';
import type { Viewer } from '../../shared/engine/game.ts';
import { isWinner, knownEliminations, traitorsMoments, traitorsRecord, type RecordEntry, type TraitorsTable } from '../../client/games/traitors-record.ts';

const table = resolveConfig(traitors, 'table') as TraitorsConfig;

/** What a browser has of the table in `state`: the viewer's view and the payload's outcome, as the server sends them. */
function view(state: TraitorsState, viewer: Viewer): TraitorsTable {
  return { view: viewOf(state, viewer), outcome: outcome(state) };
}

function game(seed: number, config: TraitorsConfig = table) {
  const names = pickNames(config.players, seed);
  const events = playScripted<TraitorsEvent>(traitors, config, seed, names, names.map(() => 'scripted')).events;
  const stateAt = (n: number) => replay<TraitorsState, TraitorsEvent>(traitors, events.slice(0, n));
  return { events, stateAt, final: stateAt(events.length) };
}

/**
 * The log's own order of ballots and eliminations: murders when announced, and a murder on the
 * last night (never announced: the game ends first) once the game is over.
 */
function logOrder(events: readonly TraitorsEvent[], insider: boolean): string[] {
  const order: string[] = [];
  let unannounced: string | null = null;
  for (const e of events) {
    if (e.type === 'votesRevealed' && (insider || e.ballot !== 'murder')) order.push(`ballot ${e.round} ${e.ballot}`);
    if (e.type === 'banished') order.push(`banished ${e.round} ${e.seat}`);
    if (e.type === 'murdered') unannounced = `murdered ${e.round} ${e.seat}`;
    if (e.type === 'murderAnnounced') {
      order.push(`murdered ${e.round} ${e.seat}`);
      unannounced = null;
    }
    if (e.type === 'gameOver' && unannounced) order.push(unannounced);
  }
  return order;
}

const label = (entry: RecordEntry) =>
  entry.kind === 'ballot' ? `ballot ${entry.ballot.round} ${entry.ballot.ballot}` : `${entry.record.cause} ${entry.record.round} ${entry.record.seat}`;

describe('traitors record', () => {
  it('lists ballots and eliminations in the order the log has them, night ballots only for insiders', () => {
    let lastNightMurders = 0;
    for (const seed of [1, 2, 3, 4, 5, 6, 7, 8]) {
      const { events, final } = game(seed);
      if (final.pendingMurder !== null) lastNightMurders++;
      const faithful = final.roles.indexOf('faithful');
      const traitor = final.roles.indexOf('traitor');
      expect(traitorsRecord(view(final, 'spectator')).map(label)).toEqual(logOrder(events, true));
      expect(traitorsRecord(view(final, traitor)).map(label)).toEqual(logOrder(events, true));
      const seen = traitorsRecord(view(final, faithful));
      expect(seen.map(label)).toEqual(logOrder(events, false));
      expect(seen.some((e) => e.kind === 'ballot' && e.ballot.ballot === 'murder')).toBe(false);
      expect(logOrder(events, true).some((l) => l.includes('murder'))).toBe(true);
    }
    // some of these games end on a night whose murder is never announced: it is in the record too
    expect(lastNightMurders).toBeGreaterThan(0);
  });

  it('finds, between any two states, exactly the moments that happened in between, in order', () => {
    const { events, stateAt } = game(5);
    const seat = stateAt(1).roles.indexOf('faithful');
    let played: string[] = [];
    // step through the log unevenly (1, 2, 3 events at a time), as states reach a browser
    let from = 1;
    for (let step = 1; from < events.length; step = (step % 3) + 1) {
      const to = Math.min(events.length, from + step);
      const moments = traitorsMoments(view(stateAt(from), seat), view(stateAt(to), seat));
      played = [...played, ...moments.map((m) => (m.kind === 'ballot' ? `ballot ${m.ballot.round} ${m.ballot.ballot}` : `${m.record.cause} ${m.record.round} ${m.record.seat}`))];
      for (const m of moments) if (m.kind === 'elimination' && m.record.cause === 'murdered') expect(m.role).toBe('faithful');
      from = to;
    }
    expect(played).toEqual(logOrder(events, false));
    expect(played.length).toBeGreaterThan(2);
  });

  it('keeps a recruitment ballot on the traitors\' side of the night: after the banishment, never for other faithful', () => {
    const config = resolveConfig(traitors, 'paper', { recruitment: { refusal: 'murdered' } }) as TraitorsConfig;
    let checked = 0;
    for (let seed = 1; seed <= 20; seed++) {
      const names = pickNames(config.players, seed);
      const events = playScripted<TraitorsEvent>(traitors, config, seed, names, names.map(() => 'scripted')).events;
      const final = replay<TraitorsState, TraitorsEvent>(traitors, events);
      if (final.recruitments.length === 0) continue;
      const labels = traitorsRecord(view(final, 'spectator')).map(label);
      for (const offer of final.recruitments) {
        const at = labels.indexOf(`ballot ${offer.round} recruit`);
        expect(labels[at - 1]).toMatch(new RegExp(`^banished ${offer.round} `));
        checked++;
      }
      const offered = new Set(final.recruitments.map((r) => r.seat));
      const bystander = final.roles.findIndex((role, seat) => role === 'faithful' && !offered.has(seat));
      expect(traitorsRecord(view(final, bystander)).some((e) => e.kind === 'ballot' && e.ballot.ballot === 'recruit')).toBe(false);
    }
    expect(checked).toBeGreaterThan(3);
  });

  it('finds no moment between a state and itself', () => {
    const { final } = game(6);
    expect(traitorsMoments(view(final, 'spectator'), view(final, 'spectator'))).toEqual([]);
  });

  it('takes the winners from the outcome: a recruit who ended a traitor won with the traitors', () => {
    const config = resolveConfig(traitors, 'paper', { recruitment: { refusal: 'murdered' } }) as TraitorsConfig;
    let checked = 0;
    for (let seed = 1; seed <= 40 && checked < 3; seed++) {
      const { events, final } = game(seed, config);
      const recruit = final.recruitments.find((r) => r.accepted === true)?.seat;
      if (recruit === undefined || outcome(final)?.winner !== 'traitors') continue;
      const dealt = (events[0] as Extract<TraitorsEvent, { type: 'setup' }>).roles;
      expect(dealt[recruit]).toBe('faithful');
      for (const viewer of ['spectator', recruit, dealt.indexOf('faithful')] as const) {
        const seen = view(final, viewer);
        expect(isWinner(seen, recruit)).toBe(true);
        // a faithful seat that stayed faithful lost
        expect(final.roles.every((role, seat) => isWinner(seen, seat) === (role === 'traitor'))).toBe(true);
      }
      checked++;
    }
    expect(checked).toBeGreaterThan(0);
  });

  it('wins nobody before the end', () => {
    const { stateAt, events } = game(3);
    const before = view(stateAt(events.length - 1), 'spectator');
    expect(before.outcome).toBeNull();
    expect(before.view.names.some((_, seat) => isWinner(before, seat))).toBe(false);
  });

  it('after the end lists every elimination with its true role, from the outcome (hidden banishments and the last night\'s murder too)', () => {
    const hidden = resolveConfig(traitors, 'table', { revealRoleOnBanish: false }) as TraitorsConfig;
    let lastNight = 0;
    for (let seed = 1; seed <= 8; seed++) {
      const { events, stateAt, final } = game(seed, hidden);
      const faithful = final.roles.indexOf('faithful');
      const seen = view(final, faithful);
      // the view itself keeps the game's secrets: a banishment's role stays hidden, the last murder unannounced
      expect(seen.view.eliminations.filter((e) => e.cause === 'banished').every((e) => e.role === null)).toBe(true);
      expect(seen.view.pendingMurder).toBeNull();
      const known = knownEliminations(seen);
      expect(known.map((e) => [e.seat, e.role])).toEqual(seen.outcome!.eliminations.map((e) => [e.seat, final.roles[e.seat]]));
      // the traitors only ever murder the faithful (recruits are never murdered: they stop being faithful)
      expect(known.filter((e) => e.cause === 'murdered').every((e) => e.role === 'faithful')).toBe(true);
      if (final.pendingMurder !== null) {
        lastNight++;
        expect(known.at(-1)).toMatchObject({ seat: final.pendingMurder, cause: 'murdered', role: 'faithful' });
      }
      // the game over's moment of a hidden banishment tells its true role
      const moments = traitorsMoments(view(stateAt(events.length - 2), faithful), seen);
      for (const m of moments) if (m.kind === 'elimination') expect(m.role).toBe(final.roles[m.record.seat]);
    }
    expect(lastNight).toBeGreaterThan(0);
  });

  it('before the end knows only the public eliminations: no role of a hidden banishment, no unannounced murder', () => {
    const hidden = resolveConfig(traitors, 'table', { revealRoleOnBanish: false }) as TraitorsConfig;
    const { events, stateAt } = game(2, hidden);
    for (let n = 1; n < events.length; n++) {
      const state = stateAt(n);
      const faithful = state.roles.indexOf('faithful');
      const seen = view(state, faithful);
      expect(seen.outcome).toBeNull();
      expect(knownEliminations(seen)).toBe(seen.view.eliminations);
      expect(knownEliminations(seen).filter((e) => e.cause === 'banished').every((e) => e.role === null)).toBe(true);
    }
  });
});
