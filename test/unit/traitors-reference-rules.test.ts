import { describe, expect, it } from 'vitest';
import type { SeatId } from '../../shared/engine/actions.ts';
import { biography, type Persona } from '../../shared/personas.ts';
import { resolveConfig } from '../../shared/games/index.ts';
import { readEvidence, WEIGHTS } from '../../shared/games/traitors/agents/evidence.ts';
import { traitors, TraitorsConfigSchema, type Role, type TraitorsConfig, type TraitorsEvent } from '../../shared/games/traitors/index.ts';
import { playScripted } from '../../shared/engine/play.ts';
import { castVotes, F, matchFrom, NAMES, submitOk, T, talkThrough, talkThroughWithPurposes, types, type M } from './traitors-table.ts';

/** The rules the `reference` preset adds to Parley's Traitors, one by one, on hand-dealt tables. */

/** The reference preset at the size of `roles`, without beliefs (they are Parley's addition). */
function matchWith(roles: Role[], overrides: Partial<TraitorsConfig> = {}): M {
  const config = resolveConfig(traitors, 'reference', {
    players: roles.length,
    traitors: roles.filter((r) => r === T).length,
    beliefs: 'off',
    ...overrides,
  }) as TraitorsConfig;
  return matchFrom(config, roles);
}

describe('the reference rules', () => {
  it('checks for a winner only after the night: a banishment that reaches parity is still followed by a murder', () => {
    // 2 traitors (0, 1) against 3 faithful: banishing a faithful makes it 2 against 2
    const m = matchWith([T, T, F, F, F]);
    talkThrough(m);
    const day = castVotes(m, [[0, 2], [1, 2], [2, 3], [3, 2], [4, 3]]);
    expect(types(day)).toContain('banished');
    expect(types(day)).not.toContain('gameOver');
    expect(m.state.phase.kind).toBe('postBanishment');
    const after = talkThroughWithPurposes(m);
    // one statement each, in seat order, then the traitors' meeting and consensus
    expect(after.filter((s) => s.purpose === 'postBanishment').map((s) => s.seat)).toEqual([0, 1, 3, 4]);
    expect(after.filter((s) => s.purpose === 'traitorChat').map((s) => s.seat)).toEqual([0, 1, 0, 1]);
    const night = castVotes(m, [[0, 3], [1, 3]]);
    expect(types(night)).toEqual(['vote', 'vote', 'votesRevealed', 'murdered', 'gameOver']);
    expect(m.state.phase).toEqual({ kind: 'over', winner: 'traitors', reason: 'traitorsReachedParity' });
    expect(m.state.aliveFaithful).toBe(1);
  });

  it('with the last traitor banished, has the discussion, skips the night and lets the faithful win', () => {
    const m = matchWith([T, F, F, F, F]);
    talkThrough(m);
    castVotes(m, [[0, 1], [1, 0], [2, 0], [3, 0], [4, 0]]);
    const after = talkThroughWithPurposes(m);
    expect(after.map((s) => s.purpose)).toEqual(['postBanishment', 'postBanishment', 'postBanishment', 'postBanishment']);
    expect(m.state.phase).toEqual({ kind: 'over', winner: 'faithful', reason: 'noTraitorsLeft' });
    expect(m.log.some((e) => e.type === 'murdered' || (e.type === 'statement' && e.channel === 'traitors'))).toBe(false);
  });

  it('settles a night tie by the tied target the lowest seat voted for, whoever voted first', () => {
    for (const votes of [
      [[0, 3], [1, 4]],
      [[0, 4], [1, 3]],
      [[1, 4], [0, 3]],
      [[1, 3], [0, 4]],
    ] as [SeatId, SeatId][][]) {
      const m = matchWith([T, T, F, F, F, F, F]);
      talkThrough(m);
      castVotes(m, [[0, 2], [1, 2], [2, 0], [3, 2], [4, 2], [5, 2], [6, 2]]);
      talkThrough(m);
      const night = castVotes(m, votes);
      const seat0 = votes.find(([voter]) => voter === 0)![1];
      expect(night.find((e) => e.type === 'tieBroken')).toMatchObject({ mode: 'firstVoteInSeatOrder', chosen: seat0 });
      expect(night.find((e) => e.type === 'murdered')).toMatchObject({ seat: seat0 });
    }
  });

  it('settles a round-table tie the same way: the earliest voter in seat order picks', () => {
    const m = matchWith([T, T, F, F, F, F, F]);
    talkThrough(m);
    // 3 and 4 tie 3–3; seat 6 votes first but seat 0's vote (for 4) comes first in seat order
    const day = castVotes(m, [[6, 3], [5, 3], [2, 3], [0, 4], [1, 4], [3, 4], [4, 0]]);
    expect(day.find((e) => e.type === 'tieBroken')).toMatchObject({ mode: 'firstVoteInSeatOrder', candidates: [3, 4], chosen: 4 });
  });

  it('speaks in seat order every round instead of starting one seat later', () => {
    const m = matchWith([F, F, T, F, F, F, F]);
    expect(talkThroughWithPurposes(m).filter((s) => s.purpose === 'discussion').map((s) => s.seat)).toEqual([0, 1, 2, 3, 4, 5, 6, 0, 1, 2, 3, 4, 5, 6]);
    castVotes(m, [[0, 1], [1, 0], [2, 1], [3, 1], [4, 1], [5, 1], [6, 1]]);
    talkThrough(m);
    castVotes(m, [[2, 4]]);
    // round 2 (the rotating order would start at seat 1): seat order again, the dead left out
    expect(m.state.round).toBe(2);
    expect(talkThroughWithPurposes(m).filter((s) => s.purpose === 'discussion').map((s) => s.seat)).toEqual([0, 2, 3, 5, 6, 0, 2, 3, 5, 6]);
  });

  it('never shows a seat the votes, only the eliminations; the spectator sees them all', () => {
    const m = matchWith([T, T, F, F, F, F, F]);
    talkThrough(m);
    castVotes(m, [[0, 2], [1, 2], [2, 0], [3, 2], [4, 2], [5, 2], [6, 3]]);
    for (let seat = 0; seat < 7; seat++) {
      const v = traitors.view(m.state, seat);
      expect(v.ballots).toEqual([]);
      expect(v.eliminations).toEqual([{ seat: 2, round: 1, cause: 'banished', role: 'faithful' }]);
    }
    expect(traitors.view(m.state, 'spectator').ballots).toHaveLength(1);
    const reveal = m.log.find((e) => e.type === 'votesRevealed')!;
    expect(traitors.audience(m.state, reveal)).toEqual([]);
    // the traitors do not see each other's night votes either
    talkThrough(m);
    castVotes(m, [[0, 3], [1, 4]]);
    expect(traitors.view(m.state, 0).nightBallots).toEqual([]);
    const night = m.log.filter((e) => e.type === 'votesRevealed' || e.type === 'tieBroken');
    expect(night.map((e) => traitors.audience(m.state, e))).toEqual([[], [], []]);
  });

  it('does not tell the faithful how many traitors there are', () => {
    const m = matchWith([T, T, F, F, F, F, F]);
    expect(traitors.view(m.state, 2).traitorCount).toBeNull();
    expect(traitors.view(m.state, 0).traitorCount).toBe(2);
  });
});

