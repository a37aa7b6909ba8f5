import type { SeatId } from '../../../../shared/engine/actions.ts';
import type { StatementRecord } from '../../../../shared/games/traitors/types.ts';
import type { TraitorsView } from '../../../../shared/games/traitors/view.ts';
import { toPersona, type Persona } from '../../../../shared/personas.ts';
import { checkMessage, checkVote, type ParsedAnswer } from '../../answer.ts';
import type { LlmMessage } from '../../record.ts';
import type { ReferencePrompt, ReferencePrompter } from '../types.ts';

/**
 * The Traitors reference prompt set (prompts: "reference"): the wording and answer formats of
 * pedrocurvo/TheTraitors (src/prompt_manager.py, src/traitors_game.py, src/agent.py), mapped onto
 * Parley's requests. Players are "Player N" (N = Parley's seat number), as in the reference.
 * docs/llm-agents.md lists where this differs from the reference code.
 */

// --- the reference's strings (quoted as data; source: file and function or constant) ----------------

/** prompt_manager.py, PromptManager.FAITHFUL_SYSTEM_PROMPT */
const FAITHFUL_SYSTEM_PROMPT = `
You are playing as a Faithful player in The Traitors game. Your goal is to identify and eliminate all Traitors.

CORE STRATEGY:
- Observe carefully: Look for inconsistencies in statements
- Build trust: Form alliances with other players you believe are Faithful
- Be strategic: Make calculated accusations based on evidence
- Stay alert: Traitors are trying to blend in and appear trustworthy

WINNING CONDITION: All Traitors must be eliminated for Faithfuls to win.

Respond as your character with appropriate emotions and strategy. Keep your actual dialogue concise (50-100 words) and place it between triple dashes like this:
---
Your in-game dialogue here
---
`;

/** prompt_manager.py, PromptManager.TRAITOR_SYSTEM_PROMPT */
const TRAITOR_SYSTEM_PROMPT = `
You are playing as a Traitor player in The Traitors game. Your goal is to eliminate Faithfuls while maintaining your cover.

CORE STRATEGY:
- Blend in: Mimic the behavior and concerns of Faithful players
- Misdirect: Subtly cast suspicion on Faithful players
- Coordinate: Work with fellow Traitors without revealing your alliance
- Adapt: Change your strategy based on who is being suspected

WINNING CONDITION: Traitors win when they equal or outnumber the Faithfuls.

Respond as your character with appropriate emotions and strategy. Keep your actual dialogue concise (50-100 words) and place it between triple dashes like this:
---
Your in-game dialogue here
---
`;

/** traitors_game.py, discussion_phase: round_topics (cycled by round) */
export const DISCUSSION_TOPICS = [
  'Who do you suspect might be a Traitor and why?',
  'What patterns of behavior have you noticed that seem suspicious?',
  "Which player's arguments or defenses seem inconsistent or weak?",
  'Who do you trust the most and why?',
  'What strategy do you think the Traitors are using in this game?',
  'Who has been flying under the radar and not contributing much to discussions?',
] as const;

/** traitors_game.py, discussion_phase: reaction_prompts (index: speaker position + round) */
export const REACTION_PROMPTS = [
  "Now that you've heard everyone's thoughts, what's your response?",
  'Do you agree or disagree with any particular accusations? Explain why.',
  'Has anyone said something that changed your perspective?',
  "Would you like to defend yourself or challenge someone else's statement?",
  'What important points do you think are being overlooked in this discussion?',
] as const;

/** prompt_manager.py, get_traitor_meeting_prompt: strategic_questions (cycled by round) */
const MEETING_QUESTIONS = [
  'Who is the most dangerous Faithful that could expose us?',
  'Which Faithful seems most trusted by others?',
  'Who would be least suspicious for us to eliminate?',
  "Is there a Faithful who's close to figuring out our identities?",
  "Should we eliminate someone who's been quiet, or someone vocal?",
] as const;

/** traitors_game.py, traitor_discussion_phase: consensus_prompt by round */
function consensusPrompt(round: number): string {
  if (round === 1) return 'This is our first elimination. Based on our discussion, who should we target? Consider both immediate benefit and long-term strategy.';
  if (round < 3) return 'The game is still developing. Which elimination would best position us for the mid-game? Consider both eliminating threats and maintaining our cover.';
  return "We're getting closer to our goal. Which strategic elimination would bring us closest to victory? Consider both the numbers and which Faithfuls pose the greatest threat to our identities.";
}

