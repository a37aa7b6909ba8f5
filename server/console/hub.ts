import type { Namespace, Server } from 'socket.io';
import type { AnyGame } from '../../shared/engine/game.ts';
import type { ConsoleServerToClient, SessionSummary } from '../../shared/protocol/console.ts';
import type { Room } from '../room/room.ts';
import type { Sessions } from '../sessions.ts';
import type { EventStore } from '../store/index.ts';
import type { ConsoleAuth } from './auth.ts';
import { DEFAULT_STUCK_GRACE_MS, isStuck, summarize, type StudyLookup } from './summary.ts';

export interface ConsoleHubOptions {
  /** the server's Socket.io server; the hub adds the namespace `/console` */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  io: Server<any, any, any, any>;
  sessions: Sessions;
  store: EventStore;
  games: Record<string, AnyGame>;
  auth: ConsoleAuth;
  study: StudyLookup;
  now: () => number;
  log: (message: string) => void;
  /** changes are pushed at most this often (default 250 ms) */
  flushMs?: number;
  /** an active session is stuck this long past its earliest deadline (default 15 s) */
  stuckGraceMs?: number;
  /** how often stuck flags (and console cookies) are re-checked while a console is connected (default 1 s) */
  tickMs?: number;
  /** settled sessions in the table besides every active one (default 300) */
  recentSettled?: number;
  /**
   * Several processes share the store (PARLEY_DATABASE_URL): a console on any of them sees every
   * process's sessions. Each process keeps its table while a console is connected anywhere (they
   * announce themselves over the adapter) and broadcasts its own rows' changes to every console.
   */
  cluster?: boolean;
}

/** a process with a console connected says so this often, to every other process */
const ANNOUNCE_MS = 5_000;
/** a process keeps its table this long after the last word of a console elsewhere */
const REMOTE_CONSOLE_TTL_MS = 3 * ANNOUNCE_MS;

interface ConsoleSocketData {
  /** the console session the socket signed in with (null: the admin token), re-checked each tick */
  cookieSession: string | null;
}

type ConsoleNamespace = Namespace<Record<string, never>, ConsoleServerToClient, Record<string, never>, ConsoleSocketData>;

/** A refused console connection (the client's connect_error carries `data.code`). */
function refuse(message: string): Error & { data: { code: string } } {
  return Object.assign(new Error(`unauthorized: ${message}`), { data: { code: 'unauthorized' } });
}

/**
 * The console's live session table, pushed over the Socket.io namespace `/console`. A console gets
 * the whole table on connect (every active session and the most recently settled ones), then only
 * what changed: rooms report changes (RoomDeps.onChange), the hub keeps the latest room per session
 * and sends their summaries in one batch at most every `flushMs`. Nothing is computed while no
 * console is connected.
 */
export class ConsoleHub {
  private readonly nsp: ConsoleNamespace;
  private readonly flushMs: number;
  private readonly graceMs: number;
  private readonly tickMs: number;
  private readonly recentLimit: number;
  /** the table as consoles have it; null while none is connected */
  private table: Map<string, SessionSummary> | null = null;
  /** the table being read for the first console: changes meanwhile are kept for it */
  private building: Promise<void> | null = null;
  /** settled sessions in the table, most recently settled first */
  private settledOrder: string[] = [];
  /** settled sessions never change: their summaries are computed once (bounded by recentLimit) */
  private readonly settledCache = new Map<string, SessionSummary>();
  private readonly dirty = new Map<string, Room>();
  private flushTimer: NodeJS.Timeout | null = null;
  private tickTimer: NodeJS.Timeout | null = null;
  private lastFlushAt = 0;
  /** when another process last said it has a console connected (cluster only) */
  private remoteConsoleAt = -Infinity;
  private lastAnnounceAt = -Infinity;

