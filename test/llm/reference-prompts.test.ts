import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createLlmAgent } from '../../server/llm/agent.ts';
import { ProviderLimits } from '../../server/llm/limits.ts';
import { DISCUSSION_TOPICS, REACTION_PROMPTS, traitorsReferencePrompter } from '../../server/llm/prompts/reference/traitors.ts';
import { traitorsPrompter } from '../../server/llm/prompts/traitors.ts';
import type { TraitorsView } from '../../shared/games/traitors/view.ts';
import { playLlmGame } from '../../server/sim/llm.ts';
import { toDecision, type DecisionContext } from '../../shared/engine/agent.ts';
import type { Persona } from '../../shared/personas.ts';
import { startFakeOpenAI, type FakeRequest, type FakeServer } from './fake-openai-server.ts';
import { callOf, contextWhere, fakeSpec, scriptedContexts } from './helpers.ts';

/**
 * The reference prompt sets (prompts: "reference"): the reference code's wording reaches the model,
 * its answer formats are read as the reference reads them, and unusable answers are re-asked.
 */

let fake: FakeServer;
const limits = new ProviderLimits(64);

beforeAll(async () => {
  fake = await startFakeOpenAI();
});
afterAll(async () => {
  await fake.close();
});
beforeEach(() => {
  fake.reset();
});

const lastUser = (r: FakeRequest) => [...r.messages].reverse().find((m) => m.role === 'user')!.content;

async function decide(ctx: DecisionContext, extra: Record<string, unknown> = {}) {
  const agent = createLlmAgent(fakeSpec(fake.url, { prompts: 'reference', ...extra }), { limits });
  const decision = toDecision(await agent.decide(ctx));
  return { decision, call: callOf(decision) };
}

function find(gameId: string, wanted: (c: DecisionContext) => boolean, preset = 'paper', seed = 3): DecisionContext {
  const ctx = contextWhere(gameId, wanted, seed, preset);
  if (!ctx) throw new Error(`${gameId}: no such request`);
  return ctx;
}

const PERSONA: Persona = {
  traits: { age: 34, nationality: 'Portuguese', profession: 'Paramedic', ethnicity: 'White', civilStatus: 'Married', children: 2, genderPronoun: 'she' },
  style: 'talkative',
};

