import type { Rng } from '../../engine/rng.ts';

/**
 * Natural-language templates for the scripted agents. Conventions that `reading.ts` relies
 * on: an accusation sentence uses an accusing word (suspect, vote for, doubt, traitor, …) and
 * a defence sentence a trusting word (trust, vouch, believe in, innocent); reason sentences
 * use neither, so the people they mention are not miscounted as accused or defended.
 */

/** Why an agent suspects someone; rendered as a reason sentence. */
export type Reason =
  | { kind: 'votedFaithful'; victim: string }
  | { kind: 'shieldedTraitor'; traitor: string }
  | { kind: 'victimSuspected'; victim: string }
  | { kind: 'defendedTraitor'; traitor: string }
  | { kind: 'hunch' };

type Template = (x: string) => string;

const fill = (rng: Rng, templates: readonly Template[], x: string): string => rng.pick(templates)(x);

const INTRODUCTIONS: readonly Template[] = [
  (me) => `Hi everyone, I'm ${me}. I'm here to find the traitors, and I'll follow the votes more than the speeches.`,
  (me) => `${me} here. I'll keep it simple: watch who votes with whom, and the traitors will show themselves.`,
  (me) => `Hello! I'm ${me}. I'm loyal to this table and I want us to work together from the first vote.`,
  (me) => `I'm ${me}. I don't know anyone yet, so I'll be listening carefully before I point fingers.`,
  (me) => `Good to meet you all, I'm ${me}. Let's be open with each other; whoever hides will stand out.`,
  (me) => `${me}, nice to meet you. My plan: ask questions, watch the round table, and trust the evidence.`,
];

const ACCUSATIONS: readonly Template[] = [
  (x) => `I suspect ${x}.`,
  (x) => `Right now my vote is going to ${x}, I'm voting for ${x} unless someone changes my mind.`,
  (x) => `I have real doubts about ${x}.`,
  (x) => `${x} looks like a traitor to me.`,
  (x) => `Something about ${x} feels suspicious.`,
  (x) => `I'm not buying what ${x} is selling; I suspect them.`,
];

const REASONS: Record<Reason['kind'], readonly ((x: string, other: string) => string)[]> = {
  votedFaithful: [
    (x, v) => `${x} voted to send ${v} home, and ${v} turned out to be faithful.`,
    (x, v) => `Remember that ${x} helped push ${v} out, and ${v} was one of us.`,
  ],
  shieldedTraitor: [
    (x, t) => `When we finally caught ${t}, ${x} put their vote somewhere else.`,
    (x, t) => `${x} looked away from ${t} right until the end.`,
  ],
  victimSuspected: [
    (x, v) => `${v} had ${x} in their sights, and ${v} did not survive the night.`,
    (x, v) => `${v} went after ${x} at the round table and then was murdered. That is no coincidence.`,
  ],
  defendedTraitor: [
    (x, t) => `${x} spoke up for ${t}, and ${t} was one of them.`,
    (x, t) => `${x} stood by ${t} for far too long.`,
  ],
  hunch: [
    (x) => `${x} has been very quiet and careful.`,
    (x) => `${x} keeps steering the conversation away from themselves.`,
    (x) => `${x} answers questions with more questions.`,
  ],
};

const DEFENCES: readonly Template[] = [
  (x) => `I trust ${x}, at least for now.`,
  (x) => `I'd vouch for ${x}.`,
  (x) => `For what it's worth, I believe in ${x}.`,
  (x) => `${x} strikes me as innocent.`,
];

const AGREEMENTS: readonly Template[] = [
  (x) => `I agree about ${x}; I suspect them too.`,
  (x) => `Same here, ${x} is who I'll vote for.`,
  (x) => `You've convinced me. I have doubts about ${x} as well.`,
  (x) => `Let's not split our votes: I'm voting for ${x}.`,
];

const SELF_DEFENCES: readonly string[] = [
  `I know some of you are looking at me, but I'm faithful, and my votes show it.`,
  `Look at my record at the round table before you point at me.`,
  `If you banish me you lose a faithful player and the traitors laugh. Think about it.`,
];

const FILLERS: readonly string[] = [
  `Let's keep our heads and look at the votes.`,
  `I'm still making up my mind.`,
  `We need to stop splitting our votes, or the traitors win.`,
  `Whoever is murdered tonight tells us who the traitors fear.`,
  `I have nothing new to add yet.`,
];

const NIGHT_PROPOSALS: readonly Template[] = [
  (x) => `Tonight we should go after ${x}; they read the votes too well.`,
  (x) => `${x} is the biggest danger to us. Let's take ${x} out.`,
  (x) => `I say ${x}. Nobody will suspect us for that one.`,
  (x) => `We agree on ${x}? Then ${x} it is.`,
];

export function introduction(rng: Rng, me: string): string {
  return fill(rng, INTRODUCTIONS, me);
}

/** An accusation of `suspect`, with the reason first when there is one. */
export function accusation(rng: Rng, suspect: string, reason: Reason): string {
  const because =
    reason.kind === 'hunch'
      ? rng.pick(REASONS[reason.kind])(suspect, '')
      : rng.pick(REASONS[reason.kind])(suspect, 'victim' in reason ? reason.victim : reason.traitor);
  return `${because} ${fill(rng, ACCUSATIONS, suspect)}`;
}

export function defence(rng: Rng, friend: string): string {
  return fill(rng, DEFENCES, friend);
}

export function agreement(rng: Rng, suspect: string): string {
  return fill(rng, AGREEMENTS, suspect);
}

export function selfDefence(rng: Rng): string {
  return rng.pick(SELF_DEFENCES);
}

export function filler(rng: Rng): string {
  return rng.pick(FILLERS);
}

export function nightProposal(rng: Rng, target: string): string {
  return fill(rng, NIGHT_PROPOSALS, target);
}
