import { describe, expect, it } from 'vitest';
import type { Action, SeatId } from '../../shared/engine/actions.ts';
import { Match } from '../../shared/engine/match.ts';
import { agentRng, playScripted } from '../../shared/engine/play.ts';
import { Purpose, Rng } from '../../shared/engine/rng.ts';
import {
  ANSWER_LEADS,
  CLAIMS,
  FAIR_DEFLECTS,
  FAIR_TALK,
  GO_FIRST_LEADS,
  GREEDY_BEATING,
  GREEDY_OPENING,
  HONEST_DOUBTFUL,
  HONEST_LOSING,
  HONEST_OPENING,
  HONEST_UNANSWERED,
  HONEST_WINNING,
  RANDOM_CHATTER,
  THANKS,
  YOUR_TURN,
} from '../../shared/games/trust-split/agents/messages.ts';
import {
  beats,
  extractClaim,
  HANDS,
  TRUST_SPLIT_AGENTS,
  trustSplit,
  trustSplitHeadline,
  TrustSplitConfigSchema,
  type Hand,
  type TrustSplitConfig,
  type TrustSplitEvent,
  type TrustSplitState,
} from '../../shared/games/trust-split/index.ts';

const NAMES = ['Alice', 'Ben'];
const paper = trustSplit.presets.paper;

/** Mean points per round per seat over `games` seeded games. */
function meanPointsPerRound(agents: [string, string], games: number, config: TrustSplitConfig = paper): [number, number] {
  const sum = [0, 0];
  for (let seed = 0; seed < games; seed++) {
    const { events } = playScripted<TrustSplitEvent>(trustSplit, config, seed, NAMES, agents);
    const h = trustSplitHeadline(events);
    sum[0] += h.pointsPerRound0 as number;
    sum[1] += h.pointsPerRound1 as number;
  }
  return [sum[0] / games, sum[1] / games];
}

describe('analytic values over 2,000 games (the rules check of the spec)', () => {
  it('cooperative vs cooperative ≈ 50 and 50', () => {
    const [a, b] = meanPointsPerRound(['cooperative', 'cooperative'], 2000);
    expect(a).toBeCloseTo(50, 0);
    expect(Math.abs(a - 50)).toBeLessThan(1.5);
    expect(Math.abs(b - 50)).toBeLessThan(1.5);
    expect(a + b).toBeCloseTo(100, 6); // every round is welfare-optimal
  });
  it('greedy vs greedy ≈ 27.5 and 27.5', () => {
    const [a, b] = meanPointsPerRound(['greedy', 'greedy'], 2000);
    expect(Math.abs(a - 27.5)).toBeLessThan(1.5);
    expect(Math.abs(b - 27.5)).toBeLessThan(1.5);
    expect(a + b).toBeCloseTo(55, 6); // 5 coins each, every round
  });
  it('greedy vs fair ≈ 36.67 and 18.33', () => {
    const [a, b] = meanPointsPerRound(['greedy', 'fair'], 2000);
    expect(Math.abs(a - 110 / 3)).toBeLessThan(1.5);
    expect(Math.abs(b - 55 / 3)).toBeLessThan(1.5);
  });
});

describe('every agent, every matchup, several configurations', () => {
  const configs: TrustSplitConfig[] = [
    paper,
    trustSplit.presets.human,
    TrustSplitConfigSchema.parse({ ...paper, alternatingHands: true, feedback: 'full', messagesPerRound: 3, rounds: 4 }),
    TrustSplitConfigSchema.parse({ ...paper, messagesPerRound: 0, coins: 7, rounds: 3 }),
    TrustSplitConfigSchema.parse({ ...paper, maxMessageChars: 12, rounds: 3 }),
  ];
  const names = Object.keys(TRUST_SPLIT_AGENTS);

  it('has the five agents of the spec', () => {
    expect(names.sort()).toEqual(['cooperative', 'fair', 'greedy', 'random', 'tit-for-tat']);
  });

  it('always plays legally (playScripted throws on an illegal move) and varies its messages', () => {
    const texts = new Map<string, Set<string>>();
    for (const config of configs) {
      for (const a of names) {
        for (const b of names) {
          for (let seed = 0; seed < 4; seed++) {
            const { events } = playScripted<TrustSplitEvent>(trustSplit, config, seed, NAMES, [a, b]);
            expect(events.at(-1)?.type).toBe('gameOver');
            for (const e of events) {
              if (e.type !== 'message') continue;
              const agent = e.seat === 0 ? a : b;
              if (!texts.has(agent)) texts.set(agent, new Set());
              texts.get(agent)!.add(e.text);
              expect(e.text.length).toBeLessThanOrEqual(config.maxMessageChars);
            }
          }
        }
      }
    }
    for (const agent of names) expect(texts.get(agent)!.size).toBeGreaterThan(5);
  });

  it('is deterministic given its RNG', () => {
    const match = Match.start<TrustSplitState, TrustSplitEvent>(trustSplit, paper, 3, NAMES);
    const seat = match.pendingSeats()[0];
    for (const name of names) {
      const act = () => TRUST_SPLIT_AGENTS[name]({ seat, view: trustSplit.view(match.state, seat), pending: match.pending(seat)!, rng: agentRng(3, seat, 0) });
      expect(act()).toEqual(act());
    }
  });
});

