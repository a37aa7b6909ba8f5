import { describe, expect, it } from 'vitest';
import type { Action, SeatId } from '../../shared/engine/actions.ts';
import { Match } from '../../shared/engine/match.ts';
import { playScripted } from '../../shared/engine/play.ts';
import { pickNames } from '../../shared/engine/names.ts';
import {
  eliminationRows,
  recruitmentRows,
  traitors,
  TraitorsConfigSchema,
  traitorsMetrics,
  voteRows,
  type Role,
  type TraitorsConfig,
  type TraitorsEvent,
  type TraitorsState,
  type TraitorsView,
} from '../../shared/games/traitors/index.ts';
import { castVotes, F, matchWith, submitOk, T, talkThrough, type M } from './traitors-table.ts';

const ROLES_7: Role[] = [T, T, F, F, F, F, F];
const UNINVOLVED = [2, 4, 5, 6];

/** Round 1 of a 7-seat game (traitors 0 and 1): traitor 0 is banished and traitor 1 offers seat 3. */
function offerToSeat3(overrides: Partial<TraitorsConfig> = {}): M {
  const m = matchWith(ROLES_7, { recruitment: { refusal: 'none' }, ...overrides });
  talkThrough(m);
  const banish = castVotes(m, [[0, 2], [1, 0], [2, 0], [3, 0], [4, 0], [5, 0], [6, 0]]);
  expect(banish.find((e) => e.type === 'banished')).toMatchObject({ seat: 0, role: T });
  talkThrough(m); // the night chat, when there is one
  expect(m.state.phase).toMatchObject({ kind: 'vote', ballot: 'recruit', voters: [1], candidates: [2, 3, 4, 5, 6] });
  const offer = castVotes(m, [[1, 3]]);
  expect(offer.map((e) => e.type)).toEqual(['vote', 'votesRevealed', 'recruitOffered']);
  return m;
}

/** The events a seat may see (its audience), from `from` on. */
function seenBy(m: M, seat: SeatId, from: number): TraitorsEvent[] {
  const out: TraitorsEvent[] = [];
  let state: TraitorsState | undefined;
  m.log.forEach((event, i) => {
    const before = state;
    state = traitors.reduce(state, event);
    if (i < from) return;
    // the audience is the same whether read just before or just after the event
    const audience = traitors.audience(state, event);
    if (before) expect(traitors.audience(before, event)).toEqual(audience);
    if (audience === null || audience.includes(seat)) out.push(event);
  });
  return out;
}

describe('traitors recruitment: config', () => {
  it('is off by default and in both presets; an object turns it on; true alone is refused', () => {
    expect(TraitorsConfigSchema.parse({ players: 6, traitors: 2 }).recruitment).toBe(false);
    for (const preset of Object.values(traitors.presets)) expect(preset.recruitment).toBe(false);
    expect(TraitorsConfigSchema.parse({ players: 6, traitors: 2, recruitment: {} }).recruitment).toEqual({ refusal: 'none' });
    expect(TraitorsConfigSchema.parse({ players: 6, traitors: 2, recruitment: { refusal: 'murdered' } }).recruitment).toEqual({ refusal: 'murdered' });
    expect(TraitorsConfigSchema.safeParse({ players: 6, traitors: 2, recruitment: true }).success).toBe(false);
    expect(TraitorsConfigSchema.safeParse({ players: 6, traitors: 2, recruitment: { refusal: 'exiled' } }).success).toBe(false);
    expect(TraitorsConfigSchema.safeParse({ players: 6, traitors: 2, recruitment: { refusal: 'none', bonus: 1 } }).success).toBe(false);
  });
});

