import { describe, expect, it } from 'vitest';
import type { SeatId } from '../../shared/engine/actions.ts';
import { traitors, TraitorsConfigSchema, type TraitorsEvent } from '../../shared/games/traitors/index.ts';
import { castVotes, config, F, matchWith, NAMES, submitOk, T, talkThrough, types, type M } from './traitors-table.ts';

const last = <T>(xs: readonly T[]) => xs[xs.length - 1];

describe('traitors config', () => {
  it('has table first (the live default) and paper as the reference setup', () => {
    expect(Object.keys(traitors.presets)).toEqual(['table', 'paper', 'reference']);
    const paper = traitors.presets.paper;
    expect([paper.players, paper.traitors, paper.tieBreak, paper.beliefs, paper.introductions]).toEqual([10, 3, 'firstVote', 'agents', true]);
    const table = traitors.presets.table;
    expect([table.players, table.traitors, table.tieBreak, table.beliefs]).toEqual([8, 2, 'revote', 'all']);
    for (const preset of Object.values(traitors.presets)) expect(TraitorsConfigSchema.parse(preset)).toEqual(preset);
  });

  it('fills defaults and rejects impossible games', () => {
    const parsed = TraitorsConfigSchema.parse({ players: 6, traitors: 2 });
    expect(parsed).toMatchObject({ discussionPasses: 2, traitorChatPasses: 1, maxStatementChars: 600, beliefs: 'all', tieBreak: 'revote', revealRoleOnBanish: true, announceTraitorCount: true, maxRounds: 20 });
    expect(parsed.timeouts).toEqual({ speak: 90, vote: 60, beliefs: 90 });
    expect(TraitorsConfigSchema.safeParse({ players: 6, traitors: 3 }).success).toBe(false); // not < N/2
    expect(TraitorsConfigSchema.safeParse({ players: 3, traitors: 1 }).success).toBe(false);
    expect(TraitorsConfigSchema.safeParse({ players: 17, traitors: 1 }).success).toBe(false);
    expect(TraitorsConfigSchema.safeParse({ players: 6, traitors: 0 }).success).toBe(false);
    expect(TraitorsConfigSchema.safeParse({ players: 6, traitors: 2, recruitment: true }).success).toBe(false);
    expect(TraitorsConfigSchema.safeParse({ players: 6, traitors: 2, agentSeats: [6] }).success).toBe(false);
    expect(TraitorsConfigSchema.safeParse({ players: 6, traitors: 2, bogus: 1 }).success).toBe(false);
  });
});

describe('traitors setup', () => {
  it('draws T traitors with the seeded RNG, the same for the same seed', () => {
    const cfg = config(10, 3);
    const a = traitors.start(cfg, 42, NAMES) as Extract<TraitorsEvent, { type: 'setup' }>;
    expect(a.roles.filter((r) => r === 'traitor')).toHaveLength(3);
    expect(traitors.start(cfg, 42, NAMES)).toEqual(a);
    const layouts = new Set(Array.from({ length: 20 }, (_, seed) => (traitors.start(cfg, seed, NAMES) as typeof a).roles.join()));
    expect(layouts.size).toBeGreaterThan(10);
    expect(() => traitors.start(cfg, 1, NAMES.slice(0, 9))).toThrow(/names/);
  });

  it('tells traitors their fellows, and faithful only their own role', () => {
    const m = matchWith([T, F, T, F, F, F]);
    expect(traitors.view(m.state, 0)).toMatchObject({ role: 'traitor', fellowTraitors: [2], traitorCount: 2 });
    expect(traitors.view(m.state, 1)).toMatchObject({ role: 'faithful', fellowTraitors: null, traitorCount: 2, traitorChat: null });
    const hidden = matchWith([T, F, T, F, F, F], { announceTraitorCount: false });
    expect(traitors.view(hidden.state, 1).traitorCount).toBeNull();
    expect(traitors.view(hidden.state, 0).traitorCount).toBe(2);
  });

  it('has every player introduce themselves in seat order before round 1', () => {
    const m = matchWith([T, F, F, F, F], { introductions: true });
    expect(m.state.round).toBe(0);
    expect(m.pending(0)).toMatchObject({ kind: 'speak', purpose: 'introduction', channel: 'public', maxChars: 600, timeLimitSec: 90 });
    const speakers: SeatId[] = [];
    while (m.state.round === 0) {
      const seat = m.pendingSeats()[0];
      speakers.push(seat);
      submitOk(m, seat, { kind: 'speak', text: `I am ${NAMES[seat]}` });
    }
    expect(speakers).toEqual([0, 1, 2, 3, 4]);
    expect(m.state.statements.map((s) => s.purpose)).toEqual(Array(5).fill('introduction'));
    expect(m.log.some((e) => e.type === 'roundStarted' && e.round === 1)).toBe(true);
  });
});

