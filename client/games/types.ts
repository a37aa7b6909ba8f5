// What the browser needs from each game, in two weights: its catalogue entry (client/games/index.ts:
// title, the lobby's card, quick play's preset), light enough for the lobby, and the GameClient it
// loads on demand (the table's DOM panels, then its Phaser stage), for the table page only.
import type Phaser from 'phaser';
import type { StatePayload } from '../../shared/protocol/index.ts';
import type { ResultsCanvas } from '../scenes/ResultsScene.ts';
import type { ClientState, Store } from '../store.ts';

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

/** The game's card in the lobby (its title and Play button come with it). */
export interface LobbyCard {
  blurb: string;
  /** how long a quick-play game takes ("about 15 minutes"), after who plays */
  length: string;
  art(): Element;
}

/**
 * The game on the Phaser stage: its table scene and its part of the results. A separate module
 * per game, loaded by the table page only, so Phaser stays out of the lobby's bundle.
 */
export interface GameStage {
  /** the table scene, keyed by the client's `sceneKey` */
  createScene(store: Store): Phaser.Scene;
  /** the ending on the results scene: the winners celebrated, everything revealed */
  drawResults(canvas: ResultsCanvas, state: ClientState): void;
}

/** A game in the catalogue (client/games/index.ts): what the lobby and quick play read, and how to load the rest. */
export interface GameEntry {
  /** Phaser scene key of the table */
  sceneKey: string;
  title: string;
  /** the preset quick play asks for: the human-friendly one */
  quickplayPreset: string;
  lobby: LobbyCard;
  /** loads the game's panels module (a separate chunk, so the lobby does not carry it) */
  load(): Promise<GameClient>;
}

/** A game's table: its DOM panels, and its Phaser stage loaded after them. */
export interface GameClient {
  /** loads the game's Phaser stage */
  stage(): Promise<GameStage>;
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
