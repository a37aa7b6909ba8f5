import type { Rng } from '../../engine/rng.ts';

/**
 * Natural-language templates for the scripted agents. Conventions that `reading.ts` relies
 * on: an accusation sentence uses an accusing word (suspect, vote for, doubt, traitor, …) and
 * a defence sentence a trusting word (trust, vouch, believe in, innocent); reason sentences
 * use neither, so the people they mention are not miscounted as accused or defended.
 *
 * Agents only cite what happened: a line about votes, questions or eliminations is offered only
 * when the view shows one (the caller passes the facts). Each sentence is picked among those the
 * speaker has not said yet this game, so an agent does not repeat itself.
 */

/** Why an agent suspects someone; rendered as a reason sentence. */
export type Reason =
  | { kind: 'votedFaithful'; victim: string }
  | { kind: 'shieldedTraitor'; traitor: string }
  | { kind: 'victimSuspected'; victim: string }
  | { kind: 'defendedTraitor'; traitor: string }
  | { kind: 'hunch' };

/** What the public record shows about a suspect: the grounds a hunch may cite. */
export interface SuspectFacts {
  /** gave a (non-empty) introduction */
  introduced: boolean;
  /** accused someone in a public statement */
  accusedOthers: boolean;
  /** let a turn to speak pass in silence */
  skippedTurn: boolean;
  /** asked a question after someone else had asked one */
  questionsBack: boolean;
  /** their most recent round-table vote */
  lastVote: { target: string; round: number } | null;
}

/** A speaker's voice: its RNG and everything it said before on this channel. */
export interface Talk {
  rng: Rng;
  before: string;
}

type Template = (x: string) => string;

/** Not said yet by this speaker: none of the option's sentences. */
const fresh = (talk: Talk) => (option: string) =>
  talk.before === '' || (/[.!?]\s/.test(option) ? option.split(/(?<=[.!?])\s+/).every((sentence) => !talk.before.includes(sentence)) : !talk.before.includes(option));

/** A sentence not said yet (any when every one was said). */
function pick(talk: Talk, options: readonly string[]): string {
  const unsaid = options.filter(fresh(talk));
  return talk.rng.pick(unsaid.length > 0 ? unsaid : options);
}

/** A sentence not said yet, or '' when every one was said. Draws once either way. */
function pickOrNothing(talk: Talk, options: readonly string[]): string {
  const unsaid = options.filter(fresh(talk));
  const i = talk.rng.int(Math.max(unsaid.length, 1));
  return unsaid.length > 0 ? unsaid[i] : '';
}

const join = (...parts: string[]): string => parts.filter((p) => p !== '').join(' ');

// ---------------------------------------------------------------- introductions

const GREETINGS: readonly Template[] = [
  (me) => `Hi everyone, I'm ${me}.`,
  (me) => `${me} here.`,
  (me) => `Hello, I'm ${me}.`,
  (me) => `I'm ${me}.`,
  (me) => `Good to meet you all, I'm ${me}.`,
  (me) => `${me}, nice to meet you.`,
  (me) => `Hey all, ${me} speaking.`,
  (me) => `Evening, everyone. The name's ${me}.`,
  (me) => `Hi, ${me} here, glad to be at this table.`,
  (me) => `Greetings from ${me}.`,
  (me) => `Right, I'm ${me}.`,
  (me) => `Hello all, my name is ${me}.`,
];

const PLANS: readonly string[] = [
  "I'm here to find the traitors, and I'll weigh how people vote more than what they say.",
  "I'll keep it simple: watch who sides with whom, and the traitors will show themselves.",
  'I want us to work together from the first round table on.',
  "I don't know anyone yet, so I'll listen carefully before I point fingers.",
  "Let's be open with each other; whoever hides will stand out.",
  'My plan: ask questions, watch the round table, and follow the evidence.',
  "I'd rather be wrong out loud than silent.",
  "I'll be paying attention to who changes their story.",
  "I plan to stay calm and let the facts lead.",
  "First impressions can deceive, so I'll judge people by what they do here.",
  "I'm a patient player; expect me to speak up once there's something to go on.",
  "I have no favourites here, and I'll say what I think as it happens.",
  'Actions over words for me: I care about what people do at the round table.',
  "This is my first time at a table like this, so bear with me.",
];

const CLOSERS: readonly string[] = ['Good luck, everyone.', "Let's do this.", 'May the best side win.', 'Looking forward to it.', "Let's keep it civil."];

/**
 * An introduction that differs from every earlier one at the table: its greeting and plan are
 * ones no earlier speaker used (`earlier`: their names and texts), while any remain.
 */