describe('The Traitors, reference prompts', () => {
  const banishVote = () => find('traitors', (c) => c.pending.kind === 'vote' && c.pending.purpose === 'banish' && c.pending.options.includes(7) && c.seat !== 7);

  it('asks for only the player number and reads the first number: "I vote 7." is seat 7', async () => {
    const ctx = banishVote();
    fake.setScript(() => 'I vote 7.');
    const { decision, call } = await decide(ctx);
    expect(decision.action).toEqual({ kind: 'vote', target: 7 });
    expect(decision.fallback).toBeUndefined();
    const request = fake.requests[0];
    // plain text: no response format, the reference's wording
    expect(request.body.response_format).toBeUndefined();
    expect(lastUser(request)).toContain('Respond with ONLY the player number.');
    expect(lastUser(request)).toContain(`The active players are: ${ctx.pending.kind === 'vote' ? ctx.pending.options.join(', ') : ''}.`);
    expect(lastUser(request)).not.toContain('## Your task');
    const system = request.messages[0];
    expect(system.role).toBe('system');
    expect(system.content).toContain(`YOUR IDENTITY: You are Player ${ctx.seat}.`);
    expect(system.content).toMatch(/You are playing as a (Faithful|Traitor) player in The Traitors game/);
    expect(system.content).toContain('place it between triple dashes');
    expect(call.attempts).toHaveLength(1);
    expect(call.attempts[0].mode).toBe('reference');
  });

  it('re-asks an answer without a usable number, then takes the legal one', async () => {
    const ctx = banishVote();
    const own = ctx.seat;
    fake.setScript((r) => (r.index === 0 ? 'I cannot decide yet.' : r.index === 1 ? `Player ${own}` : 'Player 7, clearly.'));
    const { decision, call } = await decide(ctx);
    expect(decision.action).toEqual({ kind: 'vote', target: 7 });
    expect(call.attempts.map((a) => a.errorKind)).toEqual(['format', 'illegal', undefined]);
    // the bad answer and the correction with the reference's format reminder
    expect(fake.requests[1].messages.slice(-2).map((m) => m.role)).toEqual(['assistant', 'user']);
    expect(lastUser(fake.requests[1])).toContain('Respond with ONLY the player number.');
    expect(lastUser(fake.requests[2])).toContain('You cannot vote for');
  });

  it('takes the dialogue between --- markers as the statement, or the whole answer without them', async () => {
    const ctx = find('traitors', (c) => c.pending.kind === 'speak' && c.pending.purpose === 'discussion');
    fake.setScript(() => 'Inner thoughts: be careful.\n---\nI have my doubts about Player 2.\n---\nMore thoughts.');
    expect((await decide(ctx)).decision.action).toEqual({ kind: 'speak', text: 'I have my doubts about Player 2.' });
    fake.reset();
    fake.setScript(() => 'Good morning, everyone.');
    expect((await decide(ctx)).decision.action).toEqual({ kind: 'speak', text: 'Good morning, everyone.' });
  });

  it('cycles the discussion topics by round and gives reactions in later passes', async () => {
    const first = find('traitors', (c) => c.pending.kind === 'speak' && c.pending.purpose === 'discussion' && (c.view as { round: number }).round === 1 && (c.view as { phase: { pass?: number } }).phase.pass === 1);
    await decide(first);
    expect(lastUser(fake.requests[0])).toContain(`Discussion topic: ${DISCUSSION_TOPICS[0]}`);
    expect(lastUser(fake.requests[0])).toContain('This is the first round of discussions.');
    fake.reset();
    const second = find('traitors', (c) => c.pending.kind === 'speak' && c.pending.purpose === 'discussion' && (c.view as { round: number }).round === 2 && (c.view as { phase: { pass?: number } }).phase.pass === 1);
    await decide(second);
    expect(lastUser(fake.requests[0])).toContain(`Discussion topic: ${DISCUSSION_TOPICS[1]}`);
    fake.reset();
    const reaction = find('traitors', (c) => c.pending.kind === 'speak' && c.pending.purpose === 'discussion' && (c.view as { phase: { pass?: number } }).phase.pass === 2);
    await decide(reaction);
    const prompt = lastUser(fake.requests[0]);
    expect(REACTION_PROMPTS.some((p) => prompt.startsWith(p))).toBe(true);
    expect(prompt).toContain('Discussion so far: ');
  });

  it('puts a persona where the reference puts traits (YOUR CHARACTER), and Parley\'s prompts in its persona section', async () => {
    const ctx = banishVote();
    fake.setScript(() => '7');
    await decide(ctx, { persona: PERSONA });
    const system = fake.requests[0].messages[0].content;
    expect(system).toContain('YOUR CHARACTER:\nYou are a 34-year-old Portuguese Paramedic.\nYou are White.\nYou are Married.\nYou have 2 children.');
    fake.reset();
    fake.setScript(undefined);
    await decide(ctx, { persona: PERSONA, prompts: 'parley' });
    const parley = fake.requests[0].messages[0].content;
    expect(parley).toContain('## Your persona');
    expect(parley).toContain('Profession: Paramedic');
    expect(parley).not.toContain('YOUR CHARACTER');
  });

  it('asks the traitors\' night meeting and murder in the reference\'s words', async () => {
    const chat = find('traitors', (c) => c.pending.kind === 'speak' && c.pending.purpose === 'traitorChat');
    fake.setScript(() => '---\nLet us take Player 4.\n---');
    await decide(chat);
    expect(lastUser(fake.requests[0])).toContain('SECRET TRAITOR MEETING: You are with your fellow traitors:');
    fake.reset();
    const murder = find('traitors', (c) => c.pending.kind === 'vote' && c.pending.purpose === 'murder');
    const target = murder.pending.kind === 'vote' ? murder.pending.options[0] : -1;
    fake.setScript(() => String(target));
    const { decision } = await decide(murder);
    expect(decision.action).toEqual({ kind: 'vote', target });
    expect(lastUser(fake.requests[0])).toContain('The active Faithfuls are:');
    expect(lastUser(fake.requests[0])).toContain('Who are you voting to eliminate? Respond with ONLY the player number.');
  });

  it('uses Parley\'s beliefs prompt (the reference asks for no beliefs)', async () => {
    const ctx = find('traitors', (c) => c.pending.kind === 'beliefs');
    const { decision, call } = await decide(ctx);
    expect(decision.action.kind).toBe('beliefs');
    expect(lastUser(fake.requests[0])).toContain('## Your task');
    expect(call.attempts[0].mode).toBe('json');
  });
});

