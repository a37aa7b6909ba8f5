import type { PersonaStyle } from '../personas.ts';
import type { z } from 'zod';
import type { Action, Pending, SeatId } from './actions.ts';
import type { Rng, RngState, Seed } from './rng.ts';

/** Who is looking: a seat, or the experimenter/spectator who sees everything. */
export type Viewer = SeatId | 'spectator';

/** What every game state carries: the players' display names (one per seat) and its RNG. */
export interface BaseState {
  names: string[];
  rng: RngState;
}

/** Every game event is a plain JSON object with a `type` discriminant. */
export interface GameEventBase {
  type: string;
}

/** A rejected action: nothing changes, the caller gets the code and a readable message. */
export interface Rejection {
  code: 'not_your_turn' | 'wrong_action' | 'illegal_target' | 'out_of_range' | 'too_long' | 'game_over' | 'invalid';
  message: string;
}

export interface Outcome {
  /** one line for people: "The faithful win", "Alice 312 – Bob 280" */
  summary: string;
  /** seats that won (may be empty or all) */
  winners: SeatId[];
  /** per-seat score where the game has one */
  points?: number[];
  [detail: string]: unknown;
}

/** A game's phase as one short word ("discussion", "vote", "night", "talk", "propose", "over") and its round/day. */
export interface Progress {
  phase: string;
  round: number | null;
}

/**
 * One number the spectator watches as the game runs (StatePayload.metrics): a headline metric of
 * the log so far, named for people. `value` is null while the metric is not yet defined.
 */
export interface LiveMetric {
  /** the metric's name in the session's headline metrics (metrics.json): FCR, auc, welfarePerRound … */
  metric: string;
  label: string;
  value: number | null;
  /** shown as a percentage */
  percent?: boolean;
}

/** What an agent gets: only its own seat's view and pending request, and its own RNG. */
export interface AgentContext<View> {
  seat: SeatId;
  view: View;
  pending: Pending;
  rng: Rng;
  /** the seat's persona style (shared/personas.ts): how a scripted agent plays it; absent = plain */
  style?: PersonaStyle;
}
export type ScriptedAgent<View> = (ctx: AgentContext<View>) => Action;

/**
 * A game is data plus pure functions (the boardgame.io shape, event-sourced):
 *   start(config, seed, names)  → the opening event (roles, deal, …)
 *   reduce(state, event)        → next state; pure, no clock, no Math.random
 *   actionEvent / timeoutEvent  → the event a seat's accepted action (or expiry) records
 *   settle(state)               → the next automatic event (reveal, banishment, new round …) or null;
 *                                 any randomness it uses comes from state.rng and is stored in the event
 * The engine (match.ts) composes these so that state = fold(reduce, log), always.
 */
export interface GameDefinition<Config, State extends BaseState, Event extends GameEventBase, View> {
  readonly id: GameId;
  readonly title: string;
  readonly configSchema: z.ZodType<Config>;
  /** complete configs by name; the first key is the default */
  readonly presets: Record<string, Config>;
  seatCount(config: Config): number;

  start(config: Config, seed: Seed, names: string[]): Event;
  reduce(state: State | undefined, event: Event): State;
  pending(state: State, seat: SeatId): Pending | null;
  /** Validate an action against the current state; null when legal. */
  validate(state: State, seat: SeatId, action: Action): Rejection | null;
  actionEvent(state: State, seat: SeatId, action: Action): Event;
  /** The default for a seat whose pending action expired (skip, abstain, uniform beliefs, …). */
  timeoutEvent(state: State, seat: SeatId): Event;
  settle(state: State): Event | null;

  view(state: State, viewer: Viewer): View;
  outcome(state: State): Outcome | null;
  /** Where the game is, in a researcher's words (the console's table): a short phase word and the round (null before the first). */
  progress(state: State): Progress;

  /** Events only the spectator and listed seats may see (null = public). Used for exports and leak checks. */
  audience(state: State, event: Event): SeatId[] | null;

  /** Metrics of one game, a pure function of its event log. */
  metrics(events: Event[]): Record<string, unknown>;
  /** Flat numeric headline metrics for one game (games.csv columns, batch means). */
  headline(events: Event[]): Record<string, number | string | null>;
  /**
   * The spectator's live metrics: the headline of the log so far (the same numbers the export
   * carries), picked and labelled for people. The server computes them from the real log; absent: none.
   */
  liveMetrics?(events: readonly Event[]): LiveMetric[];
  /**
   * Whether `event` can change liveMetrics (absent: every event can). The server recomputes the
   * spectator's metrics only after an event that can, so chat and single votes cost no pass over
   * the whole log. It must say true for every event type the headline reads.
   */
  liveMetricsReads?(event: Event): boolean;

  /**
   * The config field that takes one persona (or null) per seat, for a game whose rules use the
   * seats' personas (The Traitors' moderator reads their biographies). Absent: personas stay with
   * the agents (prompts, scripted styles) and never reach the rules.
   */
  readonly personasField?: string;

  readonly agents: Record<string, ScriptedAgent<View>>;
  /** The scripted agent that fits a seat (e.g. sleuth for faithful, schemer for traitors). */
  scriptedAgentFor(state: State, seat: SeatId): string;
}

export type GameId = 'traitors' | 'trust-split';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyGame = GameDefinition<any, any, any, any>;