  constructor(private readonly options: ConsoleHubOptions) {
    this.flushMs = options.flushMs ?? 250;
    this.graceMs = options.stuckGraceMs ?? DEFAULT_STUCK_GRACE_MS;
    this.tickMs = options.tickMs ?? 1000;
    this.recentLimit = options.recentSettled ?? 300;
    this.nsp = options.io.of('/console') as unknown as ConsoleNamespace;
    this.nsp.use((socket, next) => {
      this.authorise(socket.request.headers, socket.handshake.auth, socket.data).then(next, (err: unknown) => {
        options.log(`console authorisation failed: ${err instanceof Error ? err.stack : String(err)}`);
        next(new Error('internal: the console connection could not be authorised'));
      });
    });
    this.nsp.on('connection', (socket) => {
      this.announce();
      socket.on('disconnect', () => {
        if (!this.consolesAnywhere()) this.dropTable();
      });
      void this.sendTable(socket)
        .then(() => {
          // the other processes send their rows again, with the presence the log cannot tell
          if (options.cluster && socket.connected) (options.io as Server).serverSideEmit('parley:console-fresh');
        })
        .catch((err: unknown) => {
          options.log(`console table failed: ${err instanceof Error ? err.stack : String(err)}`);
          socket.disconnect(true);
        });
    });
    if (options.cluster) {
      const failed = (err: unknown) => options.log(`console table failed: ${err instanceof Error ? err.stack : String(err)}`);
      // a console on another process: keep this process's table, so its changes reach that console
      (options.io as Server).on('parley:console-open', () => {
        this.remoteConsoleAt = options.now();
        void this.ensureTable().catch(failed);
      });
      // a console elsewhere has just had its first table, read from the logs: push this process's
      // active rows to every console, so that one sees who is connected here
      (options.io as Server).on('parley:console-fresh', () => {
        this.remoteConsoleAt = options.now();
        void this.ensureTable()
          .then(() => {
            for (const room of this.activeRooms()) this.changed(room);
          })
          .catch(failed);
      });
    }
    // a study found after its session's row was pushed: push the row again
    options.study.onFound = (sessionId) => {
      for (const room of options.sessions.loaded()) if (room.id === sessionId) this.changed(room);
    };
  }

  /** Whether a console is connected here, or (cluster) was lately on another process. */
  private consolesAnywhere(): boolean {
    return this.nsp.sockets.size > 0 || this.options.now() - this.remoteConsoleAt < REMOTE_CONSOLE_TTL_MS;
  }

  /** Tell the other processes a console is connected here (cluster only). */
  private announce(): void {
    if (!this.options.cluster) return;
    this.lastAnnounceAt = this.options.now();
    (this.options.io as Server).serverSideEmit('parley:console-open');
  }

