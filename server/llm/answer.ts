import { z } from 'zod';
import type { Action, Pending, SeatId } from '../../shared/engine/actions.ts';
import type { Rng } from '../../shared/engine/rng.ts';
import { cleanText, fitsVisible, visibleLength } from '../../shared/text.ts';

/**
 * The answer a model must give for one pending request, in both forms Parley asks for:
 * schema-constrained JSON and tagged text (as the reference implementations do). Parsing is
 * lenient about form (code fences, numbers as strings, names instead of seat numbers) and strict
 * about legality; every rejection is a sentence the model can act on when re-asked.
 */
export type AnswerMode = 'json' | 'tagged';

export type ParsedAnswer =
  | { ok: true; action: Action; thoughts?: string }
  | { ok: false; kind: 'format' | 'illegal'; error: string; thoughts?: string };

export interface AnswerForm {
  readonly pending: Pending;
  /** the JSON answer's schema (sent as the endpoint's response format in json mode) */
  readonly schema: z.ZodType;
  /** the legal choices in one line ("Choices: seat 1 (Ben), seat 3 (Daniel)"), written into the task */
  readonly constraints: string;
  /** the exact output form, written into the task */
  instructions(mode: AnswerMode): string;
  parse(text: string, mode: AnswerMode): ParsedAnswer;
  /** a legal default when the model gives nothing usable */
  fallback(rng: Rng): Action;
}

export const THOUGHTS_FIELD = 'thoughts';
const THOUGHTS_HELP = 'your private reasoning: nobody else ever sees it';

/** "seat 3 (Daniel)": the one way seats are named to models, in prompts, options and errors. */
export function seatLabel(seat: SeatId, names: readonly string[]): string {
  return names[seat] !== undefined ? `seat ${seat} (${names[seat]})` : `seat ${seat}`;
}

function listSeats(seats: readonly SeatId[], names: readonly string[]): string {
  return seats.map((s) => seatLabel(s, names)).join(', ');
}

// ----------------------------------------------------------------------------------------------
// lenient extraction

/** The JSON object in a model's text: bare, in a code fence, or with prose around it. */
export function extractJsonObject(text: string): { ok: true; value: Record<string, unknown> } | { ok: false; error: string } {
  const fenced = /```(?:json)?\s*([\s\S]*?)```/i.exec(text);
  const body = (fenced ? fenced[1] : text).trim();
  const start = body.indexOf('{');
  const end = body.lastIndexOf('}');
  if (start < 0 || end < start) return { ok: false, error: 'Your answer contains no JSON object.' };
  try {
    const value: unknown = JSON.parse(body.slice(start, end + 1));
    if (!value || typeof value !== 'object' || Array.isArray(value)) return { ok: false, error: 'Your answer must be one JSON object.' };
    return { ok: true, value: value as Record<string, unknown> };
  } catch (error) {
    return { ok: false, error: `Your answer is not valid JSON (${(error as Error).message}).` };
  }
}

/** The content of the last <tag>…</tag> in a text (models sometimes draft first), or null. */
export function extractTag(text: string, tag: string): string | null {
  const pattern = new RegExp(`<${tag}>([\\s\\S]*?)</${tag}>`, 'gi');
  let last: string | null = null;
  for (let m = pattern.exec(text); m; m = pattern.exec(text)) last = m[1];
  if (last !== null) return last.trim();
  // an unclosed final tag (the model hit its token limit or forgot the closer)
  const open = text.toLowerCase().lastIndexOf(`<${tag}>`);
  return open >= 0 ? text.slice(open + tag.length + 2).trim() : null;
}

function thoughtsOf(value: unknown): string | undefined {
  if (typeof value === 'string' && value.trim()) return value.trim();
  return undefined;
}

/** A number given as a number or a numeric string. */
function asNumber(value: unknown): number | null {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'string' && /^\s*-?\d+(\.\d+)?\s*$/.test(value)) return Number(value);
  return null;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** A seat given as a number, "3", "seat 3", "seat 3 (Daniel)" or "Daniel". */
