import type { Action, SeatId } from '../../../engine/actions.ts';
import type { AgentContext } from '../../../engine/game.ts';
import type { Rng } from '../../../engine/rng.ts';
import * as speech from '../speech.ts';
import type { TraitorsView } from '../view.ts';
import { argmax, clip, livingOthers, othersThan } from './common.ts';
import { accusationsThisRound, type Evidence, readEvidence, reasonFor } from './evidence.ts';
import type { PersonaStyle } from '../../../personas.ts';
import { styledStatement, styledSuspicion, suspiciousVote } from './style.ts';
import { earlierIntroductions, hasVoted, suspectFacts, talkOf } from './facts.ts';

/**
 * Faithful baseline: suspicion from the public record (revealed votes, eliminations,
 * statements), accuses and votes for its top suspect, reports its scores as beliefs.
 */
export function sleuth(ctx: AgentContext<TraitorsView>): Action {
  const { view, pending, rng, seat, style } = ctx;
  const evidence = readEvidence(view, rng);
  switch (pending.kind) {
    case 'speak': {
      const text = pending.purpose === 'introduction' ? speech.introduction(rng, view.names[seat], earlierIntroductions(view)) : discussionStatement(view, seat, evidence, rng, style);
      return { kind: 'speak', text: clip(text, pending.maxChars) };
    }
    case 'vote': {
      const ranked = livingOthers(view, seat).sort((a, b) => evidence.score[b] - evidence.score[a]);
      const joined = suspiciousVote(style, pending.options, ranked, accusationsThisRound(view, othersThan(view.names.length, seat)));
      return { kind: 'vote', target: joined ?? argmax(pending.options, evidence.score) };
    }
    case 'beliefs': {
      const suspicion = beliefsFrom(pending.targets, evidence);
      if (style) for (const t of Object.keys(suspicion)) suspicion[t] = styledSuspicion(style, suspicion[t]);
      return { kind: 'beliefs', suspicion };
    }
    default:
      throw new Error(`sleuth cannot ${pending.kind}`);
  }
}

/** Accuse the top suspect (or agree with the table's suspect when it is high on our own list); sometimes vouch for the least suspected. */
function discussionStatement(view: TraitorsView, seat: SeatId, evidence: Evidence, rng: Rng, style?: PersonaStyle): string {
  const names = view.names;
  const { talk, said } = talkOf(rng, seat, view.statements);
  const ranked = livingOthers(view, seat).sort((a, b) => evidence.score[b] - evidence.score[a]);
  const accused = accusationsThisRound(view, othersThan(names.length, seat));
  if (accused[seat] >= 2 && accused[seat] >= Math.max(...accused) && rng.chance(0.7)) return speech.unrepeated(talk, speech.selfDefence(talk, hasVoted(view, seat)), said);
  const bandwagon = argmax(ranked, accused);
  // a trusting persona follows no bandwagon: it speaks from its own evidence
  let text =
    accused[bandwagon] > 0 && ranked.indexOf(bandwagon) < 2 && rng.chance(0.6) && style !== 'trusting'
      ? speech.agreement(talk, names[bandwagon])
      : speech.accusation(talk, names[ranked[0]], reasonFor(evidence, names, ranked[0]), suspectFacts(view, ranked[0]));
  if (ranked.length > 2 && rng.chance(0.3)) text += ' ' + speech.defence(talk, names[ranked[ranked.length - 1]]);
  const next = ranked[Math.min(1, ranked.length - 1)];
  text = styledStatement(style, text, () => speech.accusation(talk, names[next], reasonFor(evidence, names, next), suspectFacts(view, next)));
  return speech.unrepeated(talk, text, said);
}

export function beliefsFrom(targets: readonly SeatId[], evidence: Evidence): Record<string, number> {
  const out: Record<string, number> = {};
  for (const t of targets) out[t] = Math.round(evidence.score[t]);
  return out;
}
