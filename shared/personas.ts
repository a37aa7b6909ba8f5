import { z } from 'zod';
import { Purpose, Rng, type Seed } from './engine/rng.ts';

/**
 * A seat's persona: who the player is (the Traitors paper's heterogeneous populations). The traits
 * follow the reference code's `traits` block (profession, nationality, age, ethnicity, civil status,
 * children, pronoun); `biography` is free text that replaces the generated introduction; `style`
 * is how a scripted agent plays the persona (LLM agents read the biography instead).
 */
export const PersonaTraitsSchema = z.strictObject({
  profession: z.string().min(1).max(120).optional(),
  nationality: z.string().min(1).max(120).optional(),
  age: z.number().int().min(16).max(120).optional(),
  ethnicity: z.string().min(1).max(120).optional(),
  civilStatus: z.string().min(1).max(120).optional(),
  children: z.number().int().min(0).max(30).optional(),
  genderPronoun: z.enum(['he', 'she', 'they']).optional(),
});
export type PersonaTraits = z.output<typeof PersonaTraitsSchema>;

export const PERSONA_STYLES = ['plain', 'talkative', 'reserved', 'suspicious', 'trusting'] as const;
export type PersonaStyle = (typeof PERSONA_STYLES)[number];

export const PersonaSchema = z.strictObject({
  biography: z.string().min(1).max(4000).optional(),
  traits: PersonaTraitsSchema.optional(),
  style: z.enum(PERSONA_STYLES).optional(),
});
export type Persona = z.output<typeof PersonaSchema>;

/**
 * The introduction a moderator reads for a seat, in the reference code's words ("Player 3 is a
 * 28-year-old American Software Engineer. He is Asian and Single. He has no children.").
 * Null when the persona says nothing about the player (the reference introduces nobody then).
 */
export function biography(label: string, persona: Persona | null | undefined): string | null {
  if (!persona) return null;
  if (persona.biography) return persona.biography;
  const t = persona.traits;
  if (!t) return null;
  const subject = t.genderPronoun === 'he' ? 'He' : t.genderPronoun === 'she' ? 'She' : label;
  const who = [t.age !== undefined ? `${t.age}-year-old` : null, t.nationality, t.profession].filter(Boolean).join(' ');
  const parts: string[] = [];
  if (who) parts.push(`${label} is a ${who}.`);
  const about = [t.ethnicity, t.civilStatus].filter(Boolean);
  if (about.length) parts.push(`${subject} is ${about.join(' and ')}.`);
  if (t.children !== undefined) {
    parts.push(
      t.children === 0 ? `${subject} has no children.` : t.children === 1 ? `${subject} has one child.` : `${subject} has ${t.children} children.`,
    );
  }
  return parts.length ? parts.join(' ') : null;
}

/** A persona as written in a spec: free text (the biography) or the structured form. */
export const PersonaInputSchema = z.union([z.string().min(1).max(4000), PersonaSchema]);
export type PersonaInput = z.output<typeof PersonaInputSchema>;

/** The structured form of a persona given as text or as an object. */
export function toPersona(input: PersonaInput): Persona {
  return typeof input === 'string' ? { biography: input } : input;
}

/** Persona traits as short lines for Parley's own prompts (the reference set words them its own way). */
export function describePersona(persona: Persona): string | null {
  const t = persona.traits ?? {};
  const facts: [string, string | number | undefined][] = [
    ['Age', t.age],
    ['Nationality', t.nationality],
    ['Profession', t.profession],
    ['Ethnicity', t.ethnicity],
    ['Civil status', t.civilStatus],
    ['Children', t.children],
    ['Pronoun', t.genderPronoun],
  ];
  const lines = facts.filter(([, v]) => v !== undefined).map(([k, v]) => `${k}: ${v}`);
  if (persona.biography) lines.unshift(persona.biography);
  return lines.length ? lines.join('\n') : null;
}

/**
 * A batch's persona list dealt to one game's seats: shuffled with the game's seed (as the
 * reference shuffles its agent_configs), seat i taking the i-th; seats beyond the list get none.
 */
export function dealPersonas(personas: readonly Persona[], seats: number, gameSeed: Seed): (Persona | null)[] {
  const shuffled = Rng.stream(gameSeed, Purpose.personas).shuffle(personas);
  return Array.from({ length: seats }, (_, seat) => shuffled[seat] ?? null);
}

/** A JSON file of personas (an array, or {"personas": [...]}), checked entry by entry. */
export function parsePersonaList(value: unknown): Persona[] {
  const list = Array.isArray(value) ? value : value && typeof value === 'object' && Array.isArray((value as { personas?: unknown }).personas) ? (value as { personas: unknown[] }).personas : null;
  if (!list) throw new Error('a persona list must be a JSON array of personas (or an object with a "personas" array)');
  return list.map((entry, i) => {
    const parsed = PersonaInputSchema.safeParse(entry);
    if (!parsed.success) throw new Error(`persona ${i}: ${parsed.error.issues.map((x) => `${x.path.join('.') || 'value'}: ${x.message}`).join('; ')}`);
    return toPersona(parsed.data);
  });
}