export function asSeat(value: unknown, names: readonly string[]): SeatId | null {
  if (typeof value === 'number') return Number.isInteger(value) ? value : null;
  if (typeof value !== 'string') return null;
  const digits = /-?\d+/.exec(value);
  if (digits) return Number(digits[0]);
  const wanted = value.trim().toLowerCase();
  const seat = names.findIndex((n) => n.toLowerCase() === wanted);
  if (seat >= 0) return seat;
  // a name inside a phrase ("I vote for Daniel")
  const found = names
    .map((n, s) => [n, s] as const)
    .filter(([n]) => new RegExp(`(?<![\\p{L}\\p{N}])${escapeRegExp(n)}(?![\\p{L}\\p{N}])`, 'iu').test(value));
  return found.length === 1 ? found[0][1] : null;
}

// ----------------------------------------------------------------------------------------------
// the JSON answer schemas

/**
 * Schemas depend only on the request's limits (not on names: the prompt names the seats), so a
 * batch reuses a handful of them; building one (and its JSON Schema, in the agent) costs more
 * than the rest of a call, hence the cache.
 */
const SCHEMA_CACHE_LIMIT = 4096;
const schemaCache = new Map<string, z.ZodType>();

function cached(key: string, build: () => z.ZodType): z.ZodType {
  let schema = schemaCache.get(key);
  if (!schema) {
    if (schemaCache.size >= SCHEMA_CACHE_LIMIT) schemaCache.clear();
    schema = build();
    schemaCache.set(key, schema);
  }
  return schema;
}

/** The JSON answer to a request: a private `thoughts` field first (reason, then answer), then the move. */
export function answerSchema(pending: Pending): z.ZodType {
  const thoughts = z.string().describe(THOUGHTS_HELP);
  switch (pending.kind) {
    case 'speak':
      return cached(`speak:${pending.maxChars}`, () =>
        // no maxLength: OpenAI's strict schemas refuse it, and a grammar-constrained local model would be cut mid-sentence;
        // the length is checked on parsing and re-asked instead
        z.strictObject({ [THOUGHTS_FIELD]: thoughts, message: z.string().describe(`what you say, at most ${pending.maxChars} characters`) }),
      );
    case 'vote':
      return cached(`vote:${pending.options.join(',')}`, () =>
        z.strictObject({ [THOUGHTS_FIELD]: thoughts, vote: z.literal(pending.options as SeatId[]).describe('the seat number you vote for, one of the choices') }),
      );
    case 'beliefs':
      return cached(`beliefs:${pending.targets.join(',')}`, () => {
        const shape: Record<string, z.ZodType> = {};
        for (const t of pending.targets) shape[String(t)] = z.number().min(0).max(100);
        return z.strictObject({
          [THOUGHTS_FIELD]: thoughts,
          suspicion: z.strictObject(shape).describe('for each listed seat number: 0 (surely not a traitor) to 100 (surely a traitor)'),
        });
      });
    case 'propose':
      return cached(`propose:${pending.min}:${pending.max}`, () =>
        z.strictObject({ [THOUGHTS_FIELD]: thoughts, proposal: z.number().int().min(pending.min).max(pending.max).describe(`a whole number from ${pending.min} to ${pending.max}`) }),
      );
    case 'choose':
      return cached(`choose:${pending.options.join(',')}`, () =>
        z.strictObject({ [THOUGHTS_FIELD]: thoughts, choice: z.enum(pending.options as [string, ...string[]]).describe(`one of: ${pending.options.join(', ')}`) }),
      );
  }
}

// ----------------------------------------------------------------------------------------------
// the four forms

/**
 * The parse of a form whose answer is one field besides the thoughts: `field` in the JSON object,
 * or `<field>…</field>` in tags; `check` turns the field's value into an action or says why not.
 */
