import type { Action, SeatId } from '../../../engine/actions.ts';
import type { AgentContext } from '../../../engine/game.ts';
import * as speech from '../speech.ts';
import type { TraitorsView } from '../view.ts';
import { clip, livingOthers, othersThan } from './common.ts';
import { accusationsThisRound } from './evidence.ts';
import { earlierIntroductions, suspectFacts, talkOf, votesCast } from './facts.ts';

/** Uniform legal actions: a floor for the metrics and a fuzzer for the rules. */
export function randomAgent(ctx: AgentContext<TraitorsView>): Action {
  const { view, pending, rng, seat } = ctx;
  switch (pending.kind) {
    case 'speak': {
      if (pending.purpose === 'introduction') return { kind: 'speak', text: clip(speech.introduction(rng, view.names[seat], earlierIntroductions(view)), pending.maxChars) };
      const { talk, said } = talkOf(rng, seat, pending.purpose === 'traitorChat' ? (view.traitorChat ?? []) : view.statements);
      const others = livingOthers(view, seat);
      const target = others.length > 0 ? rng.pick(others) : seat;
      const someone = view.names[target];
      let kind = rng.int(4);
      // agreeing needs someone to agree with: an accusation of that player this round
      if (kind === 2 && accusationsThisRound(view, othersThan(view.names.length, seat))[target] === 0) kind = 0;
      const text = speech.unrepeated(
        talk,
        kind === 0
          ? speech.accusation(talk, someone, { kind: 'hunch' }, suspectFacts(view, target))
          : kind === 1
            ? speech.defence(talk, someone)
            : kind === 2
              ? speech.agreement(talk, someone)
              : speech.filler(talk, votesCast(view)),
        said,
      );
      return { kind: 'speak', text: clip(text, pending.maxChars) };
    }
    case 'vote':
      return { kind: 'vote', target: rng.pick(pending.options) };
    case 'beliefs': {
      const suspicion: Record<string, number> = {};
      for (const t of pending.targets as SeatId[]) suspicion[t] = rng.int(101);
      return { kind: 'beliefs', suspicion };
    }
    case 'choose':
      return { kind: 'choose', option: rng.pick(pending.options) };
    default:
      throw new Error(`random agent cannot ${pending.kind}`);
  }
}
