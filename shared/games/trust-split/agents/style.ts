import type { ScriptedAgent } from '../../../engine/game.ts';
import type { PersonaStyle } from '../../../personas.ts';
import type { TrustSplitView } from '../view.ts';
import { pickFresh } from './messages.ts';
import { fit } from './read.ts';

/**
 * How a persona's style changes a scripted Trust-and-Split agent's words (shared/personas.ts);
 * its proposals stay the agent's own. Plain (or no style) changes nothing:
 *   talkative   one more sentence of small talk per message
 *   reserved    only the first sentence of each message
 *   suspicious  adds a sentence of doubt about the other player's word
 *   trusting    adds a sentence of trust in the other player's word
 * The added sentences state no hand and no position (claims.ts reads none from them), so an honest
 * agent stays honest in every style.
 */

const SMALL_TALK: readonly string[] = ['Nice to play with you.', 'Good luck this round.', 'Let us keep this friendly.', 'Happy to talk it through.', 'Take your time.'];
const DOUBTS: readonly string[] = ['I will check your words against the results.', 'Forgive me for being careful with promises.', 'Words are cheap, so I watch the splits.', 'Prove it with your split.'];
const TRUST: readonly string[] = ['I take you at your word.', 'I believe you will play fair.', 'Your word is good enough for me.', 'I count on you to be straight.'];

const SENTENCE_BREAK = /(?<=[.!?])\s+/;

/** The sentences each style adds (the agents test checks that none states a hand). */
export const STYLE_SENTENCES = { talkative: SMALL_TALK, suspicious: DOUBTS, trusting: TRUST } as const;
const ADDED: Partial<Record<PersonaStyle, readonly string[]>> = STYLE_SENTENCES;

/** The agent playing a persona's style: its messages reworded, everything else as it decides. */
export function withStyle(agent: ScriptedAgent<TrustSplitView>): ScriptedAgent<TrustSplitView> {
  return (ctx) => {
    const action = agent(ctx);
    const { style, pending } = ctx;
    if (!style || style === 'plain' || action.kind !== 'speak' || pending.kind !== 'speak') return action;
    if (style === 'reserved') return { kind: 'speak', text: action.text.split(SENTENCE_BREAK)[0] };
    const pool = ADDED[style];
    if (!pool) return action;
    // the agent's own RNG has been used by its decision: this sentence draws after it, deterministically
    const mine = ctx.view.kind === 'seat' ? ctx.view.messages.filter((m) => m.seat === ctx.seat).map((m) => m.text).join(' ') : '';
    const extra = pickFresh(ctx.rng, pool, mine);
    return { kind: 'speak', text: fit(action.text ? `${action.text} ${extra}` : extra, pending) };
  };
}
