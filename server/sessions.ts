import { randomBytes } from 'node:crypto';
import type { AnyGame } from '../shared/engine/game.ts';
import { Match } from '../shared/engine/match.ts';
import { pickNames } from '../shared/engine/names.ts';
import { resolveConfig } from '../shared/games/index.ts';
import type { AgentSpec, CreateSession, LogRow, SessionStatus } from '../shared/protocol/index.ts';
import { agentSpecPersona, resolveAgent, UnknownAgentError, type AgentResolver } from './agents.ts';
import { personaConfigOverrides } from './personas.ts';
import { Room } from './room/room.ts';
import type { NewRow, SeatRecord, SessionRecord, EventStore } from './store/index.ts';
import { ownValue } from '../shared/own.ts';
import { StateFeed } from './live/feed.ts';

/** A request the experimenter (or quick play) got wrong: becomes a 400 with this message. */
export class BadRequest extends Error {}

export interface SessionsDeps {
  store: EventStore;
  games: Record<string, AnyGame>;
  resolvers: readonly AgentResolver[];
  now: () => number;
  log: (message: string) => void;
  /** quick-play tables left by their human are ended ("abandoned"); 0 ms turns a rule off */
  quickplayAbandon?: { joinMs: number; goneMs: number };
  /** a session was created or changed (the console's live table); called synchronously, must be cheap */
  onChange?: (room: Room) => void;
}

/** 192 random bits, URL-safe: unguessable, and each opens exactly one seat of one session. */
export function newToken(): string {
  return randomBytes(24).toString('base64url');
}

/** A live session's seed: 128 random bits, so nothing a seat sees can be searched back to it. */
export function newSecretSeed(): string {
  return randomBytes(16).toString('hex');
}

function newSessionId(): string {
  return randomBytes(6).toString('hex');
}

/** Whether a game's config has a field (a preset carries it, or the zod object schema declares it). */
function configHasField(game: AnyGame, preset: string, field: string): boolean {
  const base = ownValue(game.presets, preset) as Record<string, unknown> | undefined;
  if (base && typeof base === 'object' && Object.hasOwn(base, field)) return true;
  const shape = (game.configSchema as unknown as { shape?: Record<string, unknown> }).shape;
  return Boolean(shape && Object.hasOwn(shape, field));
}

/**
 * The registry of sessions and their live rooms: creates sessions (validating everything first),
 * loads rooms from the log on demand, recovers unfinished sessions at start.
 */
export class Sessions {
  private readonly rooms = new Map<string, Room>();
  /** quick-play sessions being written now: they count against the live cap before their rooms exist */
  private quickplayCreating = 0;
  /** rooms being rebuilt from their logs: a second request for one waits for the same build */
  private readonly loading = new Map<string, Promise<Room | null>>();
  /** how every room's states reach the connections (the transport opens each connection in it) */
  readonly feed = new StateFeed();

  constructor(private readonly deps: SessionsDeps) {}

  private gameAndPreset(gameId: string, requestedPreset: string | undefined): { game: AnyGame; preset: string } {
    const { games } = this.deps;
    const game = ownValue(games, gameId);
    if (!game) throw new BadRequest(`Unknown game "${gameId}". Choose one of: ${Object.keys(games).join(', ')}`);
    const preset = requestedPreset ?? Object.keys(game.presets)[0];
    if (!Object.hasOwn(game.presets, preset)) {
      throw new BadRequest(`Unknown preset "${preset}" for ${game.id}. Choose one of: ${Object.keys(game.presets).join(', ')}`);
    }
    return { game, preset };
  }

  /** What can be played here: each game's presets (with seat counts) and scripted agents. */
  catalogue(): { id: string; title: string; presets: { name: string; seats: number }[]; agents: string[] }[] {
    return Object.values(this.deps.games).map((game) => ({
      id: game.id,
      title: game.title,
      presets: Object.entries(game.presets).map(([name, config]) => ({ name, seats: game.seatCount(config) })),
      agents: ['scripted', ...Object.keys(game.agents)],
    }));
  }

  /** How many seats a game's preset has (quick play fills them). */
  seatCount(gameId: string, requestedPreset?: string): number {
    const { game, preset } = this.gameAndPreset(gameId, requestedPreset);
    return game.seatCount(game.presets[preset]);
  }

