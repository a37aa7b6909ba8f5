import { LiveMetricsCache } from '../engine/live-metrics.ts';
import type { SeatId } from '../engine/actions.ts';
import type { AnyGame, BaseState, GameEventBase, LiveMetric, Outcome, Viewer } from '../engine/game.ts';
import { awaySeats, refreshSlots, type Slot } from '../engine/slots.ts';
import type { LogRow, SeatKind, SessionStatus } from '../protocol/index.ts';
import type { ReplayFrame } from '../protocol/replay.ts';
import { describeGameEvent, describeSessionEvent } from './labels.ts';

/** What the replay needs of a session record (server/store/types.ts SessionRecord satisfies it). */
export interface ReplaySession {
  seats: readonly { seat: number; kind: SeatKind }[];
  options: { revealAgents: boolean; maskPresence?: boolean };
}

/**
 * The `state` payloads `viewer` received live, rebuilt from the log: one frame per moment that
 * changed what the viewer sees (the room broadcasts once per batch, at the batch's last seq).
 * Each frame is exactly the room's statePayload at that version (server/room/fanout.ts): the viewer's
 * view, its pending request and deadline (shared/engine/slots.ts, as the room computes them),
 * outcome, status, presence (masked for seats when the session masks it), agent seats (seats
 * only when the session reveals them), taken-over seats (seats only when presence is not masked) and,
 * for the spectator, the live metrics of the log so far. Runs on the server: the log holds every secret.
 */
export function replayFrames(game: AnyGame, session: ReplaySession, rows: readonly LogRow[], viewer: Viewer): ReplayFrame[] {
  const seatCount = session.seats.length;
  const isAgent = session.seats.map((seat) => seat.kind === 'agent');
  const agentSeats = session.seats.filter((seat) => seat.kind === 'agent').map((seat) => seat.seat);
  const spectator = viewer === 'spectator';
  const slots: (Slot | null)[] = new Array(seatCount).fill(null);
  let epochs = 0;
  const present = isAgent.slice();
  /** seats an agent plays while their player is away (takeover … handback rows) */
  const takenOver: boolean[] = new Array(seatCount).fill(false);
  let state: BaseState | undefined;
  /** the game events so far, and the spectator's live metrics of them (as the room computes them) */
  const events: GameEventBase[] = [];
  let metrics: LiveMetric[] | null = null;
  const liveMetrics = new LiveMetricsCache();
  let ended = false;
  /** the start gate: the human seats awaited (a `waiting` row) until the `started` row; nobody is asked anything before */
  let waiting: number[] | null = null;

  const frames: ReplayFrame[] = [];
  let lastKey = '';
  let lastView = '';
  let lastNames = '';
  let lastMetrics = 'null';
  let i = 0;
  while (i < rows.length) {
    const first = rows[i];
    let last = first;
    let actedSeat: SeatId | null = null;
    let changed = false;
    let started = false;
    const seen: string[] = [];
    let sessionLabel: string | null = null;
    for (; i < rows.length && rows[i].batch === first.batch; i++) {
      const row = rows[i];
      last = row;
      if (row.kind === 'game') {
        if (!changed && row.seat !== null) actedSeat = row.seat;
        changed = true;
        state = game.reduce(state, row.event);
        events.push(row.event);
        if (spectator || maySee(game.audience(state, row.event), viewer)) seen.push(describeGameEvent(row.event, state!.names));
      } else {
        const event = row.event;
        if (event.type === 'connected') present[event.seat] = true;
        else if (event.type === 'disconnected') present[event.seat] = isAgent[event.seat] ?? false;
        else if (event.type === 'recovered') isAgent.forEach((agent, seat) => (present[seat] = agent));
        else if (event.type === 'ended') ended = true;
        else if (event.type === 'waiting') waiting = event.seats as number[];
        else if (event.type === 'started') {
          waiting = null;
          started = true;
        }
        else if (event.type === 'takeover') takenOver[event.seat] = true;
        else if (event.type === 'handback') takenOver[event.seat] = false;
        sessionLabel ??= state ? describeSessionEvent(event, state.names) : null;
      }
    }
    if (!state) continue; // nothing to show before the opening event
    // the room's own cache (recomputed only after events the metrics read): frames equal live states
    if (spectator && changed) metrics = liveMetrics.of(game, events);
    const outcome = (game.outcome(state) as Outcome | null) ?? null;
    if (changed || started) refreshSlots(game, state, slots, { actedSeat, at: first.at, active: outcome === null && !ended && waiting === null }, () => ++epochs);
    if (ended) slots.fill(null);
    const status: SessionStatus = ended ? 'ended' : outcome ? 'finished' : 'active';
    const slot = spectator ? null : slots[viewer];
    const view = JSON.stringify(game.view(state, viewer));
    const names = JSON.stringify(state.names);
    const connected = spectator || !session.options.maskPresence ? present.slice() : present.map(() => true);
    const frame: ReplayFrame = {
      version: last.seq,
      at: last.at,
      label: changed ? labelOf(seen) : (sessionLabel ?? '—'),
      pending: slot?.pending ?? null,
      deadline: slot?.deadline ?? null,
      outcome,
      status,
      connected,
      agentSeats: spectator || session.options.revealAgents ? agentSeats : null,
      // as the room sends it: seats learn of takeovers unless presence is masked
      takenOver: spectator || !session.options.maskPresence ? takenOver.flatMap((taken, seat) => (taken ? [seat] : [])) : null,
      waitingFor: waiting === null ? null : waiting.filter((seat) => !connected[seat]),
      away: awaySeats(game, state, slots, connected, viewer),
    };
    const metricsJson = JSON.stringify(metrics);
    const key = JSON.stringify([view, names, metricsJson, frame.pending, frame.deadline, outcome, status, connected, frame.agentSeats, frame.takenOver, frame.waitingFor, frame.away]);
    if (key === lastKey) continue; // nothing this viewer could see changed
    lastKey = key;
    if (view !== lastView) frame.view = JSON.parse(view) as unknown;
    if (names !== lastNames) frame.names = state.names.slice();
    if (metricsJson !== lastMetrics) frame.metrics = metrics;
    lastView = view;
    lastNames = names;
    lastMetrics = metricsJson;
    frames.push(frame);
  }
  return frames;
}

function maySee(audience: SeatId[] | null, viewer: Viewer): boolean {
  return audience === null || (viewer !== 'spectator' && audience.includes(viewer));
}

/** "Ada voted", or "Ada voted → Bob was banished" when the batch ended in something else. */
function labelOf(seen: string[]): string {
  if (!seen.length) return '—';
  const last = seen[seen.length - 1];
  return last === seen[0] ? seen[0] : `${seen[0]} → ${last}`;
}