describe('traitors recruitment: rules', () => {
  it('without recruitment, or after a faithful is banished, the night is a murder', () => {
    const off = matchWith(ROLES_7, {});
    talkThrough(off);
    castVotes(off, [[0, 2], [1, 0], [2, 0], [3, 0], [4, 0], [5, 0], [6, 0]]);
    expect(off.state.phase).toMatchObject({ kind: 'vote', ballot: 'murder' });

    const faithfulOut = matchWith(ROLES_7, { recruitment: { refusal: 'none' } });
    talkThrough(faithfulOut);
    castVotes(faithfulOut, [[0, 2], [1, 2], [2, 3], [3, 2], [4, 2], [5, 2], [6, 2]]);
    expect(faithfulOut.state.phase).toMatchObject({ kind: 'vote', ballot: 'murder' });
  });

  it('asks only the offered seat, with accept/refuse, and refuses anything else without a change', () => {
    const m = offerToSeat3();
    expect(m.pendingSeats()).toEqual([3]);
    expect(m.pending(3)).toEqual({ kind: 'choose', options: ['accept', 'refuse'], purpose: 'recruitOffer', timeLimitSec: 60 });
    const before = JSON.stringify(m.state);
    const length = m.log.length;
    for (const [seat, action, code] of [
      [3, { kind: 'choose', option: 'maybe' }, 'invalid'],
      [3, { kind: 'choose', option: 'constructor' }, 'invalid'],
      [3, { kind: 'choose', option: '__proto__' }, 'invalid'],
      [3, { kind: 'vote', target: 1 }, 'wrong_action'],
      [2, { kind: 'choose', option: 'accept' }, 'not_your_turn'],
      [1, { kind: 'choose', option: 'accept' }, 'not_your_turn'],
    ] as [SeatId, Action, string][]) {
      const result = m.submit(seat, action);
      expect(result).toMatchObject({ ok: false, code });
    }
    expect(JSON.stringify(m.state)).toBe(before);
    expect(m.log.length).toBe(length);
  });

  it('accepting makes a traitor at once: views, fellow traitors, no murder that night', () => {
    const m = offerToSeat3({ traitorChatPasses: 1 });
    const events = submitOk(m, 3, { kind: 'choose', option: 'accept' });
    expect(events.map((e) => e.type)).toEqual(['recruitAnswered', 'roundStarted']);
    expect(m.state.roles[3]).toBe(T);
    expect(m.state.traitorSeats).toEqual([0, 1, 3]); // every traitor seat, the banished one too
    expect([m.state.aliveTraitors, m.state.aliveFaithful]).toEqual([2, 4]);
    expect(m.state.phase.kind).toBe('discussion'); // no breakfast: nobody was murdered
    expect(m.state.alive).toEqual([false, true, true, true, true, true, true]);

    const recruit = traitors.view(m.state, 3);
    expect(recruit.role).toBe(T);
    expect(recruit.fellowTraitors).toEqual([0, 1]);
    // the recruit sees the traitors' secrets from the night it joined on, not the chat and ballot that chose it
    expect(recruit.traitorChat).toEqual([]);
    expect(recruit.nightBallots).toEqual([]);
    expect(recruit.recruitments).toEqual([{ seat: 3, round: 1, accepted: true, timedOut: false }]);
    const old = traitors.view(m.state, 1);
    expect(old.fellowTraitors).toEqual([0, 3]);
    expect(old.traitorChat!.length).toBe(1);
    expect(old.recruitments).toEqual([{ seat: 3, round: 1, accepted: true, timedOut: false }]);

    // round 2: the recruit's night chat and ballot are theirs
    talkThrough(m);
    castVotes(m, [[1, 2], [2, 4], [3, 2], [4, 2], [5, 2], [6, 4]]);
    expect(m.state.phase).toMatchObject({ kind: 'nightChat', order: [1, 3] });
    talkThrough(m);
    castVotes(m, [[1, 5], [3, 5]]);
    const later = traitors.view(m.state, 3);
    expect(later.traitorChat!.map((s) => s.round)).toEqual([2, 2]);
    expect(later.nightBallots!.map((b) => [b.round, b.ballot])).toEqual([[2, 'murder']]);
    expect(later.pendingMurder).toBe(5);
  });

  it('a banished recruit is revealed as a traitor; metrics and exports count votes by the role at the time', () => {
    const m = offerToSeat3();
    submitOk(m, 3, { kind: 'choose', option: 'accept' });
    talkThrough(m);
    const events = castVotes(m, [[1, 2], [3, 2], [2, 3], [4, 3], [5, 3], [6, 3]]);
    expect(events.find((e) => e.type === 'banished')).toMatchObject({ seat: 3, role: T });
    // a second traitor banished: a second recruitment night
    expect(m.state.phase).toMatchObject({ kind: 'vote', ballot: 'recruit', voters: [1] });

    const metrics = traitorsMetrics(m.log);
    // round 1: the five faithful (seat 3 among them) all hit traitor 0; round 2: the four faithful all hit the recruit
    expect(metrics.FCR).toBe(1);
    expect(metrics.faithfulAccuracy).toBe(1);
    expect(metrics.TSR).toBeCloseTo(1 / 3); // 2 traitors + 1 recruit, 2 banished
    expect(metrics.FSR).toBeCloseTo(4 / 5); // 5 faithful, one turned
    expect(metrics.recruitment).toMatchObject({ offered: 1, accepted: 1, refused: 0, initialRoles: ROLES_7, finalRoles: [T, T, F, T, F, F, F] });
    expect(metrics.outcome.eliminations.map((e) => [e.seat, e.role])).toEqual([[0, T], [3, T]]);

    const votes = voteRows(m.log);
    expect(votes.filter((r) => r.Player_ID === 3).map((r) => [r.Round, r.Vote_Type, r.Role])).toEqual([[1, 'General', 'Faithful'], [2, 'General', 'Traitor']]);
    expect(votes.filter((r) => r.Vote_Type === 'Recruit')).toEqual([{ Round: 1, Vote_Type: 'Recruit', Player_ID: 1, Role: 'Traitor', Vote_Target: 3, Eliminated: false }]);
    expect(eliminationRows(m.log).map((r) => [r.seat, r.role, r.initialRole])).toEqual([[0, T, T], [3, T, F]]);
    expect(recruitmentRows(m.log)).toEqual([{ round: 1, seat: 3, name: 'Dee', accepted: true, timedOut: false }]);
  });

  it('win checks count current roles: a recruit who brings parity ends the game for the traitors', () => {
    const m = matchWith([T, T, F, F, F], { recruitment: { refusal: 'none' } });
    talkThrough(m);
    castVotes(m, [[0, 2], [1, 0], [2, 0], [3, 0], [4, 0]]);
    castVotes(m, [[1, 2]]);
    const events = submitOk(m, 2, { kind: 'choose', option: 'accept' });
    expect(events.map((e) => e.type)).toEqual(['recruitAnswered', 'gameOver']);
    expect(events[1]).toMatchObject({ winner: 'traitors', reason: 'traitorsReachedParity', roles: [T, T, T, F, F] });
    expect(traitors.outcome(m.state)).toMatchObject({ winners: [0, 1, 2], recruitments: [{ seat: 2, round: 1, accepted: true }] });
  });

  it('refusing: nothing happens with refusal "none"; with "murdered" the refuser is the night victim, announced as usual', () => {
    const none = offerToSeat3();
    expect(submitOk(none, 3, { kind: 'choose', option: 'refuse' }).map((e) => e.type)).toEqual(['recruitAnswered', 'roundStarted']);
    expect(none.state.roles[3]).toBe(F);
    expect(none.state.alive.every((alive, s) => alive === (s !== 0))).toBe(true);
    expect(traitors.view(none.state, 3)).toMatchObject({ role: F, fellowTraitors: null, recruitments: [{ seat: 3, accepted: false }] });

    const murdered = offerToSeat3({ recruitment: { refusal: 'murdered' } });
    expect(traitors.view(murdered.state, 3).phase).toEqual({ kind: 'offer', seat: 3, refusal: 'murdered' });
    const events = submitOk(murdered, 3, { kind: 'choose', option: 'refuse' });
    expect(events.map((e) => e.type)).toEqual(['recruitAnswered', 'murdered', 'roundStarted', 'murderAnnounced']);
    expect(events[3]).toEqual({ type: 'murderAnnounced', seat: 3, round: 1, role: F });
  });

  it('a timeout refuses, and only the traitors and the offered seat learn of it', () => {
    const m = offerToSeat3({ recruitment: { refusal: 'murdered' } });
    const events = m.timeout(3);
    expect(events[0]).toEqual({ type: 'timeout', seat: 3, round: 1, pendingKind: 'choose', purpose: 'recruitOffer', defaultApplied: 'refuse' });
    expect(traitors.audience(m.state, events[0])).toEqual([0, 1, 3]);
    expect(m.state.recruitments).toEqual([{ seat: 3, round: 1, accepted: false, timedOut: true }]);
    expect(traitors.view(m.state, 1).recruitments).toEqual([{ seat: 3, round: 1, accepted: false, timedOut: true }]);
    expect(traitorsMetrics(m.log).recruitment).toMatchObject({ offered: 1, accepted: 0, refused: 1 });
  });
});