describe('traitors turn order', () => {
  it('speaks in seat order, one seat later each round, skipping the dead; every pass repeats the order', () => {
    const m = matchWith([T, F, F, F, F, F, F], { discussionPasses: 2 });
    expect(talkThrough(m)).toEqual([0, 1, 2, 3, 4, 5, 6, 0, 1, 2, 3, 4, 5, 6]);
    // banish seat 1, then the traitor murders seat 2
    castVotes(m, [[0, 1], [1, 0], [2, 1], [3, 1], [4, 1], [5, 1], [6, 1]]);
    castVotes(m, [[0, 2]]);
    expect(m.state.round).toBe(2);
    // round 2 starts at seat 1, which is dead, so seat 3 (2 was murdered) opens
    expect(talkThrough(m)).toEqual([3, 4, 5, 6, 0, 3, 4, 5, 6, 0]);
  });
});

describe('traitors validation', () => {
  it('rejects self-votes, wrong phases, out-of-turn speech, overlong text, the dead and a finished game', () => {
    const m = matchWith([T, F, F, F, F], { maxStatementChars: 10 });
    expect(m.submit(1, { kind: 'speak', text: 'hi' })).toMatchObject({ ok: false, code: 'not_your_turn' });
    expect(m.submit(0, { kind: 'vote', target: 1 })).toMatchObject({ ok: false, code: 'wrong_action' });
    expect(m.submit(0, { kind: 'speak', text: 'x'.repeat(11) })).toMatchObject({ ok: false, code: 'too_long' });
    expect(m.submit(9, { kind: 'speak', text: 'hi' })).toMatchObject({ ok: false, code: 'invalid' });
    submitOk(m, 0, { kind: 'speak', text: '' }); // empty statements are allowed
    talkThrough(m);
    expect(m.submit(2, { kind: 'vote', target: 2 })).toMatchObject({ ok: false, code: 'illegal_target', message: expect.stringMatching(/yourself/) });
    expect(m.submit(2, { kind: 'vote', target: 7 })).toMatchObject({ ok: false, code: 'illegal_target' });
    expect(m.submit(2, { kind: 'speak', text: 'hi' })).toMatchObject({ ok: false, code: 'wrong_action' });
    submitOk(m, 2, { kind: 'vote', target: 1 });
    expect(m.submit(2, { kind: 'vote', target: 3 })).toMatchObject({ ok: false, code: 'not_your_turn' });
    castVotes(m, [[0, 1], [1, 0], [3, 1], [4, 1]]);
    expect(m.state.alive[1]).toBe(false);
    // night: the traitor may not murder a traitor (itself) and faithful have nothing to do
    expect(m.pending(2)).toBeNull();
    expect(m.pending(0)).toMatchObject({ kind: 'vote', purpose: 'murder', options: [2, 3, 4] });
    expect(m.submit(0, { kind: 'vote', target: 0 })).toMatchObject({ ok: false, code: 'illegal_target' });
    expect(m.submit(0, { kind: 'vote', target: 1 })).toMatchObject({ ok: false, code: 'illegal_target' });
    castVotes(m, [[0, 2]]);
    talkThrough(m);
    expect(m.submit(1, { kind: 'vote', target: 0 })).toMatchObject({ ok: false, code: 'not_your_turn', message: expect.stringMatching(/out of the game/) });
    castVotes(m, [[0, 3], [3, 0], [4, 0]]);
    expect(m.isOver).toBe(true);
    expect(m.submit(3, { kind: 'speak', text: 'gg' })).toMatchObject({ ok: false, code: 'game_over' });
  });

  it('rejects malformed beliefs: missing, extra or self targets, out of range, non-canonical keys', () => {
    const m = matchWith([T, F, F, F, F], { beliefs: 'all' });
    talkThrough(m);
    expect(m.pending(1)).toMatchObject({ kind: 'beliefs', targets: [0, 2, 3, 4], timeLimitSec: 90 });
    const full = { 0: 90, 2: 10, 3: 20, 4: 30 };
    expect(m.submit(1, { kind: 'beliefs', suspicion: { 0: 90, 2: 10, 3: 20 } })).toMatchObject({ ok: false, code: 'invalid', message: expect.stringMatching(/Eve/) });
    expect(m.submit(1, { kind: 'beliefs', suspicion: { ...full, 1: 5 } })).toMatchObject({ ok: false, code: 'illegal_target' });
    expect(m.submit(1, { kind: 'beliefs', suspicion: { ...full, 4: 101 } })).toMatchObject({ ok: false, code: 'out_of_range' });
    expect(m.submit(1, { kind: 'beliefs', suspicion: { '00': 1, 2: 10, 3: 20, 4: 30 } })).toMatchObject({ ok: false, code: 'illegal_target' });
    const before = m.log.length;
    submitOk(m, 1, { kind: 'beliefs', suspicion: { 4: 30, 3: 20, 2: 10.5, 0: 90 } });
    expect(m.log.length).toBe(before + 1);
    expect(last(m.log)).toEqual({ type: 'beliefs', seat: 1, round: 1, suspicion: { 0: 90, 2: 10.5, 3: 20, 4: 30 } });
    expect(traitors.view(m.state, 1).myBeliefs).toEqual({ 0: 90, 2: 10.5, 3: 20, 4: 30 });
  });
});

