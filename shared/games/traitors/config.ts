import { z } from 'zod';
import { SeatIdSchema } from '../../engine/actions.ts';

/** Deadline length in seconds per kind of pending action (live play; 0 = no deadline). */
export const TraitorsTimeoutsSchema = z.strictObject({
  speak: z.number().int().min(0).max(3600).default(90),
  vote: z.number().int().min(0).max(3600).default(60),
  beliefs: z.number().int().min(0).max(3600).default(90),
});

export const TIE_BREAKS = ['revote', 'random', 'firstVote'] as const;
export type TieBreak = (typeof TIE_BREAKS)[number];

export const BELIEF_MODES = ['all', 'agents', 'off'] as const;
export type BeliefMode = (typeof BELIEF_MODES)[number];

/** What refusing a recruitment offer costs: nothing, or the refuser is the night's murder victim. */
export const REFUSAL_COSTS = ['none', 'murdered'] as const;
export type RefusalCost = (typeof REFUSAL_COSTS)[number];

/**
 * Recruitment (the show's rule): after a traitor is banished, the night's murder is replaced by an
 * offer to one faithful to turn traitor. `false` = off (the default; logs written before it stay valid).
 */
export const RecruitmentSchema = z.union([
  z.literal(false),
  z.strictObject({ refusal: z.enum(REFUSAL_COSTS).default('none') }),
]);
export type Recruitment = z.output<typeof RecruitmentSchema>;

export const TraitorsConfigSchema = z
  .strictObject({
    players: z.number().int().min(4).max(16),
    traitors: z.number().int().min(1).max(7),
    /** faithful are told how many traitors there are */
    announceTraitorCount: z.boolean().default(true),
    /** one public statement per player before round 1 */
    introductions: z.boolean().default(true),
    discussionPasses: z.number().int().min(1).max(5).default(2),
    traitorChatPasses: z.number().int().min(0).max(5).default(1),
    maxStatementChars: z.number().int().min(1).max(4000).default(600),
    /** who privately reports suspicion each round: everybody, only agent seats, or nobody */
    beliefs: z.enum(BELIEF_MODES).default('all'),
    /**
     * Seats played by agents (used by `beliefs: "agents"`). Absent = every seat is an agent,
     * which is what the simulator wants; the server fills it in from a session's seat list.
     */
    agentSeats: z.array(SeatIdSchema).optional(),
    tieBreak: z.enum(TIE_BREAKS).default('revote'),
    revealRoleOnBanish: z.boolean().default(true),
    /** Recruitment of a faithful after a banished traitor (docs/games/traitors.md, "Recruitment"). */
    recruitment: RecruitmentSchema.default(false),
    /** Safety cap: after the night of this round the game ends and the surviving traitors win. */
    maxRounds: z.number().int().min(1).max(100).default(20),
    timeouts: TraitorsTimeoutsSchema.default({ speak: 90, vote: 60, beliefs: 90 }),
  })
  .refine((c) => c.traitors * 2 < c.players, { message: 'traitors must be fewer than half the players', path: ['traitors'] })
  .refine((c) => (c.agentSeats ?? []).every((s) => s < c.players), {
    message: 'agentSeats must name seats of this game',
    path: ['agentSeats'],
  });

export type TraitorsConfig = z.output<typeof TraitorsConfigSchema>;

const COMMON = {
  announceTraitorCount: true,
  introductions: true,
  discussionPasses: 2,
  traitorChatPasses: 1,
  maxStatementChars: 600,
  revealRoleOnBanish: true,
  recruitment: false,
  maxRounds: 20,
  timeouts: { speak: 90, vote: 60, beliefs: 90 },
} as const;

/**
 * `table` (first, so the default for live play): 8 players, human-friendly rules.
 * `paper`: the reference setup of the paper (10 players, 3 traitors, first-vote ties).
 */
export const TRAITORS_PRESETS: Record<string, TraitorsConfig> = {
  table: { ...COMMON, timeouts: { ...COMMON.timeouts }, players: 8, traitors: 2, tieBreak: 'revote', beliefs: 'all' },
  paper: { ...COMMON, timeouts: { ...COMMON.timeouts }, players: 10, traitors: 3, tieBreak: 'firstVote', beliefs: 'agents' },
};
