import type { SeatAgent } from '../../shared/engine/agent.ts';
import type { AnyGame, BaseState, GameEventBase } from '../../shared/engine/game.ts';
import { refreshSlots, type Slot } from '../../shared/engine/slots.ts';
import type { SeatRecord } from '../store/index.ts';
import { Alarm } from './clock.ts';
import type { Peer } from './fanout.ts';

/** An agent decision being worked on: for the seat's request of `epoch`, abortable when it goes stale. */
export interface Inflight {
  epoch: number;
  controller: AbortController;
}

/**
 * Everything the live room knows about one seat: who plays it now (a connection, an agent, or an
 * agent in the absent player's place), what it owes and until when, and its takeover clock.
 */
export class Seat {
  readonly index: number;
  /** the connection playing this seat now (human and external seats), null while away */
  peer: Peer | null = null;
  /** the agent playing this seat now: agent seats always, human/external seats during a takeover */
  agent: SeatAgent | null = null;
  takenOver = false;
  /** what the takeover agent did since the current takeover began, told to the player on return */
  whileAway: GameEventBase[] = [];
  /** the agent decision being worked on, if any */
  inflight: Inflight | null = null;
  /** when this human/external seat was last seen leaving (or the room went live), for takeovers */
  goneSince: number | null = null;
  /** actions accepted so far = the index of the seat's next agent decision (its RNG streams) */
  accepted = 0;
  /** what the seat is asked now, since when and until when (shared/engine/slots.ts) */
  slot: Slot | null = null;
  /** rings when the seat has been away long enough to be taken over (armed by the RoomClock) */
  readonly takeoverAlarm: Alarm;

  constructor(
    readonly record: SeatRecord,
    onTakeoverDue: (seat: Seat) => void,
  ) {
    this.index = record.seat;
    this.takeoverAlarm = new Alarm(() => onTakeoverDue(this));
  }

  /** a human or external seat: someone has to connect to play it */
  get isParticipant(): boolean {
    return this.record.kind !== 'agent';
  }

  /** what presence reports: agent seats are always there */
  get connected(): boolean {
    return !this.isParticipant || this.peer !== null;
  }

  /** a participant's connection is here (for abandoning empty tables) */
  get participantConnected(): boolean {
    return this.isParticipant && this.peer !== null;
  }
}

/**
 * Recompute every seat's slot after a batch of game events at `at` (the replay computes the same
 * clocks from the log with the same function). `active` false clears them all.
 */
export function refreshSeatSlots(
  game: AnyGame,
  state: BaseState,
  seats: readonly Seat[],
  change: { actedSeat: number | null; at: number; active: boolean },
  nextEpoch: () => number,
): void {
  const slots = slotsOf(seats);
  refreshSlots(game, state, slots, change, nextEpoch);
  seats.forEach((seat, i) => (seat.slot = slots[i]));
}

/** The seats' slots in seat order, as shared/engine/slots.ts takes them. */
export function slotsOf(seats: readonly Seat[]): (Slot | null)[] {
  return seats.map((seat) => seat.slot);
}