/** traitors_game.py, traitor_elimination_phase: elimination_context by round */
function eliminationContext(round: number): string {
  if (round === 1) return 'This is your first night elimination. Choose wisely to set up your long-term strategy.';
  if (round < 3) return 'The game is developing. Consider eliminating someone who poses a threat to your secrecy.';
  return 'The end game approaches. Each elimination brings you closer to victory.';
}

/** prompt_manager.py, get_voting_prompt: round_context by round */
function votingRoundContext(round: number): string {
  if (round === 1) return 'This is the first elimination. You have limited information, but must make a choice.';
  if (round < 3) return 'The game is still in early stages. Consider both discussions and past eliminations.';
  return 'The game is progressing. Look for patterns that could reveal who the Traitors are.';
}

/** prompt_manager.py, get_post_elimination_prompt (a role not revealed: Parley's `revealRoleOnBanish: false`, which the reference never has) */
function postEliminationPrompt(seat: SeatId, role: string | null): string {
  const who = role ? `Player ${seat} was eliminated and was a ${roleWord(role)}.` : `Player ${seat} was eliminated. Their role was not revealed.`;
  return `${who}\n\nWhat are your thoughts on this elimination? Has this changed your suspicions?\n\nBe strategic based on your role. Consider past eliminations and discussions.`;
}

// Parley's recruitment nights (the reference has no recruitment): short wording in the reference's manner, not quoted from it
const RECRUIT_QUESTION = 'A Traitor was banished today, so tonight there is no elimination: we offer one Faithful the chance to join us. Which Faithful would be most useful to us, and trusted by the others?';
const RECRUIT_CONSENSUS = 'Tonight we recruit instead of eliminating. Based on our discussion, whom should we offer to join us? Consider both who would accept and who the Faithfuls trust.';
const RECRUIT_VOTE = 'A Traitor was banished today, so tonight there is no elimination. Your vote will determine which Faithful is offered the chance to become a Traitor. Choose strategically to advance the Traitors\' position in the game.';

/** prompt_manager.py, _format_traits: the traits in the second person (the reference's YOUR CHARACTER) */
function characterLines(persona: Persona | undefined): string[] {
  if (!persona) return [];
  const lines: string[] = [];
  if (persona.biography) lines.push(persona.biography);
  const t = persona.traits;
  if (!t) return lines;
  if (t.age !== undefined && t.nationality && t.profession) lines.push(`You are a ${t.age}-year-old ${t.nationality} ${t.profession}.`);
  if (t.ethnicity) lines.push(`You are ${t.ethnicity}.`);
  if (t.civilStatus) lines.push(`You are ${t.civilStatus}.`);
  if (t.children !== undefined) lines.push(t.children === 0 ? 'You have no children.' : t.children === 1 ? 'You have one child.' : `You have ${t.children} children.`);
  if (t.genderPronoun === 'he') lines.push('Speak with a voice that reflects your male perspective and life experiences.');
  if (t.genderPronoun === 'she') lines.push('Express yourself in a way that reflects your female perspective and background.');
  return lines;
}

// --- the reference's answer formats ------------------------------------------------------------------

/** agent.py, Agent.extract_dialogue: the text between the first pair of --- markers, else the whole response. */
export function extractDialogue(response: string): string {
  const match = /---\s*([\s\S]*?)\s*---/.exec(response);
  return match ? match[1].trim() : response;
}

/** traitors_game.py, process_vote: the first run of digits in the response is the player number. */
export function firstPlayerNumber(response: string): number | null {
  const match = /\d+/.exec(response);
  return match ? Number(match[0]) : null;
}

// --- Parley's view in the reference's words -----------------------------------------------------------

type SeatView = TraitorsView & { seat: SeatId };

const player = (s: SeatId) => `Player ${s}`;
const roleWord = (role: string | null) => (role === 'traitor' ? 'Traitor' : 'Faithful');

function living(view: SeatView): SeatId[] {
  return view.alive.flatMap((a, s) => (a ? [s] : []));
}

/** traitors_game.py, process_elimination: the moderator's sentences, one per elimination so far. */
function eliminationMessages(view: SeatView): string[] {
  return view.eliminations.map((e) =>
    e.cause === 'murdered'
      ? `Player ${e.seat} was eliminated by the traitors in the night.`
      : `Player ${e.seat} was eliminated.${e.role ? ` Player ${e.seat} was a ${roleWord(e.role)}.` : ''}`,
  );
}

