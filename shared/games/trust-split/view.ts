import type { SeatId } from '../../engine/actions.ts';
import type { Viewer } from '../../engine/game.ts';
import type { TrustSplitConfig } from './config.ts';
import type { PerSeat, RoundResolvedEvent } from './events.ts';
import type { Hand } from './hands.ts';
import { firstSpeakerOfRound, winnersOf } from './rules.ts';
import type { SeatRoundRecord, TranscriptEntry, TrustSplitState } from './state.ts';

/** Phases a viewer can observe (the transient ones are settled before anyone looks). */
export type ViewPhase = 'talk' | 'propose' | 'over';

interface CommonView {
  names: string[];
  /** the rules are public */
  config: TrustSplitConfig;
  round: number;
  phase: ViewPhase;
  /** this round's first speaker */
  firstSpeaker: SeatId;
  /** who must speak now (talk phase only) */
  speaker: SeatId | null;
  /** the whole public conversation, every round */
  messages: readonly TranscriptEntry[];
  /** total points per seat, once the game is over */
  finalPoints: PerSeat<number> | null;
  winners: SeatId[] | null;
}

/**
 * A player's view: its own hand (not its value — whether it is upper or lower is for the talk
 * to find out), its own proposal this round, and past rounds as the feedback mode tells them.
 */
export interface TrustSplitSeatView extends CommonView {
  kind: 'seat';
  seat: SeatId;
  hand: Hand;
  /** own proposal this round, once made; the other's is never shown before resolution */
  proposal: number | null;
  /** past rounds per the feedback mode; the last entry is "the previous round" feedback */
  history: readonly SeatRoundRecord[];
  /** running totals per seat: only with full feedback (reference feedback does not show points) */
  totals: PerSeat<number> | null;
}

/** The experimenter's view: everything. */
export interface TrustSplitSpectatorView extends CommonView {
  kind: 'spectator';
  hands: PerSeat<Hand>;
  upper: SeatId;
  proposals: PerSeat<number | null>;
  history: readonly RoundResolvedEvent[];
  totals: PerSeat<number>;
  timeouts: number;
}

export type TrustSplitView = TrustSplitSeatView | TrustSplitSpectatorView;

function viewPhase(state: TrustSplitState): ViewPhase {
  const kind = state.phase.kind;
  if (kind === 'talk' || kind === 'propose') return kind;
  if (kind === 'over' || kind === 'finishing') return 'over';
  // dealing/resolving are settled at once; a viewer of such a state sees the round as proposing
  return 'propose';
}

/**
 * Views share the state's immutable arrays; callers must not mutate them. Built as full object
 * literals: spreading a shared part and adding fields was ~200× slower on the simulator's path.
 */
export function view(state: TrustSplitState, viewer: Viewer): TrustSplitView {
  if (state.hands === null || state.upper === null) throw new Error('trust-split: no view before the first deal');
  const finalPoints: PerSeat<number> | null = state.phase.kind === 'over' ? [state.totals[0], state.totals[1]] : null;
  const phase = viewPhase(state);
  const firstSpeaker = firstSpeakerOfRound(state.firstSpeaker, state.round);
  const speaker = state.phase.kind === 'talk' ? state.phase.speaker : null;
  const winners = finalPoints ? winnersOf(finalPoints) : null;
  if (viewer === 'spectator') {
    return {
      kind: 'spectator',
      names: state.names,
      config: state.config,
      round: state.round,
      phase,
      firstSpeaker,
      speaker,
      messages: state.transcript,
      finalPoints,
      winners,
      hands: state.hands,
      upper: state.upper,
      proposals: state.proposals,
      history: state.resolved,
      totals: state.totals,
      timeouts: state.timeouts,
    };
  }
  if (viewer !== 0 && viewer !== 1) throw new Error(`trust-split: no seat ${String(viewer)}`);
  return {
    kind: 'seat',
    names: state.names,
    config: state.config,
    round: state.round,
    phase,
    firstSpeaker,
    speaker,
    messages: state.transcript,
    finalPoints,
    winners,
    seat: viewer,
    hand: state.hands[viewer],
    proposal: state.proposals[viewer],
    history: state.seatHistory[viewer],
    totals: state.config.feedback === 'full' ? state.totals : null,
  };
}
