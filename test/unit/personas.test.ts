import { describe, expect, it } from 'vitest';
import { agentSpecPersona, resolveAgent, scriptedAgentResolver, UnknownAgentError } from '../../server/agents.ts';
import { parseAgentSpec, AgentSpecError } from '../../server/llm/spec.ts';
import { gameSeatPersonas, personaConfigOverrides } from '../../server/personas.ts';
import { pickNames } from '../../shared/engine/names.ts';
import { playScripted } from '../../shared/engine/play.ts';
import { getGame, resolveConfig } from '../../shared/games/index.ts';
import { toDecision } from '../../shared/engine/agent.ts';
import { agentRng } from '../../shared/engine/play.ts';
import { contextWhere } from '../llm/helpers.ts';
import { extractClaim } from '../../shared/games/trust-split/claims.ts';
import { STYLE_SENTENCES } from '../../shared/games/trust-split/agents/style.ts';
import { dealPersonas, describePersona, parsePersonaList, PERSONA_STYLES, type Persona, type PersonaStyle } from '../../shared/personas.ts';

/**
 * Personas: parsed wherever seats are specified, dealt to a batch's seats with the game's seed, and
 * played by scripted agents in a style that changes what they say and how they vote, deterministically.
 */

const traitors = getGame('traitors');
const trustSplit = getGame('trust-split');

type Event = { type: string; seat?: number; text?: string; target?: number | null; suspicion?: Record<string, number> };

function play(gameId: 'traitors' | 'trust-split', seed: number, style: PersonaStyle | undefined, agents?: string[]): Event[] {
  const game = gameId === 'traitors' ? traitors : trustSplit;
  const config = resolveConfig(game, 'paper');
  const n = game.seatCount(config);
  const names = pickNames(n, seed);
  return playScripted<Event & { type: string }>(game, config, seed, names, agents ?? new Array(n).fill('scripted'), new Array(n).fill(style)).events;
}

const statements = (events: Event[]) => events.filter((e) => e.type === 'statement' || e.type === 'message').map((e) => e.text ?? '');
const meanLength = (texts: string[]) => texts.reduce((a, t) => a + t.length, 0) / Math.max(1, texts.length);
const sentences = (text: string) => text.split(/(?<=[.!?])\s+/).filter(Boolean).length;
const SEEDS = [1, 2, 3, 4, 5, 6];

