import type { Action, SeatId } from '../../../engine/actions.ts';
import type { AgentContext } from '../../../engine/game.ts';
import * as speech from '../speech.ts';
import type { TraitorsView } from '../view.ts';
import { clip, livingOthers } from './common.ts';

/** Uniform legal actions: a floor for the metrics and a fuzzer for the rules. */
export function randomAgent(ctx: AgentContext<TraitorsView>): Action {
  const { view, pending, rng, seat } = ctx;
  switch (pending.kind) {
    case 'speak': {
      if (pending.purpose === 'introduction') return { kind: 'speak', text: clip(speech.introduction(rng, view.names[seat]), pending.maxChars) };
      const others = livingOthers(view, seat);
      const someone = view.names[others.length > 0 ? rng.pick(others) : seat];
      const kind = rng.int(4);
      const text =
        kind === 0 ? speech.accusation(rng, someone, { kind: 'hunch' }) : kind === 1 ? speech.defence(rng, someone) : kind === 2 ? speech.agreement(rng, someone) : speech.filler(rng);
      return { kind: 'speak', text: clip(text, pending.maxChars) };
    }
    case 'vote':
      return { kind: 'vote', target: rng.pick(pending.options) };
    case 'beliefs': {
      const suspicion: Record<string, number> = {};
      for (const t of pending.targets as SeatId[]) suspicion[t] = rng.int(101);
      return { kind: 'beliefs', suspicion };
    }
    default:
      throw new Error(`random agent cannot ${pending.kind}`);
  }
}
