import type { Pending, SeatId } from './actions.ts';
import type { AnyGame, BaseState, Viewer } from './game.ts';

/**
 * Each seat's current pending request and when it began (deadlines are measured from then). The
 * live room and the replay (shared/replay) both compute them here, so a replayed deadline is the
 * one the seat was shown.
 */
export interface Slot {
  pending: Pending;
  /** JSON of `pending`: a different request restarts the clock */
  key: string;
  since: number;
  deadline: number | null;
  /** changes whenever the seat is asked something new; an agent answer for an old epoch is stale */
  epoch: number;
}

/**
 * Recompute every seat's slot in place after a batch of game events at time `at`. A seat's clock
 * restarts when it is asked something different, or when it has just acted (or timed out) and is
 * asked again. `active` false (game over, session ended) clears every slot.
 */
export function refreshSlots(
  game: AnyGame,
  state: BaseState,
  slots: (Slot | null)[],
  change: { actedSeat: SeatId | null; at: number; active: boolean },
  nextEpoch: () => number,
): void {
  for (let seat = 0; seat < slots.length; seat++) {
    const pending = change.active ? (game.pending(state, seat) as Pending | null) : null;
    if (!pending) {
      slots[seat] = null;
      continue;
    }
    const key = JSON.stringify(pending);
    const prev = slots[seat];
    if (prev && prev.key === key && seat !== change.actedSeat) continue;
    slots[seat] = {
      pending,
      key,
      since: change.at,
      deadline: pending.timeLimitSec > 0 ? change.at + pending.timeLimitSec * 1000 : null,
      epoch: nextEpoch(),
    };
  }
}

/**
 * Seats shown to `viewer` as not connected that owe something the viewer may know they owe (the
 * viewer would see their timeout: a public speaking turn, say), with their deadlines: "<name> is
 * away" and their countdown. `connected` is what the viewer is shown, so masked presence (blind
 * study arms) shows nobody away. The room and the replay both compute it here.
 */
export function awaySeats(
  game: AnyGame,
  state: BaseState,
  slots: readonly (Slot | null)[],
  connected: readonly boolean[],
  viewer: Viewer,
): { seat: SeatId; deadline: number | null }[] {
  const away: { seat: SeatId; deadline: number | null }[] = [];
  for (let seat = 0; seat < slots.length; seat++) {
    const slot = slots[seat];
    if (!slot || connected[seat] || seat === viewer) continue;
    if (viewer !== 'spectator') {
      const audience = game.audience(state, game.timeoutEvent(state, seat));
      if (audience !== null && !audience.includes(viewer)) continue;
    }
    away.push({ seat, deadline: slot.deadline });
  }
  return away;
}
