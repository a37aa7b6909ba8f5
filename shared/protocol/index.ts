import { z } from 'zod';
import { ActionSchema, SeatIdSchema } from '../engine/actions.ts';
import { playerTextSchema } from '../text.ts';
import { SECRET_SEED_PATTERN, type Seed } from '../engine/rng.ts';

/**
 * The wire protocol between Parley's server and any client (browser, external program, bench).
 * Every inbound payload is parsed with these schemas; the TypeScript types are inferred from them.
 * Objects are strict: an unknown field is an error, not something silently ignored.
 * docs/protocol.md describes the protocol for people.
 */

/** Socket.io handshake: `io(url, { auth: { token } })` with a seat's or the spectator's token. */
export const AuthSchema = z.strictObject({
  token: z.string().min(1).max(200),
  /** 'full' (default): a whole `state` after every change; 'patch': one `state`, then `update`s (JSON Patch) */
  updates: z.enum(['full', 'patch']).optional(),
});
export type Auth = z.infer<typeof AuthSchema>;

export const MAX_CLIENT_ACTION_ID_CHARS = 100;

/** `act`: what the client wants to do, with its own id so a resend is harmless. */
export const ActSchema = z.strictObject({
  action: ActionSchema,
  clientActionId: z.string().min(1).max(MAX_CLIENT_ACTION_ID_CHARS),
});
export type Act = z.infer<typeof ActSchema>;

/** Why an `act` was refused. The game's own rejection codes plus the transport's. */
export const ACT_ERROR_CODES = [
  // the payload does not match ActSchema (wrong types, unknown fields, oversized text …)
  'invalid_payload',
  // spectators watch; they cannot act
  'spectator',
  // the session was ended by the experimenter
  'session_ended',
  // an agent is playing this seat right now (takeover after a dropout)
  'agent_controlled',
  // the table has not started: it waits for its human seats (`waitingFor` in the state)
  'not_started',
  // from the game's validate()
  'not_your_turn',
  'wrong_action',
  'illegal_target',
  'out_of_range',
  'too_long',
  'game_over',
  'invalid',
  // too many acts from this seat per second (the server's limit); nothing was applied, send again later
  'rate_limited',
  // several server processes: no process runs this session right now (its owner stopped and another
  // is taking it over); send the same act (same clientActionId) again after retryAfterMs
  'unavailable',
  // a bug on the server; the action was not applied
  'internal',
] as const;
export const ActErrorCodeSchema = z.enum(ACT_ERROR_CODES);
export type ActErrorCode = z.infer<typeof ActErrorCodeSchema>;

export const AckSchema = z.discriminatedUnion('ok', [
  z.strictObject({ ok: z.literal(true), version: z.number().int().nonnegative() }),
  z.strictObject({
    ok: z.literal(false),
    code: ActErrorCodeSchema,
    message: z.string(),
    /** with `rate_limited` or `unavailable`: send the same act (same clientActionId) again after this many ms */
    retryAfterMs: z.number().int().positive().optional(),
  }),
]);
export type Ack = z.infer<typeof AckSchema>;

export const PendingSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('speak'),
    maxChars: z.number().int(),
    channel: z.enum(['public', 'traitors']),
    purpose: z.string(),
    timeLimitSec: z.number(),
  }),
  z.object({ kind: z.literal('vote'), options: z.array(SeatIdSchema), purpose: z.string(), timeLimitSec: z.number() }),
  z.object({ kind: z.literal('beliefs'), targets: z.array(SeatIdSchema), timeLimitSec: z.number() }),
  z.object({ kind: z.literal('propose'), min: z.number(), max: z.number(), timeLimitSec: z.number() }),
  z.object({ kind: z.literal('choose'), options: z.array(z.string()), purpose: z.string(), timeLimitSec: z.number() }),
]);

export const OutcomeSchema = z
  .object({ summary: z.string(), winners: z.array(SeatIdSchema), points: z.array(z.number()).optional() })
  .catchall(z.unknown());

export const SessionStatusSchema = z.enum(['active', 'finished', 'ended']);
export type SessionStatus = z.infer<typeof SessionStatusSchema>;

/** One live metric: a headline metric of the log so far (null while undefined), labelled for people. */
export const LiveMetricSchema = z.object({
  metric: z.string(),
  label: z.string(),
  value: z.number().nullable(),
  percent: z.boolean().optional(),
});

/**
 * `state`: sent on every connect and after every change, each receiver with its own view.
 * `version` is the sequence number of the last row of the session's log; it only grows.
 */
