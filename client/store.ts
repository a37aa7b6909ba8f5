// A tiny store of the latest server state and the connection around it. Scenes and DOM panels
// subscribe and render from it; intents go out through `send`, which talks to net.ts.
import type { Action } from '../shared/engine/actions.ts';
import type { Ack, PresencePayload, StatePayload } from '../shared/protocol/index.ts';
import type { Connection, ConnectionStatus } from './net.ts';

export interface ClientState {
  /** 'replay': frames from a replay, not a connection (nothing can be sent) */
  status: ConnectionStatus | 'replay';
  /** why the connection is refused/replaced, for the player */
  statusDetail: string | null;
  /** the latest `state` from the server (null before the first) */
  payload: StatePayload | null;
  /** local clock minus server clock when the payload arrived, to correct countdowns */
  clockSkewMs: number;
  /** an intent is on its way to the server */
  sending: boolean;
  /** the last refusal, shown next to the controls until the next decision */
  lastError: string | null;
  /**
   * Bumps on every accepted action. Controls are rebuilt when it changes, and hidden until a
   * state at least as new as the ack arrives (so nobody answers the same request twice).
   */
  answeredEpoch: number;
  awaitingVersion: number | null;
  /**
   * The last change jumped (a replay scrubbed, stepped back or switched viewpoint) rather than
   * following the game: scenes skip their "previous → next" animations.
   */
  jump: boolean;
}

type Listener = (state: ClientState, previous: ClientState) => void;

/**
 * Plays what happened between two states (votes revealed, a banishment, a murder) before the
 * later state is shown, so the header, the sidebar and the canvas never run ahead of a moment.
 * The Traitors' table scene is one.
 */
/** The longest the moments of one step may hold its state back (at most 6 moments of ~3 s play; skipped beyond). */
export const MAX_MOMENT_MS = 20_000;

export interface MomentPlayer {
  /**
   * Play the moments from `before` to `after` and call `done` once they have played; false when
   * there is nothing to play. `brief`: the seat is asked to act, the state is already shown, so
   * play them short and out of the way (`done` is not awaited).
   */
  play(before: StatePayload, after: StatePayload, brief: boolean, done: () => void): boolean;
  /** Cut the moment on screen short: call its `done` now (a request for this seat arrived). */
  hurry(): void;
}

/** A state on its way to the screen. */
interface Arrival {
  payload: StatePayload;
  /** local clock minus server clock when it arrived */
  skewMs: number;
  replay: boolean;
}

/** The seat is asked to do something in this state. */
function asksToAct(arrival: Arrival): boolean {
  return !arrival.replay && arrival.payload.pending !== null && arrival.payload.status === 'active';
}

export class Store {
  private current: ClientState = {
    status: 'connecting',
    statusDetail: null,
    payload: null,
    clockSkewMs: 0,
    sending: false,
    lastError: null,
    answeredEpoch: 0,
    awaitingVersion: null,
    jump: false,
  };
  private listeners = new Set<Listener>();
  private connection: Connection | null = null;
  private player: MomentPlayer | null = null;
  /** states that arrived while a moment plays, shown in order once it has */
  private backlog: Arrival[] = [];
  private momentPlaying = false;
  /** the state the moment on screen leads to */
  private held: Arrival | null = null;
  /** bumps when a moment in flight is abandoned, so its late `done` does nothing */
  private momentToken = 0;

  get state(): ClientState {
    return this.current;
  }

  attach(connection: Connection): void {
    this.connection = connection;
  }

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private update(patch: Partial<ClientState>): void {
    const previous = this.current;
    this.current = { ...previous, ...patch };
    for (const listener of [...this.listeners]) listener(this.current, previous);
  }

  receiveState(payload: StatePayload): void {
    const known = this.backlog[this.backlog.length - 1]?.payload ?? this.held?.payload ?? this.current.payload;
    // states only move forward; a stale one (reordered across a reconnect) is ignored
    if (known && known.sessionId === payload.sessionId && payload.version < known.version) return;
    this.arrive({ payload, skewMs: Date.now() - payload.serverNow, replay: false });
  }

  /**
   * Show one replay frame, backward too. `jump` false only when stepping forward by one frame of
   * the same viewpoint, so the scenes play what happened; any other move lands without animations.
   */
  showReplayFrame(payload: StatePayload, jump: boolean): void {
    if (!jump) {
      this.arrive({ payload, skewMs: 0, replay: true });
      return;
    }
    // a jump drops whatever waits behind a moment; the scenes drop the moment itself (onJump)
    this.backlog = [];
    this.held = null;
    this.momentToken++;
    this.momentPlaying = false;
    this.apply({ payload, skewMs: 0, replay: true }, true);
  }

  /** The table scene that plays moments before their state is shown (null: show states at once). */
  setMomentPlayer(player: MomentPlayer | null): void {
    this.player = player;
    if (player || !this.momentPlaying) return;
    // the scene went away mid-moment: show what waited
    this.momentToken++;
    this.release();
  }

  /** The moment on screen is over: show the state it led to, then whatever waits. */
  private release(): void {
    const held = this.held;
    this.held = null;
    this.momentPlaying = false;
    if (held) this.apply(held, false);
    this.pump();
  }