describe('traitors round table', () => {
  it('reveals all votes together, in cast order, and banishes the plurality with the role revealed', () => {
    const m = matchWith([T, F, F, F, F]);
    talkThrough(m);
    const quiet = castVotes(m, [[3, 0], [0, 3], [1, 0], [2, 3]]);
    expect(types(quiet)).toEqual(['vote', 'vote', 'vote', 'vote']); // nothing is revealed before the last vote
    expect(traitors.view(m.state, 1).myVote).toEqual({ ballot: 'banish', target: 0 });
    expect(traitors.view(m.state, 2).ballots).toEqual([]);
    const events = castVotes(m, [[4, 0]]);
    expect(types(events)).toEqual(['vote', 'votesRevealed', 'banished', 'gameOver']);
    expect(events[1]).toMatchObject({ votes: [{ seat: 3, target: 0 }, { seat: 0, target: 3 }, { seat: 1, target: 0 }, { seat: 2, target: 3 }, { seat: 4, target: 0 }], tally: [{ seat: 0, votes: 3 }, { seat: 3, votes: 2 }], top: [0] });
    expect(events[2]).toEqual({ type: 'banished', seat: 0, round: 1, role: 'traitor' });
    expect(events[3]).toMatchObject({ type: 'gameOver', winner: 'faithful', reason: 'noTraitorsLeft' });
    expect(traitors.outcome(m.state)).toMatchObject({ winners: [1, 2, 3, 4], winner: 'faithful', summary: 'The faithful win' });
  });

  it('hides the banished role when revealRoleOnBanish is off', () => {
    const m = matchWith([T, F, T, F, F, F, F], { revealRoleOnBanish: false });
    talkThrough(m);
    const events = castVotes(m, [[0, 2], [1, 2], [2, 1], [3, 2], [4, 2], [5, 1], [6, 1]]);
    expect(events.find((e) => e.type === 'banished')).toEqual({ type: 'banished', seat: 2, round: 1, role: null });
    expect(traitors.view(m.state, 1).eliminations).toEqual([{ seat: 2, round: 1, cause: 'banished', role: null }]);
  });

  it('tieBreak firstVote: the tied player who received the earliest vote goes', () => {
    for (const [order, expected] of [
      [[[1, 3], [2, 4], [3, 4], [4, 3], [0, 1]], 3],
      [[[2, 4], [1, 3], [3, 4], [4, 3], [0, 1]], 4],
    ] as [[SeatId, SeatId][], SeatId][]) {
      const m = matchWith([T, F, F, F, F], { tieBreak: 'firstVote' });
      talkThrough(m);
      const events = castVotes(m, order);
      expect(events.find((e) => e.type === 'votesRevealed')).toMatchObject({ top: [3, 4] });
      expect(events.find((e) => e.type === 'tieBroken')).toEqual({ type: 'tieBroken', round: 1, ballot: 'banish', mode: 'firstVote', candidates: [3, 4], chosen: expected });
      expect(events.find((e) => e.type === 'banished')).toMatchObject({ seat: expected });
      expect(last(m.state.ballots)).toMatchObject({ tieBreak: 'firstVote', eliminated: expected });
    }
  });

  it('tieBreak random: a seeded draw from the tied, stored in the event and the state', () => {
    const chosen = new Set<SeatId>();
    for (let seed = 1; seed <= 12; seed++) {
      const m = matchWith([T, F, F, F, F], { tieBreak: 'random' }, seed);
      talkThrough(m);
      const rngBefore = m.state.rng;
      const events = castVotes(m, [[1, 3], [2, 4], [3, 4], [4, 3], [0, 1]]);
      const tie = events.find((e) => e.type === 'tieBroken');
      expect(tie).toMatchObject({ mode: 'random', candidates: [3, 4] });
      if (tie?.type !== 'tieBroken') throw new Error('no tie');
      expect([3, 4]).toContain(tie.chosen);
      expect(tie.rng).not.toBe(rngBefore);
      expect(m.state.rng).toBe(tie.rng);
      chosen.add(tie.chosen);
    }
    expect(chosen.size).toBe(2);
  });

  it('tieBreak revote: one revote among the tied (who cannot vote for themselves), then seeded random', () => {
    const m = matchWith([T, F, F, F, F, F, F]);
    talkThrough(m);
    const first = castVotes(m, [[0, 3], [1, 3], [2, 3], [3, 4], [4, 5], [5, 4], [6, 4]]);
    expect(types(first).slice(-1)).toEqual(['votesRevealed']);
    expect(m.pending(3)).toMatchObject({ kind: 'vote', purpose: 'revote', options: [4] });
    expect(m.pending(0)).toMatchObject({ kind: 'vote', purpose: 'revote', options: [3, 4] });
    const second = castVotes(m, [[0, 3], [1, 3], [2, 4], [3, 4], [4, 3], [5, 4], [6, 3]]);
    expect(second.find((e) => e.type === 'votesRevealed')).toMatchObject({ ballot: 'revote', top: [3] });
    expect(second.find((e) => e.type === 'banished')).toMatchObject({ seat: 3, role: 'faithful' });
    expect(second.some((e) => e.type === 'tieBroken')).toBe(false);

    const tied = matchWith([T, F, F, F, F, F, F]);
    talkThrough(tied);
    castVotes(tied, [[0, 3], [1, 3], [2, 3], [3, 4], [4, 5], [5, 4], [6, 4]]);
    const again = castVotes(tied, [[0, 3], [1, 3], [2, 4], [3, 4], [4, 3], [5, 4], [6, null]]);
    expect(again.find((e) => e.type === 'tieBroken')).toMatchObject({ ballot: 'revote', mode: 'random', candidates: [3, 4] });
  });

  it('abstentions count for nobody; if everyone abstains nobody is banished', () => {
    const m = matchWith([T, F, F, F, F, F]);
    talkThrough(m);
    const events = castVotes(m, [[0, null], [1, null], [2, 5], [3, null], [4, null], [5, null]]);
    expect(events.find((e) => e.type === 'timeout')).toEqual({ type: 'timeout', seat: 0, round: 1, pendingKind: 'vote', purpose: 'banish', defaultApplied: 'abstain' });
    expect(events.find((e) => e.type === 'votesRevealed')).toMatchObject({ tally: [{ seat: 5, votes: 1 }], top: [5] });
    expect(events.find((e) => e.type === 'banished')).toMatchObject({ seat: 5 });

    const idle = matchWith([T, F, F, F, F, F]);
    talkThrough(idle);
    const none = castVotes(idle, [[0, null], [1, null], [2, null], [3, null], [4, null], [5, null]]);
    expect(none.find((e) => e.type === 'votesRevealed')).toMatchObject({ tally: [], top: [] });
    expect(none.some((e) => e.type === 'banished')).toBe(false);
    expect(idle.state.alive.every(Boolean)).toBe(true);
    expect(idle.pending(0)).toMatchObject({ kind: 'vote', purpose: 'murder' });
  });
});