export const StatePayloadSchema = z.object({
  sessionId: z.string(),
  game: z.string(),
  version: z.number().int().nonnegative(),
  /** your seat, or null for the spectator */
  seat: SeatIdSchema.nullable(),
  /** what your seat (or the spectator) may know; its shape is the game's */
  view: z.unknown(),
  /** what your seat must do now, or null (always null for the spectator) */
  pending: PendingSchema.nullable(),
  /** when your pending action expires (epoch ms), or null when it has no time limit */
  deadline: z.number().nullable(),
  /** null until the game is over */
  outcome: OutcomeSchema.nullable(),
  status: SessionStatusSchema,
  /** display names by seat */
  names: z.array(z.string()),
  /** who is at the table now, by seat (agent seats count as present) */
  connected: z.array(z.boolean()),
  /** which seats are agents, when the session reveals it (always for the spectator), else null */
  agentSeats: z.array(SeatIdSchema).nullable(),
  /**
   * seats an agent is playing now because their human/external player is away (takeover), or null
   * where the session masks presence (blind study arms: a takeover would tell humans from agents).
   * The spectator always gets the list.
   */
  takenOver: z.array(SeatIdSchema).nullable(),
  /** the server's clock when this was sent (epoch ms), to correct countdowns for clock skew */
  serverNow: z.number(),
  /**
   * The table has not started yet (CreateSession `waitForHumans`): the human seats still awaited.
   * Nobody is asked anything and no clock runs until then. Empty while waiting when the session
   * masks presence (it would tell humans from agents); null or absent once the table has started.
   */
  waitingFor: z.array(SeatIdSchema).nullable().optional(),
  /**
   * Seats that owe an action you could know about but are not connected, with their deadlines
   * ("<name> is away", with their countdown). Empty when the session masks presence.
   */
  away: z.array(z.object({ seat: SeatIdSchema, deadline: z.number().nullable() })).optional(),
  /**
   * The spectator's live metrics (GameDefinition.liveMetrics), computed by the server from the real
   * log so far: the same numbers the export carries. Always null (or absent) for seats.
   */
  metrics: z.array(LiveMetricSchema).nullable().optional(),
});
export type StatePayload = z.infer<typeof StatePayloadSchema>;

/**
 * One step of an RFC 6902 JSON Patch, the subset `update` uses: `add` (path ending `/-` appends to
 * an array), `replace`, `remove`. Paths are JSON Pointers into the whole StatePayload.
 */
export const PatchOpSchema = z.discriminatedUnion('op', [
  z.strictObject({ op: z.literal('add'), path: z.string(), value: z.unknown() }),
  z.strictObject({ op: z.literal('replace'), path: z.string(), value: z.unknown() }),
  z.strictObject({ op: z.literal('remove'), path: z.string() }),
]);
export type PatchOp = z.infer<typeof PatchOpSchema>;

/**
 * `update` (only to clients that connected with `updates: 'patch'`): applying `patch` to the
 * payload at version `from` gives the full `state` payload at `version`. shared/protocol/patch.ts applies it.
 */
export const UpdatePayloadSchema = z.strictObject({
  sessionId: z.string(),
  from: z.number().int().nonnegative(),
  version: z.number().int().nonnegative(),
  patch: z.array(PatchOpSchema),
});
export type UpdatePayload = z.infer<typeof UpdatePayloadSchema>;

/** `presence`: who is connected changed (sent to everyone in the session). */
export const PresencePayloadSchema = z.object({
  sessionId: z.string(),
  connected: z.array(z.boolean()),
});
export type PresencePayload = z.infer<typeof PresencePayloadSchema>;

/** `replaced`: this connection was replaced by a newer one holding the same token; it is closed next. */
export const ReplacedPayloadSchema = z.object({ message: z.string() });
export type ReplacedPayload = z.infer<typeof ReplacedPayloadSchema>;

/**
 * `handback`: sent once to a player who takes their seat back after a takeover (also in blind
 * arms: it is their own seat): what the agent did for them, one line per action ("said “…”").
 */
export const HandbackPayloadSchema = z.object({
  sessionId: z.string(),
  actions: z.array(z.string()),
});
export type HandbackPayload = z.infer<typeof HandbackPayloadSchema>;

/** Codes carried by a refused connection (`connect_error`: err.message starts with the code, err.data.code). */
export const CONNECT_ERROR_CODES = ['invalid_auth', 'invalid_token', 'rate_limited'] as const;
export type ConnectErrorCode = (typeof CONNECT_ERROR_CODES)[number];

export interface ServerToClientEvents {
  state: (payload: StatePayload) => void;
  update: (payload: UpdatePayload) => void;
  presence: (payload: PresencePayload) => void;
  replaced: (payload: ReplacedPayload) => void;
  handback: (payload: HandbackPayload) => void;
}

export interface ClientToServerEvents {
  /** The payload is typed loosely on purpose: the server parses it with ActSchema. */
  act: (payload: Act, ack: (result: Ack) => void) => void;
  /** an `update` did not follow the payload held (a gap): send the full `state` again; acked after it */
  resync: (ack?: () => void) => void;
}

// ---------------------------------------------------------------------------------------------
// Experimenter REST API bodies

export const MAX_SEATS = 64;

/**
 * An agent: "scripted" (the role-appropriate scripted agent), a scripted agent's name, or a spec
 * object — {"type":"llm",…} (server/llm/spec.ts) or {"type":"scripted","name":…,"persona":…}
 * (server/agents.ts); resolvers validate the object's fields.
 */
