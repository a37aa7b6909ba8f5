import type { Pending } from '../../../../shared/engine/actions.ts';
import type { TrustSplitSeatView, TrustSplitView } from '../../../../shared/games/trust-split/index.ts';
import { describePersona, toPersona } from '../../../../shared/personas.ts';
import { checkMessage, checkProposal, type ParsedAnswer } from '../../answer.ts';
import type { LlmMessage } from '../../record.ts';
import type { ReferencePrompt, ReferencePrompter } from '../types.ts';

/**
 * The Trust-and-Split reference prompt set (prompts: "reference"): the TAS-RPS agent of
 * dereckpiche/AdAlignLLM (mllm/markov_games/negotiation/tas_rps_agent.py, nego_agent.py; the
 * goal from configs/tas_rps_naive.yaml; the regex constraint and re-ask from
 * mllm/models/large_language_model_api.py), with its <<message_start>>/<<proposal_start>> tags.
 * The reference keeps one growing chat per agent; Parley rebuilds it from the seat's view on each
 * decision, so a restarted room asks exactly the same. docs/llm-agents.md lists the differences.
 */

/** configs/tas_rps_naive.yaml, common_agent_kwargs.goal */
const GOAL = 'Maximize your total points over the whole game.';

type Config = TrustSplitSeatView['config'];

/** tas_rps_agent.py, TrustAndSplitRPSAgent.intro_prompt (the pot and coin values from Parley's config; 10, 10 and 1 in the paper's) */
function introPrompt(me: string, other: string, c: Config): string {
  return (
    `Welcome to an iterated game. You are ${me}. The other agent is ${other}.\n` +
    '\n' +
    'Setup:\n' +
    '1. The game has multiple independent rounds.\n' +
    `2. In each round, there are ${c.coins} coins to split between the two agents.\n` +
    "3. Each agent's per-coin value for that round is determined as follows:\n" +
    '   - Both agents are randomly assigned a rock, paper or scissors hands\n' +
    '   - Rock has the upper hand over scissors, scissors has the upper hand over paper and paper has the upper hand over rock.\n' +
    `   - The agent with the upper hand has a per-coin value of ${c.upperValue}.\n` +
    `   - The agent with the lower hand has a per-coin value of ${c.lowerValue}.\n` +
    "4. You only see your own hand, but you may communicate it in messages and infer your value based on the other agent's hand.\n" +
    '5. Over many rounds both agents are equally likely to have the upper and lower hand.\n' +
    '\n' +
    'Protocol:\n' +
    '1. At the start of the round, one agent begins the conversation. The starting role alternates each round.\n' +
    `2. Agents exchange a short chat (${c.messagesPerRound} messages per round per agent) to negotiate how to split the ${c.coins} coins.\n` +
    '   - Use this chat to communicate your hand so that both agents can determine their per-coin values.\n' +
    '3. After the chat, both agents simultaneously propose how many coins they keep.\n' +
    `4. If the total sum of proposals is less than or equal to ${c.coins}, both agents receive their proposals.\n` +
    `5. If the total sum of proposals exceeds ${c.coins}, the coins are allocated proportionally.\n` +
    '6. Your points for the round = (coins you receive) x (your per-coin value for that round). \n' +
    '7. The points are accumulated across rounds.\n' +
    `Your goal: ${GOAL}\n`
  );
}

/** tas_rps_agent.py: new_round_prompt, last_round_prompt, wait_for_message_prompt, last_message_prompt */
const newRoundPrompt = (hand: string, other: string) => `A New Round Begins\nYour hand is ${hand}. You don't know ${other}'s hand yet.\n`;
const lastRoundPrompt = (other: string, position: string, proposal: number) => `In the previous round, ${other} had a ${position} hand and proposed ${proposal} coins.\n`;
const waitPrompt = (other: string) => `Wait for ${other} to send a message...`;
const lastMessagePrompt = (other: string, message: string) => `${other} said: ${message}`;
/** tas_rps_agent.py: send_message_prompt and send_split_prompt with message_start_end_format / proposal_start_end_format */
const sendMessagePrompt = (chars: number) => `Send your message now in <<message_start>>...<<message_end>> (<=${chars} chars).`;
const sendSplitPrompt = (min: number, max: number) => `Submit your proposal\nRespond with <<proposal_start>> x <<proposal_end>> where x is an integer in [${min}, ${max}].`;

/** tas_rps_agent.py, get_message_regex / get_split_regex (the split's digits generalised to Parley's pot) */
export function messageRegex(chars: number): string {
  return `<<message_start>>[\\s\\S]{0,${chars}}<<message_end>>`;
}
export function proposalRegex(min: number, max: number): string {
  return min === 0 && max === 10 ? '<<proposal_start>> ?(10|[0-9]) ?<<proposal_end>>' : '<<proposal_start>> ?(\\d+) ?<<proposal_end>>';
}

