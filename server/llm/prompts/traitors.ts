import type { SeatId } from '../../../shared/engine/actions.ts';
import type { BallotRecord, StatementRecord } from '../../../shared/games/traitors/types.ts';
import type { TraitorsView } from '../../../shared/games/traitors/view.ts';
import { seatLabel } from '../answer.ts';
import type { PersonaInput } from '../../../shared/personas.ts';
import { personaSection, type GamePrompter, type PromptInput, type PromptParts } from './types.ts';

/**
 * The Traitors prompts, per the spec's "Agents" section: a system prompt with the rules, the
 * seat's role and win condition (and fellow traitors), the persona; a memory of what this seat has
 * seen — the most recent rounds in full, older rounds summarised to their facts (votes, banishments,
 * murders) so the prompt stays bounded; then the task.
 */

/** Rounds shown in full (statements included); older rounds keep only their votes and eliminations. */
export const TRAITORS_FULL_ROUNDS = 2;

type SeatView = TraitorsView & { seat: SeatId };

function seatView(view: TraitorsView): SeatView {
  if (view.seat === null) throw new Error('traitors prompt needs a seat view');
  return view as SeatView;
}

function count(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** The recruitment rule, when the table plays it (the rules are public; an offer itself is secret). */
function recruitmentLine(view: SeatView): string {
  const rule = view.recruitmentRule;
  if (!rule) return '';
  const refusal = rule.refusal === 'murdered' ? 'refuses and is murdered that night' : 'refuses and stays faithful';
  return ` After a day on which a traitor was banished (while traitors remain), the traitors do not murder that night: they may instead offer one faithful player a place among them. The offered player either accepts and is a traitor from then on, or ${refusal}. Nobody else is told of the offer.`;
}

function systemPrompt(view: SeatView, persona: PersonaInput | undefined): string {
  const n = view.names.length;
  const me = seatLabel(view.seat, view.names);
  const traitors = view.traitorCount;
  const howMany = traitors !== null ? `${count(traitors, 'player')} ${traitors === 1 ? 'is a traitor' : 'are traitors'}` : 'a hidden minority are traitors (how many is not announced)';
  const role =
    view.role === 'traitor'
      ? `## Your role: TRAITOR
${view.fellowTraitors && view.fellowTraitors.length ? `Your fellow traitors: ${view.fellowTraitors.map((s) => seatLabel(s, view.names)).join(', ')}. They know you are a traitor too.` : 'You are the only traitor.'}
You win when the living traitors are at least as many as the living faithful. The faithful do not know who you are: if they find out, they will banish you.`
      : `## Your role: FAITHFUL
You do not know who the traitors are; you know only that you are faithful. You win when every traitor has been banished. The traitors know each other and will try to mislead you.`;
  return `You are playing The Traitors, a social deduction game, with ${n} players. You are ${me}. Among the players, ${howMany}; the rest are faithful. Traitors know each other; faithful know only their own role.

## How a round goes
1. Breakfast: if the traitors murdered someone in the night, it is announced (a murdered player is always faithful).
2. Discussion: every living player speaks in turn, in one or more passes (first statements, then reactions). Statements are public.
3. Beliefs (some rounds): you privately rate, for every other living player, how likely they are a traitor. Nobody but the experimenter ever sees these numbers.
4. Round table: every living player votes, secretly and at the same time, for one other living player. ${view.votesRevealed ? 'The votes are revealed together and the' : 'The votes are never shown to anyone; only the result is announced. The'} player with the most votes is banished (ties are settled by the game's tie-break rule: a revote among the tied players, a draw, or the earliest vote). When a banished player's role is revealed, everybody sees it.
5. Night: the traitors talk privately, then choose a faithful player to murder.${recruitmentLine(view)}
The game ends when no traitor is alive (the faithful win) or when the living traitors are at least as many as the living faithful (the traitors win).
Players are identified as "seat N (Name)". Everything you say in the discussion is seen by every player; your thoughts are private.

${role}${personaSection(persona)}`;
}

function say(s: StatementRecord, view: SeatView): string {
  const who = s.seat === view.seat ? `You (${view.names[s.seat]})` : seatLabel(s.seat, view.names);
  return s.skipped ? `${who}: (said nothing in time)` : `${who}: ${JSON.stringify(s.text)}`;
}

function ballotTitle(b: BallotRecord): string {
  if (b.ballot === 'recruit') return 'Night vote on whom to offer a place among the traitors (traitors only)';
  return b.ballot === 'banish' ? 'Round-table vote' : b.ballot === 'revote' ? 'Revote among the tied players' : 'Night vote (traitors only)';
}

function votesLine(b: BallotRecord, view: SeatView): string {
  const votes = b.votes.map((v) => `${view.names[v.seat]} → ${v.target === null ? 'abstained' : view.names[v.target]}`).join('; ');
  const tally = b.tally.map((t) => `${view.names[t.seat]} ${t.votes}`).join(', ');
  return `${votes}. Tally: ${tally || 'no votes'}.${b.tieBreak ? ` Tie settled by ${b.tieBreak === 'random' ? 'a random draw' : 'the earliest vote'}.` : ''}`;
}

function eliminationLines(view: SeatView, round: number): string[] {
  return view.eliminations
    .filter((e) => e.round === round)
    .map((e) => {
      const who = e.seat === view.seat ? 'You' : seatLabel(e.seat, view.names);
      const role = e.role ? `; they were ${e.role === 'traitor' ? 'a TRAITOR' : 'faithful'}` : '; their role was not revealed';
      return e.cause === 'banished' ? `Banished: ${who}${role}.` : `Murdered in the night: ${who}${role}.`;
    });
}

function fullRound(view: SeatView, round: number): string[] {
  const lines: string[] = [round === 0 ? '### Introductions' : `### Round ${round}`];
  const all = view.statements.filter((s) => s.round === round);
  // the statements after a banishment come after it, not inside the discussion's passes
  const statements = all.filter((s) => s.purpose !== 'postBanishment');
  const afterBanishment = all.filter((s) => s.purpose === 'postBanishment');
  if (round === 0) lines.push(...statements.map((s) => say(s, view)));
  else {
    for (const pass of [...new Set(statements.map((s) => s.pass))]) {
      lines.push(`Discussion, pass ${pass}:`, ...statements.filter((s) => s.pass === pass).map((s) => say(s, view)));
    }
  }
  for (const b of view.ballots.filter((x) => x.round === round)) lines.push(`${ballotTitle(b)}: ${votesLine(b, view)}`);
  const banished = eliminationLines(view, round).filter((l) => l.startsWith('Banished'));
  lines.push(...banished);
  if (afterBanishment.length) lines.push('After the banishment:', ...afterBanishment.map((s) => say(s, view)));
  const chat = (view.traitorChat ?? []).filter((s) => s.round === round);
  if (chat.length) lines.push('Night, traitors only:', ...chat.map((s) => say(s, view)));
  for (const b of (view.nightBallots ?? []).filter((x) => x.round === round)) lines.push(`${ballotTitle(b)}: ${votesLine(b, view)}`);
  lines.push(...eliminationLines(view, round).filter((l) => !l.startsWith('Banished')));
  return lines;
}

/** An older round reduced to its facts: who voted for whom and who left the game. */
function summaryRound(view: SeatView, round: number): string {
  if (round === 0) return `Introductions (summary): ${view.statements.filter((s) => s.round === 0).length} players introduced themselves.`;
  const parts: string[] = [];
  for (const b of view.ballots.filter((x) => x.round === round)) parts.push(`${ballotTitle(b)}: ${votesLine(b, view)}`);
  for (const b of (view.nightBallots ?? []).filter((x) => x.round === round)) parts.push(`${ballotTitle(b)}: ${votesLine(b, view)}`);
  parts.push(...eliminationLines(view, round));
  return `Round ${round} (summary, statements omitted): ${parts.join(' ') || 'no votes.'}`;
}

function status(view: SeatView): string {
  const alive = view.alive.map((a, s) => (a ? seatLabel(s, view.names) : null)).filter((x): x is string => x !== null);
  const lines = [`Round ${view.round === 0 ? '0 (introductions)' : view.round}. Living players (${alive.length}): ${alive.join(', ')}.`];
  const gone = view.eliminations.map((e) => `${seatLabel(e.seat, view.names)} (${e.cause} in round ${e.round}${e.role ? `, ${e.role}` : ''})`);
  if (gone.length) lines.push(`Out of the game: ${gone.join(', ')}.`);
  if (view.role === 'traitor' && view.fellowTraitors?.length) {
    const fellows = view.fellowTraitors.map((s) => `${seatLabel(s, view.names)}${view.alive[s] ? '' : ' (out)'}`);
    lines.push(`Your fellow traitors: ${fellows.join(', ')}.`);
  }
  if (view.myBeliefs) {
    const mine = Object.entries(view.myBeliefs).map(([s, v]) => `${view.names[Number(s)]} ${v}`).join(', ');
    lines.push(`Your last suspicion ratings: ${mine}.`);
  }
  return lines.join('\n');
}

function memory(view: SeatView): string {
  const lines: string[] = ['## What you have seen so far'];
  const firstFull = Math.max(0, view.round - TRAITORS_FULL_ROUNDS + 1);
  for (let round = 0; round <= view.round; round++) {
    if (round === 0 && !view.statements.some((s) => s.round === 0)) continue;
    if (round < firstFull) lines.push(summaryRound(view, round));
    else lines.push(...fullRound(view, round));
  }
  lines.push('', '## Now', status(view));
  return lines.join('\n');
}

function task(view: SeatView, input: PromptInput<TraitorsView>): string {
  const p = input.pending;
  const rolePhrase = view.role === 'traitor' ? 'a traitor' : 'faithful';
  switch (p.kind) {
    case 'speak': {
      if (p.purpose === 'introduction') return `Introductions: introduce yourself to the group in one short public statement. Everybody hears it. Remember that you are ${rolePhrase}.`;
      if (p.channel === 'traitors' || p.purpose === 'traitorChat') {
        const traitors = new Set([view.seat, ...(view.fellowTraitors ?? [])]);
        const prey = view.alive.flatMap((alive, s) => (alive && !traitors.has(s) ? [seatLabel(s, view.names)] : []));
        const recruiting = view.phase.kind === 'nightChat' && view.phase.ballot === 'recruit';
        if (recruiting) return `Night: a traitor was banished today, so tonight there is no murder: the traitors offer one faithful player to join them. Talk privately with your fellow traitors (only they see this) about whom to offer. The living faithful: ${prey.join(', ')}.`;
        return `Night: talk privately with your fellow traitors (only they see this) about whom to murder tonight and how to play tomorrow. The living faithful: ${prey.join(', ')}.`;
      }
      if (p.purpose === 'postBanishment') return `After the banishment: say once, publicly, what you make of it and whom you now suspect. Every player hears you. Remember that you are ${rolePhrase}.`;
      const phase = view.phase.kind === 'discussion' ? view.phase : null;
      const pass = phase ? ` (pass ${phase.pass} of ${phase.passes}: ${phase.pass === 1 ? 'make your statement' : 'react to what has been said'})` : '';
      return `Discussion${pass}: it is your turn to speak publicly. Every player hears you. Remember that you are ${rolePhrase}.`;
    }
    case 'beliefs':
      return 'Privately rate, for each listed player, how likely they are a traitor: 0 = surely faithful, 100 = surely a traitor. Nobody else will ever see these numbers.';
    case 'vote':
      if (p.purpose === 'murder') return 'Night: choose the faithful player the traitors murder tonight. The traitors vote secretly; the most votes decide.';
      if (p.purpose === 'recruit') return 'Night: choose the faithful player the traitors offer to join them (instead of a murder tonight). The traitors vote secretly; the most votes decide. If they accept they become a traitor; if they refuse they stay faithful.';
      if (p.purpose === 'revote') return 'The round-table vote was tied. Revote: choose one of the tied players to banish.';
      return view.votesRevealed
        ? 'Round table: vote to banish one player. Votes are secret until all are in, then revealed together; the most votes are banished.'
        : 'Round table: vote to banish one player. Votes stay secret (only the result is announced); the most votes are banished.';
    case 'choose':
      return recruitOfferTask(input.view);
    case 'propose':
      throw new Error('traitors prompt: unexpected propose request');
  }
}

/** The offer names no traitor: accepting is how the seat learns them; the cost of refusing is the rule's (in the offer's phase view). */
function recruitOfferTask(view: TraitorsView): string {
  const cost = view.phase.kind === 'offer' && view.phase.refusal === 'murdered' ? 'you stay faithful, but the traitors murder you tonight' : 'you stay faithful and nothing else happens';
  return `Night: the traitors secretly offer you a place among them. Accept: from now on you are a traitor, you learn who the other traitors are and you win with them. Refuse: ${cost}. Nobody else learns of this offer. Choose "accept" or "refuse".`;
}

export const traitorsPrompter: GamePrompter<TraitorsView> = (input): PromptParts => {
  const view = seatView(input.view);
  return { system: systemPrompt(view, input.persona), memory: memory(view), task: task(view, input) };
};
