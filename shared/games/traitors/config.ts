import { z } from 'zod';
import { SeatIdSchema } from '../../engine/actions.ts';
import { PersonaSchema } from '../../personas.ts';

/** Deadline length in seconds per kind of pending action (live play; 0 = no deadline). */
export const TraitorsTimeoutsSchema = z.strictObject({
  speak: z.number().int().min(0).max(3600).default(90),
  vote: z.number().int().min(0).max(3600).default(60),
  beliefs: z.number().int().min(0).max(3600).default(90),
});

/**
 * `firstVote`: the tied target voted for first, in the order votes arrived; `firstVoteInSeatOrder`:
 * the tied target voted for by the lowest seat — what the reference's `max` over a dict gives, since
 * it asks voters one by one in seat order — so the result does not depend on who answered first.
 */
export const TIE_BREAKS = ['revote', 'random', 'firstVote', 'firstVoteInSeatOrder'] as const;
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

/** When the game checks for a winner: after every elimination, or only once the night is over (the reference code's loop). */
export const WIN_CHECKS = ['afterEach', 'afterNight'] as const;
export type WinCheck = (typeof WIN_CHECKS)[number];

/** How a tie on the traitors' night ballot is settled: a seeded draw, or the tied target voted for first (Python's max over a dict). */
export const NIGHT_TIE_BREAKS = ['random', 'firstVote', 'firstVoteInSeatOrder'] as const;
export type NightTieBreak = (typeof NIGHT_TIE_BREAKS)[number];

/** Who speaks first: one seat later each round, or always seat order from the lowest seat. */
export const SPEAKING_ORDERS = ['rotate', 'seat'] as const;
export type SpeakingOrder = (typeof SPEAKING_ORDERS)[number];

/** Before round 1: each player introduces themselves (`statements`), or the moderator reads the personas' biographies. */
export const INTRODUCTION_MODES = ['statements', 'biographies'] as const;
export type IntroductionMode = (typeof INTRODUCTION_MODES)[number];

export const TraitorsConfigSchema = z
  .strictObject({
    players: z.number().int().min(4).max(16),
    traitors: z.number().int().min(1).max(7),
    /** faithful are told how many traitors there are */
    announceTraitorCount: z.boolean().default(true),
    /** one public statement per player before round 1 (`true` = "statements"), the personas' biographies read out, or none (`false`) */
    introductions: z.union([z.boolean(), z.enum(INTRODUCTION_MODES)]).default(true),
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
    // The rules below are optional and absent means today's rule, so `table` and `paper` configs
    // (and every log written before they existed) stay byte for byte what they were.
    /** when the winner is checked; absent = "afterEach" */
    winCheck: z.enum(WIN_CHECKS).optional(),
    /** how a night-ballot tie is settled; absent = "random" */
    nightTieBreak: z.enum(NIGHT_TIE_BREAKS).optional(),
    /** false: players never see votes or tallies, only who was eliminated; absent = true */
    showVotes: z.boolean().optional(),
    /** discussion and night-chat turn order; absent = "rotate" */
    speakingOrder: z.enum(SPEAKING_ORDERS).optional(),
    /** every living player speaks once after a banishment is revealed; absent = false */
    postBanishDiscussion: z.boolean().optional(),
    /** one persona per seat (null: none), read out by `introductions: "biographies"` */
    personas: z.array(PersonaSchema.nullable()).optional(),
  })
  .refine((c) => c.traitors * 2 < c.players, { message: 'traitors must be fewer than half the players', path: ['traitors'] })
  .refine((c) => (c.agentSeats ?? []).every((s) => s < c.players), {
    message: 'agentSeats must name seats of this game',
    path: ['agentSeats'],
  })
  .refine((c) => c.personas === undefined || c.personas.length === c.players, {
    message: 'personas must give one entry (or null) per seat',
    path: ['personas'],
  });

export type TraitorsConfig = z.output<typeof TraitorsConfigSchema>;

/** The optional rules with their defaults filled in (absent = the rule as it was before the option existed). */
export interface TraitorsRuleSet {
  winCheck: WinCheck;
  nightTieBreak: NightTieBreak;
  showVotes: boolean;
  speakingOrder: SpeakingOrder;
  postBanishDiscussion: boolean;
  introductions: IntroductionMode | 'off';
}

export function ruleSet(config: TraitorsConfig): TraitorsRuleSet {
  const intro = config.introductions;
  return {
    winCheck: config.winCheck ?? 'afterEach',
    nightTieBreak: config.nightTieBreak ?? 'random',
    showVotes: config.showVotes ?? true,
    speakingOrder: config.speakingOrder ?? 'rotate',
    postBanishDiscussion: config.postBanishDiscussion ?? false,
    introductions: intro === true ? 'statements' : intro === false ? 'off' : intro,
  };
}

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
 * `reference`: the game loop of the reference code (pedrocurvo/TheTraitors, src/traitors_game.py)
 * as exactly as Parley's rules allow; docs/games/traitors.md lists every difference.
 */
export const TRAITORS_PRESETS: Record<string, TraitorsConfig> = {
  table: { ...COMMON, timeouts: { ...COMMON.timeouts }, players: 8, traitors: 2, tieBreak: 'revote', beliefs: 'all' },
  paper: { ...COMMON, timeouts: { ...COMMON.timeouts }, players: 10, traitors: 3, tieBreak: 'firstVote', beliefs: 'agents' },
  reference: {
    ...COMMON,
    timeouts: { ...COMMON.timeouts },
    players: 10,
    traitors: 3,
    announceTraitorCount: false,
    // the moderator reads the personas' biographies; with no personas configured nobody is introduced
    introductions: 'biographies',
    // a meeting pass, then a consensus pass
    traitorChatPasses: 2,
    tieBreak: 'firstVoteInSeatOrder',
    nightTieBreak: 'firstVoteInSeatOrder',
    winCheck: 'afterNight',
    showVotes: false,
    speakingOrder: 'seat',
    postBanishDiscussion: true,
    // Parley's addition (the reference asks for no beliefs), as in `paper`
    beliefs: 'agents',
  },
};