  /**
   * Active sessions run by other processes (cluster only): what their logs say now, without
   * presence. Read fresh for each full table; their owners then send their rows with presence
   * (`parley:console-fresh`) and broadcast their changes after that.
   */
  private async elsewhereSummaries(): Promise<SessionSummary[]> {
    if (!this.options.cluster) return [];
    const here = new Set(this.activeRooms().map((room) => room.id));
    const ids = (await this.options.store.sessionIdsWithStatus('active')).filter((id) => !here.has(id));
    // their study and arm columns, as for this process's own sessions
    await this.options.study.load(ids);
    const out: SessionSummary[] = [];
    for (const id of ids) {
      try {
        const room = await this.options.sessions.inspect(id);
        if (room && room.status === 'active') out.push(this.summarize(room));
      } catch (err) {
        this.options.log(`console: session ${id} could not be read: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
    return out;
  }

  private async sendTable(socket: { connected: boolean; emit: ConsoleNamespace['emit'] }): Promise<void> {
    await this.ensureTable();
    const elsewhere = await this.elsewhereSummaries();
    if (!this.table) return;
    this.flush(); // everyone else first gets what is pending, so the new console starts from the same table
    if (!socket.connected) return;
    socket.emit('sessions', { full: true, sessions: this.rows(elsewhere), serverNow: this.options.now() });
  }

  /** A console signs in with its session cookie (browser) or `auth: { adminToken }` (scripts). */
  private async authorise(headers: Record<string, string | string[] | undefined>, auth: unknown, data: Partial<ConsoleSocketData>): Promise<Error | undefined> {
    const adminToken = auth && typeof auth === 'object' ? (auth as { adminToken?: unknown }).adminToken : undefined;
    if (typeof adminToken === 'string') {
      if (!this.options.auth.isAdminToken(adminToken)) return refuse('wrong admin token; connect with auth: { adminToken: "<admin token>" }');
      data.cookieSession = null;
      return undefined;
    }
    const cookie = typeof headers.cookie === 'string' ? headers.cookie : undefined;
    const session = await this.options.auth.sessionFromCookie(cookie);
    if (!session) return refuse('sign in to the console first (POST /api/console/login), or connect with auth: { adminToken }');
    // the cookie is SameSite=Strict already; a page of another site is refused here as well
    const origin = headers.origin;
    if (typeof origin === 'string' && typeof headers.host === 'string') {
      let originHost: string | null = null;
      try {
        originHost = new URL(origin).host;
      } catch {
        originHost = null;
      }
      if (originHost !== headers.host) return refuse('a console connection from another site is refused');
    }
    data.cookieSession = session.id;
    return undefined;
  }

  /** Called by every room after a change (and by Sessions when one is created). */
  changed(room: Room): void {
    if (!this.table && !this.building) return;
    this.dirty.set(room.id, room);
    if (!this.table || this.flushTimer) return;
    const wait = Math.max(0, this.lastFlushAt + this.flushMs - this.options.now());
    this.flushTimer = setTimeout(() => {
      this.flushTimer = null;
      try {
        this.flush();
      } catch (err) {
        this.options.log(`console flush failed: ${err instanceof Error ? err.stack : String(err)}`);
      }
    }, wait);
  }

  /** The table's rows now: active sessions (newest first), then the recently settled ones. */
  async summaries(): Promise<SessionSummary[]> {
    const elsewhere = await this.elsewhereSummaries();
    if (this.table) {
      this.flush();
      return this.rows(elsewhere);
    }
    const settled = await this.settledSummaries();
    await this.options.study.load(this.activeRooms().map((room) => room.id));
    return [...[...this.activeSummaries(), ...elsewhere].sort((a, b) => b.createdAt - a.createdAt), ...settled];
  }

  /** The table's rows, with the active sessions of other processes (`elsewhere`, cluster only) among the active ones. */
  private rows(elsewhere: SessionSummary[] = []): SessionSummary[] {
    const rows = [...this.table!.values(), ...elsewhere.filter((s) => !this.table!.has(s.id))];
    const active = rows.filter((s) => s.status === 'active').sort((a, b) => b.createdAt - a.createdAt);
    const settled = this.settledOrder.map((id) => this.table!.get(id)).filter((s) => s !== undefined);
    return [...active, ...settled];
  }

  private activeRooms(): Room[] {
    return [...this.options.sessions.loaded()].filter((room) => room.status === 'active');
  }

  private activeSummaries(): SessionSummary[] {
    const now = this.options.now();
    return this.activeRooms()
      .map((room) => this.summarize(room, now))
      .sort((a, b) => b.createdAt - a.createdAt);
  }

  private summarize(room: Room, now = this.options.now()): SessionSummary {
    return summarize(room, this.options.games, this.options.study, now, this.graceMs);
  }

  /** The most recently settled sessions' summaries, newest first (those that could be read). */
  private async settledSummaries(): Promise<SessionSummary[]> {
    const ids = await this.options.store.recentlySettledIds(this.recentLimit);
    await this.options.study.load(ids.filter((id) => !this.settledCache.has(id)));
    const summaries: SessionSummary[] = [];
    for (const id of ids) {
      const summary = await this.settledSummary(id);
      if (summary) summaries.push(summary);
    }
    return summaries;
  }

  /** A settled session's summary: cached, else read once from its room (rebuilt from the log when not loaded). */
  private async settledSummary(id: string): Promise<SessionSummary | null> {
    const cached = this.settledCache.get(id);
    if (cached) return cached;
    let room: Room | null;
    try {
      room = await this.options.sessions.inspect(id);
    } catch (err) {
      this.options.log(`console: session ${id} could not be read: ${err instanceof Error ? err.message : String(err)}`);
      return null;
    }
    if (!room || room.status === 'active') return null;
    const summary = this.summarize(room);
    this.settledCache.set(id, summary);
    return summary;
  }

  /** Build the table for the first console (the others wait for the same build). */
  private ensureTable(): Promise<void> {
    if (this.table) return Promise.resolve();
    this.building ??= this.buildTable().finally(() => {
      this.building = null;
    });
    return this.building;
  }

  private async buildTable(): Promise<void> {
    const settled = await this.settledSummaries();
    await this.options.study.load(this.activeRooms().map((room) => room.id));
    // every console left while the table was read
    if (!this.consolesAnywhere()) {
      this.dirty.clear();
      return;
    }
    const table = new Map<string, SessionSummary>();
    for (const summary of this.activeSummaries()) table.set(summary.id, summary);
    this.settledOrder = [];
    const keep = new Set<string>();
    for (const summary of settled) {
      if (table.has(summary.id)) continue;
      table.set(summary.id, summary);
      this.settledOrder.push(summary.id);
      keep.add(summary.id);
    }
    for (const id of this.settledCache.keys()) if (!keep.has(id)) this.settledCache.delete(id);
    this.table = table;
    this.lastFlushAt = this.options.now();
    this.tickTimer = setInterval(() => {
      try {
        this.tick();
      } catch (err) {
        this.options.log(`console tick failed: ${err instanceof Error ? err.stack : String(err)}`);
      }
    }, this.tickMs);
    this.tickTimer.unref();
  }

  private dropTable(): void {
    this.table = null;
    this.settledOrder = [];
    this.dirty.clear();
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushTimer = null;
    if (this.tickTimer) clearInterval(this.tickTimer);
    this.tickTimer = null;
  }

  /** Send what changed since the last batch (nothing when nothing did). */
  private flush(): void {
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushTimer = null;
    const table = this.table;
    if (!table || this.dirty.size === 0) return;
    const now = this.options.now();
    this.lastFlushAt = now;
    const upsert: SessionSummary[] = [];
    const remove: string[] = [];
    for (const room of this.dirty.values()) {
      const summary = this.summarize(room, now);
      table.set(summary.id, summary);
      upsert.push(summary);
      if (summary.status !== 'active') {
        this.settledCache.set(summary.id, summary);
        if (!this.settledOrder.includes(summary.id)) this.settledOrder.unshift(summary.id);
      }
    }
    this.dirty.clear();
    // the table keeps the most recently settled sessions only
    while (this.settledOrder.length > this.recentLimit) {
      const oldest = this.settledOrder.pop()!;
      table.delete(oldest);
      this.settledCache.delete(oldest);
      remove.push(oldest);
    }
    const removed = new Set(remove);
    this.nsp.emit('sessions', { full: false, upsert: upsert.filter((s) => !removed.has(s.id)), remove, serverNow: now });
  }

  /**
   * Every second while a console is connected: push stuck flags that changed (a wedged room reports
   * no change itself), and close console sockets whose cookie was signed out or expired.
   */
  private tick(): void {
    const table = this.table;
    if (!table) return;
    // cluster: the consoles elsewhere have gone quiet and none is here (a lost disconnect, a dead process)
    if (!this.consolesAnywhere()) return this.dropTable();
    if (this.nsp.sockets.size > 0 && this.options.now() - this.lastAnnounceAt >= ANNOUNCE_MS) this.announce();
    for (const socket of this.nsp.sockets.values()) {
      const id = socket.data.cookieSession;
      if (!id) continue;
      this.options.auth.isValidSession(id).then(
        (valid) => {
          if (!valid) socket.disconnect(true);
        },
        (err: unknown) => this.options.log(`console sign-in check failed: ${err instanceof Error ? err.message : String(err)}`),
      );
    }
    const now = this.options.now();
    const upsert: SessionSummary[] = [];
    for (const summary of table.values()) {
      if (summary.status !== 'active' || this.dirty.has(summary.id)) continue;
      const stuck = isStuck(summary, now, this.graceMs);
      if (stuck === summary.stuck) continue;
      const changed = { ...summary, stuck };
      table.set(summary.id, changed);
      upsert.push(changed);
    }
    if (upsert.length) this.nsp.emit('sessions', { full: false, upsert, remove: [], serverNow: now });
  }

  close(): void {
    this.dropTable();
  }
}