  async create(input: CreateSession, origin: { quickplay: boolean }): Promise<SessionRecord> {
    const { now } = this.deps;
    const { game, preset } = this.gameAndPreset(input.game, input.preset);
    const overrides: Record<string, unknown> = { ...(input.config ?? {}) };
    // beliefs mode "agents" needs to know which seats are agents: the seat kinds say
    if (configHasField(game, preset, 'agentSeats') && !Object.hasOwn(overrides, 'agentSeats')) {
      overrides.agentSeats = input.seats.flatMap((seat, i) => (seat.kind === 'agent' ? [i] : []));
    }
    // the seats' personas reach the game too where its config takes them (The Traitors' introductions)
    Object.assign(overrides, personaConfigOverrides(game, input.seats.map((seat) => (seat.kind === 'agent' ? agentSpecPersona(seat.agent) : null)), overrides));
    let config: unknown;
    try {
      config = resolveConfig(game, preset, overrides);
    } catch (err) {
      throw new BadRequest(err instanceof Error ? err.message : String(err));
    }
    const seatCount = game.seatCount(config);
    if (input.seats.length !== seatCount) {
      throw new BadRequest(`${game.title} (preset "${preset}") has ${seatCount} seats, but ${input.seats.length} were given in "seats".`);
    }
    const seed = input.seed ?? newSecretSeed();
    const names = pickNames(seatCount, seed);
    const match = Match.start(game, config, seed, names);
    const id = newSessionId();

    const seats: SeatRecord[] = input.seats.map((spec, seat) => {
      const base = { seat, name: names[seat], kind: spec.kind, ...(spec.label !== undefined ? { label: spec.label } : {}) };
      if (spec.kind !== 'agent') return { ...base, token: newToken() };
      const agent = this.checkAgent(game, spec.agent, seat, match.state, config, id, `seats.${seat}.agent`);
      return { ...base, agent: spec.agent, agentName: agent, token: null };
    });
    const takeoverAgent: AgentSpec = input.takeoverAgent ?? 'scripted';
    const firstParticipant = seats.find((s) => s.kind !== 'agent');
    const gate = input.waitForHumans === true ? {} : input.waitForHumans;
    if ((input.takeoverAfterSec !== undefined || gate?.then === 'takeover') && firstParticipant) {
      this.checkAgent(game, takeoverAgent, firstParticipant.seat, match.state, config, id, 'takeoverAgent');
    }

    const createdAt = now();
    const record: SessionRecord = {
      id,
      game: game.id,
      preset,
      config,
      seed,
      createdAt,
      status: 'active',
      endedAt: null,
      outcome: null,
      seats,
      spectatorToken: newToken(),
      options: {
        takeoverAfterSec: input.takeoverAfterSec ?? null,
        takeoverAgent,
        agentDelayMs: input.agentDelayMs ?? 0,
        revealAgents: input.revealAgents ?? false,
        quickplay: origin.quickplay,
        ...(input.agentPacing === 'human' ? { agentPacing: 'human' as const } : {}),
        ...(input.maskPresence ? { maskPresence: true } : {}),
      },
    };
    const rows: NewRow[] = match.log.map((event) => ({ at: createdAt, kind: 'game', seat: null, clientActionId: null, event }));
    // the start gate waits for human seats only: external programs connect when they like
    const humans = seats.filter((s) => s.kind === 'human').map((s) => s.seat);
    if (gate && humans.length) {
      const waiting = { type: 'waiting', seats: humans, maxWaitSec: gate.maxWaitSec ?? null, then: gate.then ?? 'timeout' };
      rows.push({ at: createdAt, kind: 'session', seat: null, clientActionId: null, event: waiting });
    }
    if (origin.quickplay) this.quickplayCreating++;
    let written: LogRow[];
    try {
      written = await this.deps.store.createSession(record, rows);
    } finally {
      if (origin.quickplay) this.quickplayCreating--;
    }
    const room = Room.fromLog(this.roomDeps(game, record), record, written, { live: true, recovered: false });
    this.rooms.set(id, room);
    this.deps.onChange?.(room);
    return record;
  }

