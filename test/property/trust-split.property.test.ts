import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Action, SeatId } from '../../shared/engine/actions.ts';
import { Match, replay } from '../../shared/engine/match.ts';
import {
  HANDS,
  beats,
  trustSplit,
  TrustSplitConfigSchema,
  type TrustSplitConfig,
  type TrustSplitEvent,
  type TrustSplitState,
} from '../../shared/games/trust-split/index.ts';

type TSMatch = Match<TrustSplitState, TrustSplitEvent>;

const CONFIGS: TrustSplitConfig[] = [
  TrustSplitConfigSchema.parse({ ...trustSplit.presets.paper, rounds: 3 }),
  TrustSplitConfigSchema.parse({ ...trustSplit.presets.human, rounds: 3 }),
  TrustSplitConfigSchema.parse({ ...trustSplit.presets.paper, rounds: 4, alternatingHands: true, feedback: 'full', maxMessageChars: 40 }),
  TrustSplitConfigSchema.parse({ ...trustSplit.presets.paper, rounds: 3, messagesPerRound: 0, coins: 6 }),
];

/** Message texts that mention no hand, so a hand word in a view can only come from the game. */
const NEUTRAL_TEXTS = ['', 'hello', 'I will take 5', 'trust me', "let's split", 'what do you have?'];
/** Texts with claims, used where views are compared rather than scanned. */
const CLAIM_TEXTS = ['I have rock', 'my hand is paper', 'I hold the upper hand', "I'm lower", 'scissors here'];

/** One step of random legal play: who acts (among those pending), whether it times out, and what it does. */
const stepArb = fc.record({
  pick: fc.nat(),
  timeout: fc.integer({ min: 0, max: 5 }), // 0 = let the deadline expire
  text: fc.nat(),
  coins: fc.nat(),
});

function playStep(match: TSMatch, step: { pick: number; timeout: number; text: number; coins: number }, texts: string[]): void {
  const seats = match.pendingSeats();
  const seat = seats[step.pick % seats.length];
  if (step.timeout === 0) {
    match.timeout(seat);
    return;
  }
  const pending = match.pending(seat)!;
  const action: Action =
    pending.kind === 'speak'
      ? { kind: 'speak', text: texts[step.text % texts.length].slice(0, pending.maxChars) }
      : { kind: 'propose', coins: pending.kind === 'propose' ? step.coins % (pending.max + 1) : 0 };
  const result = match.submit(seat, action);
  if (!result.ok) throw new Error(`legal play was rejected: ${result.message}`);
}

function otherOf(seat: SeatId): SeatId {
  return seat === 0 ? 1 : 0;
}

/**
 * The log as it would be had the other seat been dealt the third hand (so positions flip) and
 * proposed something else this round. The seat's view must not change: it cannot know either.
 */
function counterfactual(log: readonly TrustSplitEvent[], seat: SeatId, coins: number): TrustSplitEvent[] {
  const out = log.slice();
  let dealIndex = -1;
  for (let i = out.length - 1; i >= 0; i--) if (out[i].type === 'deal') { dealIndex = i; break; }
  const deal = out[dealIndex];
  if (deal.type !== 'deal') throw new Error('no deal');
  const other = otherOf(seat);
  const third = HANDS.find((h) => h !== deal.hands[0] && h !== deal.hands[1])!;
  const hands: [typeof third, typeof third] = seat === 0 ? [deal.hands[0], third] : [third, deal.hands[1]];
  const upper: SeatId = beats(hands[0], hands[1]) ? 0 : 1;
  out[dealIndex] = { ...deal, hands, upper };
  for (let i = dealIndex + 1; i < out.length; i++) {
    const e = out[i];
    if (e.type === 'proposal' && e.seat === other) out[i] = { ...e, coins: (e.coins + 1) % (coins + 1) };
    if (e.type === 'timeout' && e.action === 'propose' && e.seat === other) out[i] = { ...e, coins: (e.coins + 1) % (coins + 1) };
  }
  return out;
}

function inRound(state: TrustSplitState): boolean {
  return state.phase.kind === 'talk' || state.phase.kind === 'propose';
}

