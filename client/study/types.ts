// What the flow controller (flow.ts) hands each page module, and what a page gives back.
import type { ParticipantState } from './api.ts';

export interface PageContext {
  token: string;
  state: ParticipantState;
  /**
   * Send a state-changing call and show the state it answers. A refusal is thrown back to the
   * page to show (a 409 — the participant is elsewhere in the flow, e.g. in another tab — makes
   * the flow re-read the state and show the right page instead).
   */
  advance(call: () => Promise<ParticipantState>): Promise<void>;
  /** Show a state the page got some other way (the quiz's answer). */
  show(state: ParticipantState): void;
}

export interface StudyPage {
  element: HTMLElement;
  /** A fresher state for the same stage (polling); without it the page is rebuilt. */
  update?(state: ParticipantState): void;
  /** Called once the element is in the document (the table needs its size). */
  mounted?(): void;
  /**
   * The state moved on to another stage: call `go` to show it, now or later (the game keeps its
   * results on screen until the participant continues). Without it the flow moves on at once.
   */
  leave?(state: ParticipantState, go: () => void): void;
  dispose?(): void;
}