describe('scripted sleuths with hidden votes', () => {
  it('read who accused a banished faithful, and whom a murder victim accused, where they would read votes', () => {
    for (const showVotes of [false, true]) {
      const m = matchWith([T, F, F, F, F, F, F], { showVotes, discussionPasses: 1, postBanishDiscussion: false });
      // Cid (2) is accused by Ann (0, a traitor); Bob (1) accuses Dee (3)
      const lines = ['I suspect Cid.', 'I suspect Dee.', 'hello', 'hello', 'hello', 'hello', 'hello'];
      for (let seat = 0; seat < 7; seat++) submitOk(m, seat, { kind: 'speak', text: lines[seat] });
      castVotes(m, [[0, 2], [1, 2], [2, 0], [3, 2], [4, 2], [5, 2], [6, 2]]);
      talkThrough(m);
      castVotes(m, [[0, 1]]); // the night: Bob is murdered
      const ev = readEvidence(traitors.view(m.state, 4));
      if (showVotes) {
        // the votes are read instead: everyone but Cid voted for him (Ann and Dee included)
        expect(ev.score[0]).toBe(50 + WEIGHTS.votedForBanishedFaithful);
        expect(ev.score[3]).toBe(50 + WEIGHTS.votedForBanishedFaithful);
      } else {
        expect(ev.score[0]).toBe(50 + WEIGHTS.accusedBanishedFaithful);
        expect(ev.score[3]).toBe(50 + WEIGHTS.accusedByMurderVictim);
        expect(ev.reasonKind[0]).toBe('hunch');
      }
      expect(ev.score[5]).toBe(showVotes ? 50 + WEIGHTS.votedForBanishedFaithful : 50);
    }
  });
});