/** Seats 2, 5 and 8 have no persona, the others structured traits (the moderator reads those). */
const TABLE_PERSONAS = Array.from({ length: 10 }, (_, seat) =>
  seat % 3 === 2 ? null : { traits: { age: 30 + seat, nationality: 'Portuguese', profession: 'Nurse', genderPronoun: seat % 2 ? 'he' : 'she' } },
);

type TraitorsContext = DecisionContext & { view: TraitorsView & { seat: number } };

/** Every request of seeded scripted games at the `reference` preset (with personas, optionally recruitment), in the order asked. */
function referenceGame(seeds: number[], overrides: Record<string, unknown> = {}): TraitorsContext[] {
  return seeds.flatMap((seed) => [...scriptedContexts('traitors', seed, 'reference', { personas: TABLE_PERSONAS, ...overrides })] as TraitorsContext[]);
}

/** The reference prompt set's request for a context: its system prompt and last user message (null: Parley's prompt is used). */
function referencePrompt(ctx: TraitorsContext) {
  const prompt = traitorsReferencePrompter({ view: ctx.view, seat: ctx.seat, pending: ctx.pending });
  return prompt && { system: prompt.system ?? '', user: prompt.messages[prompt.messages.length - 1].content, prompt };
}

const purposeOf = (ctx: DecisionContext) => (ctx.pending as { purpose?: string }).purpose;

