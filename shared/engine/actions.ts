import { z } from 'zod';
import { playerTextSchema } from '../text.ts';

/**
 * The four things a seat can do, shared by every game. Games narrow what is legal
 * through `pending`; the wire protocol and agents use exactly these shapes.
 */
export const SeatIdSchema = z.number().int().min(0).max(63);
export type SeatId = z.infer<typeof SeatIdSchema>;

/** Hard cap on any text payload, in visible characters; games set tighter limits in `pending.maxChars`. */
export const MAX_TEXT_CHARS = 4000;

export const SpeakActionSchema = z.strictObject({
  kind: z.literal('speak'),
  /** cleaned on parsing (shared/text.ts): what is logged and broadcast is the cleaned text */
  text: playerTextSchema(MAX_TEXT_CHARS, { multiline: true }),
});
export const VoteActionSchema = z.strictObject({
  kind: z.literal('vote'),
  target: SeatIdSchema,
});
export const BeliefsActionSchema = z.strictObject({
  kind: z.literal('beliefs'),
  /** suspicion per seat id (JSON object keys are strings), 0..100 */
  suspicion: z.record(z.string().regex(/^\d+$/, 'suspicion keys are seat numbers'), z.number().min(0).max(100)),
});
export const ProposeActionSchema = z.strictObject({
  kind: z.literal('propose'),
  coins: z.number().int(),
});

/** Pick one of a few named options (e.g. accept or refuse an offer); `pending.options` lists them. */
export const ChooseActionSchema = z.strictObject({
  kind: z.literal('choose'),
  option: z.string().max(40),
});

export const ActionSchema = z.discriminatedUnion('kind', [
  SpeakActionSchema,
  VoteActionSchema,
  BeliefsActionSchema,
  ProposeActionSchema,
  ChooseActionSchema,
]);
export type Action = z.infer<typeof ActionSchema>;
export type SpeakAction = z.infer<typeof SpeakActionSchema>;
export type VoteAction = z.infer<typeof VoteActionSchema>;
export type BeliefsAction = z.infer<typeof BeliefsActionSchema>;
export type ProposeAction = z.infer<typeof ProposeActionSchema>;
export type ChooseAction = z.infer<typeof ChooseActionSchema>;

/**
 * What a seat is asked to do right now — precise enough that a program can play any
 * game from it alone. `timeLimitSec` is the deadline length for live play (0 = none).
 */
export type Pending =
  | {
      kind: 'speak';
      maxChars: number;
      /** where the text goes: everybody, or the traitors' night chat */
      channel: 'public' | 'traitors';
      /** what the statement is for, e.g. "introduction", "discussion", "message" */
      purpose: string;
      timeLimitSec: number;
    }
  | {
      kind: 'vote';
      options: SeatId[];
      /** "banish", "revote" or "murder" */
      purpose: string;
      timeLimitSec: number;
    }
  | { kind: 'beliefs'; targets: SeatId[]; timeLimitSec: number }
  | { kind: 'propose'; min: number; max: number; timeLimitSec: number }
  /** pick one of `options` (e.g. "accept" / "refuse"); `purpose` says what the choice is about */
  | { kind: 'choose'; options: string[]; purpose: string; timeLimitSec: number };

export type PendingKind = Pending['kind'];
