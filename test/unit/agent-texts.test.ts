import { describe, expect, it } from 'vitest';
import type { Action, SeatId } from '../../shared/engine/actions.ts';
import { Match } from '../../shared/engine/match.ts';
import { pickNames } from '../../shared/engine/names.ts';
import { agentRng, playScripted } from '../../shared/engine/play.ts';
import { Purpose, Rng } from '../../shared/engine/rng.ts';
import { resolveConfig } from '../../shared/games/index.ts';
import { traitors, type TraitorsConfig, type TraitorsEvent } from '../../shared/games/traitors/index.ts';
import { HONEST_UNANSWERED } from '../../shared/games/trust-split/agents/messages.ts';
import {
  extractClaim,
  TRUST_SPLIT_AGENTS,
  trustSplit,
  type TrustSplitConfig,
  type TrustSplitEvent,
  type TrustSplitState,
} from '../../shared/games/trust-split/index.ts';
import { CLAIMS_CORPUS } from './fixtures/claims-corpus.ts';

/**
 * What the scripted agents say, across 200 simulated games per game: they refer only to what has
 * happened, vary their wording, and read the claims people make (issue 12, item 8).
 */
const GAMES = 200;

// ---------------------------------------------------------------- detectors

/** Phrases the Traitors agents use that cite revealed votes. */
const CITES_VOTES = /\bvoted\b|\bmy votes\b|\bthe votes\b|\bmy record\b|\bsplitting our votes\b|\bput their vote\b/i;
/** Phrases that cite someone answering a question. */
const CITES_QUESTIONS = /\bquestions with more questions\b/i;
/** Phrases that cite a banishment, a murder or a reveal. */
const CITES_ELIMINATIONS = /\bturned out\b|\bwas one of (us|them)\b|\bfinally caught\b|\bdid not survive\b|\bwas murdered\b|\bwas gone by morning\b|\bwe banished\b|\bwe lost a faithful\b|'s reveal\b|\bsend \w+ home\b|\bpush \w+ out\b/i;

/** Sentences of a text, with the speaker's own name replaced (to compare introductions). */
function sentences(text: string, ownName = ''): string[] {
  const plain = ownName === '' ? text : text.split(ownName).join('<me>');
  return plain.split(/(?<=[.!?])\s+/).filter((s) => s !== '');
}

describe('the detectors', () => {
  it('flag the lines issue 12 reported and pass lines about the future', () => {
    expect(CITES_VOTES.test("I know some of you are looking at me, but I'm faithful, and my votes show it.")).toBe(true);
    expect(CITES_VOTES.test("Hi everyone, I'm Ann. I'm here to find the traitors, and I'll follow the votes more than the speeches.")).toBe(true);
    expect(CITES_QUESTIONS.test('Ben answers questions with more questions. I suspect Ben.')).toBe(true);
    expect(CITES_ELIMINATIONS.test('Ann voted to send Ben home, and Ben turned out to be faithful.')).toBe(true);
    expect(CITES_VOTES.test("Right now my vote is going to Ben, I'm voting for Ben unless someone changes my mind.")).toBe(false);
    expect(CITES_ELIMINATIONS.test('If you banish me you lose a faithful player and the traitors laugh. Think about it.')).toBe(false);
  });
});

// ---------------------------------------------------------------- The Traitors

describe(`The Traitors: scripted statements over ${GAMES} games`, () => {
  const paper = resolveConfig(traitors, 'paper') as TraitorsConfig;
  const table = resolveConfig(traitors, 'table') as TraitorsConfig;
  /** Half paper tables of sleuths and schemers, half table-preset tables with random agents among them. */
  const games = Array.from({ length: GAMES }, (_, i) => {
    const config = i % 2 === 0 ? paper : table;
    const seed = 1000 + i;
    const agents = Array.from({ length: config.players }, (_, s) => (i % 2 === 1 && s % 3 === 0 ? 'random' : 'scripted'));
    return playScripted<TraitorsEvent>(traitors, config, seed, pickNames(config.players, seed), agents).events;
  });

  it('gives no two introductions at a table the same wording (not even one shared sentence)', () => {
    let introductions = 0;
    for (const events of games) {
      const { names } = events[0] as Extract<TraitorsEvent, { type: 'setup' }>;
      const seen = new Map<string, SeatId>();
      for (const e of events) {
        if (e.type !== 'statement' || e.purpose !== 'introduction') continue;
        introductions++;
        for (const sentence of sentences(e.text, names[e.seat])) {
          expect(seen.get(sentence), `"${sentence}" said by seats ${seen.get(sentence)} and ${e.seat}`).toBeUndefined();
          seen.set(sentence, e.seat);
        }
      }
    }
    expect(introductions).toBe(GAMES / 2 * (paper.players + table.players));
  });

  it('cites votes, questions and eliminations only after they happened', () => {
    let citedVotes = 0;
    let citedEliminations = 0;
    for (const events of games) {
      let votesRevealed = false;
      let questionAsked = false;
      let eliminated = false;
      for (const e of events) {
        if (e.type === 'votesRevealed' && e.ballot !== 'murder' && e.votes.length > 0) votesRevealed = true;
        if (e.type === 'banished' || e.type === 'murderAnnounced') eliminated = true;
        if (e.type !== 'statement') continue;
        if (CITES_VOTES.test(e.text)) {
          expect(votesRevealed, `before any vote, round ${e.round}: ${e.text}`).toBe(true);
          citedVotes++;
        }
        if (CITES_ELIMINATIONS.test(e.text)) {
          expect(eliminated, `before any elimination, round ${e.round}: ${e.text}`).toBe(true);
          citedEliminations++;
        }
        if (CITES_QUESTIONS.test(e.text)) expect(questionAsked, e.text).toBe(true);
        if (e.channel === 'public' && e.text.includes('?')) questionAsked = true;
      }
    }
    // the agents do cite the record once there is one
    expect(citedVotes).toBeGreaterThan(GAMES);
    expect(citedEliminations).toBeGreaterThan(GAMES / 2);
  });

  it('never has an agent say the same statement twice in a game, and rarely the same sentence', () => {
    let statements = 0;
    let repeatedSentences = 0;
    let sentenceCount = 0;
    for (const events of games) {
      const said = new Map<string, Set<string>>();
      const sentencesSaid = new Map<string, Set<string>>();
      for (const e of events) {
        if (e.type !== 'statement' || e.text === '') continue;
        const key = `${e.seat}/${e.channel}`;
        if (!said.has(key)) said.set(key, new Set());
        if (!sentencesSaid.has(key)) sentencesSaid.set(key, new Set());
        expect(said.get(key)!.has(e.text), `seat ${e.seat} repeats: ${e.text}`).toBe(false);
        said.get(key)!.add(e.text);
        statements++;
        for (const s of sentences(e.text)) {
          sentenceCount++;
          if (sentencesSaid.get(key)!.has(s)) repeatedSentences++;
          sentencesSaid.get(key)!.add(s);
        }
      }
    }
    expect(statements).toBeGreaterThan(GAMES * 20);
    expect(repeatedSentences / sentenceCount).toBeLessThan(0.02);
  });
});