function oneFieldParser(field: string, check: (value: unknown, thoughts: string | undefined) => ParsedAnswer): AnswerForm['parse'] {
  return (text, mode) => {
    if (mode === 'json') {
      const json = extractJsonObject(text);
      if (!json.ok) return { ok: false, kind: 'format', error: json.error };
      const thoughts = thoughtsOf(json.value[THOUGHTS_FIELD]);
      if (!(field in json.value)) return { ok: false, kind: 'format', error: `Your JSON has no "${field}" field.`, thoughts };
      return check(json.value[field], thoughts);
    }
    const thoughts = thoughtsOf(extractTag(text, 'thoughts'));
    const value = extractTag(text, field);
    if (value === null) return { ok: false, kind: 'format', error: `Your answer has no <${field}>…</${field}>.`, thoughts };
    return check(value, thoughts);
  };
}

/** A message as a legal speak action (cleaned like a player's text), or why not. Shared by every prompt set. */
export function checkMessage(text: unknown, max: number, thoughts?: string): ParsedAnswer {
  if (typeof text !== 'string') return { ok: false, kind: 'format', error: 'The message must be text.', thoughts };
  // a model's text is outside text like a player's: cleaned and measured the same way
  const message = cleanText(text).trim();
  if (!fitsVisible(message, max)) {
    return { ok: false, kind: 'illegal', error: `Your message has ${visibleLength(message)} characters; the limit is ${max}. Write a shorter one.`, thoughts };
  }
  return { ok: true, action: { kind: 'speak', text: message }, thoughts };
}

function speakForm(pending: Extract<Pending, { kind: 'speak' }>): AnswerForm {
  const max = pending.maxChars;
  const check = (text: unknown, thoughts: string | undefined): ParsedAnswer => checkMessage(text, max, thoughts);
  return {
    pending,
    constraints: `Limit: at most ${max} characters.`,
    schema: answerSchema(pending),
    instructions: (mode) =>
      mode === 'json'
        ? `Answer with one JSON object: {"thoughts": "<${THOUGHTS_HELP}>", "message": "<what you say, at most ${max} characters>"}`
        : `Answer in this form:\n<thoughts>${THOUGHTS_HELP}</thoughts>\n<message>what you say, at most ${max} characters</message>`,
    parse: oneFieldParser('message', check),
    fallback: () => ({ kind: 'speak', text: '' }),
  };
}

/** A vote (a seat number, "seat 3", a name) as a legal vote action, or why not. Shared by every prompt set. */
export function checkVote(value: unknown, options: readonly SeatId[], names: readonly string[], thoughts?: string): ParsedAnswer {
  const choices = listSeats(options, names);
  const seat = asSeat(value, names);
  if (seat === null) return { ok: false, kind: 'format', error: `Your vote must be a seat number, one of: ${choices}.`, thoughts };
  if (!options.includes(seat)) {
    return { ok: false, kind: 'illegal', error: `You cannot vote for ${seatLabel(seat, names)}. Choose one of: ${choices}.`, thoughts };
  }
  return { ok: true, action: { kind: 'vote', target: seat }, thoughts };
}

function voteForm(pending: Extract<Pending, { kind: 'vote' }>, names: readonly string[]): AnswerForm {
  const options = pending.options;
  const choices = listSeats(options, names);
  const check = (value: unknown, thoughts: string | undefined): ParsedAnswer => checkVote(value, options, names, thoughts);
  return {
    pending,
    constraints: `Choices: ${choices}.`,
    schema: answerSchema(pending),
    instructions: (mode) =>
      mode === 'json'
        ? `Answer with one JSON object: {"thoughts": "<${THOUGHTS_HELP}>", "vote": <the seat number>}`
        : `Answer in this form:\n<thoughts>${THOUGHTS_HELP}</thoughts>\n<vote>the seat number</vote>`,
    parse: oneFieldParser('vote', check),
    fallback: (rng) => ({ kind: 'vote', target: rng.pick(options) }),
  };
}

