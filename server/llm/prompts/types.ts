import type { Pending, SeatId } from '../../../shared/engine/actions.ts';

/** What a game's prompt builder gets: one seat's view and request, nothing else. */
export interface PromptInput<View> {
  view: View;
  seat: SeatId;
  pending: Pending;
  persona?: string;
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

export function personaSection(persona: string | undefined): string {
  return persona?.trim() ? `\n\n## Your persona\nPlay as this character, in what you say and how you decide:\n${persona.trim()}` : '';
}
