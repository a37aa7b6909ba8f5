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
    const known = this.current.payload;
    // states only move forward; a stale one (reordered across a reconnect) is ignored
    if (known && known.sessionId === payload.sessionId && payload.version < known.version) return;
    const awaiting = this.current.awaitingVersion;
    this.update({
      payload: discloseAgents(payload),
      clockSkewMs: Date.now() - payload.serverNow,
      awaitingVersion: awaiting !== null && payload.version >= awaiting ? null : awaiting,
      jump: false,
    });
  }

  /**
   * Show one replay frame, backward too. `jump` false only when stepping forward by one frame of
   * the same viewpoint, so the scenes play what happened; any other move lands without animations.
   */
  showReplayFrame(payload: StatePayload, jump: boolean): void {
    this.update({ status: 'replay', statusDetail: null, payload: discloseAgents(payload), clockSkewMs: 0, sending: false, lastError: null, awaitingVersion: null, jump });
  }

  receivePresence(presence: PresencePayload): void {
    const payload = this.current.payload;
    if (!payload || payload.sessionId !== presence.sessionId) return;
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
  const names = (view.names as string[]).map((name, seat) => (agents.has(seat) ? `${name} (AI)` : name));
  return { ...payload, view: { ...view, names } };
}