describe('Trust-and-Split under random legal play (with timeouts)', () => {
  it('no seat view holds the other hand before the rules reveal it (JSON scan and structure)', () => {
    fc.assert(
      fc.property(fc.nat(), fc.integer({ min: 0, max: CONFIGS.length - 1 }), fc.array(stepArb, { maxLength: 60 }), (seed, c, steps) => {
        const config = CONFIGS[c];
        const match: TSMatch = Match.start(trustSplit, config, seed, ['Alice', 'Ben']);
        const check = () => {
          if (!inRound(match.state)) return;
          for (const seat of [0, 1] as const) {
            const other = otherOf(seat);
            const v = trustSplit.view(match.state, seat);
            if (v.kind !== 'seat') throw new Error('seat view expected');
            expect(v).not.toHaveProperty('hands');
            expect(v).not.toHaveProperty('upper');
            expect(v).not.toHaveProperty('proposals');
            expect(v.hand).toBe(match.state.hands![seat]);
            expect(v.proposal).toBe(match.state.proposals[seat]);
            // past rounds may name hands, and the public rules name the coin values; nothing
            // else may say anything about this round's hands or positions
            const { messages: _messages, history, config: _rules, ...rest } = v;
            const current = JSON.stringify(rest);
            expect(current).not.toContain(`"${match.state.hands![other]}"`);
            expect(current).not.toMatch(/upper|lower|value/i);
            if (config.feedback === 'reference') expect(JSON.stringify(history)).not.toMatch(/otherHand|points|coins"/);
            expect(history.every((r) => r.round < match.state.round)).toBe(true);
          }
        };
        check();
        for (const step of steps) {
          if (match.isOver) break;
          playStep(match, step, NEUTRAL_TEXTS);
          check();
        }
      }),
      { numRuns: 150 },
    );
  });

  it("a seat's view is the same whatever the other's hand and pending proposal are", () => {
    fc.assert(
      fc.property(fc.nat(), fc.integer({ min: 0, max: CONFIGS.length - 1 }), fc.array(stepArb, { maxLength: 50 }), (seed, c, steps) => {
        const config = CONFIGS[c];
        const match: TSMatch = Match.start(trustSplit, config, seed, ['Alice', 'Ben']);
        for (const step of steps) {
          if (match.isOver) break;
          playStep(match, step, [...NEUTRAL_TEXTS, ...CLAIM_TEXTS]);
          if (!inRound(match.state)) continue;
          for (const seat of [0, 1] as const) {
            const alternative = replay<TrustSplitState, TrustSplitEvent>(trustSplit, counterfactual(match.log, seat, config.coins));
            expect(alternative.hands![otherOf(seat)]).not.toBe(match.state.hands![otherOf(seat)]);
            expect(trustSplit.view(alternative, seat)).toEqual(trustSplit.view(match.state, seat));
            expect(trustSplit.pending(alternative, seat)).toEqual(trustSplit.pending(match.state, seat));
          }
        }
        // and the whole log replays to the live state
        expect(replay(trustSplit, match.log)).toEqual(match.state);
      }),
      { numRuns: 120 },
    );
  });

  it('rejects every illegal action, changing neither state nor log', () => {
    const junk = fc.oneof(
      fc.record({ kind: fc.constant('speak'), text: fc.oneof(fc.string({ maxLength: 20 }), fc.string({ minLength: 501, maxLength: 600 })) }),
      fc.record({ kind: fc.constant('propose'), coins: fc.oneof(fc.integer({ min: -5, max: 20 }), fc.double(), fc.constant(Number.NaN)) }),
      fc.record({ kind: fc.constant('vote'), target: fc.integer({ min: 0, max: 3 }) }),
      fc.record({ kind: fc.constant('beliefs'), suspicion: fc.constant({ '0': 50 }) }),
      fc.record({ kind: fc.constantFrom('speak', 'propose'), text: fc.string(), coins: fc.integer() }),
      fc.anything(),
    );
    /** An independent statement of what is legal. */
    function legal(match: TSMatch, seat: number, action: unknown): boolean {
      if (match.isOver || (seat !== 0 && seat !== 1)) return false;
      const pending = match.pending(seat);
      if (!pending || typeof action !== 'object' || action === null) return false;
      const a = action as Record<string, unknown>;
      if (a.kind !== pending.kind || Object.keys(a).length !== 2) return false;
      if (pending.kind === 'speak') return typeof a.text === 'string' && a.text.length <= pending.maxChars;
      if (pending.kind === 'propose') return Number.isInteger(a.coins) && (a.coins as number) >= pending.min && (a.coins as number) <= pending.max;
      return false;
    }
    let rejected = 0;
    fc.assert(
      fc.property(
        fc.nat(),
        fc.integer({ min: 0, max: CONFIGS.length - 1 }),
        fc.array(fc.tuple(stepArb, fc.integer({ min: -1, max: 3 }), junk), { maxLength: 50 }),
        (seed, c, steps) => {
          const match: TSMatch = Match.start(trustSplit, CONFIGS[c], seed, ['Alice', 'Ben']);
          for (const [step, seat, action] of [...steps, ...steps.slice(0, 3)]) {
            if (!legal(match, seat, action)) {
              const state = match.state;
              const json = JSON.stringify(state);
              const length = match.log.length;
              const result = match.submit(seat, action as Action);
              expect(result.ok).toBe(false);
              expect(match.state).toBe(state);
              expect(JSON.stringify(match.state)).toBe(json);
              expect(match.log).toHaveLength(length);
              rejected++;
            }
            if (!match.isOver) playStep(match, step, NEUTRAL_TEXTS);
          }
        },
      ),
      { numRuns: 150 },
    );
    expect(rejected).toBeGreaterThan(500);
  });
});