describe('traitors night', () => {
  it('has the traitors chat in turn, vote secretly, and the murder announced at the next breakfast', () => {
    const m = matchWith([T, F, T, F, F, F, F, F], { traitorChatPasses: 2 });
    talkThrough(m);
    castVotes(m, [[0, 1], [1, 3], [2, 1], [3, 1], [4, 1], [5, 1], [6, 3], [7, 3]]);
    expect(m.state.alive[1]).toBe(false);
    expect(talkThrough(m)).toEqual([0, 2, 0, 2]);
    expect(m.state.traitorChat.map((s) => [s.seat, s.pass, s.channel])).toEqual([[0, 1, 'traitors'], [2, 1, 'traitors'], [0, 2, 'traitors'], [2, 2, 'traitors']]);
    expect(traitors.view(m.state, 3).traitorChat).toBeNull();
    expect(traitors.view(m.state, 3).phase).toEqual({ kind: 'night' });
    expect(traitors.view(m.state, 2).traitorChat).toHaveLength(4);
    castVotes(m, [[0, 5]]);
    expect(traitors.view(m.state, 2).myVote).toBeNull();
    expect(traitors.view(m.state, 0).myVote).toEqual({ ballot: 'murder', target: 5 });
    const events = castVotes(m, [[2, 5]]);
    expect(types(events)).toEqual(['vote', 'votesRevealed', 'murdered', 'roundStarted', 'murderAnnounced']);
    expect(events[2]).toEqual({ type: 'murdered', seat: 5, round: 1 });
    expect(events[3]).toEqual({ type: 'roundStarted', round: 2 });
    expect(events[4]).toEqual({ type: 'murderAnnounced', seat: 5, round: 1, role: 'faithful' });
    expect(traitors.view(m.state, 3).eliminations).toEqual([
      { seat: 1, round: 1, cause: 'banished', role: 'faithful' },
      { seat: 5, round: 1, cause: 'murdered', role: 'faithful' },
    ]);
    expect(traitors.view(m.state, 0).nightBallots).toHaveLength(1);
    expect(traitors.view(m.state, 3).nightBallots).toBeNull();
  });

  it('breaks a night tie at random from the seeded RNG', () => {
    const m = matchWith([T, F, T, F, F, F, F]);
    talkThrough(m);
    castVotes(m, [[0, 1], [1, 0], [2, 1], [3, 1], [4, 1], [5, 1], [6, 1]]);
    const events = castVotes(m, [[0, 3], [2, 4]]);
    const tie = events.find((e) => e.type === 'tieBroken');
    expect(tie).toMatchObject({ ballot: 'murder', mode: 'random', candidates: [3, 4] });
    expect(events.find((e) => e.type === 'murdered')).toMatchObject({ seat: (tie as { chosen: number }).chosen });
  });

  it('lets nobody die when every traitor abstains', () => {
    const m = matchWith([T, F, T, F, F, F, F]);
    talkThrough(m);
    castVotes(m, [[0, 1], [1, 0], [2, 1], [3, 1], [4, 1], [5, 1], [6, 1]]);
    const events = castVotes(m, [[0, null], [2, null]]);
    expect(types(events)).toEqual(['timeout', 'timeout', 'votesRevealed', 'roundStarted']);
    expect(m.state.alive.filter(Boolean)).toHaveLength(6);
  });
});

