// What a seat is told about people who are not at the table: the start gate and absent players.
import type { SeatId } from '../../shared/engine/actions.ts';
import type { StatePayload } from '../../shared/protocol/index.ts';

/** "Waiting for Ada and Ben…" while the table waits for its humans (the state's `waitingFor`), else null. */
export function startGateText(payload: StatePayload): string | null {
  const waitingFor = payload.waitingFor;
  if (waitingFor === null || waitingFor === undefined) return null;
  // masked presence (blind study arms) names nobody
  if (!waitingFor.length) return 'Waiting for the other players…';
  const names = waitingFor.map((seat) => payload.names[seat]);
  const list = names.length === 1 ? names[0] : `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
  return `Waiting for ${list}…`;
}

/** "Ada is away" when the seat owes something but is not connected (the state's `away`), else null. */
export function awayText(payload: StatePayload, seat: SeatId): string | null {
  return payload.away?.some((entry) => entry.seat === seat) ? `${payload.names[seat]} is away` : null;
}

/**
 * The seat to show as speaking in the chat: nobody before the table starts or while they are away,
 * and never the viewer's own seat (its turn is the composer under the chat, not "<you> is speaking…").
 */
export function speakingNow(payload: StatePayload, seat: SeatId | null): SeatId | null {
  if (seat === null || seat === payload.seat || (payload.waitingFor !== null && payload.waitingFor !== undefined) || awayText(payload, seat)) return null;
  return seat;
}