describe('messages the agents say are read correctly by claims.ts', () => {
  const say = (hand: Hand) => ({ hand, other: 'Ben', coins: 10 });
  const others = (hand: Hand) => HANDS.filter((h) => h !== hand);

  it('every claim sentence states exactly its hand', () => {
    for (const hand of HANDS) for (const sentence of CLAIMS(say(hand))) expect(extractClaim(sentence), sentence).toEqual({ hand, position: null });
  });

  it('no other sentence states a hand or position, alone or after a claim', () => {
    const rest = (hand: Hand): string[] => [
      ...ANSWER_LEADS,
      ...GO_FIRST_LEADS,
      ...THANKS(say(hand)),
      ...HONEST_OPENING(say(hand)),
      ...HONEST_DOUBTFUL,
      ...HONEST_UNANSWERED,
      ...YOUR_TURN(say(hand)),
      ...GREEDY_OPENING(say(hand)),
      ...FAIR_TALK(5, 'Ben'),
      ...FAIR_DEFLECTS,
      ...others(hand).flatMap((other) => (beats(hand, other) ? [...HONEST_WINNING(say(hand), other), ...GREEDY_BEATING(say(hand), other)] : HONEST_LOSING(say(hand), other))),
    ];
    for (const hand of HANDS) {
      for (const sentence of rest(hand)) {
        expect(extractClaim(sentence), sentence).toBeNull();
        // leads come before the claim, the rest after it: either way the message states exactly the claim
        for (const claim of CLAIMS(say(hand)).slice(0, 3)) {
          expect(extractClaim(`${sentence} ${claim}`), `${sentence} ${claim}`).toEqual({ hand, position: null });
          expect(extractClaim(`${claim} ${sentence}`), `${claim} ${sentence}`).toEqual({ hand, position: null });
        }
      }
    }
  });

  it("random chatter's position claims and questions read as such", () => {
    expect(RANDOM_CHATTER('Ben').map((t) => extractClaim(t))).toEqual([null, { hand: null, position: 'upper' }, { hand: null, position: 'lower' }, null, null, null, null, null, null]);
  });

  it('cooperative always tells the truth, greedy lies whenever it does not hold the hand it claims', () => {
    for (let seed = 0; seed < 30; seed++) {
      const { events } = playScripted<TrustSplitEvent>(trustSplit, paper, seed, NAMES, ['cooperative', 'greedy']);
      const h = trustSplitHeadline(events);
      expect(h.lieRate0).toBe(0);
      expect(h.claimRate0).toBe(1);
      expect(h.claimRate1).toBe(1);
    }
  });
});

/** What `agent` at `seat` would do now (its RNG fixed by `decision`). */
function ask(match: Match<TrustSplitState, TrustSplitEvent>, agent: string, seat: SeatId, decision = 0): Action {
  return TRUST_SPLIT_AGENTS[agent]({ seat, view: trustSplit.view(match.state, seat), pending: match.pending(seat)!, rng: Rng.stream(1, Purpose.test, decision) });
}

function submit(match: Match<TrustSplitState, TrustSplitEvent>, seat: SeatId, action: Action): void {
  const result = match.submit(seat, action);
  if (!result.ok) throw new Error(result.message);
}