describe('traitors win checks', () => {
  it('traitors win when they reach parity after a banishment', () => {
    const m = matchWith([T, F, T, F, F]);
    talkThrough(m);
    const events = castVotes(m, [[0, 1], [1, 0], [2, 1], [3, 1], [4, 0]]);
    expect(last(events)).toMatchObject({ type: 'gameOver', winner: 'traitors', reason: 'traitorsReachedParity', roles: [T, F, T, F, F] });
    expect(traitors.outcome(m.state)).toMatchObject({ winners: [0, 2], rounds: 1 });
  });

  it('traitors win when a murder brings parity (the victim is revealed at game over)', () => {
    const m = matchWith([T, F, T, F, F, F]);
    talkThrough(m);
    castVotes(m, [[0, 1], [1, 0], [2, 1], [3, 1], [4, 1], [5, 1]]);
    expect(m.isOver).toBe(false); // 2 traitors, 3 faithful
    const events = castVotes(m, [[0, 3], [2, 3]]);
    expect(types(events)).toEqual(['vote', 'vote', 'votesRevealed', 'murdered', 'gameOver']);
    const faithfulView = traitors.view(m.state, 4);
    // the view shows the victim dead; who it was and their role come with the outcome
    expect(faithfulView.pendingMurder).toBeNull();
    expect(faithfulView.alive[3]).toBe(false);
    expect(traitors.outcome(m.state)?.eliminations).toEqual([
      { seat: 1, name: 'Bob', role: 'faithful', cause: 'banished', round: 1 },
      { seat: 3, name: 'Dee', role: 'faithful', cause: 'murdered', round: 1 },
    ]);
  });

  it('ends at maxRounds with the surviving traitors winning', () => {
    const m = matchWith([T, F, F, F, F], { maxRounds: 2 });
    for (let round = 1; round <= 2; round++) {
      talkThrough(m);
      castVotes(m, [[0, null], [1, null], [2, null], [3, null], [4, null]]);
      castVotes(m, [[0, null]]);
    }
    expect(last(m.log)).toEqual({ type: 'gameOver', winner: 'traitors', reason: 'maxRounds', round: 2, roles: [T, F, F, F, F] });
  });
});