function beliefsForm(pending: Extract<Pending, { kind: 'beliefs' }>, names: readonly string[]): AnswerForm {
  const targets = pending.targets;
  const example = targets.map((t) => `"${t}": <0-100>`).join(', ');
  const lines = targets.map((t) => `${seatLabel(t, names)}: <0-100>`).join('\n');

  const check = (entries: [unknown, unknown][], thoughts: string | undefined): ParsedAnswer => {
    const suspicion: Record<string, number> = {};
    for (const [key, raw] of entries) {
      const seat = asSeat(key, names);
      if (seat === null) return { ok: false, kind: 'format', error: `"${String(key)}" is not a seat number.`, thoughts };
      if (!targets.includes(seat)) {
        return { ok: false, kind: 'illegal', error: `You do not rate ${seatLabel(seat, names)}. Rate exactly: ${listSeats(targets, names)}.`, thoughts };
      }
      const value = asNumber(raw);
      if (value === null) return { ok: false, kind: 'format', error: `Your suspicion of ${seatLabel(seat, names)} must be a number from 0 to 100.`, thoughts };
      if (value < 0 || value > 100) {
        return { ok: false, kind: 'illegal', error: `Your suspicion of ${seatLabel(seat, names)} is ${value}; it must be from 0 to 100.`, thoughts };
      }
      suspicion[String(seat)] = value;
    }
    const missing = targets.filter((t) => suspicion[String(t)] === undefined);
    if (missing.length) return { ok: false, kind: 'illegal', error: `Give a suspicion for every player listed; missing: ${listSeats(missing, names)}.`, thoughts };
    return { ok: true, action: { kind: 'beliefs', suspicion }, thoughts };
  };

  return {
    pending,
    constraints: `Players to rate: ${listSeats(targets, names)}.`,
    schema: answerSchema(pending),
    instructions: (mode) =>
      mode === 'json'
        ? `Answer with one JSON object: {"thoughts": "<${THOUGHTS_HELP}>", "suspicion": {${example}}}`
        : `Answer in this form, one line per player:\n<thoughts>${THOUGHTS_HELP}</thoughts>\n<suspicion>\n${lines}\n</suspicion>`,
    parse(text, mode) {
      if (mode === 'json') {
        const json = extractJsonObject(text);
        if (!json.ok) return { ok: false, kind: 'format', error: json.error };
        const thoughts = thoughtsOf(json.value[THOUGHTS_FIELD]);
        const suspicion = json.value.suspicion;
        if (!suspicion || typeof suspicion !== 'object' || Array.isArray(suspicion)) {
          return { ok: false, kind: 'format', error: 'Your JSON needs a "suspicion" object with one number per listed seat.', thoughts };
        }
        return check(Object.entries(suspicion), thoughts);
      }
      const thoughts = thoughtsOf(extractTag(text, 'thoughts'));
      const body = extractTag(text, 'suspicion');
      if (body === null) return { ok: false, kind: 'format', error: 'Your answer has no <suspicion>…</suspicion>.', thoughts };
      const entries: [unknown, unknown][] = [];
      for (const line of body.split(/\r?\n|;/).map((l) => l.trim()).filter(Boolean)) {
        const cut = Math.max(line.lastIndexOf(':'), line.lastIndexOf('='));
        if (cut < 0) return { ok: false, kind: 'format', error: `Cannot read the line "${line}": write "seat N (Name): number".`, thoughts };
        // "seat 3 (Daniel)" → 3; the value is the last number on the line
        const right = line.slice(cut + 1).trim();
        entries.push([line.slice(0, cut).trim(), /-?\d+(\.\d+)?/.exec(right)?.[0] ?? right]);
      }
      return check(entries, thoughts);
    },
    fallback: () => ({ kind: 'beliefs', suspicion: Object.fromEntries(targets.map((t) => [String(t), 50])) }),
  };
}

