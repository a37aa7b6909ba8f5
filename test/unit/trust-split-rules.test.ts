import { describe, expect, it } from 'vitest';
import type { Action, SeatId } from '../../shared/engine/actions.ts';
import { Match, replay } from '../../shared/engine/match.ts';
import { playScripted } from '../../shared/engine/play.ts';
import {
  beats,
  firstSpeakerOfRound,
  splitCoins,
  trustSplit,
  TrustSplitConfigSchema,
  type TrustSplitConfig,
  type TrustSplitEvent,
  type TrustSplitState,
} from '../../shared/games/trust-split/index.ts';

const NAMES = ['Alice', 'Ben'];
const paper = trustSplit.presets.paper;

function config(overrides: Partial<TrustSplitConfig> = {}): TrustSplitConfig {
  return TrustSplitConfigSchema.parse({ ...paper, ...overrides });
}

function start(overrides: Partial<TrustSplitConfig> = {}, seed = 1): Match<TrustSplitState, TrustSplitEvent> {
  return Match.start<TrustSplitState, TrustSplitEvent>(trustSplit, config(overrides), seed, NAMES);
}

function submitOk(match: Match<TrustSplitState, TrustSplitEvent>, seat: SeatId, action: Action): TrustSplitEvent[] {
  const result = match.submit(seat, action);
  if (!result.ok) throw new Error(`${result.code}: ${result.message}`);
  return result.events;
}

/** Talk through the current round with fixed texts, speakers in turn. */
function talk(match: Match<TrustSplitState, TrustSplitEvent>, text = 'hello'): SeatId[] {
  const speakers: SeatId[] = [];
  while (match.state.phase.kind === 'talk') {
    const speaker = match.state.phase.speaker;
    speakers.push(speaker);
    submitOk(match, speaker, { kind: 'speak', text });
  }
  return speakers;
}