// ---------------------------------------------------------------- Trust-and-Split

describe(`Trust-and-Split: scripted messages over ${GAMES} games`, () => {
  const paper = trustSplit.presets.paper as TrustSplitConfig;
  const human = trustSplit.presets.human as TrustSplitConfig;
  const agents = Object.keys(TRUST_SPLIT_AGENTS);
  const expected = new Map(CLAIMS_CORPUS.map(([text, claim]) => [text, claim]));
  const lines = CLAIMS_CORPUS.map(([text]) => text).filter((t) => t !== '');

  /**
   * An agent at seat 0 against a "person" at seat 1 who says corpus lines (hand-labelled) and
   * proposes at random. Returns the log.
   */
  function playAgainstCorpus(agent: string, config: TrustSplitConfig, seed: number): TrustSplitEvent[] {
    const match = Match.start<TrustSplitState, TrustSplitEvent>(trustSplit, config, seed, ['Alice', 'Ben']);
    const person = Rng.stream(seed, Purpose.test, 1);
    let decisions = 0;
    while (!match.isOver) {
      for (const seat of match.pendingSeats()) {
        const pending = match.pending(seat)!;
        let action: Action;
        if (seat === 0) action = TRUST_SPLIT_AGENTS[agent]({ seat, view: trustSplit.view(match.state, seat), pending, rng: agentRng(seed, seat, decisions++) });
        else if (pending.kind === 'speak') action = { kind: 'speak', text: person.pick(lines).slice(0, pending.maxChars) };
        else if (pending.kind === 'propose') action = { kind: 'propose', coins: person.range(pending.min, pending.max) };
        else throw new Error(`unexpected ${pending.kind}`);
        const result = match.submit(seat, action);
        if (!result.ok) throw new Error(result.message);
      }
    }
    return match.log;
  }

  const UNANSWERED = HONEST_UNANSWERED.map((s) => s.slice(0, 24));

  it('never tells a person they did not state a hand when they did, and answers their questions', () => {
    let unansweredSaid = 0;
    let questionsAnswered = 0;
    for (let i = 0; i < GAMES; i++) {
      const agent = agents[i % agents.length];
      const events = playAgainstCorpus(agent, i % 2 === 0 ? paper : human, 5000 + i);
      const heard: string[] = [];
      let round = 0;
      for (const e of events) {
        if (e.type === 'deal') {
          round = e.round;
          heard.length = 0;
        }
        if (e.type !== 'message' || e.round !== round) continue;
        if (e.seat === 1) {
          heard.push(e.text);
          continue;
        }
        if (UNANSWERED.some((phrase) => e.text.includes(phrase))) {
          unansweredSaid++;
          for (const line of heard) expect(expected.get(line), `"${e.text}" after "${line}"`).toBeNull();
        }
        // cooperative answers a question (that states no hand) with its hand
        if (agent === 'cooperative' && heard.length > 0 && heard.every((l) => expected.get(l) === null) && heard.some((l) => l.includes('?'))) {
          expect(extractClaim(e.text)?.hand, `"${e.text}" after ${JSON.stringify(heard)}`).toBeTruthy();
          questionsAnswered++;
        }
      }
    }
    expect(unansweredSaid).toBeGreaterThan(10);
    expect(questionsAnswered).toBeGreaterThan(10);
  });

  it('never has an agent repeat a sentence within a game (every pairing, both presets)', () => {
    let messages = 0;
    for (let i = 0; i < GAMES; i++) {
      const pair = [agents[i % agents.length], agents[Math.floor(i / agents.length) % agents.length]];
      const { events } = playScripted<TrustSplitEvent>(trustSplit, i % 2 === 0 ? paper : human, 7000 + i, ['Alice', 'Ben'], pair);
      const said = [new Set<string>(), new Set<string>()];
      for (const e of events) {
        if (e.type !== 'message' || e.text === '') continue;
        messages++;
        for (const s of sentences(e.text)) {
          expect(said[e.seat].has(s), `${pair[e.seat]} repeats "${s}" in game ${i}`).toBe(false);
          said[e.seat].add(s);
        }
      }
    }
    expect(messages).toBeGreaterThan(GAMES * 10);
  });
});
