import type { AnyGame, BaseState, GameEventBase, Outcome } from '../../shared/engine/game.ts';
import { awaySeats, type Slot } from '../../shared/engine/slots.ts';
import type { ServerToClientEvents, StatePayload } from '../../shared/protocol/index.ts';
import { describeTakeoverAction } from '../../shared/replay/labels.ts';
import type { FeedSend, StateFeed } from '../live/feed.ts';
import { LiveMetricsCache } from '../../shared/engine/live-metrics.ts';
import type { SessionRecord } from '../store/index.ts';
import type { StartGate } from './clock.ts';
import { slotsOf, type Seat } from './seat.ts';

/** One connection as the room sees it (a socket.io Socket satisfies this). */
export interface Peer {
  /** unique per connection (the socket's id): the feed fans one encoding out by it */
  readonly id: string;
  readonly connected: boolean;
  emit<E extends keyof ServerToClientEvents>(event: E, ...args: Parameters<ServerToClientEvents[E]>): unknown;
  disconnect(close?: boolean): unknown;
}

/** What the fanout reads of its room to tell clients where things are. */
export interface Shown {
  readonly id: string;
  readonly game: AnyGame;
  readonly record: SessionRecord;
  readonly seats: readonly Seat[];
  /** sends every state, full or as a patch, as each connection asked (server/live/feed.ts) */
  readonly feed: StateFeed;
  state(): BaseState;
  /** the game events so far (the spectator's live metrics are computed from them) */
  events(): readonly GameEventBase[];
  version(): number;
  gate(): StartGate | null;
  now(): number;
}

/** What the state payload of every receiver shares (computed once per broadcast). */
export interface SharedPayload {
  state: BaseState;
  outcome: Outcome | null;
  connected: boolean[];
  agentSeats: number[];
  takenOver: number[];
  slots: (Slot | null)[];
  serverNow: number;
}

/**
 * Everything a room says to its connections: states, presence, a handback, a replaced seat. Each
 * receiver learns only what it may know (its own seat's view; with masked presence, blind study
 * arms, nothing that would say a human came or went), and every state leaves through the
 * StateFeed (full, or as a patch where the connection asked for patches).
 */
export class Fanout {
  private readonly spectators = new Set<Peer>();
  /** the spectator's live metrics, computed once per change of the log */
  private readonly liveMetrics = new LiveMetricsCache();

  constructor(private readonly room: Shown) {}

  // ---------------------------------------------------------------------------------------------
  // who listens (seated connections live on their Seat)

  addSpectator(peer: Peer): void {
    this.spectators.add(peer);
    this.sendFirstState(peer, this.statePayload(null));
  }

  removeSpectator(peer: Peer): void {
    this.spectators.delete(peer);
  }

  get spectatorCount(): number {
    return this.spectators.size;
  }

  // ---------------------------------------------------------------------------------------------
  // what a state says

  sharedPayload(): SharedPayload {
    const { game, seats } = this.room;
    const state = this.room.state();
    return {
      state,
      outcome: (game.outcome(state) as Outcome | null) ?? null,
      connected: seats.map((seat) => seat.connected),
      agentSeats: seats.filter((seat) => !seat.isParticipant).map((seat) => seat.index),
      takenOver: seats.filter((seat) => seat.takenOver).map((seat) => seat.index),
      slots: slotsOf(seats),
      serverNow: this.room.now(),
    };
  }

  /** The full state `seat` (null: the spectator) is shown now. */
  statePayload(seat: number | null, shared = this.sharedPayload()): StatePayload {
    const { game, record } = this.room;
    const slot = seat === null ? null : shared.slots[seat];
    const connected = seat === null ? shared.connected : this.playersConnected(shared.connected);
    return {
      sessionId: this.room.id,
      game: game.id,
      version: this.room.version(),
      seat,
      view: game.view(shared.state, seat ?? 'spectator'),
      pending: slot?.pending ?? null,
      deadline: slot?.deadline ?? null,
      outcome: shared.outcome,
      status: record.status,
      names: shared.state.names,
      connected,
      agentSeats: seat === null || record.options.revealAgents ? shared.agentSeats : null,
      takenOver: seat === null || !record.options.maskPresence ? shared.takenOver : null,
      serverNow: shared.serverNow,
      waitingFor: this.waitingFor(seat, connected),
      away: awaySeats(game, shared.state, shared.slots, connected, seat ?? 'spectator'),
      metrics: seat === null ? this.liveMetrics.of(game, this.room.events()) : null,
    };
  }

  /** What players are told about presence: the truth, or (blind study arms) everyone present. */
  private playersConnected(connected: boolean[]): boolean[] {
    return this.room.record.options.maskPresence ? connected.map(() => true) : connected;
  }

  /** The awaited seats not connected yet, null once started; masked presence (seats): [] while waiting. */
  private waitingFor(seat: number | null, connected: boolean[]): number[] | null {
    const gate = this.room.gate();
    if (!gate) return null;
    if (seat !== null && this.room.record.options.maskPresence) return [];
    return gate.seats.filter((awaited) => !connected[awaited]);
  }

  // ---------------------------------------------------------------------------------------------
  // sending

  /** A connection's first state (on connect): full, whatever it asked; its updates patch from here. */
  sendFirstState(peer: Peer, payload: StatePayload): void {
    this.room.feed.sendFull(peer, payload);
  }

  /** The game moved (a commit, the end): every connection gets its state. */
  broadcastState(): void {
    this.statesFor(null, true);
  }

  /**
   * Presence or a takeover changed what others are shown (`waitingFor`, `away`, `takenOver`): a
   * fresh state for every seat but `skip` (it was just sent one). Masked presence: the spectator
   * only, as a state arriving with nothing visible changed would itself say a human came or went.
   */
  othersSeeChange(skip: number | null): void {
    this.statesFor(skip, !this.room.record.options.maskPresence);
  }

  private statesFor(skip: number | null, toSeats: boolean): void {
    const shared = this.sharedPayload();
    // one broadcast: the feed encodes identical payloads (the spectators', equal patches) once
    const sends: FeedSend[] = [];
    if (toSeats) {
      for (const seat of this.room.seats) {
        const peer = seat.peer;
        if (seat.index !== skip && peer?.connected) sends.push({ peer, payload: this.statePayload(seat.index, shared) });
      }
    }
    if (this.spectators.size) {
      const payload = this.statePayload(null, shared);
      for (const peer of this.spectators) if (peer.connected) sends.push({ peer, payload });
    }
    this.room.feed.broadcast(sends);
  }

  broadcastPresence(): void {
    const payload = { sessionId: this.room.id, connected: this.room.seats.map((seat) => seat.connected) };
    // masked presence: a presence message at all would say that a human came or went
    if (!this.room.record.options.maskPresence) {
      for (const { peer } of this.room.seats) if (peer?.connected) peer.emit('presence', payload);
    }
    for (const peer of this.spectators) if (peer.connected) peer.emit('presence', payload);
  }

  /** The returning player is always told what was done in their name (their own seat, blind or not). */
  handback(peer: Peer, seat: Seat): void {
    const names = this.room.state().names;
    peer.emit('handback', { sessionId: this.room.id, actions: seat.whileAway.map((event) => describeTakeoverAction(event, names)) });
  }

  /** A seat opened somewhere else: its older connection is told and closed. */
  replaced(previous: Peer): void {
    previous.emit('replaced', { message: 'This seat was opened somewhere else; this connection is closed.' });
    previous.disconnect(true);
  }
}
