import { z } from 'zod';
import { MAX_TEXT_CHARS } from '../../engine/actions.ts';

/**
 * Trust-and-Split configuration. "reference" feedback tells each player only the other's
 * position (upper/lower) and proposal from the previous round; "full" also shows hands,
 * values, coins and points.
 */
export const FeedbackModeSchema = z.enum(['reference', 'full']);
export type FeedbackMode = z.infer<typeof FeedbackModeSchema>;

export const TrustSplitConfigSchema = z
  .strictObject({
    rounds: z.number().int().min(1).max(1000),
    coins: z.number().int().min(1).max(1_000_000),
    upperValue: z.number().positive().max(1_000_000),
    lowerValue: z.number().min(0).max(1_000_000),
    /** messages each player sends per round, strictly alternating; 0 = no talk */
    messagesPerRound: z.number().int().min(0).max(50),
    maxMessageChars: z.number().int().min(0).max(MAX_TEXT_CHARS),
    feedback: FeedbackModeSchema,
    /** after round 1 the previous lower hand always gets the upper hand (see rules.ts) */
    alternatingHands: z.boolean(),
    /**
     * The end screen names a winner (crown, "X wins!"). Off unless asked for: a winner frames the
     * game as a contest, which can push participants to compete. Absent from the presets so logs
     * of existing configurations stay byte-identical.
     */
    showWinner: z.boolean().optional(),
    /** deadlines for live play in seconds (0 = no deadline) */
    timeouts: z.strictObject({
      speak: z.number().min(0).max(86_400),
      propose: z.number().min(0).max(86_400),
    }),
  })
  .refine((c) => c.upperValue > c.lowerValue, { message: 'upperValue must be greater than lowerValue', path: ['upperValue'] });

export type TrustSplitConfig = z.infer<typeof TrustSplitConfigSchema>;

/** The first key is the default preset. */
export const TRUST_SPLIT_PRESETS = {
  /** The reference configuration of Piche et al. (TAS-RPS). */
  paper: {
    rounds: 10,
    coins: 10,
    upperValue: 10,
    lowerValue: 1,
    messagesPerRound: 1,
    maxMessageChars: 500,
    feedback: 'reference',
    alternatingHands: false,
    timeouts: { speak: 120, propose: 60 },
  },
  /**
   * For people: a shorter game, two messages each so a claim can be answered, tweet-sized
   * messages, and full feedback so players see what they earned.
   */
  human: {
    rounds: 5,
    coins: 10,
    upperValue: 10,
    lowerValue: 1,
    messagesPerRound: 2,
    maxMessageChars: 280,
    feedback: 'full',
    alternatingHands: false,
    timeouts: { speak: 90, propose: 45 },
  },
} satisfies Record<string, TrustSplitConfig>;

/** The proposal recorded when a seat's proposal deadline expires: the fair split. */
export function timeoutProposal(config: TrustSplitConfig): number {
  return Math.floor(config.coins / 2);
}
