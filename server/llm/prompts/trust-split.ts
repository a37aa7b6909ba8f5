import type { TrustSplitSeatView, TrustSplitView } from '../../../shared/games/trust-split/index.ts';
import type { SeatRoundRecord, TranscriptEntry } from '../../../shared/games/trust-split/state.ts';
import type { PersonaInput } from '../../../shared/personas.ts';
import { personaSection, type GamePrompter, type PromptInput, type PromptParts } from './types.ts';

/**
 * Trust-and-Split prompts after the reference (Piche et al., TAS-RPS): the setup, the protocol,
 * the goal, then the running conversation round by round with each round's feedback, "your hand
 * is H", and the task.
 */
function seatView(view: TrustSplitView): TrustSplitSeatView {
  if (view.kind !== 'seat') throw new Error('trust-split prompt needs a seat view');
  return view;
}

function fmt(n: number): string {
  return Number.isInteger(n) ? String(n) : n.toFixed(2);
}

function coins(n: number): string {
  return `${fmt(n)} coin${n === 1 ? '' : 's'}`;
}

function systemPrompt(view: TrustSplitSeatView, persona: PersonaInput | undefined): string {
  const c = view.config;
  const other = view.names[1 - view.seat];
  const handsRule = c.alternatingHands
    ? 'After the first round the hands alternate: whoever had the lower hand gets the upper hand in the next round.'
    : 'Over the rounds, having the upper hand or the lower hand is equally likely.';
  const talk =
    c.messagesPerRound === 0
      ? 'There is no talk: each round you only propose.'
      : `Talk: each round the two players send messages in strict alternation, ${c.messagesPerRound} message${c.messagesPerRound > 1 ? 's' : ''} each, at most ${c.maxMessageChars} characters per message (an empty message is allowed). The first speaker is drawn at the start of the game and alternates every round. Messages are the only way to learn anything about the other's hand within a round; nothing forces anyone to tell the truth.`;
  const feedback =
    c.feedback === 'full'
      ? 'Feedback: at the start of each round you learn both hands of the previous round, both proposals, the coins each player received and both players\' points.'
      : 'Feedback: at the start of each round you learn whether the other player had the upper or the lower hand in the previous round and how many coins they proposed. You are not told your points.';
  return `You are playing Trust-and-Split, a repeated two-player game, against one other player, ${other}. You are ${view.names[view.seat]}.

## Setup
- Each round there are ${c.coins} coins to split between the two of you.
- Each round both players are dealt a hand: rock, paper or scissors. The two hands are always different. Rock beats scissors, scissors beats paper, paper beats rock.
- The player whose hand wins has the upper hand and values each coin at ${fmt(c.upperValue)} points. The other has the lower hand and values each coin at ${fmt(c.lowerValue)} point${c.lowerValue === 1 ? '' : 's'}.
- You see only your own hand, so you do not know whether you hold the upper hand unless you learn the other player's hand. ${handsRule}

## Each round
1. ${talk}
2. Split: both players propose, at the same time and in secret, how many coins they keep: a whole number from 0 to ${c.coins}. If the two proposals add up to at most ${c.coins}, each gets what they proposed (leftover coins are lost). Otherwise the coins are shared in proportion: you get ${c.coins} × your proposal ÷ (your proposal + theirs).
3. Points: the coins you receive × your coin value this round. Points add up over the game.
${feedback}

The game lasts ${c.rounds} rounds. Your goal: maximise your total points over the game.${personaSection(persona)}`;
}

function feedbackLine(record: SeatRoundRecord, other: string): string {
  const base = `${other} had the ${record.otherPosition} hand and proposed ${coins(record.otherProposal)}; you proposed ${fmt(record.proposal)}.`;
  if (!record.full) return base;
  const f = record.full;
  return `${base} Hands: yours ${record.hand}, ${other}'s ${f.otherHand}. You received ${coins(f.coins)} (${fmt(f.points)} points); ${other} received ${coins(f.otherCoins)} (${fmt(f.otherPoints)} points).`;
}

function conversation(entries: readonly TranscriptEntry[], view: TrustSplitSeatView): string[] {
  return entries.map((m) => {
    const who = m.seat === view.seat ? 'You' : view.names[m.seat];
    if (m.timedOut) return `${who}: (sent nothing in time)`;
    return `${who}: ${m.text ? JSON.stringify(m.text) : '(an empty message)'}`;
  });
}

/** The running conversation: every round so far, each with its messages and the feedback that followed. */
function memory(view: TrustSplitSeatView): string {
  const other = view.names[1 - view.seat];
  const byRound = new Map<number, TranscriptEntry[]>();
  for (const m of view.messages) {
    if (!byRound.has(m.round)) byRound.set(m.round, []);
    byRound.get(m.round)!.push(m);
  }
  const feedbackByRound = new Map(view.history.map((r) => [r.round, r]));
  const lines: string[] = ['## The game so far'];
  for (let round = 1; round < view.round; round++) {
    const record = feedbackByRound.get(round);
    lines.push(`### Round ${round}${record ? ` (your hand: ${record.hand})` : ''}`);
    const said = byRound.get(round) ?? [];
    lines.push(...(said.length ? conversation(said, view) : ['(no messages)']));
    if (record) lines.push(`Feedback: ${feedbackLine(record, other)}`);
  }
  if (view.round === 1) lines.push('(this is the first round)');
  lines.push(`### Round ${view.round} of ${view.config.rounds} (now)`);
  if (view.totals) lines.push(`Points so far: you ${fmt(view.totals[view.seat])}, ${other} ${fmt(view.totals[1 - view.seat])}.`);
  lines.push(`Your hand is ${view.hand}.`);
  const firstSpeaker = view.firstSpeaker === view.seat ? 'You speak' : `${other} speaks`;
  if (view.config.messagesPerRound > 0) lines.push(`${firstSpeaker} first this round.`);
  const now = byRound.get(view.round) ?? [];
  lines.push(...(now.length ? conversation(now, view) : view.config.messagesPerRound > 0 ? ['(no messages yet this round)'] : []));
  return lines.join('\n');
}

function task(view: TrustSplitSeatView, input: PromptInput<TrustSplitView>): string {
  const other = view.names[1 - view.seat];
  if (input.pending.kind === 'speak') {
    const sent = view.messages.filter((m) => m.round === view.round && m.seat === view.seat).length;
    const quota = view.config.messagesPerRound;
    return `It is your turn to send a message to ${other} (your message ${sent + 1} of ${quota} this round). Your hand is ${view.hand}.`;
  }
  if (input.pending.kind === 'propose') {
    return `The talk is over for this round. Your hand is ${view.hand}. Propose how many of the ${view.config.coins} coins you keep; ${other} proposes at the same time.`;
  }
  throw new Error(`trust-split prompt: unexpected request "${input.pending.kind}"`);
}

export const trustSplitPrompter: GamePrompter<TrustSplitView> = (input): PromptParts => {
  const view = seatView(input.view);
  return { system: systemPrompt(view, input.persona), memory: memory(view), task: task(view, input) };
};