describe('scripted persona styles', () => {
  it('The Traitors: talkative statements are longer and reserved ones are single sentences, on the same seeds', () => {
    const plain = SEEDS.flatMap((s) => statements(play('traitors', s, undefined)));
    const talkative = SEEDS.flatMap((s) => statements(play('traitors', s, 'talkative')));
    const reserved = SEEDS.flatMap((s) => statements(play('traitors', s, 'reserved')));
    expect(meanLength(talkative)).toBeGreaterThan(meanLength(plain) * 1.3);
    expect(meanLength(reserved)).toBeLessThan(meanLength(plain));
    // introductions are the agent's own; every discussion statement of a reserved player is one sentence
    const reservedDiscussion = SEEDS.flatMap((s) => play('traitors', s, 'reserved').filter((e) => e.type === 'statement' && (e as { purpose?: string }).purpose === 'discussion').map((e) => e.text ?? ''));
    expect(reservedDiscussion.filter((t) => t !== '').every((t) => sentences(t) === 1)).toBe(true);
    // talkative players accuse more: more accusing sentences per statement than plain ones
    const accusations = (texts: string[]) => texts.join(' ').match(/suspect|traitor|doubts?|voting for/gi)?.length ?? 0;
    expect(accusations(talkative)).toBeGreaterThan(accusations(plain));
  });

  it('The Traitors: suspicious players rate suspicion higher and vote differently from trusting ones', () => {
    const beliefs = (events: Event[]) => events.filter((e) => e.type === 'beliefs').flatMap((e) => Object.values(e.suspicion ?? {}));
    const votes = (events: Event[]) => events.filter((e) => e.type === 'vote').map((e) => `${e.seat}>${e.target}`);
    const sleuths = new Array(10).fill('sleuth');
    const suspicious = SEEDS.map((s) => play('traitors', s, 'suspicious', sleuths));
    const trusting = SEEDS.map((s) => play('traitors', s, 'trusting', sleuths));
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    expect(mean(suspicious.flatMap(beliefs))).toBeGreaterThan(mean(trusting.flatMap(beliefs)) + 10);
    // and the round-table votes differ (suspicious players join the table's accusations, trusting ones never)
    expect(suspicious.map((g) => votes(g).join(',')).join('|')).not.toBe(trusting.map((g) => votes(g).join(',')).join('|'));
  });

  it('Trust-and-Split: talkative and suspicious messages add a sentence, reserved ones keep the first only', () => {
    const agents = ['cooperative', 'fair'];
    const plain = SEEDS.flatMap((s) => statements(play('trust-split', s, undefined, agents)));
    const talkative = SEEDS.flatMap((s) => statements(play('trust-split', s, 'talkative', agents)));
    const reserved = SEEDS.flatMap((s) => statements(play('trust-split', s, 'reserved', agents)));
    const suspicious = SEEDS.flatMap((s) => statements(play('trust-split', s, 'suspicious', agents)));
    expect(meanLength(talkative)).toBeGreaterThan(meanLength(plain));
    expect(meanLength(reserved)).toBeLessThan(meanLength(plain));
    expect(reserved.every((t) => sentences(t) <= 1)).toBe(true);
    expect(suspicious.some((t) => /words|promises|split/i.test(t))).toBe(true);
    expect(suspicious.join('\n')).not.toBe(talkative.join('\n'));
  });

  it('Trust-and-Split: the sentences a style adds claim no hand, so honest agents stay honest', () => {
    for (const text of [...STYLE_SENTENCES.talkative, ...STYLE_SENTENCES.suspicious, ...STYLE_SENTENCES.trusting]) expect(extractClaim(text)).toBeNull();
  });

  it('is deterministic: the same seed and styles give the same log byte for byte; plain is no style at all', () => {
    for (const style of PERSONA_STYLES) {
      expect(JSON.stringify(play('traitors', 9, style))).toBe(JSON.stringify(play('traitors', 9, style)));
      expect(JSON.stringify(play('trust-split', 9, style))).toBe(JSON.stringify(play('trust-split', 9, style)));
    }
    expect(JSON.stringify(play('traitors', 9, 'plain'))).toBe(JSON.stringify(play('traitors', 9, undefined)));
  });

  it('a scripted spec object carries its persona to the agent the server resolves', async () => {
    const config = resolveConfig(traitors, 'paper');
    const state = null;
    const talkative = resolveAgent([scriptedAgentResolver], { game: traitors, spec: { type: 'scripted', name: 'sleuth', persona: { style: 'talkative' } }, seat: 0, state, config, sessionId: 's' });
    const plain = resolveAgent([scriptedAgentResolver], { game: traitors, spec: 'sleuth', seat: 0, state, config, sessionId: 's' });
    expect(talkative.name).toBe('sleuth');
    const ctx = contextWhere('traitors', (c) => c.pending.kind === 'speak' && c.pending.purpose === 'discussion', 3, 'paper')!;
    const said = async (agent: typeof plain) => toDecision(await agent.decide({ ...ctx, rng: agentRng(3, ctx.seat, 99) })).action as { text: string };
    expect((await said(talkative)).text.length).toBeGreaterThan((await said(plain)).text.length);
    expect((await said(talkative)).text.startsWith((await said(plain)).text)).toBe(true);
    expect(() => resolveAgent([scriptedAgentResolver], { game: traitors, spec: { type: 'scripted', name: '__proto__' }, seat: 0, state, config, sessionId: 's' })).toThrow(UnknownAgentError);
    expect(() => resolveAgent([scriptedAgentResolver], { game: traitors, spec: { type: 'scripted', name: 'sleuth', persona: { style: 'sly' } }, seat: 0, state, config, sessionId: 's' })).toThrow(/persona/);
  });
});

