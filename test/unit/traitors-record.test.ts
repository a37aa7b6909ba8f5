// The vote record and the moments the table plays: in the order things happened, and only what
// the viewer may see (the traitors' night choice is theirs and the spectator's).
import { describe, expect, it } from 'vitest';
import { replay } from '../../shared/engine/match.ts';
import { pickNames } from '../../shared/engine/names.ts';
import { playScripted } from '../../shared/engine/play.ts';
import { resolveConfig } from '../../shared/games/index.ts';
import { traitors, type TraitorsConfig, type TraitorsEvent, type TraitorsState } from '../../shared/games/traitors/index.ts';
import { view } from '../../shared/games/traitors/view.ts';
import { traitorsMoments, traitorsRecord, type RecordEntry } from '../../client/games/traitors-record.ts';

const table = resolveConfig(traitors, 'table') as TraitorsConfig;

function game(seed: number) {
  const names = pickNames(table.players, seed);
  const events = playScripted<TraitorsEvent>(traitors, table, seed, names, names.map(() => 'scripted')).events;
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
});