/** Find a seed whose round-1 first speaker is seat 1 (so seat 0 answers). */
function matchWithSeat0Second(): Match<TrustSplitState, TrustSplitEvent> {
  for (let seed = 0; ; seed++) {
    const match = Match.start<TrustSplitState, TrustSplitEvent>(trustSplit, paper, seed, NAMES);
    if (match.pendingSeats()[0] === 1) return match;
  }
}

describe('agent behaviour', () => {
  it('cooperative concedes to a consistent claim that beats it, takes all against one it beats, halves otherwise', () => {
    const match = matchWithSeat0Second();
    const own = match.state.hands![0];
    const loser = HANDS.find((h) => beats(own, h))!;
    const winner = HANDS.find((h) => beats(h, own))!;
    const cases: [string, number][] = [
      [`I have ${winner}.`, 0],
      [`My hand is ${loser}.`, 10],
      [`I have ${own}.`, 5], // impossible: hands always differ
      ['Nice weather today.', 5],
      ['I have the upper hand.', 0],
      ["I'm lower.", 10],
    ];
    for (const [text, expected] of cases) {
      const m = Match.fromLog<TrustSplitState, TrustSplitEvent>(trustSplit, match.log);
      submit(m, 1, { kind: 'speak', text });
      submit(m, 0, ask(m, 'cooperative', 0));
      expect(ask(m, 'cooperative', 0)).toEqual({ kind: 'propose', coins: expected });
    }
  });

  it('greedy answers a stated hand with the hand that beats it, and always proposes everything', () => {
    const match = matchWithSeat0Second();
    submit(match, 1, { kind: 'speak', text: 'I have rock.' });
    const message = ask(match, 'greedy', 0);
    expect(message.kind).toBe('speak');
    expect(extractClaim((message as { text: string }).text)?.hand).toBe('paper');
    submit(match, 0, message);
    expect(ask(match, 'greedy', 0)).toEqual({ kind: 'propose', coins: 10 });
    expect(ask(match, 'fair', 1)).toEqual({ kind: 'propose', coins: 5 });
  });

  it('tit-for-tat plays greedy for one round after the other lied or grabbed, then forgives', () => {
    // seat 1 lies in round 1 (claims a hand it does not hold) → seat 0 punishes in round 2 only
    const match = Match.start<TrustSplitState, TrustSplitEvent>(trustSplit, TrustSplitConfigSchema.parse({ ...paper, rounds: 3 }), 5, NAMES);
    const lieHand = HANDS.find((h) => h !== match.state.hands![1] && h !== match.state.hands![0])!;
    const proposals: number[] = [];
    for (let round = 1; round <= 3; round++) {
      while (match.state.phase.kind === 'talk') {
        const speaker = match.state.phase.speaker;
        if (speaker === 1) submit(match, 1, { kind: 'speak', text: round === 1 ? `I have ${lieHand}.` : `I have ${match.state.hands![1]}.` });
        else submit(match, 0, ask(match, 'tit-for-tat', 0, round));
      }
      const mine = ask(match, 'tit-for-tat', 0, round);
      proposals.push((mine as { coins: number }).coins);
      submit(match, 0, mine);
      submit(match, 1, { kind: 'propose', coins: match.state.upper === 1 ? 10 : 0 }); // honest proposals
    }
    const deals = match.log.filter((e) => e.type === 'deal') as Extract<TrustSplitEvent, { type: 'deal' }>[];
    // round 2: punishment → greedy → 10 whatever the hands; round 3: cooperative again
    expect(proposals[1]).toBe(10);
    expect(proposals[2]).toBe(deals[2].upper === 0 ? 10 : 0);
  });

  it('tit-for-tat punishes a grab by the lower hand', () => {
    for (let seed = 0; seed < 40; seed++) {
      const { events } = playScripted<TrustSplitEvent>(trustSplit, paper, seed, NAMES, ['tit-for-tat', 'fair']);
      const resolved = events.filter((e) => e.type === 'roundResolved') as Extract<TrustSplitEvent, { type: 'roundResolved' }>[];
      for (let i = 1; i < resolved.length; i++) {
        // fair proposes 5: a grab whenever it held the lower hand → tit-for-tat proposes 10 next round
        if (resolved[i - 1].upper === 0) expect(resolved[i].proposals[0]).toBe(10);
      }
    }
  });
});