describe('persona specs', () => {
  const persona: Persona = { biography: 'A retired judge who weighs every word.', style: 'reserved' };

  it('LLM specs take a persona as text or as an object; scripted specs as an object', () => {
    expect(parseAgentSpec({ type: 'llm', model: 'm', baseURL: 'http://127.0.0.1:1/v1', persona: 'A nervous chef.' }, {})).toMatchObject({ persona: 'A nervous chef.' });
    expect(parseAgentSpec({ type: 'llm', model: 'm', baseURL: 'http://127.0.0.1:1/v1', persona, prompts: 'reference' }, {})).toMatchObject({ persona, prompts: 'reference' });
    expect(parseAgentSpec(JSON.stringify({ type: 'scripted', name: 'sleuth', persona }), {})).toEqual({ type: 'scripted', name: 'sleuth', persona });
    expect(() => parseAgentSpec({ type: 'scripted', name: 'sleuth', persona: { style: 'loud' } }, {})).toThrow(AgentSpecError);
    expect(() => parseAgentSpec({ type: 'scripted', name: 'sleuth', persona: { traits: { age: 3 } } }, {})).toThrow(/persona\.traits\.age/);
    expect(() => parseAgentSpec({ type: 'llm', model: 'm', baseURL: 'http://127.0.0.1:1/v1', prompts: 'paper' }, {})).toThrow(/prompts/);
    expect(agentSpecPersona({ type: 'scripted', name: 'sleuth', persona: 'Just text.' })).toEqual({ biography: 'Just text.' });
    expect(agentSpecPersona('sleuth')).toBeNull();
    expect(agentSpecPersona(JSON.stringify({ type: 'llm', persona }))).toEqual(persona);
  });

  it('Parley\'s prompts describe the traits line by line', () => {
    expect(describePersona({ traits: { profession: 'Nurse', age: 40 } })).toBe('Age: 40\nProfession: Nurse');
    expect(describePersona({ biography: 'Bio.', traits: { children: 0 } })).toBe('Bio.\nChildren: 0');
    expect(describePersona({ style: 'talkative' })).toBeNull();
  });

  it('a list is dealt to a game\'s seats with its seed: a permutation, the same for the same seed, seats beyond the list get none', () => {
    const list: Persona[] = ['a', 'b', 'c', 'd', 'e'].map((biography) => ({ biography }));
    const dealt = dealPersonas(list, 7, 12345);
    expect(dealt.slice(5)).toEqual([null, null]);
    expect(dealt.slice(0, 5).map((p) => p!.biography).sort()).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(dealPersonas(list, 7, 12345)).toEqual(dealt);
    const orders = new Set([1, 2, 3, 4, 5, 6, 7, 8].map((seed) => dealPersonas(list, 5, seed).map((p) => p!.biography).join('')));
    expect(orders.size).toBeGreaterThan(1);
    // a seat's own persona wins over the dealt one
    const seats = gameSeatPersonas([{ type: 'scripted', name: 'sleuth', persona }, { type: 'scripted', name: 'sleuth' }], list, 3);
    expect(seats[0]).toEqual(persona);
    expect(list).toContainEqual(seats[1]);
  });

  it('reads persona files, refusing bad entries by index', () => {
    expect(parsePersonaList({ personas: ['x', { style: 'trusting' }] })).toEqual([{ biography: 'x' }, { style: 'trusting' }]);
    expect(() => parsePersonaList([{ style: 'trusting' }, { nickname: 'y' }])).toThrow(/persona 1/);
    expect(() => parsePersonaList('nope')).toThrow(/JSON array/);
  });

  it('goes into a game config only where the game declares the field and nobody set it', () => {
    expect(personaConfigOverrides(trustSplit, [persona, null])).toEqual({});
    // The Traitors declares its `personas` field (the moderator's introductions): one entry per seat
    expect(personaConfigOverrides(traitors, [persona, null])).toEqual({ personas: [persona, null] });
    expect(personaConfigOverrides(traitors, [null, null])).toEqual({});
    expect(personaConfigOverrides(traitors, [persona, null], { personas: [null, persona] })).toEqual({});
  });
});
