import { describe, expect, it } from 'vitest';
import type { SeatId } from '../../shared/engine/actions.ts';
import { Match } from '../../shared/engine/match.ts';
import {
  trustSplit,
  TrustSplitConfigSchema,
  type FeedbackMode,
  type TrustSplitEvent,
  type TrustSplitSeatView,
  type TrustSplitSpectatorView,
  type TrustSplitState,
} from '../../shared/games/trust-split/index.ts';

type TSMatch = Match<TrustSplitState, TrustSplitEvent>;

function start(feedback: FeedbackMode, rounds = 3): TSMatch {
  const config = TrustSplitConfigSchema.parse({ ...trustSplit.presets.paper, feedback, rounds });
  return Match.start<TrustSplitState, TrustSplitEvent>(trustSplit, config, 11, ['Alice', 'Ben']);
}

function seatView(match: TSMatch, seat: SeatId): TrustSplitSeatView {
  const v = trustSplit.view(match.state, seat);
  if (v.kind !== 'seat') throw new Error('expected a seat view');
  return v;
}

function spectatorView(match: TSMatch): TrustSplitSpectatorView {
  const v = trustSplit.view(match.state, 'spectator');
  if (v.kind !== 'spectator') throw new Error('expected the spectator view');
  return v;
}

function talk(match: TSMatch, texts: [string, string] = ['hi', 'hello']): void {
  while (match.state.phase.kind === 'talk') {
    const speaker = match.state.phase.speaker;
    const result = match.submit(speaker, { kind: 'speak', text: texts[speaker] });
    if (!result.ok) throw new Error(result.message);
  }
}

function propose(match: TSMatch, seat: SeatId, coins: number): void {
  const result = match.submit(seat, { kind: 'propose', coins });
  if (!result.ok) throw new Error(result.message);
}

describe('a seat view during a round', () => {
  it('shows its own hand but not its value, position, or the other hand', () => {
    const match = start('reference');
    const [h0, h1] = match.state.hands!;
    for (const seat of [0, 1] as const) {
      const v = seatView(match, seat);
      expect(v.hand).toBe(seat === 0 ? h0 : h1);
      expect(v).not.toHaveProperty('hands');
      expect(v).not.toHaveProperty('upper');
      expect(v).not.toHaveProperty('value');
      expect(JSON.stringify(v)).not.toContain(`"${seat === 0 ? h1 : h0}"`);
    }
  });

  it('shows the conversation and whose turn it is', () => {
    const match = start('reference');
    const speaker = match.pendingSeats()[0];
    expect(seatView(match, 0)).toMatchObject({ phase: 'talk', round: 1, speaker, firstSpeaker: speaker, messages: [] });
    talk(match, ['I have rock', 'I have paper']);
    const v = seatView(match, 1);
    expect(v.phase).toBe('propose');
    expect(v.speaker).toBeNull();
    expect(v.messages.map((m) => m.seat)).toEqual([speaker, 1 - speaker]);
    expect(v.messages.map((m) => m.text)).toContain('I have rock');
  });

  it('shows its own proposal once made and never the other one before resolution', () => {
    const match = start('reference');
    talk(match);
    propose(match, 0, 7);
    expect(seatView(match, 0).proposal).toBe(7);
    expect(seatView(match, 1).proposal).toBeNull();
    expect(JSON.stringify(seatView(match, 1))).not.toMatch(/"proposal":7|"coins":7/);
    expect(spectatorView(match).proposals).toEqual([7, null]);
  });
});

describe('feedback after a round', () => {
  function playRound(feedback: FeedbackMode): { match: TSMatch; hands: [string, string]; upper: SeatId } {
    const match = start(feedback);
    const hands = match.state.hands!.slice() as [string, string];
    const upper = match.state.upper!;
    talk(match);
    propose(match, 0, 10);
    propose(match, 1, 5);
    return { match, hands, upper };
  }

  it('reference mode: the other had the upper|lower hand and proposed n coins — nothing more', () => {
    const { match, hands, upper } = playRound('reference');
    const v = seatView(match, 0);
    expect(v.round).toBe(2);
    expect(v.history).toEqual([
      { round: 1, hand: hands[0], proposal: 10, otherPosition: upper === 1 ? 'upper' : 'lower', otherProposal: 5, full: null },
    ]);
    expect(v.totals).toBeNull(); // own points are not shown
    expect(v.proposal).toBeNull(); // a new round
    expect(JSON.stringify(v)).not.toMatch(/coinsReceived|points"|"value"/);
  });

  it('full mode: also hands, values, coins and points', () => {
    const { match, hands, upper } = playRound('full');
    const v = seatView(match, 1);
    const values = upper === 0 ? [10, 1] : [1, 10];
    const coins = [20 / 3, 10 / 3];
    expect(v.history).toHaveLength(1);
    const record = v.history[0];
    expect(record).toMatchObject({ round: 1, hand: hands[1], proposal: 5, otherProposal: 10, otherPosition: upper === 0 ? 'upper' : 'lower' });
    expect(record.full).toMatchObject({ otherHand: hands[0], value: values[1], otherValue: values[0] });
    expect(record.full!.coins).toBeCloseTo(coins[1], 12);
    expect(record.full!.points).toBeCloseTo(coins[1] * values[1], 12);
    expect(record.full!.otherPoints).toBeCloseTo(coins[0] * values[0], 12);
    expect(v.totals![1]).toBeCloseTo(coins[1] * values[1], 12);
  });

  it('the spectator sees everything, in either mode', () => {
    const { match, hands, upper } = playRound('reference');
    const s = spectatorView(match);
    expect(s.history).toHaveLength(1);
    expect(s.history[0]).toMatchObject({ hands, upper, proposals: [10, 5] });
    expect(s.hands).toEqual(match.state.hands);
    expect(s.totals).toEqual(match.state.totals);
  });
});

describe('at the end', () => {
  it('shows the final points and winners to everyone', () => {
    const match = start('reference', 1);
    talk(match);
    propose(match, 0, 2);
    propose(match, 1, 3);
    const total = match.state.totals;
    for (const viewer of [0, 1, 'spectator'] as const) {
      const v = trustSplit.view(match.state, viewer);
      expect(v.phase).toBe('over');
      expect(v.finalPoints).toEqual(total);
      expect(v.winners).toEqual(trustSplit.outcome(match.state)!.winners);
    }
  });
});