function propose(match: Match<TrustSplitState, TrustSplitEvent>, coins0: number, coins1: number): TrustSplitEvent[] {
  submitOk(match, 0, { kind: 'propose', coins: coins0 });
  return submitOk(match, 1, { kind: 'propose', coins: coins1 });
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

describe('the split', () => {
  it('gives each what it asked when the proposals fit, and the leftover is lost', () => {
    expect(splitCoins(10, [3, 4])).toEqual([3, 4]);
    expect(splitCoins(10, [10, 0])).toEqual([10, 0]);
    expect(splitCoins(10, [6, 4])).toEqual([6, 4]);
  });
  it('shares in proportion when the proposals exceed the pot', () => {
    const [a, b] = splitCoins(10, [10, 5]);
    expect(a).toBeCloseTo(20 / 3, 12);
    expect(b).toBeCloseTo(10 / 3, 12);
    expect(splitCoins(10, [10, 10])).toEqual([5, 5]);
    expect(splitCoins(10, [6, 6])).toEqual([5, 5]);
  });
  it('gives nothing to either when both ask for nothing', () => {
    expect(splitCoins(10, [0, 0])).toEqual([0, 0]);
  });
});

describe('a game of Trust-and-Split', () => {
  it('opens with a setup and a deal, and asks the first speaker for a public message', () => {
    const match = start();
    const [setup, deal] = match.log;
    expect(setup.type).toBe('setup');
    expect(deal).toMatchObject({ type: 'deal', round: 1 });
    if (setup.type !== 'setup' || deal.type !== 'deal') throw new Error('unexpected log');
    expect(setup).toMatchObject({ seed: 1, names: NAMES, config: config() });
    expect(deal.hands[0]).not.toBe(deal.hands[1]);
    expect(beats(deal.hands[deal.upper], deal.hands[1 - deal.upper])).toBe(true);
    const speaker = setup.firstSpeaker;
    expect(match.pending(speaker)).toEqual({ kind: 'speak', maxChars: 500, channel: 'public', purpose: 'message', timeLimitSec: 120 });
    expect(match.pending(1 - speaker)).toBeNull();
  });

  it('alternates speakers strictly, alternates the first speaker every round, and respects the quota', () => {
    const match = start({ messagesPerRound: 2, rounds: 3 });
    const setup = match.log[0];
    if (setup.type !== 'setup') throw new Error('no setup');
    const first = setup.firstSpeaker;
    const other = (1 - first) as SeatId;
    for (let round = 1; round <= 3; round++) {
      const opener = round % 2 === 1 ? first : other;
      expect(firstSpeakerOfRound(first, round)).toBe(opener);
      expect(talk(match)).toEqual([opener, 1 - opener, opener, 1 - opener]);
      expect(match.state.phase.kind).toBe('propose');
      expect(match.pending(0)).toMatchObject({ kind: 'propose', min: 0, max: 10 });
      expect(match.pending(1)).toMatchObject({ kind: 'propose', min: 0, max: 10 });
      propose(match, 5, 5);
    }
    expect(match.isOver).toBe(true);
  });

  it('goes straight to proposals when there is no talk', () => {
    const match = start({ messagesPerRound: 0 });
    expect(match.state.phase.kind).toBe('propose');
    expect(match.pendingSeats()).toEqual([0, 1]);
  });

  it('resolves a round with points = coins received × own coin value', () => {
    const match = start();
    talk(match);
    const deal = match.log.find((e) => e.type === 'deal');
    if (deal?.type !== 'deal') throw new Error('no deal');
    const events = propose(match, 10, 5);
    const resolved = events.find((e) => e.type === 'roundResolved');
    if (resolved?.type !== 'roundResolved') throw new Error('round did not resolve');
    const values = deal.upper === 0 ? [10, 1] : [1, 10];
    expect(resolved.values).toEqual(values);
    expect(resolved.hands).toEqual(deal.hands);
    expect(resolved.proposals).toEqual([10, 5]);
    expect(resolved.coinsReceived[0]).toBeCloseTo(20 / 3, 12);
    expect(resolved.points[0]).toBeCloseTo((20 / 3) * values[0], 12);
    expect(resolved.points[1]).toBeCloseTo((10 / 3) * values[1], 12);
    // the next round is dealt at once
    expect(events.at(-1)).toMatchObject({ type: 'deal', round: 2 });
  });

  it('ends after the configured rounds with the totals, winners and a summary', () => {
    const match = start({ rounds: 2 });
    for (let r = 0; r < 2; r++) {
      talk(match);
      propose(match, 3, 4);
    }
    const over = match.log.at(-1);
    expect(over).toEqual({ type: 'gameOver', points: match.state.totals, winners: expect.any(Array) });
    const outcome = trustSplit.outcome(match.state)!;
    expect(outcome.points).toEqual(match.state.totals);
    const [p0, p1] = match.state.totals;
    expect(outcome.winners).toEqual(p0 === p1 ? [0, 1] : p0 > p1 ? [0] : [1]);
    expect(outcome.summary).toContain('Alice');
    expect(match.submit(0, { kind: 'propose', coins: 1 })).toMatchObject({ ok: false, code: 'game_over' });
  });

  it('calls a tie a tie', () => {
    const match = start({ rounds: 1 });
    talk(match);
    propose(match, 0, 0);
    expect(trustSplit.outcome(match.state)).toMatchObject({ winners: [0, 1], points: [0, 0], summary: 'Alice and Ben tie at 0 points' });
  });

  it('rejects out-of-turn, wrong, oversized, out-of-range and malformed actions', () => {
    const match = start({ maxMessageChars: 20 });
    const speaker = (match.state.phase.kind === 'talk' ? match.state.phase.speaker : 0) as SeatId;
    const listener = (1 - speaker) as SeatId;
    expect(match.submit(listener, { kind: 'speak', text: 'hi' })).toMatchObject({ ok: false, code: 'not_your_turn' });
    expect(match.submit(speaker, { kind: 'propose', coins: 3 })).toMatchObject({ ok: false, code: 'wrong_action' });
    expect(match.submit(speaker, { kind: 'vote', target: 1 })).toMatchObject({ ok: false, code: 'wrong_action' });
    expect(match.submit(speaker, { kind: 'speak', text: 'x'.repeat(21) })).toMatchObject({ ok: false, code: 'too_long' });
    expect(match.submit(speaker, { kind: 'speak', text: 42 } as unknown as Action)).toMatchObject({ ok: false, code: 'invalid' });
    expect(match.submit(speaker, { kind: 'speak', text: 'hi', extra: 1 } as unknown as Action)).toMatchObject({ ok: false, code: 'invalid' });
    expect(match.submit(2, { kind: 'speak', text: 'hi' })).toMatchObject({ ok: false, code: 'invalid' });
    expect(match.submit(speaker, { kind: 'speak', text: 'x'.repeat(20) }).ok).toBe(true);
    submitOk(match, listener, { kind: 'speak', text: '' }); // empty messages are allowed
    expect(match.submit(0, { kind: 'propose', coins: 11 })).toMatchObject({ ok: false, code: 'out_of_range' });
    expect(match.submit(0, { kind: 'propose', coins: -1 })).toMatchObject({ ok: false, code: 'out_of_range' });
    expect(match.submit(0, { kind: 'propose', coins: 2.5 })).toMatchObject({ ok: false, code: 'invalid' });
    submitOk(match, 0, { kind: 'propose', coins: 4 });
    expect(match.submit(0, { kind: 'propose', coins: 4 })).toMatchObject({ ok: false, code: 'not_your_turn' });
  });

  it('draws the six ordered pairs of different hands about equally often, never a tie', () => {
    const counts = new Map<string, number>();
    const games = 3000;
    for (let seed = 0; seed < games; seed++) {
      const deal = start({}, seed).log[1];
      if (deal.type !== 'deal') throw new Error('no deal');
      expect(deal.hands[0]).not.toBe(deal.hands[1]);
      const key = deal.hands.join('-');
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    expect(counts.size).toBe(6);
    for (const n of counts.values()) expect(Math.abs(n - games / 6)).toBeLessThan(games / 6 * 0.15);
    // and the first speaker is drawn: both seats open some games
    const openers = new Set(Array.from({ length: 20 }, (_, seed) => (start({}, seed).log[0] as { firstSpeaker: number }).firstSpeaker));
    expect(openers).toEqual(new Set([0, 1]));
  });

  it('with alternatingHands, swaps the upper hand every round', () => {
    for (const seed of [1, 2, 3]) {
      const { events } = playScripted<TrustSplitEvent>(trustSplit, config({ alternatingHands: true }), seed, NAMES, ['fair', 'fair']);
      const deals = events.filter((e) => e.type === 'deal');
      expect(deals).toHaveLength(10);
      for (let i = 0; i < deals.length; i++) {
        const d = deals[i];
        if (d.type !== 'deal') continue;
        expect(beats(d.hands[d.upper], d.hands[1 - d.upper])).toBe(true);
        if (i > 0) expect(d.upper).toBe(1 - (deals[i - 1] as { upper: number }).upper);
      }
      // the winning hand itself is still drawn
      expect(new Set(deals.map((d) => (d.type === 'deal' ? d.hands[d.upper] : ''))).size).toBeGreaterThan(1);
    }
  });

  it('applies timeout defaults: an empty public message, and the fair split for a proposal', () => {
    const match = start({ timeouts: { speak: 30, propose: 15 } });
    const speaker = match.pendingSeats()[0];
    expect(match.pending(speaker)?.timeLimitSec).toBe(30);
    const [speakTimeout] = match.timeout(speaker);
    expect(speakTimeout).toEqual({ type: 'timeout', seat: speaker, round: 1, action: 'speak', text: '' });
    expect(trustSplit.audience(match.state, speakTimeout)).toBeNull();
    expect(match.state.transcript.at(-1)).toEqual({ round: 1, seat: speaker, text: '', timedOut: true });
    expect(match.timeout(speaker)).toEqual([]); // nothing pending: nothing happens
    talk(match);
    expect(match.pending(0)?.timeLimitSec).toBe(15);
    submitOk(match, 0, { kind: 'propose', coins: 10 });
    const events = match.timeout(1);
    expect(events[0]).toEqual({ type: 'timeout', seat: 1, round: 1, action: 'propose', coins: 5 });
    expect(events.find((e) => e.type === 'roundResolved')).toMatchObject({ proposals: [10, 5] });
    expect(match.state.timeouts).toBe(2);
  });

  it('is deterministic: the same seed gives the same log, another seed another', () => {
    const play = (seed: number) => JSON.stringify(playScripted(trustSplit, paper, seed, NAMES, ['random', 'tit-for-tat']).events);
    expect(play(42)).toBe(play(42));
    expect(play(42)).not.toBe(play(43));
  });

  it('replays: folding the log gives the live state', () => {
    for (const agents of [['random', 'greedy'], ['cooperative', 'tit-for-tat']]) {
      const full = config({ feedback: 'full', messagesPerRound: 2 });
      const { events } = playScripted<TrustSplitEvent>(trustSplit, full, 9, NAMES, agents);
      const live = Match.start<TrustSplitState, TrustSplitEvent>(trustSplit, full, 9, NAMES);
      // drive a live match with the logged actions, then compare with a pure fold of the log
      for (const e of events) {
        if (e.type === 'message') submitOk(live, e.seat, { kind: 'speak', text: e.text });
        if (e.type === 'proposal') submitOk(live, e.seat, { kind: 'propose', coins: e.coins });
      }
      expect(live.log).toEqual(events);
      expect(replay(trustSplit, events)).toEqual(live.state);
      expect(Match.fromLog(trustSplit, events).state).toEqual(live.state);
    }
  });

  it('never mutates a state it is given', () => {
    const { events } = playScripted<TrustSplitEvent>(trustSplit, config({ feedback: 'full' }), 5, NAMES, ['random', 'random']);
    let state: TrustSplitState | undefined;
    for (const e of events) {
      const before = state ? JSON.stringify(state) : '';
      const next: TrustSplitState = trustSplit.reduce(state ? deepFreeze(state) : undefined, deepFreeze(structuredClone(e)));
      if (state) expect(JSON.stringify(state)).toBe(before);
      state = next;
    }
    expect(state?.phase.kind).toBe('over');
  });

  it('rejects events that do not fit the phase', () => {
    const match = start();
    expect(() => trustSplit.reduce(match.state, { type: 'gameOver', points: [0, 0], winners: [0, 1] })).toThrow(/does not fit/);
    expect(() => trustSplit.reduce(match.state, { type: 'proposal', seat: 0, round: 1, coins: 1 })).toThrow(/does not fit/);
  });
});

describe('audience', () => {
  it('keeps RNG-bearing events to the spectator, proposals to the proposer until resolution', () => {
    const match = start({ rounds: 2 });
    const [setup, deal] = match.log;
    expect(trustSplit.audience(match.state, setup)).toEqual([]);
    expect(trustSplit.audience(match.state, deal)).toEqual([]);
    talk(match);
    const message = match.log.at(-1)!;
    expect(trustSplit.audience(match.state, message)).toBeNull();
    const [proposal] = submitOk(match, 1, { kind: 'propose', coins: 3 });
    expect(trustSplit.audience(match.state, proposal)).toEqual([1]);
    const events = submitOk(match, 0, { kind: 'propose', coins: 3 });
    expect(trustSplit.audience(match.state, proposal)).toBeNull();
    const resolved = events.find((e) => e.type === 'roundResolved')!;
    expect(trustSplit.audience(match.state, resolved)).toEqual([]); // reference feedback reveals less
    const nextDeal = events.at(-1)!;
    expect(trustSplit.audience(match.state, nextDeal)).toEqual([]);
  });

  it('shows resolutions to both players with full feedback', () => {
    const match = start({ feedback: 'full' });
    talk(match);
    const resolved = propose(match, 1, 1).find((e) => e.type === 'roundResolved')!;
    expect(trustSplit.audience(match.state, resolved)).toBeNull();
  });
});

describe('configuration', () => {
  it('has the paper preset first (the default) and a human preset', () => {
    expect(Object.keys(trustSplit.presets)).toEqual(['paper', 'human']);
    expect(trustSplit.presets.paper).toMatchObject({ rounds: 10, coins: 10, upperValue: 10, lowerValue: 1, messagesPerRound: 1, maxMessageChars: 500, feedback: 'reference' });
    expect(trustSplit.presets.human).toMatchObject({ rounds: 5 });
    for (const preset of Object.values(trustSplit.presets)) expect(TrustSplitConfigSchema.safeParse(preset).success).toBe(true);
  });

  it('rejects nonsense', () => {
    expect(TrustSplitConfigSchema.safeParse({ ...paper, upperValue: 1, lowerValue: 10 }).success).toBe(false);
    expect(TrustSplitConfigSchema.safeParse({ ...paper, feedback: 'some' }).success).toBe(false);
    expect(TrustSplitConfigSchema.safeParse({ ...paper, rounds: 0 }).success).toBe(false);
    expect(TrustSplitConfigSchema.safeParse({ ...paper, surprise: true }).success).toBe(false);
    expect(() => trustSplit.start(paper, 1, ['only one'])).toThrow(/exactly 2/);
  });

  it('plays two seats and names its default scripted agent', () => {
    expect(trustSplit.seatCount(paper)).toBe(2);
    expect(trustSplit.scriptedAgentFor(start().state, 0)).toBe('cooperative');
    expect(trustSplit.id).toBe('trust-split');
    expect(trustSplit.title).toBe('Trust-and-Split');
  });
});