/** traitors_game.py, get_game_status */
function gameStatus(view: SeatView): string {
  const out = view.eliminations.map((e) => e.seat);
  let status = `Round ${view.round}: Active players: ${living(view).join(', ')}. `;
  if (out.length) status += `Eliminated players: ${out.join(', ')}. `;
  return status + `Game history: ${eliminationMessages(view).join(' ')}`;
}

function said(statements: readonly StatementRecord[], prefix: (s: SeatId) => string): string[] {
  return statements.filter((s) => !s.skipped).map((s) => `${prefix(s.seat)}: ${s.text}`);
}

/**
 * The seat's memory in the reference's sections. The reference keeps model-written summaries (one
 * extra call per player per phase); Parley keeps the facts instead: names, events, the recent rounds' statements.
 */
function memory(view: SeatView): string {
  const sections: string[] = [];
  // the moderator's biographies (introductions "biographies") stand where the reference keeps each
  // agent's notes on them ("THOUGHTS ON PLAYERS BACKGROUNDS" → player_info): Parley keeps the text read out
  const bio = new Map((view.biographies?.biographies ?? []).map((b) => [b.seat, b.text]));
  const info = view.names.map((n, s) => `Player ${s}: called ${n}.${bio.has(s) && s !== view.seat ? ` ${bio.get(s)}` : ''}`);
  const unknown = (view.biographies?.unknown ?? []).filter((s) => s !== view.seat);
  // traitors_game.py, introduction_phase: the moderator names the players it has no background for
  if (view.biographies && unknown.length) info.push(`I do not have background information about Player(s): ${unknown.join(', ')}.`);
  sections.push(`--- PLAYER INFORMATION ---\n${info.join('\n')}\n`);
  if (view.eliminations.length) {
    sections.push(`--- GAME EVENTS ---\n${view.eliminations.map((e, i) => `Round ${e.round}: ${eliminationMessages(view)[i]}`).join('\n')}\n`);
  }
  const recent: string[] = [];
  // the round being discussed is in the request itself ("Current discussion"), not in memory
  const last = view.phase.kind === 'discussion' || view.phase.kind === 'introductions' ? view.round - 1 : view.round;
  for (let round = Math.max(0, last - 2); round <= last; round++) {
    const lines = said(view.statements.filter((s) => s.round === round), player);
    if (view.role === 'traitor') lines.push(...said((view.traitorChat ?? []).filter((s) => s.round === round), (s) => `Traitor ${s}`));
    if (lines.length) recent.push(`Round ${round} Summary: ${lines.join(' ')}`);
  }
  if (recent.length) sections.push(`--- RECENT ROUNDS ---\n${recent.join('\n')}\n`);
  return sections.join('\n\n');
}

/** prompt_manager.py, get_system_prompt: role prompt, identity, character, fellow traitors, memory. */
function systemPrompt(view: SeatView, persona: Persona | undefined): string {
  const base = view.role === 'traitor' ? TRAITOR_SYSTEM_PROMPT : FAITHFUL_SYSTEM_PROMPT;
  const identity = `\nYOUR IDENTITY: You are Player ${view.seat}.`;
  const character = characterLines(persona);
  const traits = character.length ? `\n\nYOUR CHARACTER:\n${character.join('\n')}` : '';
  const fellows = view.role === 'traitor' && view.fellowTraitors?.length ? `\n\nYOUR FELLOW TRAITORS: Players ${view.fellowTraitors.join(', ')}` : '';
  const mem = memory(view);
  return `${base}${identity}${traits}${fellows}${mem ? `\n\nYOUR MEMORY:\n${mem}` : ''}`;
}

function lastBanished(view: SeatView) {
  return [...view.eliminations].reverse().find((e) => e.cause === 'banished');
}

/** The moderator's announcement of last night's murder (traitors_game.py, traitors_last_eliminated), when the last elimination was one. */
function murderAnnouncement(view: SeatView): string[] {
  const last = view.eliminations[view.eliminations.length - 1];
  return last && last.cause === 'murdered' ? [`Moderator: Player ${last.seat} was eliminated last night by the traitors.`] : [];
}

