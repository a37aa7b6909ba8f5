import type { Action, SeatId } from '../../../engine/actions.ts';
import type { AgentContext } from '../../../engine/game.ts';
import type { Rng } from '../../../engine/rng.ts';
import * as speech from '../speech.ts';
import type { TraitorsView } from '../view.ts';
import { argmax, clip, othersThan } from './common.ts';
import { accusationsThisRound, type Evidence, readEvidence, reasonFor } from './evidence.ts';
import { afterBanishmentStatement, earlierIntroductions, hasVoted, suspectFacts, talkOf, votesCast } from './facts.ts';
import { digestStatements } from './reading.ts';
import type { PersonaStyle } from '../../../personas.ts';
import { styledStatement } from './style.ts';

/**
 * Traitor baseline: talks like a sleuth but never accuses a fellow traitor; at the round
 * table votes with the faithful plurality it expects (from this round's accusations by
 * faithful) unless that is a fellow traitor; at night murders the faithful who has voted
 * most accurately, or on a recruitment night offers the least suspected faithful. Its
 * round-table and night choices use no randomness, so the traitors agree.
 */
export function schemer(ctx: AgentContext<TraitorsView>): Action {
  const { view, pending, rng, seat } = ctx;
  const traitor = new Array<boolean>(view.names.length).fill(false);
  traitor[seat] = true;
  for (const f of view.fellowTraitors ?? []) traitor[f] = true;
  const evidence = readEvidence(view, null);
  switch (pending.kind) {
    case 'speak': {
      let text: string;
      if (pending.purpose === 'introduction') text = speech.introduction(rng, view.names[seat], earlierIntroductions(view));
      else if (pending.purpose === 'traitorChat') {
        const { talk, said } = talkOf(rng, seat, view.traitorChat ?? []);
        const faithful = livingFaithful(view, traitor);
        const proposal =
          view.phase.kind === 'nightChat' && view.phase.ballot === 'recruit'
            ? speech.recruitProposal(talk, view.names[recruitTarget(faithful, evidence)])
            : speech.nightProposal(talk, view.names[murderTarget(view, faithful, traitor, evidence)], votesCast(view));
        text = speech.unrepeated(talk, proposal, said);
      }
      else if (pending.purpose === 'postBanishment') {
        // the scapegoat is the faithful the public evidence points at
        const faithful = livingFaithful(view, traitor);
        text = afterBanishmentStatement(view, seat, rng, faithful.length ? argmax(faithful, evidence.score) : null);
      } else text = discussionStatement(view, seat, traitor, evidence, rng, ctx.style);
      return { kind: 'speak', text: clip(text, pending.maxChars) };
    }
    case 'vote':
      if (pending.purpose === 'murder') return { kind: 'vote', target: murderTarget(view, pending.options, traitor, evidence) };
      if (pending.purpose === 'recruit') return { kind: 'vote', target: recruitTarget(pending.options, evidence) };
      return { kind: 'vote', target: roundTableTarget(view, pending.options, traitor, evidence) };
    case 'beliefs': {
      // a private report to the experimenter: a traitor knows the truth
      const suspicion: Record<string, number> = {};
      for (const t of pending.targets) suspicion[t] = traitor[t] ? 100 : 0;
      return { kind: 'beliefs', suspicion };
    }
    default:
      throw new Error(`schemer cannot ${pending.kind}`);
  }
}

function livingFaithful(view: TraitorsView, traitor: readonly boolean[]): SeatId[] {
  const out: SeatId[] = [];
  for (let s = 0; s < view.alive.length; s++) if (view.alive[s] && !traitor[s]) out.push(s);
  return out;
}

function discussionStatement(view: TraitorsView, seat: SeatId, traitor: readonly boolean[], evidence: Evidence, rng: Rng, style?: PersonaStyle): string {
  const names = view.names;
  const { talk, said } = talkOf(rng, seat, view.statements);
  const accused = accusationsThisRound(view, othersThan(names.length, seat));
  if (accused[seat] >= 2 && accused[seat] >= Math.max(...accused) && rng.chance(0.7)) return speech.unrepeated(talk, speech.selfDefence(talk, hasVoted(view, seat)), said);
  const faithful = livingFaithful(view, traitor);
  const bandwagon = argmax(faithful, accused);
  // the scapegoat: the faithful the public evidence already points at
  const goat = argmax(faithful, evidence.score);
  let text =
    accused[bandwagon] > 0 && rng.chance(0.7)
      ? speech.agreement(talk, names[bandwagon])
      : speech.accusation(talk, names[goat], reasonFor(evidence, names, goat), suspectFacts(view, goat));
  const fellows = (view.fellowTraitors ?? []).filter((s) => view.alive[s]);
  if (fellows.length > 0 && rng.chance(0.25)) text += ' ' + speech.defence(talk, names[rng.pick(fellows)]);
  // talkative: one more accusation, of the next faithful the evidence points at
  text = styledStatement(style, text, () => {
    const others = faithful.filter((s) => s !== goat);
    const next = others.length ? argmax(others, evidence.score) : goat;
    return speech.accusation(talk, names[next], reasonFor(evidence, names, next), suspectFacts(view, next));
  });
  return speech.unrepeated(talk, text, said);
}

/** Follow the faithful's expected plurality unless it lands on a traitor; then the most suspected faithful. */
function roundTableTarget(view: TraitorsView, options: readonly SeatId[], traitor: readonly boolean[], evidence: Evidence): SeatId {
  const byFaithful = accusationsThisRound(view, traitor.map((t) => !t));
  const priority = byFaithful.map((count, s) => count * 1000 + evidence.score[s]);
  const expected = argmax(options, priority);
  if (!traitor[expected]) return expected;
  const innocents = options.filter((s) => !traitor[s]);
  return innocents.length === 0 ? expected : argmax(innocents, priority);
}

/**
 * Whom to offer recruitment: the faithful the public evidence suspects least (a trusted recruit
 * is the safest new traitor; ties go to the lowest seat). No randomness, so the traitors agree.
 */
function recruitTarget(options: readonly SeatId[], evidence: Evidence): SeatId {
  return argmax(options, evidence.score.map((score) => -score));
}

/**
 * The biggest threat: the faithful with the most round-table votes and public accusations
 * against traitors; ties go to the least suspected (a trusted voice), then the lowest seat.
 */
function murderTarget(view: TraitorsView, options: readonly SeatId[], traitor: readonly boolean[], evidence: Evidence): SeatId {
  const everTraitor = traitor.slice();
  for (const e of view.eliminations) if (e.role === 'traitor') everTraitor[e.seat] = true;
  const threat = new Array<number>(view.names.length).fill(0);
  for (const b of view.ballots) for (const v of b.votes) if (v.target !== null && everTraitor[v.target]) threat[v.seat] += 2;
  const digest = digestStatements(view.statements, view.names);
  for (let t = 0; t < everTraitor.length; t++) if (everTraitor[t]) for (const speaker of digest.accusedBy[t]) threat[speaker] += 1;
  return argmax(options, threat.map((x, s) => x * 1000 - evidence.score[s]));
}