describe('The Traitors reference prompts on the reference preset\'s phases', () => {
  const game = referenceGame([1, 2, 3]);

  it('asks the post-banishment talk with get_post_elimination_prompt and the ongoing discussion of those who spoke before', () => {
    const talks = game.filter((c) => purposeOf(c) === 'postBanishment');
    expect(talks.length).toBeGreaterThan(10);
    let withOngoing = 0;
    for (const ctx of talks) {
      const { user } = referencePrompt(ctx)!;
      const phase = ctx.view.phase;
      if (phase.kind !== 'postBanishment') throw new Error('a postBanishment request outside its phase');
      const role = ctx.view.eliminations.find((e) => e.seat === phase.banished && e.cause === 'banished')!.role;
      expect(user.startsWith(`Player ${phase.banished} was eliminated and was a ${role === 'traitor' ? 'Traitor' : 'Faithful'}.\n\nWhat are your thoughts on this elimination? Has this changed your suspicions?`)).toBe(true);
      expect(user).not.toContain('Discussion topic');
      const before = ctx.view.statements.filter((s) => s.round === ctx.view.round && s.purpose === 'postBanishment' && !s.skipped);
      if (before.length === 0) expect(user).not.toContain('Ongoing discussion');
      else {
        withOngoing++;
        expect(user).toContain(`\n\nOngoing discussion: ${before.map((s) => `Player ${s.seat}: ${s.text}`).join(' ')}`);
      }
      // the round's discussion is not part of it
      const discussion = ctx.view.statements.find((s) => s.round === ctx.view.round && s.purpose === 'discussion' && !s.skipped)!;
      expect(user).not.toContain(discussion.text);
    }
    expect(withOngoing).toBeGreaterThan(0);
  });

  it('asks the traitors\' first night pass with the meeting prompt and the second with the round\'s consensus prompt over the meeting', () => {
    const chats = game.filter((c) => purposeOf(c) === 'traitorChat');
    const consensusOpening = (round: number) => (round === 1 ? 'This is our first elimination.' : round < 3 ? 'The game is still developing.' : "We're getting closer to our goal.");
    const rounds = new Set<number>();
    let excludedConsensus = 0;
    for (const ctx of chats) {
      const { user } = referencePrompt(ctx)!;
      const phase = ctx.view.phase;
      if (phase.kind !== 'nightChat') throw new Error('a night chat request outside its phase');
      expect(phase.passes).toBe(2);
      const chat = (ctx.view.traitorChat ?? []).filter((s) => s.round === ctx.view.round);
      if (phase.pass === 1) {
        expect(user.startsWith('SECRET TRAITOR MEETING: You are with your fellow traitors:')).toBe(true);
        expect(user).toContain(chat.length === 0 ? 'As the first to speak in this secret meeting' : 'Consider what your fellow traitors have said.');
        continue;
      }
      rounds.add(ctx.view.round);
      expect(user.startsWith(consensusOpening(ctx.view.round))).toBe(true);
      const meeting = chat.filter((s) => s.pass === 1 && !s.skipped).map((s) => `Traitor ${s.seat}: ${s.text}`).join(' ');
      expect(user.endsWith(` Discussion: ${meeting}`)).toBe(true);
      // the consensus pass's own statements are not part of "Discussion:"
      for (const s of chat.filter((x) => x.pass === 2 && !x.skipped)) {
        expect(user).not.toContain(`Traitor ${s.seat}: ${s.text}`);
        excludedConsensus++;
      }
    }
    expect([...rounds].some((r) => r === 1)).toBe(true);
    expect([...rounds].some((r) => r >= 3)).toBe(true);
    expect(excludedConsensus).toBeGreaterThan(0);
  });

  it('puts the biographies the moderator read in the memory, and tells only round 1\'s first speaker (the lowest living seat) that they open the game', () => {
    const opening = game.filter((c) => purposeOf(c) === 'discussion' && c.view.round === 1 && c.view.phase.kind === 'discussion' && c.view.phase.pass === 1);
    expect(opening.length).toBe(30);
    for (const ctx of opening) {
      const { system, user } = referencePrompt(ctx)!;
      const bios = ctx.view.biographies!;
      expect(bios.unknown).toEqual([2, 5, 8]);
      for (const b of bios.biographies) {
        if (b.seat === ctx.seat) continue;
        expect(system).toContain(`Player ${b.seat}: called ${ctx.view.names[b.seat]}. ${b.text}`);
        expect(b.text).toContain(`is a ${30 + b.seat}-year-old Portuguese Nurse.`);
      }
      const unknown = bios.unknown.filter((s) => s !== ctx.seat);
      expect(system).toContain(`I do not have background information about Player(s): ${unknown.join(', ')}.`);
      // seat order: the game's first speaker is seat 0, the others are not first
      const first = user.includes('You are the first to speak in this game. Set the tone for the discussion.');
      expect(first).toBe(ctx.seat === 0);
      expect(user.includes('Current discussion:')).toBe(ctx.seat !== 0);
    }
    // later rounds have no first speaker
    const later = game.filter((c) => purposeOf(c) === 'discussion' && c.view.round > 1);
    expect(later.length).toBeGreaterThan(0);
    for (const ctx of later) expect(referencePrompt(ctx)!.user).not.toContain('You are the first to speak');
  });

  it('never says the votes are shown or how many traitors there are where the preset hides them (reference prompts and Parley\'s fallbacks)', () => {
    let faithfulBeliefs = 0;
    for (const ctx of game) {
      expect(ctx.view.votesRevealed).toBe(false);
      const reference = referencePrompt(ctx);
      const parts = reference ? null : traitorsPrompter({ view: ctx.view, seat: ctx.seat, pending: ctx.pending });
      const text = reference ? `${reference.system}\n${reference.user}` : `${parts!.system}\n${parts!.memory}\n${parts!.task}`;
      expect(text).not.toMatch(/revealed together|votes are revealed|Tally:/);
      if (ctx.view.traitorCount === null) {
        expect(text).not.toMatch(/\b3 (players are )?traitors\b/i);
        if (parts) {
          faithfulBeliefs++;
          expect(parts.system).toContain('a hidden minority are traitors (how many is not announced)');
          expect(parts.system).toContain('The votes are never shown to anyone; only the result is announced.');
        }
      }
    }
    expect(faithfulBeliefs).toBeGreaterThan(0);
  });
});