describe('traitors timeouts', () => {
  it('records a timeout event and applies the default: skip, abstain, uniform 50', () => {
    const m = matchWith([T, F, F, F, F], { beliefs: 'all', timeouts: { speak: 30, vote: 20, beliefs: 40 } });
    expect(m.pending(0)).toMatchObject({ kind: 'speak', timeLimitSec: 30 });
    expect(m.timeout(0)).toEqual([{ type: 'timeout', seat: 0, round: 1, pendingKind: 'speak', purpose: 'discussion', defaultApplied: 'skip', pass: 1, channel: 'public' }]);
    expect(m.state.statements[0]).toMatchObject({ seat: 0, text: '', skipped: true });
    expect(m.timeout(3)).toEqual([]); // not pending: nothing to expire
    talkThrough(m);
    expect(m.pending(2)).toMatchObject({ kind: 'beliefs', timeLimitSec: 40 });
    expect(m.timeout(2)).toEqual([
      { type: 'timeout', seat: 2, round: 1, pendingKind: 'beliefs', purpose: 'beliefs', defaultApplied: 'uniform50', suspicion: { 0: 50, 1: 50, 3: 50, 4: 50 } },
    ]);
    expect(m.state.beliefs[0]).toMatchObject({ seat: 2, timedOut: true });
    for (const s of [0, 1, 3, 4]) m.timeout(s);
    expect(m.pending(1)).toMatchObject({ kind: 'vote', timeLimitSec: 20 });
    expect(traitors.audience(m.state, { type: 'timeout', seat: 1, round: 1, pendingKind: 'vote', purpose: 'banish', defaultApplied: 'abstain' })).toEqual([1]);
  });
});

