// For the spectator: which seats a human plays, read from the payload's agentSeats (the spectator
// always receives it; a seat in a blind arm never does), and which humans an agent stands in for.
import type { StatePayload } from '../../shared/protocol/index.ts';
import { h } from '../dom.ts';

/** "Humans: Alice, Ben (away: an agent plays) · 6 agents", or null for a seat's own view. */
export function seatKindsLine(payload: StatePayload): HTMLElement | null {
  if (payload.seat !== null || !payload.agentSeats) return null;
  const agents = new Set(payload.agentSeats);
  const takenOver = new Set(payload.takenOver ?? []);
  const humans = payload.names.flatMap((name, seat) => (agents.has(seat) ? [] : [takenOver.has(seat) ? `${name} (away: an agent plays)` : name]));
  const agentCount = agents.size;
  return h(
    'p',
    { class: 'seat-kinds', 'aria-label': 'Who is human' },
    h('strong', { text: 'Humans: ' }),
    humans.length ? humans.join(', ') : 'none',
    ` · ${agentCount} agent${agentCount === 1 ? '' : 's'}`,
  );
}
