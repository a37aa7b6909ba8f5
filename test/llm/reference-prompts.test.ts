import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createLlmAgent } from '../../server/llm/agent.ts';
import { ProviderLimits } from '../../server/llm/limits.ts';
import { DISCUSSION_TOPICS, REACTION_PROMPTS } from '../../server/llm/prompts/reference/traitors.ts';
import { playLlmGame } from '../../server/sim/llm.ts';
import { toDecision, type DecisionContext } from '../../shared/engine/agent.ts';
import type { Persona } from '../../shared/personas.ts';
import { startFakeOpenAI, type FakeRequest, type FakeServer } from './fake-openai-server.ts';
import { callOf, contextWhere, fakeSpec, referenceAnswers } from './helpers.ts';

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
    ['traitors', 'paper'],
    ['trust-split', 'paper'],
  ])('%s plays to the end without a fallback', async (game, preset) => {
    fake.setScript(referenceAnswers);
    const agents = JSON.stringify({ type: 'llm', provider: 'openai-compatible', model: 'fake-model', baseURL: fake.url, prompts: 'reference', persona: PERSONA });
    const result = await playLlmGame({ game, games: 1, seed: 11, preset, agents }, 0, limits, {});
    expect(result.calls.length).toBeGreaterThan(10);
    expect(result.calls.filter((c) => c.fallback)).toEqual([]);
    expect(result.calls.some((c) => c.attempts[0].mode === 'reference')).toBe(true);
  });
});