describe('traitors recruitment: secrecy', () => {
  it('the other faithful see the same night and the same events whether the offer is accepted or refused', () => {
    const base = offerToSeat3({ traitorChatPasses: 1 });
    const fork = base.log.length;
    for (const seat of UNINVOLVED) {
      const v = traitors.view(base.state, seat);
      expect(v.phase).toEqual({ kind: 'night' });
      expect(v.recruitments).toEqual([]);
      expect(base.pending(seat)).toBeNull();
      // the table's rule is public (every seat's view carries it, offer or not); nothing else may speak of recruiting
      expect(v.recruitmentRule).toEqual({ refusal: 'none' });
      expect(JSON.stringify({ ...v, recruitments: undefined, recruitmentRule: undefined })).not.toMatch(/recruit|offer/i);
    }
    // the offered seat is told of an offer, and of no traitor
    const offered = traitors.view(base.state, 3);
    expect(offered).toMatchObject({ role: F, fellowTraitors: null, traitorChat: null, nightBallots: null, phase: { kind: 'offer', seat: 3, refusal: 'none' } });
    expect(offered.recruitments).toEqual([{ seat: 3, round: 1, accepted: null, timedOut: false }]);
    expect(JSON.stringify(offered).split('"traitor"').length - 1).toBe(1); // banished seat 0's revealed role only
    // the offer's events reach the traitors and the offered seat only
    const offerEvents = base.log.slice(-3);
    expect(offerEvents.map((e) => [e.type, traitors.audience(base.state, e)])).toEqual([['vote', [1]], ['votesRevealed', [0, 1]], ['recruitOffered', [0, 1, 3]]]);

    const accepted = Match.fromLog<TraitorsState, TraitorsEvent>(traitors, base.log.slice());
    const refused = Match.fromLog<TraitorsState, TraitorsEvent>(traitors, base.log.slice());
    submitOk(accepted, 3, { kind: 'choose', option: 'accept' });
    submitOk(refused, 3, { kind: 'choose', option: 'refuse' });
    expect(accepted.state.roles[3]).not.toBe(refused.state.roles[3]);
    for (const seat of UNINVOLVED) {
      const a: TraitorsView = traitors.view(accepted.state, seat);
      const r: TraitorsView = traitors.view(refused.state, seat);
      expect(JSON.stringify(a)).toBe(JSON.stringify(r));
      expect(JSON.stringify(seenBy(accepted, seat, fork))).toBe(JSON.stringify(seenBy(refused, seat, fork)));
      expect(accepted.pending(seat)).toEqual(refused.pending(seat));
    }
    // nor does the next round's table tell them (the recruit speaks in the same turn as before)
    expect(accepted.pendingSeats()).toEqual(refused.pendingSeats());
  });
});