/** A proposal (a number or text holding one) as a legal propose action, or why not. Shared by every prompt set. */
export function checkProposal(value: unknown, min: number, max: number, thoughts?: string): ParsedAnswer {
  const n = asNumber(typeof value === 'string' ? (/-?\d+(\.\d+)?/.exec(value)?.[0] ?? value) : value);
  if (n === null) return { ok: false, kind: 'format', error: `Your proposal must be a whole number from ${min} to ${max}.`, thoughts };
  if (!Number.isInteger(n) || n < min || n > max) {
    return { ok: false, kind: 'illegal', error: `Your proposal ${n} is not allowed: give a whole number from ${min} to ${max}.`, thoughts };
  }
  return { ok: true, action: { kind: 'propose', coins: n }, thoughts };
}

function proposeForm(pending: Extract<Pending, { kind: 'propose' }>): AnswerForm {
  const { min, max } = pending;
  const check = (value: unknown, thoughts: string | undefined): ParsedAnswer => checkProposal(value, min, max, thoughts);
  return {
    pending,
    constraints: `Allowed: a whole number from ${min} to ${max}.`,
    schema: answerSchema(pending),
    instructions: (mode) =>
      mode === 'json'
        ? `Answer with one JSON object: {"thoughts": "<${THOUGHTS_HELP}>", "proposal": <a whole number from ${min} to ${max}>}`
        : `Answer in this form:\n<thoughts>${THOUGHTS_HELP}</thoughts>\n<proposal>a whole number from ${min} to ${max}</proposal>`,
    parse: oneFieldParser('proposal', check),
    // the midpoint: the fair split, as the trust-split deadline default
    fallback: () => ({ kind: 'propose', coins: Math.floor((min + max) / 2) }),
  };
}

/**
 * Pick one named option ("accept" / "refuse"). Case and surrounding words are forgiven when exactly
 * one option is named. The fallback is the last option: games list the timeout's default last.
 */
function chooseForm(pending: Extract<Pending, { kind: 'choose' }>): AnswerForm {
  const options = pending.options;
  const check = (value: unknown, thoughts: string | undefined): ParsedAnswer => {
    if (typeof value !== 'string') return { ok: false, kind: 'format', error: `Your choice must be one word, one of: ${options.join(', ')}.`, thoughts };
    const words = value.toLowerCase().split(/[^\p{L}\p{N}]+/u);
    const named = options.filter((o) => words.includes(o.toLowerCase()));
    if (named.length !== 1) return { ok: false, kind: 'illegal', error: `Choose exactly one of: ${options.join(', ')} (got "${value.slice(0, 40)}").`, thoughts };
    return { ok: true, action: { kind: 'choose', option: named[0] }, thoughts };
  };
  return {
    pending,
    constraints: `Choices: ${options.join(', ')}.`,
    schema: answerSchema(pending),
    instructions: (mode) =>
      mode === 'json'
        ? `Answer with one JSON object: {"thoughts": "<${THOUGHTS_HELP}>", "choice": "<one of: ${options.join(', ')}>"}`
        : `Answer in this form:\n<thoughts>${THOUGHTS_HELP}</thoughts>\n<choice>one of: ${options.join(', ')}</choice>`,
    parse: oneFieldParser('choice', check),
    fallback: () => ({ kind: 'choose', option: options[options.length - 1] }),
  };
}

/** The answer form for a pending request; `names` are the players' display names by seat. */
export function answerForm(pending: Pending, names: readonly string[]): AnswerForm {
  switch (pending.kind) {
    case 'speak':
      return speakForm(pending);
    case 'vote':
      return voteForm(pending, names);
    case 'beliefs':
      return beliefsForm(pending, names);
    case 'propose':
      return proposeForm(pending);
    case 'choose':
      return chooseForm(pending);
  }
}