describe('traitors beliefs modes', () => {
  const askedIn = (m: M) => m.pendingSeats().filter((s) => m.pending(s)?.kind === 'beliefs');
  it('"all" asks every living player; "agents" only agent seats; "off" nobody', () => {
    const all = matchWith([T, F, F, F, F], { beliefs: 'all' });
    talkThrough(all);
    expect(askedIn(all)).toEqual([0, 1, 2, 3, 4]);

    const agents = matchWith([T, F, F, F, F], { beliefs: 'agents', agentSeats: [0, 3] });
    talkThrough(agents);
    expect(askedIn(agents)).toEqual([0, 3]);
    submitOk(agents, 3, { kind: 'beliefs', suspicion: { 0: 1, 1: 2, 2: 3, 4: 4 } });
    submitOk(agents, 0, { kind: 'beliefs', suspicion: { 1: 1, 2: 2, 3: 3, 4: 4 } });
    expect(agents.pending(1)).toMatchObject({ kind: 'vote' });
    expect(traitors.view(agents.state, 1).phase).toMatchObject({ kind: 'roundTable' });

    const unlisted = matchWith([T, F, F, F, F], { beliefs: 'agents' });
    talkThrough(unlisted);
    expect(askedIn(unlisted)).toEqual([0, 1, 2, 3, 4]); // no agentSeats: every seat is an agent

    const off = matchWith([T, F, F, F, F], { beliefs: 'off' });
    talkThrough(off);
    expect(off.pending(0)).toMatchObject({ kind: 'vote' });
  });

  it('keeps who is asked from the players (it would tell which seats are agents)', () => {
    const m = matchWith([T, F, F, F, F], { beliefs: 'agents', agentSeats: [0, 3] });
    talkThrough(m);
    expect(traitors.view(m.state, 1).phase).toEqual({ kind: 'beliefs', waitingFor: null });
    expect(traitors.view(m.state, 'spectator').phase).toEqual({ kind: 'beliefs', waitingFor: [0, 3] });
  });
});

describe('traitors views and audience', () => {
  it('gives the spectator everything and seats only what they may know', () => {
    const m = matchWith([T, F, T, F, F, F, F], { beliefs: 'all', traitorChatPasses: 1 });
    talkThrough(m);
    submitOk(m, 1, { kind: 'beliefs', suspicion: { 0: 90, 2: 10, 3: 20, 4: 30, 5: 40, 6: 50 } });
    const spectator = traitors.view(m.state, 'spectator');
    expect(spectator.spectator?.roles).toEqual([T, F, T, F, F, F, F]);
    expect(spectator.spectator?.beliefs).toHaveLength(1);
    expect(traitors.view(m.state, 3).spectator).toBeNull();
    expect(traitors.view(m.state, 3).myBeliefs).toBeNull();
    for (const s of [0, 2, 3, 4, 5, 6]) m.timeout(s);
    submitOk(m, 4, { kind: 'vote', target: 0 });
    expect(traitors.view(m.state, 'spectator').spectator?.castVotes).toEqual([{ seat: 4, target: 0 }]);
    expect(JSON.stringify(traitors.view(m.state, 3))).not.toContain('"target":0');
    expect(JSON.stringify(traitors.view(m.state, 3))).not.toContain('"rng"');
  });

  it('says who may see each event', () => {
    const m = matchWith([T, F, T, F, F]);
    const s = m.state;
    expect(traitors.audience(s, m.log[0])).toEqual([]);
    expect(traitors.audience(s, { type: 'statement', seat: 0, round: 1, pass: 1, channel: 'traitors', purpose: 'traitorChat', text: 'x' })).toEqual([0, 2]);
    expect(traitors.audience(s, { type: 'statement', seat: 1, round: 1, pass: 1, channel: 'public', purpose: 'discussion', text: 'x' })).toBeNull();
    expect(traitors.audience(s, { type: 'vote', seat: 3, round: 1, ballot: 'banish', target: 0 })).toEqual([3]);
    expect(traitors.audience(s, { type: 'beliefs', seat: 3, round: 1, suspicion: {} })).toEqual([3]);
    expect(traitors.audience(s, { type: 'votesRevealed', round: 1, ballot: 'murder', votes: [], tally: [], top: [] })).toEqual([0, 2]);
    expect(traitors.audience(s, { type: 'votesRevealed', round: 1, ballot: 'banish', votes: [], tally: [], top: [] })).toBeNull();
    expect(traitors.audience(s, { type: 'murdered', seat: 1, round: 1 })).toEqual([0, 2]);
    expect(traitors.audience(s, { type: 'murderAnnounced', seat: 1, round: 1, role: 'faithful' })).toBeNull();
    expect(traitors.audience(s, { type: 'timeout', seat: 0, round: 1, pendingKind: 'vote', purpose: 'murder', defaultApplied: 'abstain' })).toEqual([0, 2]);
  });

  it('picks the role-appropriate scripted agent', () => {
    const m = matchWith([T, F, T, F, F]);
    expect([0, 1, 2, 3, 4].map((s) => traitors.scriptedAgentFor(m.state, s))).toEqual(['schemer', 'sleuth', 'schemer', 'sleuth', 'sleuth']);
  });
});