export function introduction(rng: Rng, me: string, earlier: readonly { name: string; text: string }[]): string {
  const talk: Talk = { rng, before: earlier.map((e) => e.text).join('\n') };
  const greetings = GREETINGS.filter((g) => !earlier.some((e) => e.text.includes(g(e.name))));
  const greeting = rng.pick(greetings.length > 0 ? greetings : GREETINGS)(me);
  const plan = pick(talk, PLANS);
  const closer = rng.chance(0.4) ? pickOrNothing(talk, CLOSERS) : '';
  return join(greeting, plan, closer);
}

// ---------------------------------------------------------------- discussion

const ACCUSATIONS: readonly Template[] = [
  (x) => `I suspect ${x}.`,
  (x) => `Right now my vote is going to ${x}, I'm voting for ${x} unless someone changes my mind.`,
  (x) => `I have real doubts about ${x}.`,
  (x) => `${x} looks like a traitor to me.`,
  (x) => `Something about ${x} feels suspicious.`,
  (x) => `I'm not buying what ${x} is selling; I suspect them.`,
  (x) => `I suspect ${x} most of all.`,
  (x) => `I'll be voting for ${x}.`,
  (x) => `${x} is my pick for a traitor.`,
  (x) => `I can't shake my doubts about ${x}.`,
];

const REASONS: Record<Exclude<Reason['kind'], 'hunch'>, readonly ((x: string, other: string) => string)[]> = {
  votedFaithful: [
    (x, v) => `${x} voted to send ${v} home, and ${v} turned out to be faithful.`,
    (x, v) => `Remember that ${x} helped push ${v} out, and ${v} was one of us.`,
    (x, v) => `${x} put their vote on ${v}, and we lost a faithful player for it.`,
    (x, v) => `We banished ${v}, a faithful, with ${x}'s help.`,
  ],
  shieldedTraitor: [
    (x, t) => `When we finally caught ${t}, ${x} put their vote somewhere else.`,
    (x, t) => `${x} looked away from ${t} right until the end.`,
    (x, t) => `Everyone else went for ${t}, but ${x} voted elsewhere.`,
  ],
  victimSuspected: [
    (x, v) => `${v} had ${x} in their sights, and ${v} did not survive the night.`,
    (x, v) => `${v} went after ${x} at the round table and then was murdered. That is no coincidence.`,
    (x, v) => `${v} voted against ${x}, and ${v} was gone by morning.`,
  ],
  defendedTraitor: [
    (x, t) => `${x} spoke up for ${t}, and ${t} was one of them.`,
    (x, t) => `${x} stood by ${t} for far too long.`,
    (x, t) => `${x} kept covering for ${t}, right up to ${t}'s reveal.`,
  ],
};

/** Reason sentences for a hunch, each citing only what the facts show. */
function hunchReasons(x: string, facts: SuspectFacts): string[] {
  const out = [
    `${x} is the one my instinct keeps coming back to.`,
    `I have nothing solid on ${x} yet, only a feeling.`,
    `Call it instinct, but something in how ${x} talks bothers me.`,
  ];
  if (facts.introduced) out.push(`${x}'s introduction felt rehearsed.`, `${x} said all the right things at the start, almost too smoothly.`);
  if (facts.accusedOthers) out.push(`${x} keeps steering the conversation toward other people.`, `${x} has been quick to point at others.`);
  if (facts.skippedTurn) out.push(`${x} let a turn to speak go by in silence.`, `${x} has been very quiet and careful.`);
  if (facts.questionsBack) out.push(`${x} answers questions with more questions.`);
  if (facts.lastVote) out.push(`In round ${facts.lastVote.round} ${x} voted for ${facts.lastVote.target} and never explained it.`);
  return out;
}

/** An accusation of `suspect`, with the reason first (evidence, or a hunch the facts allow). */
export function accusation(talk: Talk, suspect: string, reason: Reason, facts: SuspectFacts): string {
  let because = '';
  if (reason.kind !== 'hunch') because = pickOrNothing(talk, REASONS[reason.kind].map((t) => t(suspect, 'victim' in reason ? reason.victim : reason.traitor)));
  if (because === '') because = pickOrNothing(talk, hunchReasons(suspect, facts));
  return join(because, pick(talk, ACCUSATIONS.map((t) => t(suspect))));
}

const DEFENCES: readonly Template[] = [
  (x) => `I trust ${x}, at least for now.`,
  (x) => `I'd vouch for ${x}.`,
  (x) => `For what it's worth, I believe in ${x}.`,
  (x) => `${x} strikes me as innocent.`,
  (x) => `I trust ${x} more than most here.`,
  (x) => `I'd still vouch for ${x} today.`,
];

