import { z } from 'zod';

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