export const AgentSpecSchema = z.union([
  z.string().min(1).max(200),
  z.looseObject({ type: z.string().min(1).max(100) }),
]);
export type AgentSpec = z.infer<typeof AgentSpecSchema>;

/** A seat's label for the data (e.g. a participant id): single-line text, cleaned like chat. */
const SeatLabelSchema = playerTextSchema(200, { multiline: false });

export const SeatSpecSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('human'), label: SeatLabelSchema.optional() }),
  z.strictObject({ kind: z.literal('agent'), agent: AgentSpecSchema, label: SeatLabelSchema.optional() }),
  z.strictObject({ kind: z.literal('external'), label: SeatLabelSchema.optional() }),
]);
export type SeatSpec = z.infer<typeof SeatSpecSchema>;
export type SeatKind = SeatSpec['kind'];

const SEED_ERROR =
  'seed must be an integer from 0 to 4294967295 or 32 lowercase hex characters (e.g. from `openssl rand -hex 16`); leave it out for a secret random seed';

export const CreateSessionSchema = z.strictObject({
  game: z.string().min(1),
  preset: z.string().min(1).optional(),
  /** overrides on top of the preset, validated by the game's config schema */
  config: z.record(z.string(), z.unknown()).optional(),
  /**
   * default: a secret 128-bit seed (32 hex characters), recorded with the session and shown only
   * to the admin. An explicit seed reproduces a session; a short integer one can be searched for.
   */
  seed: z
    .union([
      z.number({ error: SEED_ERROR }).int({ error: SEED_ERROR }).min(0, { error: SEED_ERROR }).max(2 ** 32 - 1, { error: SEED_ERROR }),
      z.string({ error: SEED_ERROR }).regex(SECRET_SEED_PATTERN, { error: SEED_ERROR }),
    ], { error: SEED_ERROR })
    .optional(),
  seats: z.array(SeatSpecSchema).min(1).max(MAX_SEATS),
  /** after a human/external seat has been gone this long, an agent plays it until it returns */
  takeoverAfterSec: z.number().positive().max(86_400).optional(),
  /** the agent that takes over (default "scripted") */
  takeoverAgent: AgentSpecSchema.optional(),
  /** agents wait about this long before acting, so humans can follow (default 0) */
  agentDelayMs: z.number().int().min(0).max(120_000).optional(),
  /** tell players which seats are agents (default false); recorded with the session */
  revealAgents: z.boolean().optional(),
  /**
   * "fixed" (default): agents wait about agentDelayMs. "human": think and typing times drawn from
   * a model of people (server/studies/pacing.ts), for blind study arms; agentDelayMs then scales it (1000 = ×1).
   */
  agentPacing: z.enum(['fixed', 'human']).optional(),
  /** players see every seat as connected (blind study arms: presence would tell humans from agents) */
  maskPresence: z.boolean().optional(),
  /**
   * Start the table only once every human seat is connected (external seats are not waited for):
   * until then nobody is asked anything and no clock runs, and every seat sees "Waiting for <name>".
   * `true` waits as long as it takes; `maxWaitSec` starts the table anyway after that long, the
   * absent seats then timing out as their deadlines pass (`then: "timeout"`, the default) or played
   * by the takeover agent until they arrive (`"takeover"`). Absent (the API's default): the table
   * starts at once, as scripts and external programs expect. Quick play waits for its player.
   */
  waitForHumans: z
    .union([
      z.literal(true),
      z.strictObject({
        maxWaitSec: z.number().positive().max(86_400).optional(),
        then: z.enum(['timeout', 'takeover']).optional(),
      }),
    ])
    .optional(),
});
export type CreateSession = z.infer<typeof CreateSessionSchema>;

export const QuickplaySchema = z.strictObject({
  game: z.string().min(1),
  preset: z.string().min(1).optional(),
});
export type Quickplay = z.infer<typeof QuickplaySchema>;

export interface CreatedSeat {
  seat: number;
  name: string;
  kind: SeatKind;
  /** null for agent seats: nobody joins them */
  token: string | null;
  joinUrl: string | null;
}

export interface CreatedSession {
  id: string;
  /** admin only (this answer goes to the experimenter); never in a seat's or the spectator's view */
  seed: Seed;
  seats: CreatedSeat[];
  spectatorToken: string;
  spectatorUrl: string;
}

export interface QuickplayResult {
  id: string;
  seat: number;
  token: string;
  joinUrl: string;
}

/** One row of the session log as exported by GET /api/sessions/:id/events (JSON lines). */
export interface LogRow {
  sessionId: string;
  /** 1, 2, 3 …: the session's version after this row */
  seq: number;
  /** seq of the first row written in the same transaction (an action and its consequences) */
  batch: number;
  /** wall-clock time (epoch ms) */
  at: number;
  /** 'game': a game event (state = fold of these); 'session': presence, takeovers, agent notes … */
  kind: 'game' | 'session';
  /** the seat whose action, timeout or presence this row records, else null */
  seat: number | null;
  clientActionId: string | null;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- a game's own event shape
  event: { type: string; [field: string]: any };
}