function speakPrompt(view: SeatView, purpose: string, channel: string): string {
  const round = view.round;
  const traitor = view.role === 'traitor';
  if (purpose === 'introduction') {
    // prompt_manager.py, get_introduction_prompt (the reference reads introductions aloud; Parley's players speak them)
    const intros = said(view.statements.filter((s) => s.round === 0), player);
    return (
      `These are the introductions of all players:\n${intros.length ? intros.join('\n') : '(nobody has introduced themselves yet)'}\n\n` +
      'As your character, what do you find most interesting or noteworthy about the other players?\n\n' +
      'What information might be useful to remember?\n\n' +
      'Consider their professions, backgrounds, and any potential connections or suspicions.\n\n' +
      'Then introduce yourself to the group: your introduction is the dialogue between the triple dashes.'
    );
  }
  if (channel === 'traitors' || purpose === 'traitorChat') {
    const chat = (view.traitorChat ?? []).filter((s) => s.round === round);
    const pass = view.phase.kind === 'nightChat' ? view.phase.pass : 1;
    const recruiting = view.phase.kind === 'nightChat' && view.phase.ballot === 'recruit';
    if (pass > 1) {
      // traitors_game.py, traitor_discussion_phase: the consensus round, over the meeting (pass 1) only
      const meeting = said(chat.filter((s) => s.pass === 1), (s) => `Traitor ${s}`).join(' ');
      return `${recruiting ? RECRUIT_CONSENSUS : consensusPrompt(round)} Discussion: ${meeting}`;
    }
    // prompt_manager.py, get_traitor_meeting_prompt
    const traitors = living(view).filter((s) => s === view.seat || (view.fellowTraitors ?? []).includes(s));
    const faithful = living(view).filter((s) => !traitors.includes(s));
    const question = recruiting ? RECRUIT_QUESTION : MEETING_QUESTIONS[(round - 1 + MEETING_QUESTIONS.length) % MEETING_QUESTIONS.length];
    const first = chat.length === 0;
    const action = first
      ? `As the first to speak in this secret meeting, assess the current situation.\n\n${question}\n\n${recruiting ? 'Suggest whom to recruit' : 'Suggest a target'} and explain your reasoning strategically.`
      : `Consider what your fellow traitors have said.\n\n${question}\n\n${recruiting ? 'Do you agree with their choice? Share your thoughts on whom to recruit and why.' : 'Do you agree with their target selection? Share your thoughts on who to eliminate and why.'}`;
    const discussion = chat.length ? `\n\nTraitor discussion so far: ${said(chat, (s) => `Traitor ${s}`).join(' ')}` : '';
    return `SECRET TRAITOR MEETING: You are with your fellow traitors: ${traitors.join(', ')}.\n\nThe Faithfuls still in the game are: ${faithful.join(', ')}.\n\n${action}${discussion}`;
  }
  if (purpose === 'postBanishment') {
    // traitors_game.py, post_elimination_discussion: get_post_elimination_prompt, then what was said before in this pass
    const banished = view.phase.kind === 'postBanishment' ? view.phase.banished : lastBanished(view)?.seat;
    if (banished === undefined) throw new Error('traitors reference prompt: a post-banishment talk without a banishment');
    const record = view.eliminations.find((e) => e.cause === 'banished' && e.seat === banished && e.round === round);
    const ongoing = said(view.statements.filter((s) => s.round === round && s.purpose === 'postBanishment'), player);
    return `${postEliminationPrompt(banished, record?.role ?? null)}${ongoing.length ? `\n\nOngoing discussion: ${ongoing.join(' ')}` : ''}`;
  }
  const pass = view.phase.kind === 'discussion' ? view.phase.pass : 1;
  const firstPass = [...murderAnnouncement(view), ...said(view.statements.filter((s) => s.round === round && s.pass === 1 && s.purpose === 'discussion'), player)];
  if (pass > 1) {
    // prompt_manager.py, get_reaction_prompt, with the prompt picked as traitors_game.py does (position among the living + round)
    const position = living(view).indexOf(view.seat);
    const reaction = REACTION_PROMPTS[(position + round) % REACTION_PROMPTS.length];
    return `${reaction}\n\nDiscussion so far: ${firstPass.join(' ')}`;
  }
  // prompt_manager.py, get_discussion_prompt
  const base = round === 1 ? 'This is the first round of discussions. Share your initial thoughts about the other players.' : `Round ${round} of discussions. Consider what you've learned so far.`;
  const strategy = traitor ? 'Remember to blend in while subtly casting suspicion on Faithful players.' : 'Try to identify inconsistencies that might reveal who the Traitors are.';
  const topic = `\n\nDiscussion topic: ${DISCUSSION_TOPICS[(round - 1 + DISCUSSION_TOPICS.length) % DISCUSSION_TOPICS.length]}`;
  // get_discussion_prompt's is_first_speaker: the first of the round's speakers (with seat order, the lowest living seat), round 1 only
  const spokenThisRound = view.statements.some((s) => s.round === round && s.pass === 1 && s.purpose === 'discussion');
  const firstSpeaker = round === 1 && !spokenThisRound ? '\n\nYou are the first to speak in this game. Set the tone for the discussion.' : '';
  const context = firstPass.length ? `\n\nCurrent discussion: ${firstPass.join(' ')}` : '';
  return `Game status: ${gameStatus(view)}\n\n${base}\n\n${strategy}${topic}${firstSpeaker}${context}`;
}

