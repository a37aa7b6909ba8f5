import type { Pending, SeatId } from '../../../shared/engine/actions.ts';
import { describePersona, toPersona, type Persona, type PersonaInput } from '../../../shared/personas.ts';
import type { ParsedAnswer } from '../answer.ts';
import type { LlmMessage } from '../record.ts';

/** What a game's prompt builder gets: one seat's view and request, nothing else. */
export interface PromptInput<View> {
  view: View;
  seat: SeatId;
  pending: Pending;
  /** who the seat plays: text or a structured persona */
  persona?: PersonaInput;
}

/**
 * A prompt in three parts. The agent sends `system` as the system prompt and
 * memory + "## Your task" + task + the answer's choices and exact form as the user message.
 */
export interface PromptParts {
  /** rules, the seat's role and win condition, persona */
  system: string;
  /** what this seat has seen so far */
  memory: string;
  /** what to do now, in words (the legal choices and output form are added by the agent) */
  task: string;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type GamePrompter<View = any> = (input: PromptInput<View>) => PromptParts;

/** The heading the task starts with (the fake test server finds the task by it). */
export const TASK_HEADING = '## Your task';

export function personaSection(persona: PersonaInput | undefined): string {
  const text = persona ? describePersona(toPersona(persona))?.trim() : undefined;
  return text ? `\n\n## Your persona\nPlay as this character, in what you say and how you decide:\n${text}` : '';
}

/**
 * A request in a reference prompt set (prompts: "reference"): the reference code's own messages and
 * answer format instead of Parley's system/memory/task and JSON or tagged answers.
 */
export interface ReferencePrompt {
  /** the system prompt, when the reference has one */
  system?: string;
  /** the conversation sent, the request last */
  messages: LlmMessage[];
  /** the reference's reading of an answer (then Parley's legality checks) */
  parse(text: string): ParsedAnswer;
  /** the conversation after an unusable answer, as the reference re-asks (or Parley, where the reference never does) */
  reask(messages: readonly LlmMessage[], raw: string, error: string): LlmMessage[];
}

/** A game's reference prompt set; null for a request the reference has no prompt for (Parley's prompt is used then). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type ReferencePrompter<View = any> = (input: PromptInput<View>) => ReferencePrompt | null;