  private arrive(arrival: Arrival): void {
    this.backlog.push(arrival);
    // the seat is asked to act: the moment on screen must not stand in its way
    if (this.momentPlaying && asksToAct(arrival)) this.player?.hurry();
    this.pump();
  }

  /**
   * Show the newest waiting state after the moments that lead to it have played. The states in
   * between go unseen: each would show for no time, and the moments come from the whole step.
   */
  private pump(): void {
    while (!this.momentPlaying && this.backlog.length) {
      const waiting = this.backlog;
      const next = waiting[waiting.length - 1];
      this.backlog = [];
      const before = this.current.payload;
      const player = this.player;
      if (!player || !before || before.sessionId !== next.payload.sessionId || before.seat !== next.payload.seat || next.payload.version <= before.version) {
        this.apply(next, false);
        continue;
      }
      if (asksToAct(next)) {
        // the seat must act now: show the state at once and the moments briefly, out of the way
        this.apply(next, false);
        try {
          player.play(before, next.payload, true, () => {});
        } catch (err) {
          console.warn('a table moment failed to play', err);
        }
        continue;
      }
      const token = ++this.momentToken;
      this.momentPlaying = true;
      this.held = next;
      const finish = () => {
        if (token === this.momentToken) this.release();
      };
      // however the moment goes (a scene that throws or never calls back), the state it holds
      // back is shown after at most MAX_MOMENT_MS: the table may lag a moment, never stall
      const watchdog = setTimeout(finish, MAX_MOMENT_MS);
      let started: boolean;
      try {
        started = player.play(before, next.payload, false, () => {
          clearTimeout(watchdog);
          finish();
        });
      } catch (err) {
        console.warn('a table moment failed to play; showing the state without it', err);
        started = false;
      }
      if (!started) clearTimeout(watchdog);
      if (!started && token === this.momentToken) {
        this.momentPlaying = false;
        this.held = null;
        this.apply(next, false);
      }
    }
  }

  private apply(arrival: Arrival, jump: boolean): void {
    const payload = discloseAgents(arrival.payload);
    if (arrival.replay) {
      this.update({ status: 'replay', statusDetail: null, payload, clockSkewMs: 0, sending: false, lastError: null, awaitingVersion: null, jump });
      return;
    }
    const awaiting = this.current.awaitingVersion;
    this.update({
      payload,
      clockSkewMs: arrival.skewMs,
      awaitingVersion: awaiting !== null && payload.version >= awaiting ? null : awaiting,
      jump,
    });
  }

  receivePresence(presence: PresencePayload): void {
    const payload = this.current.payload;
    if (!payload || payload.sessionId !== presence.sessionId) return;
    for (const waiting of [...this.backlog, ...(this.held ? [this.held] : [])]) {
      if (waiting.payload.sessionId === presence.sessionId) waiting.payload = { ...waiting.payload, connected: presence.connected };
    }
    this.update({ payload: { ...payload, connected: presence.connected } });
  }

  setStatus(status: ConnectionStatus, detail?: string): void {
    this.update({ status, statusDetail: detail ?? null });
  }

  /** Milliseconds left before the pending action's deadline, or null without one. */
  remainingMs(): number | null {
    const payload = this.current.payload;
    if (!payload?.pending || payload.deadline === null) return null;
    // a replay stands still at its moment: the time the seat had left then
    if (this.current.status === 'replay') return Math.max(0, payload.deadline - payload.serverNow);
    return Math.max(0, payload.deadline - (Date.now() - this.current.clockSkewMs));
  }

  /** Whether controls for the current request should be offered right now. */
  canAct(): boolean {
    const { payload, sending, awaitingVersion, status } = this.current;
    return Boolean(payload?.pending) && !sending && awaitingVersion === null && status === 'connected' && payload?.status === 'active';
  }

  async send(action: Action): Promise<Ack> {
    if (!this.connection) return { ok: false, code: 'internal', message: 'Not connected.' };
    this.update({ sending: true, lastError: null });
    const ack = await this.connection.act(action);
    if (ack.ok) {
      const caughtUp = (this.current.payload?.version ?? -1) >= ack.version;
      this.update({ sending: false, answeredEpoch: this.current.answeredEpoch + 1, awaitingVersion: caughtUp ? null : ack.version });
    } else {
      this.update({ sending: false, lastError: ack.message });
    }
    return ack;
  }
}

/**
 * When the session discloses its agents (agentSeats is not null), their names read "… (AI)"
 * everywhere the table shows a name: seats, chat, votes, results. Blind sessions send null.
 */
export function discloseAgents(payload: StatePayload): StatePayload {
  const view = payload.view as { names?: unknown } | null;
  if (!payload.agentSeats?.length || !view || !Array.isArray(view.names)) return payload;
  const agents = new Set(payload.agentSeats);
  const mark = (list: readonly string[]) => list.map((name, seat) => (agents.has(seat) ? `${name} (AI)` : name));
  // the view's names draw the table; the payload's names label the conversation and the results
  return { ...payload, names: mark(payload.names), view: { ...view, names: mark(view.names as string[]) } };
}