describe('The Traitors reference prompts on recruitment nights (the reference has none)', () => {
  const game = referenceGame([1, 2, 3, 4, 5, 6], { recruitment: { refusal: 'murdered' } });

  it('asks the recruitment night\'s meeting, consensus and vote in the reference\'s manner, never as an elimination', () => {
    const recruitChats = game.filter((c) => c.view.phase.kind === 'nightChat' && c.view.phase.ballot === 'recruit');
    const recruitVotes = game.filter((c) => purposeOf(c) === 'recruit');
    expect(recruitChats.length).toBeGreaterThan(0);
    expect(recruitVotes.length).toBeGreaterThan(0);
    for (const ctx of recruitChats) {
      const { user } = referencePrompt(ctx)!;
      const phase = ctx.view.phase as { pass: number };
      if (phase.pass === 1) expect(user).toContain('tonight there is no elimination: we offer one Faithful the chance to join us.');
      else expect(user.startsWith('Tonight we recruit instead of eliminating.')).toBe(true);
      expect(user).not.toMatch(/who (to|should we) (eliminate|target)/);
    }
    for (const ctx of recruitVotes) {
      const { user, prompt } = referencePrompt(ctx)!;
      const options = (ctx.pending as { options: number[] }).options;
      expect(user).toContain(`The active Faithfuls are: ${options.join(', ')}.\nWho are you voting to recruit? Respond with ONLY the player number.`);
      expect(user).not.toContain('eliminated tonight');
      expect(prompt.parse(`Player ${options[0]}`)).toMatchObject({ ok: true, action: { kind: 'vote', target: options[0] } });
    }
    // an ordinary night of the same games still asks for a murder
    const murder = game.find((c) => purposeOf(c) === 'murder')!;
    expect(referencePrompt(murder)!.user).toContain('Your vote will determine which Faithful is eliminated tonight.');
  });

  it('leaves the offer to Parley\'s prompt, which a well-behaved model answers without a fallback', async () => {
    const offer = game.find((c) => c.pending.kind === 'choose')!;
    expect(referencePrompt(offer)).toBeNull();
    const { decision, call } = await decide(offer);
    expect(decision.fallback).toBeUndefined();
    expect(decision.action).toMatchObject({ kind: 'choose' });
    expect(call.attempts[0].mode).toBe('json');
    expect(lastUser(fake.requests[0])).toContain('the traitors secretly offer you a place among them');
  });
});