describe('traitors recruitment: scripted agents', () => {
  it('play whole games legally; traitors offer the least suspected faithful; recruits turn schemer', () => {
    for (const refusal of ['none', 'murdered'] as const) {
      const cfg = TraitorsConfigSchema.parse({ ...traitors.presets.paper, recruitment: { refusal } });
      let offers = 0;
      let accepted = 0;
      let recruitsAtNight = 0;
      for (let seed = 1; seed <= 60; seed++) {
        const game = playScripted<TraitorsEvent>(traitors, cfg, seed, pickNames(cfg.players, seed), new Array<string>(cfg.players).fill('scripted'));
        const recruits = new Set<number>();
        for (const e of game.events) {
          if (e.type === 'recruitOffered') offers++;
          if (e.type === 'recruitAnswered' && e.accepted) {
            accepted++;
            recruits.add(e.seat);
          }
          // a recruit (scripted as a sleuth) takes part in the traitors' night as a schemer would
          if (e.type === 'vote' && (e.ballot === 'murder' || e.ballot === 'recruit') && recruits.has(e.seat)) recruitsAtNight++;
          if (e.type === 'statement' && e.channel === 'traitors' && recruits.has(e.seat)) recruitsAtNight++;
        }
        const metrics = traitorsMetrics(game.events);
        expect(metrics.recruitment.finalRoles).toEqual(game.outcome.roles);
        // schemers agree on whom to offer (no randomness in the choice)
        for (const e of game.events) if (e.type === 'votesRevealed' && e.ballot === 'recruit') expect(e.top.length).toBe(1);
      }
      expect(offers).toBeGreaterThan(20);
      expect(accepted).toBeGreaterThan(0);
      expect(accepted).toBeLessThan(offers);
      expect(recruitsAtNight).toBeGreaterThan(0);
    }
  });

  it('the same seed gives the same game with recruitment', () => {
    const cfg = TraitorsConfigSchema.parse({ ...traitors.presets.paper, recruitment: { refusal: 'murdered' } });
    const play = () => JSON.stringify(playScripted<TraitorsEvent>(traitors, cfg, 5, pickNames(10, 5), new Array<string>(10).fill('scripted')).events);
    expect(play()).toBe(play());
  });
});