export function defence(talk: Talk, friend: string): string {
  return pick(talk, DEFENCES.map((t) => t(friend)));
}

const AGREEMENTS: readonly Template[] = [
  (x) => `I agree about ${x}; I suspect them too.`,
  (x) => `Same here, ${x} is who I'll vote for.`,
  (x) => `You've convinced me. I have doubts about ${x} as well.`,
  (x) => `Let's not split our votes: I'm voting for ${x}.`,
  (x) => `Count me in on ${x}; I suspect them as well.`,
  (x) => `I was thinking the same about ${x}, so I'm voting for ${x}.`,
];

export function agreement(talk: Talk, suspect: string): string {
  return pick(talk, AGREEMENTS.map((t) => t(suspect)));
}

/** `myVoteCast`: the speaker has a revealed round-table vote it can point to. */
export function selfDefence(talk: Talk, myVoteCast: boolean): string {
  const lines = [
    'If you banish me you lose a faithful player and the traitors laugh. Think about it.',
    "I know some of you are looking at me, but I'm faithful.",
    'Pointing at me wastes a banishment the traitors would love you to waste.',
    "I understand the pressure, but I'm on your side.",
  ];
  if (myVoteCast) lines.push("I'm faithful, and my votes show it.", 'Look at my record at the round table before you point at me.');
  return pick(talk, lines);
}

/** `votesCast`: the table has a revealed round-table ballot to talk about. */
export function filler(talk: Talk, votesCast: boolean): string {
  const lines = [
    "I'm still making up my mind.",
    'I have nothing new to add yet.',
    'Whoever the traitors go after tonight will tell us who they fear.',
    "Let's hear from everyone before we decide.",
    "I'm listening more than talking this round.",
  ];
  if (votesCast) lines.push("Let's keep our heads and look at the votes.", 'We need to stop splitting our votes, or the traitors win.');
  return pick(talk, lines);
}

/** The traitors' night chat; `votesCast` as for `filler`. */
export function nightProposal(talk: Talk, target: string, votesCast: boolean): string {
  const lines = [
    `${target} is the biggest danger to us. Let's take ${target} out.`,
    `I say ${target}. Nobody will suspect us for that one.`,
    `We agree on ${target}? Then ${target} it is.`,
    `${target} is getting too close. Tonight it has to be ${target}.`,
    `My pick for tonight is ${target}.`,
  ];
  if (votesCast) lines.push(`Tonight we should go after ${target}; they read the votes too well.`);
  return pick(talk, lines);
}

/** The traitors' night chat on a recruitment night: whom to offer a place among them. */
export function recruitProposal(talk: Talk, target: string): string {
  return pick(talk, [
    `We lost one of us today. Let's offer ${target} a place at our table.`,
    `${target} is trusted by everyone. If ${target} joins us, nobody will look their way.`,
    `I say we ask ${target}. They are the last one the others would suspect.`,
    `My pick for the offer is ${target}.`,
  ]);
}

/**
 * The talk after a banishment (the `reference` preset's post-elimination discussion): a reaction to
 * who went and what they were (null: the role was not revealed), then who the speaker suspects next.
 */
export function afterBanishment(talk: Talk, banished: string, role: 'traitor' | 'faithful' | null, nextSuspect: string | null): string {
  const reaction =
    role === 'traitor'
      ? pick(talk, [`${banished} was a traitor. Good, but there are more of them.`, `One traitor fewer. I want to know who stood by ${banished}.`, `So ${banished} was a traitor all along. Let's keep going.`])
      : role === 'faithful'
        ? pick(talk, [`${banished} was faithful. That one is on all of us.`, `We sent a faithful player home. Whoever pushed for ${banished} has some explaining to do.`, `${banished} was faithful, one of us. The traitors will be pleased.`])
        : pick(talk, [`${banished} is gone, and we still don't know what they were.`, `With ${banished} gone, we have to keep our eyes open.`]);
  if (nextSuspect === null) return reaction;
  return join(reaction, pick(talk, [`Next I suspect ${nextSuspect}.`, `My doubts now are about ${nextSuspect}.`, `I would look at ${nextSuspect} next; I suspect them.`]));
}

/**
 * When the composed statement is one the speaker already made word for word (every pool spent),
 * a lead-in keeps it from repeating.
 */
export function unrepeated(talk: Talk, text: string, said: readonly string[]): string {
  if (!said.includes(text)) return text;
  const leads = ['Still,', 'As I said before,', 'Nothing has changed my mind:', 'Once more:', 'To repeat myself:'].filter((l) => !said.includes(`${l} ${text}`));
  return leads.length > 0 ? `${talk.rng.pick(leads)} ${text}` : text;
}