describe('scripted talk after a banishment', () => {
  it('reacts to the player just banished, with their revealed role, and asks for no vote', () => {
    let statements = 0;
    for (let seed = 1; seed <= 20; seed++) {
      const config = resolveConfig(traitors, 'reference', {});
      const { events } = playScripted<TraitorsEvent>(traitors, config, seed, NAMES.slice(0, 10), Array(10).fill('scripted'));
      let banished: { name: string; role: Role | null } | null = null;
      for (const e of events) {
        if (e.type === 'banished') banished = { name: NAMES[e.seat], role: e.role ?? null };
        if (e.type !== 'statement' || e.purpose !== 'postBanishment') continue;
        statements++;
        expect(banished, 'a banishment came first').not.toBeNull();
        expect(e.text).toContain(banished!.name);
        if (banished!.role) expect(e.text).toContain(banished!.role === 'traitor' ? 'traitor' : 'faithful');
        // the talk after a banishment has no vote to call for
        expect(e.text).not.toMatch(/voting for|vote for/i);
      }
    }
    expect(statements).toBeGreaterThan(50);
  });
});

describe('biographies read by the moderator', () => {
  const personas: (Persona | null)[] = [
    { traits: { age: 28, nationality: 'American', profession: 'Software Engineer', ethnicity: 'Asian', civilStatus: 'Single', children: 0, genderPronoun: 'he' } },
    null,
    { biography: 'Fay grew up by the sea.' },
    null,
    { traits: { age: 41, nationality: 'Irish', profession: 'Nurse', children: 2, genderPronoun: 'she' } },
  ];

  it('are read before round 1 instead of introductions, naming who has none', () => {
    const m = matchWith([T, F, F, F, F], { personas });
    const read = m.log.find((e) => e.type === 'biographiesRead');
    expect(read).toEqual({
      type: 'biographiesRead',
      biographies: [0, 2, 4].map((seat) => ({ seat, text: biography(NAMES[seat], personas[seat]) })),
      unknown: [1, 3],
    });
    expect(read && read.type === 'biographiesRead' && read.biographies[0].text).toBe('Ann is a 28-year-old American Software Engineer. He is Asian and Single. He has no children.');
    expect(m.state.round).toBe(1);
    expect(m.state.statements).toEqual([]);
    expect(traitors.view(m.state, 1).biographies).toEqual({ biographies: read!.type === 'biographiesRead' ? read!.biographies : [], unknown: [1, 3] });
  });

  it('are skipped when nobody has one, as in the reference', () => {
    const m = matchWith([T, F, F, F, F], { personas: [null, null, null, null, null] });
    expect(types(m.log)).toEqual(['setup', 'roundStarted']);
    expect(traitors.view(m.state, 0).biographies).toBeNull();
  });
});

describe('reference config options', () => {
  it('leave table and paper untouched: their setup events hold none of the new rules', () => {
    for (const preset of ['table', 'paper']) {
      const config = resolveConfig(traitors, preset, {}) as TraitorsConfig;
      const setup = JSON.stringify(traitors.start(config, 7, NAMES.slice(0, config.players)));
      for (const key of ['winCheck', 'nightTieBreak', 'showVotes', 'speakingOrder', 'postBanishDiscussion', 'personas']) expect(setup).not.toContain(key);
      expect(config.introductions).toBe(true);
    }
  });

  it('accept the old boolean introductions and reject personas that do not fit the table', () => {
    const base = { players: 5, traitors: 1 };
    expect(TraitorsConfigSchema.parse({ ...base, introductions: false }).introductions).toBe(false);
    expect(TraitorsConfigSchema.parse({ ...base, introductions: 'biographies' }).introductions).toBe('biographies');
    expect(TraitorsConfigSchema.safeParse({ ...base, introductions: 'speeches' }).success).toBe(false);
    expect(TraitorsConfigSchema.safeParse({ ...base, personas: [null, null] }).success).toBe(false);
    expect(TraitorsConfigSchema.safeParse({ ...base, winCheck: 'sometimes' }).success).toBe(false);
  });
});