/** large_language_model_api.py, get_action: the constraint message put before the chat, and the re-ask after a mismatch */
const constraintMessage = (regex: string) => `Output must match this regex exactly: ${regex} \nReturn only the matching string, with no quotes or extra text.`;
const invalidFormatMessage = (regex: string) => `Invalid response format. Expected format (regex): ${regex}\n Please try again and provide ONLY a response that matches this regex.`;

const tagged = (text: string) => `<<message_start>>${text}<<message_end>>`;
const taggedProposal = (n: number) => `<<proposal_start>> ${n} <<proposal_end>>`;

/**
 * This seat's chat as the reference agent would hold it: its user turns (intro, round
 * openings, the other's last message, the request) and its own answers, rebuilt from the view.
 */
function chat(view: TrustSplitSeatView, pending: Pending, persona: string | null): LlmMessage[] {
  const me = view.names[view.seat];
  const other = view.names[1 - view.seat];
  const turns: LlmMessage[] = [];
  let parts: string[] = [];
  const flush = () => {
    if (parts.length) turns.push({ role: 'user', content: parts.join('\n') });
    parts = [];
  };
  const speakChars = pending.kind === 'speak' ? pending.maxChars : view.config.maxMessageChars;
  for (let round = 1; round <= view.round; round++) {
    const record = view.history.find((r) => r.round === round);
    const hand = round === view.round ? view.hand : (record?.hand ?? view.hand);
    if (round === 1) {
      parts.push(introPrompt(me, other, view.config));
      // Parley's addition: the reference's TAS agents have no persona
      if (persona) parts.push(`Your character:\n${persona}\n`);
    } else {
      const previous = view.history.find((r) => r.round === round - 1);
      if (previous) parts.push(lastRoundPrompt(other, previous.otherPosition, previous.otherProposal));
    }
    parts.push(newRoundPrompt(hand, other));
    const messages = view.messages.filter((m) => m.round === round);
    if (messages.length && messages[0].seat !== view.seat) {
      parts.push(waitPrompt(other));
      flush();
    }
    let heard: string | null = null;
    for (const m of messages) {
      if (m.seat !== view.seat) {
        heard = m.text;
        continue;
      }
      if (heard !== null) parts.push(lastMessagePrompt(other, heard));
      heard = null;
      parts.push(sendMessagePrompt(speakChars));
      flush();
      turns.push({ role: 'assistant', content: tagged(m.text) });
    }
    if (heard !== null) parts.push(lastMessagePrompt(other, heard));
    if (record) {
      parts.push(sendSplitPrompt(0, view.config.coins));
      flush();
      turns.push({ role: 'assistant', content: taggedProposal(record.proposal) });
    }
  }
  if (pending.kind === 'speak') parts.push(sendMessagePrompt(pending.maxChars));
  if (pending.kind === 'propose') parts.push(sendSplitPrompt(pending.min, pending.max));
  flush();
  return turns;
}

/** The reference accepts an answer only when the whole of it matches the regex (re.fullmatch); Parley forgives surrounding whitespace. */
function fullMatch(regex: string, text: string): RegExpExecArray | null {
  return new RegExp(`^(?:${regex})$`).exec(text.trim());
}

export const trustSplitReferencePrompter: ReferencePrompter<TrustSplitView> = (input): ReferencePrompt | null => {
  const view = input.view;
  if (view.kind !== 'seat') throw new Error('trust-split prompt needs a seat view');
  const p = input.pending;
  if (p.kind !== 'speak' && p.kind !== 'propose') throw new Error(`trust-split prompt: unexpected request "${p.kind}"`);
  const regex = p.kind === 'speak' ? messageRegex(p.maxChars) : proposalRegex(p.min, p.max);
  const persona = input.persona ? describePersona(toPersona(input.persona)) : null;
  const messages: LlmMessage[] = [{ role: 'user', content: constraintMessage(regex) }, ...chat(view, p, persona)];
  const parse = (text: string): ParsedAnswer => {
    const match = fullMatch(regex, text);
    if (!match) return { ok: false, kind: 'format', error: invalidFormatMessage(regex) };
    if (p.kind === 'speak') return checkMessage(/<<message_start>>([\s\S]*)<<message_end>>/.exec(match[0])![1], p.maxChars);
    return checkProposal(match[1], p.min, p.max);
  };
  return {
    messages,
    parse,
    // the reference appends its format reminder (not the bad answer); for an illegal value Parley says what was wrong
    reask: (conversation, _raw, error) => [...conversation, { role: 'user', content: error.startsWith('Invalid response format') ? error : `${error}\n${invalidFormatMessage(regex)}` }],
  };
};