  private checkAgent(game: AnyGame, spec: AgentSpec, seat: number, state: unknown, config: unknown, sessionId: string, where: string): string {
    try {
      return resolveAgent(this.deps.resolvers, { game, spec, seat, state, config, sessionId }).name;
    } catch (err) {
      if (err instanceof UnknownAgentError) throw new BadRequest(`${where}: ${err.message}`);
      throw new BadRequest(`${where}: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  private roomDeps(game: AnyGame, record: SessionRecord) {
    const { store, resolvers, now, log, quickplayAbandon } = this.deps;
    const abandon = record.options.quickplay ? quickplayAbandon : undefined;
    return { store, game, resolvers, now, log, abandon, feed: this.feed, onSettled: (room: Room) => this.evictIfIdle(room.id), onChange: this.deps.onChange };
  }

  private gameOf(record: SessionRecord): AnyGame {
    const game = ownValue(this.deps.games, record.game);
    if (!game) throw new Error(`session ${record.id}: game "${record.game}" is not available on this server`);
    return game;
  }

  /** A session's room rebuilt from its log: live (kept, with clocks and agents) or a read-only snapshot. */
  private async fromLog(record: SessionRecord, live: boolean): Promise<Room> {
    const recovered = live && record.status === 'active';
    const game = this.gameOf(record);
    return Room.fromLog(this.roomDeps(game, record), record, await this.deps.store.log(record.id), { live, recovered });
  }

  /**
   * The live room of a session, loading it from its log if needed; null for an unknown id.
   * Concurrent calls for a session not yet loaded share one load, so a room is never built twice.
   */
  room(id: string): Promise<Room | null> {
    const loaded = this.rooms.get(id);
    if (loaded) return Promise.resolve(loaded);
    let loading = this.loading.get(id);
    if (!loading) {
      loading = this.load(id).finally(() => this.loading.delete(id));
      this.loading.set(id, loading);
    }
    return loading;
  }

  private async load(id: string): Promise<Room | null> {
    const record = await this.deps.store.session(id);
    if (!record) return null;
    const room = await this.fromLog(record, true);
    this.rooms.set(id, room);
    return room;
  }

  /**
   * A session's room for reading (REST): the live one when loaded, else — for a finished or ended
   * session — one built from the log and not kept, so reads never grow memory; null for an unknown id.
   */
  async inspect(id: string): Promise<Room | null> {
    const loaded = this.rooms.get(id);
    if (loaded) return loaded;
    const record = await this.deps.store.session(id);
    if (!record) return null;
    if (record.status === 'active') return this.room(id);
    return this.fromLog(record, false);
  }

  /** Live quick-play tables now (they are always loaded while active), counting those being created. */
  get liveQuickplayRooms(): number {
    let n = this.quickplayCreating;
    for (const room of this.rooms.values()) if (room.status === 'active' && room.record.options.quickplay) n++;
    return n;
  }

  /**
   * On start: rebuild every unfinished session from its log, so clients can reconnect and carry on.
   * Unfinished quick-play tables are ended instead ("server restart", logged): nobody waits for them,
   * and rebuilding them would let a burst of quick plays outlive the restart.
   */
  async recoverAll(): Promise<{ recovered: string[]; ended: string[] }> {
    const recovered: string[] = [];
    const ended: string[] = [];
    for (const id of await this.deps.store.sessionIdsWithStatus('active')) {
      try {
        const record = await this.deps.store.session(id);
        if (record?.options.quickplay) {
          await (await this.fromLog(record, false)).end('server restart');
          ended.push(id);
          continue;
        }
        await this.room(id);
        recovered.push(id);
      } catch (err) {
        this.deps.log(`could not recover session ${id}: ${err instanceof Error ? err.stack : String(err)}`);
      }
    }
    return { recovered, ended };
  }

  /** Which session and seat a token opens (seat null = the spectator). */
  async resolveToken(token: string): Promise<{ room: Room; seat: number | null } | null> {
    const target = await this.deps.store.resolveToken(token);
    if (!target) return null;
    const room = await this.room(target.sessionId);
    return room ? { room, seat: target.seat } : null;
  }

  async end(id: string, reason: string, note?: string): Promise<SessionStatus | null> {
    const room = await this.room(id);
    return room ? room.end(reason, note) : null;
  }

  /** The rooms held in memory now: every active session, and finished ones still watched. */
  loaded(): IterableIterator<Room> {
    return this.rooms.values();
  }

  /** Rooms held in memory now. */
  get loadedRooms(): number {
    return this.rooms.size;
  }

  /** Open connections over all loaded rooms. */
  get connectionCount(): number {
    let n = 0;
    for (const room of this.rooms.values()) n += room.connectionCount;
    return n;
  }

  /** A finished room nobody watches can leave memory; it is reloaded from the log when needed. */
  evictIfIdle(id: string): void {
    const room = this.rooms.get(id);
    if (room && room.status !== 'active' && room.connectionCount === 0) {
      room.close();
      this.rooms.delete(id);
    }
  }

  async closeAll(): Promise<void> {
    for (const room of this.rooms.values()) room.close();
    await Promise.all([...this.rooms.values()].map((room) => room.idle().catch(() => undefined)));
    this.rooms.clear();
  }
}
