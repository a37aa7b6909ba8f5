import type { Action, SeatId } from '../../../engine/actions.ts';
import type { AgentContext } from '../../../engine/game.ts';
import type { Rng } from '../../../engine/rng.ts';
import * as speech from '../speech.ts';
import type { TraitorsView } from '../view.ts';
import { argmax, clip, livingOthers, othersThan } from './common.ts';
import { accusationsThisRound, type Evidence, readEvidence, reasonFor } from './evidence.ts';
import type { PersonaStyle } from '../../../personas.ts';
import { styledStatement, styledSuspicion, suspiciousVote } from './style.ts';
import { afterBanishmentStatement, earlierIntroductions, hasVoted, suspectFacts, talkOf } from './facts.ts';
import { schemer } from './schemer.ts';

/**
 * Faithful baseline: suspicion from the public record (revealed votes, eliminations,
 * statements), accuses and votes for its top suspect, reports its scores as beliefs; answers
 * a recruitment offer by a seeded rule and, once recruited, plays as a schemer.
 */
export function sleuth(ctx: AgentContext<TraitorsView>): Action {
  // recruited: from now on it plays the traitors' strategy
  if (ctx.view.role === 'traitor') return schemer(ctx);
  const { view, pending, rng, seat, style } = ctx;
  if (pending.kind === 'choose') return { kind: 'choose', option: answerOffer(view, rng) };
  const evidence = readEvidence(view, rng);
  switch (pending.kind) {
    case 'speak': {
      const text =
        pending.purpose === 'introduction'
          ? speech.introduction(rng, view.names[seat], earlierIntroductions(view))
          : pending.purpose === 'postBanishment'
            ? afterBanishmentStatement(view, seat, rng, topSuspect(view, seat, evidence))
            : discussionStatement(view, seat, evidence, rng, style);
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

/** The living player (not this seat) the evidence points at most; null when nobody else is alive. */
function topSuspect(view: TraitorsView, seat: SeatId, evidence: Evidence): SeatId | null {
  const others = livingOthers(view, seat);
  return others.length ? argmax(others, evidence.score) : null;
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

/**
 * Accept a recruitment offer mostly when the traitors are close to winning: when accepting would
 * bring the traitors (as far as this seat can count them) to parity, accept with probability 0.9,
 * else 0.25 — a seeded draw, so the same game answers the same way.
 */
function answerOffer(view: TraitorsView, rng: Rng): 'accept' | 'refuse' {
  const living = view.alive.filter(Boolean).length;
  const banishedTraitors = view.eliminations.filter((e) => e.role === 'traitor').length;
  // an offer proves at least one traitor is left; without an announced count assume just one
  const traitorsLeft = Math.max(1, (view.traitorCount ?? 0) - banishedTraitors);
  const parityIfAccepted = traitorsLeft + 1 >= living - traitorsLeft - 1;
  return rng.chance(parityIfAccepted ? 0.9 : 0.25) ? 'accept' : 'refuse';
}

export function beliefsFrom(targets: readonly SeatId[], evidence: Evidence): Record<string, number> {
  const out: Record<string, number> = {};
  for (const t of targets) out[t] = Math.round(evidence.score[t]);
  return out;
}