function votePrompt(view: SeatView, purpose: string, options: readonly SeatId[]): string {
  const round = view.round;
  if (purpose === 'recruit') {
    // Parley's recruitment (the reference has none): the night vote's frame, asking whom to offer a place
    return (
      `Based on all discussions and your memory:\n${memory(view)}\n\n${RECRUIT_VOTE}\n\n` +
      `The active Faithfuls are: ${options.join(', ')}.\nWho are you voting to recruit? Respond with ONLY the player number.`
    );
  }
  if (purpose === 'murder') {
    // traitors_game.py, traitor_elimination_phase (the reference prints its memory object here; Parley its memory text)
    // the reference adds the meeting line when its memory holds a meeting (a night without chat has none)
    const met = (view.traitorChat ?? []).some((s) => s.round === round);
    const act =
      `${eliminationContext(round)}\n\n` +
      (met ? 'Based on your secret meeting, you discussed potential targets. Now you must make the final decision on who to eliminate.' : '') +
      '\n\n' +
      "This is the moment to act. Your vote will determine which Faithful is eliminated tonight. Choose strategically to advance the Traitors' position in the game.";
    return `Based on all discussions and your memory:\n${memory(view)}\n\n${act}\n\nThe active Faithfuls are: ${options.join(', ')}.\nWho are you voting to eliminate? Respond with ONLY the player number.`;
  }
  // prompt_manager.py, get_voting_prompt
  let hint: string;
  if (view.role === 'traitor') {
    hint = 'As a Traitor, vote strategically to either eliminate Faithfuls or deflect suspicion from yourself or fellow Traitors.';
    const fellows = (view.fellowTraitors ?? []).filter((s) => view.alive[s]);
    if (fellows.length) hint += ` Remember your fellow Traitors (Players ${fellows.join(', ')}).`;
  } else {
    hint = "As a Faithful, your goal is to identify and eliminate Traitors. Vote based on the evidence you've gathered so far.";
  }
  // the reference has no revote: Parley says why the list is short
  const revote = purpose === 'revote' ? 'The vote was tied. Revote: only the tied players can be chosen.\n\n' : '';
  return (
    `${revote}It's time to vote for elimination in Round ${round}.\n\n${votingRoundContext(round)}\n\n${hint}\n\n` +
    `The active players are: ${options.join(', ')}.\n\nWho are you voting to eliminate? Respond with ONLY the player number.`
  );
}

/** The reference never re-asks (an unusable vote is recorded as invalid); Parley needs a legal move, so it asks again with the error. */
function reask(messages: readonly LlmMessage[], raw: string, error: string): LlmMessage[] {
  return [...messages, { role: 'assistant', content: raw }, { role: 'user', content: `Your answer could not be used: ${error}` }];
}

export const traitorsReferencePrompter: ReferencePrompter<TraitorsView> = (input): ReferencePrompt | null => {
  const view = input.view;
  if (view.seat === null) throw new Error('traitors prompt needs a seat view');
  const seatView = view as SeatView;
  const p = input.pending;
  const system = systemPrompt(seatView, input.persona === undefined ? undefined : toPersona(input.persona));
  if (p.kind === 'speak') {
    const max = p.maxChars;
    return {
      system,
      messages: [{ role: 'user', content: speakPrompt(seatView, p.purpose, p.channel) }],
      parse: (text): ParsedAnswer => checkMessage(extractDialogue(text), max),
      reask: (messages, raw, error) => reask(messages, raw, `${error} Place your dialogue between triple dashes (---).`),
    };
  }
  if (p.kind === 'vote') {
    const options = p.options;
    return {
      system,
      messages: [{ role: 'user', content: votePrompt(seatView, p.purpose, options) }],
      parse: (text): ParsedAnswer => {
        const n = firstPlayerNumber(text);
        if (n === null) return { ok: false, kind: 'format', error: `Your answer has no player number. The choices are: ${options.join(', ')}.` };
        return checkVote(n, options, view.names);
      },
      reask: (messages, raw, error) => reask(messages, raw, `${error} Respond with ONLY the player number.`),
    };
  }
  // beliefs (the reference asks for none) and a recruitment offer (it has no recruitment): Parley's prompts are used
  return null;
};