describe('Trust-and-Split, reference prompts (AdAlignLLM TAS-RPS)', () => {
  it('asks for a tagged proposal after the regex constraint and reads <<proposal_start>> 7 <<proposal_end>>', async () => {
    const ctx = find('trust-split', (c) => c.pending.kind === 'propose', 'paper');
    fake.setScript(() => '<<proposal_start>> 7 <<proposal_end>>');
    const { decision, call } = await decide(ctx);
    expect(decision.action).toEqual({ kind: 'propose', coins: 7 });
    const request = fake.requests[0];
    expect(request.body.response_format).toBeUndefined();
    // no system prompt: the reference's chat is user and assistant turns, the regex constraint first
    expect(request.messages[0]).toEqual({
      role: 'user',
      content: 'Output must match this regex exactly: <<proposal_start>> ?(10|[0-9]) ?<<proposal_end>> \nReturn only the matching string, with no quotes or extra text.',
    });
    expect(request.messages.some((m) => m.role === 'system')).toBe(false);
    expect(request.messages[1].content).toContain('Welcome to an iterated game.');
    expect(request.messages[1].content).toContain('Your goal: Maximize your total points over the whole game.');
    expect(lastUser(request)).toContain('Respond with <<proposal_start>> x <<proposal_end>> where x is an integer in [0, 10].');
    expect(call.messages[0].role).toBe('user');
  });

  it('re-asks a malformed answer with the reference\'s format message (without the bad answer)', async () => {
    const ctx = find('trust-split', (c) => c.pending.kind === 'propose', 'paper');
    fake.setScript((r) => (r.index === 0 ? 'I keep 7 coins.' : '<<proposal_start>> 6 <<proposal_end>>'));
    const { decision, call } = await decide(ctx);
    expect(decision.action).toEqual({ kind: 'propose', coins: 6 });
    expect(call.attempts.map((a) => a.errorKind)).toEqual(['format', undefined]);
    const again = fake.requests[1].messages;
    expect(again).toHaveLength(fake.requests[0].messages.length + 1);
    expect(again[again.length - 1]).toEqual({
      role: 'user',
      content: 'Invalid response format. Expected format (regex): <<proposal_start>> ?(10|[0-9]) ?<<proposal_end>>\n Please try again and provide ONLY a response that matches this regex.',
    });
  });

  it('reads a tagged message and replays the seat\'s earlier turns as the reference\'s chat', async () => {
    const ctx = find('trust-split', (c) => c.pending.kind === 'speak' && (c.view as { round: number }).round === 2, 'paper');
    fake.setScript(() => '<<message_start>>I have rock this time.<<message_end>>');
    const { decision } = await decide(ctx);
    expect(decision.action).toEqual({ kind: 'speak', text: 'I have rock this time.' });
    const messages = fake.requests[0].messages;
    expect(messages[0].content).toContain('Output must match this regex exactly: <<message_start>>');
    // round 1's own message and proposal come back as assistant turns, in the reference's tags
    const assistant = messages.filter((m) => m.role === 'assistant').map((m) => m.content);
    expect(assistant.some((a) => /^<<message_start>>[\s\S]*<<message_end>>$/.test(a))).toBe(true);
    expect(assistant.some((a) => /^<<proposal_start>> \d+ <<proposal_end>>$/.test(a))).toBe(true);
    const text = messages.map((m) => m.content).join('\n');
    expect(text).toContain('A New Round Begins');
    expect(text).toMatch(/In the previous round, \w+ had a (upper|lower) hand and proposed \d+ coins\./);
    expect(lastUser(fake.requests[0])).toContain('Send your message now in <<message_start>>...<<message_end>>');
  });
});

describe('whole games with every seat on reference prompts', () => {
  it.each([
    ['traitors', 'paper', {}],
    // the reference loop's rules: biographies, post-banishment talk, two night passes, hidden votes; and recruitment
    ['traitors', 'reference', { recruitment: { refusal: 'murdered' } }],
    ['trust-split', 'paper', {}],
  ])('%s (%s) plays to the end on the fake model\'s default answers without a re-ask or a fallback', async (game, preset, config) => {
    const agents = JSON.stringify({ type: 'llm', provider: 'openai-compatible', model: 'fake-model', baseURL: fake.url, prompts: 'reference', persona: PERSONA });
    const results = [];
    for (const index of [0, 1, 2]) results.push(await playLlmGame({ game, games: 3, seed: 11, preset, config, agents, personas: [PERSONA] }, index, limits, {}));
    const calls = results.flatMap((r) => r.calls);
    expect(calls.length).toBeGreaterThan(30);
    expect(calls.filter((c) => c.fallback)).toEqual([]);
    expect(calls.filter((c) => c.attempts.length > 1)).toEqual([]);
    // every request the reference has a prompt for went out in its form; Parley's only for beliefs and the offer
    for (const c of calls) expect(c.attempts[0].mode === 'reference').toBe(c.action.kind !== 'beliefs' && c.action.kind !== 'choose');
    if (preset === 'reference') {
      const purposes = new Set(fake.requests.filter((r) => r.form === 'reference-traitors').map((r) => lastUser(r).split('\n')[0]));
      expect([...purposes].some((p) => /^Player \d+ was eliminated and was a (Traitor|Faithful)\.$/.test(p))).toBe(true);
      expect(fake.requests.some((r) => lastUser(r).includes('Who are you voting to recruit?'))).toBe(true);
      expect(calls.some((c) => c.action.kind === 'choose')).toBe(true);
    }
  });
});
