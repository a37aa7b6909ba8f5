// What the table page needs from each game's client module.
import type { StatePayload } from '../../shared/protocol/index.ts';
import type { Store } from '../store.ts';

/** One line of a conversation panel. */
export interface ChatLine {
  /** stable identity, so the panel appends instead of redrawing */
  key: string;
  seat: number;
  text: string;
  /** small print before the text: "Round 2", "night" … */
  tag: string | null;
  /** timed out: shown as a quiet note */
  skipped: boolean;
  /** what the table learnt (votes revealed, a banishment, a murder, a takeover), not anyone's words */
  event?: boolean;
  /** which kind of event, for its colour */
  eventKind?: 'votes' | 'banished' | 'murdered';
}

/** A conversation panel: public talk, or a secret channel (the traitors' night chat). */
export interface Conversation {
  id: string;
  title: string;
  secret: boolean;
  lines: ChatLine[];
  /** seat speaking now in this conversation, if any */
  speaker: number | null;
}

export interface GameClient {
  /** Phaser scene key of the table */
  sceneKey: string;
  title: string;
  /** "Round 2 · Discussion" */
  phaseLabel(payload: StatePayload): string;
  /** the role/hand/score card above the conversation */
  infoCard(payload: StatePayload): HTMLElement;
  conversations(payload: StatePayload): Conversation[];
  /** the conversation to bring forward in this phase (e.g. the night chat at night) */
  focusedConversation?(payload: StatePayload): string;
  /** the controls for the pending request (only called when the seat can act) */
  controls(payload: StatePayload, store: Store): HTMLElement;
  /** what the seat waits for when nothing is asked of it */
  waitingText(payload: StatePayload): string;
  /** what a screen reader should hear about what just happened (a banishment, a split …) */
  announcements?(previous: StatePayload, next: StatePayload): string[];
  /** the results panel (its heading is "Game over") */
  results(payload: StatePayload): HTMLElement;
}
