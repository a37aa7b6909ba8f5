import type { SeatId } from '../../../engine/actions.ts';
import * as speech from '../speech.ts';
import type { SuspectFacts, Talk } from '../speech.ts';
import type { StatementRecord } from '../types.ts';
import type { TraitorsView } from '../view.ts';
import { digestStatements } from './reading.ts';
import type { Rng } from '../../../engine/rng.ts';

/**
 * What the public record shows, for the speech templates: agents may only cite what happened
 * (a vote once votes were revealed, a question once one was asked). Rebuilt from the view.
 */

/** A revealed round-table ballot with at least one vote. */
export function votesCast(view: TraitorsView): boolean {
  return view.ballots.some((b) => b.votes.some((v) => v.target !== null));
}

/** `seat` has a revealed round-table vote. */
export function hasVoted(view: TraitorsView, seat: SeatId): boolean {
  return view.ballots.some((b) => b.votes.some((v) => v.seat === seat && v.target !== null));
}

export function suspectFacts(view: TraitorsView, seat: SeatId): SuspectFacts {
  const facts: SuspectFacts = { introduced: false, accusedOthers: false, skippedTurn: false, questionsBack: false, lastVote: null };
  const { readings } = digestStatements(view.statements, view.names);
  let questionAsked = false;
  for (let i = 0; i < view.statements.length; i++) {
    const st = view.statements[i];
    const asks = st.text.includes('?');
    if (st.seat === seat) {
      if (st.skipped) facts.skippedTurn = true;
      else if (st.purpose === 'introduction') facts.introduced = true;
      if (readings[i].accused.some((a) => a !== seat)) facts.accusedOthers = true;
      if (asks && questionAsked) facts.questionsBack = true;
    } else if (asks) questionAsked = true;
  }
  for (const b of view.ballots) {
    for (const v of b.votes) if (v.seat === seat && v.target !== null) facts.lastVote = { target: view.names[v.target], round: b.round };
  }
  return facts;
}

/** A speaker's voice on a channel: its RNG and its own earlier statements there. */
export function talkOf(rng: Rng, seat: SeatId, statements: readonly StatementRecord[]): { talk: Talk; said: string[] } {
  const said: string[] = [];
  for (const st of statements) if (st.seat === seat && st.text !== '') said.push(st.text);
  return { talk: { rng, before: said.join('\n') }, said };
}

/** Earlier introductions at this table, for an introduction unlike them. */
export function earlierIntroductions(view: TraitorsView): { name: string; text: string }[] {
  const out: { name: string; text: string }[] = [];
  for (const st of view.statements) if (st.purpose === 'introduction' && st.text !== '') out.push({ name: view.names[st.seat], text: st.text });
  return out;
}

/**
 * The talk after a banishment: a reaction to the latest banishment (with the role when it was
 * revealed), then whom the speaker suspects next (a seat, or null for nobody).
 */
export function afterBanishmentStatement(view: TraitorsView, seat: SeatId, rng: Rng, nextSuspect: SeatId | null): string {
  const { talk, said } = talkOf(rng, seat, view.statements);
  let last = null;
  for (const e of view.eliminations) if (e.cause === 'banished') last = e;
  if (last === null) return speech.filler(talk, votesCast(view));
  const next = nextSuspect === null ? null : view.names[nextSuspect];
  return speech.unrepeated(talk, speech.afterBanishment(talk, view.names[last.seat], last.role, next), said);
}
