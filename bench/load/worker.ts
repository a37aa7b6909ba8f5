// A load-generator process of the server bench: keeps `job.tables` tables of socket.io clients on one
// server (Parley's protocol or the boardgame.io twin's), fast-forwards them, then plays them in the
// window the parent opens, counting latencies, bytes received and its own CPU. Started by
// bench/load/pool.ts with an IPC channel; the messages are bench/load/protocol.ts.
import { io, type Socket } from 'socket.io-client';
import { genericAction, testRng } from '../../test/integration/helpers.ts';
import type { Ack, CreatedSession, StatePayload } from '../../shared/protocol/index.ts';
import type { LoadJob, ParentMessage, WorkerMessage, WorkerReport } from './protocol.ts';

type Mode = 'hold' | 'ff' | 'play';
/** Incremental updates, once shared/protocol/patch.ts exists: null when this build has none. */
type ApplyUpdate = (payload: StatePayload, update: unknown) => StatePayload | null;

function send(message: WorkerMessage): void {
  process.send!(message);
}

/** Everything the window counts; reset when the parent opens it. */
class Counters {
  actions = 0;
  refused = 0;
  ackMs: number[] = [];
  stateMs: number[] = [];
  bytes = 0;
  messages = 0;
  tablesFinished = 0;
  finalVersions: number[] = [];
  replaceFailures = 0;
  measuring = false;
}

/** Counts every frame a socket receives (engine.io packets, pings included). */
function countBytes(socket: Socket, counters: Counters): void {
  socket.io.on('open', () => {
    socket.io.engine.on('packet', (packet: { data?: unknown }) => {
      counters.messages++;
      const data = packet.data;
      counters.bytes += 1 + (typeof data === 'string' ? data.length : data instanceof ArrayBuffer ? data.byteLength : 0);
    });
  });
}

function think(job: LoadJob, rand: () => number): number {
  if (!job.thinkMs) return 0;
  const [min, max] = job.thinkMs;
  return min + rand() * (max - min);
}

/** socket.io-client's default of 20 s is too short for a server busy connecting 20,000 others */
const CONNECT_TIMEOUT_MS = 120_000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** What a table asks of each of its seats, whatever the server. */
interface LoadSeat {
  readonly socket: Socket;
  /** resolves with the seat's first state */
  readonly connected: Promise<void>;
  step(): void;
  countUnanswered(now: number): void;
}

/** One table: its seats' sockets, the furthest version any of them has seen, and what they may do now. */
abstract class Table {
  mode: Mode = 'hold';
  version = 0;
  ffTarget = 0;
  finished = false;
  stopped = false;
  private reachedTarget!: () => void;
  reached: Promise<void> = Promise.resolve();
  protected sockets: Socket[] = [];

  constructor(readonly worker: Worker, readonly seed: number) {}

  /** the seats this load generator plays (a spectator socket, if any, is only in `sockets`) */
  protected seats: LoadSeat[] = [];

  abstract open(): Promise<void>;

  protected kickSeats(): void {
    for (const s of this.seats) s.step();
  }

  /** Acts still unanswered when the window closes count with the time they have waited so far. */
  countUnanswered(now: number): void {
    for (const s of this.seats) s.countUnanswered(now);
  }

  get job(): LoadJob {
    return this.worker.job;
  }

  /** May a seat act from a state at `version`? */
  mayAct(version: number): boolean {
    if (this.finished) return false;
    if (this.mode === 'ff') return version < this.ffTarget;
    if (this.mode === 'play') return this.job.stopAtVersion === null || version < this.job.stopAtVersion;
    return false;
  }

  fastForward(target: number): Promise<void> {
    this.ffTarget = target;
    this.reached = new Promise((resolve) => (this.reachedTarget = resolve));
    this.mode = 'ff';
    if (this.version >= target || this.finished) this.reachedTarget();
    else this.kickSeats();
    return this.reached;
  }

  play(): void {
    this.mode = 'play';
    this.kickSeats();
  }

  observe(version: number, over: boolean): void {
    if (version > this.version) this.version = version;
    if (this.mode === 'ff' && this.version >= this.ffTarget) this.reachedTarget?.();
    if (this.mode === 'play' && !this.stopped && this.job.stopAtVersion !== null && this.version >= this.job.stopAtVersion) {
      this.stopped = true;
      this.worker.tableSettled();
    }
    if (over && !this.finished) {
      this.finished = true;
      this.reachedTarget?.();
      this.worker.tableFinished(this);
    }
  }

  close(): void {
    for (const s of this.sockets) s.close();
  }
}

class ParleyTable extends Table {
  async open(): Promise<void> {
    const { job } = this;
    const created = await adminCall<CreatedSession>(job, 'POST', '/api/sessions', {
      game: job.game,
      preset: job.preset,
      ...(job.config ? { config: job.config } : {}),
      seed: this.seed,
      seats: Array.from({ length: this.worker.seatCount }, () => ({ kind: 'human' })),
    });
    const session = job.sessionHint === false ? null : created.id;
    this.seats = created.seats.map((seat) => new ParleySeat(this, seat.token!, session, testRng(this.seed * 100 + seat.seat + 1)));
    const all = this.seats.map((s) => s.socket);
    const firstStates = this.seats.map((s) => s.connected);
    if (job.spectator) {
      const spectator = new ParleySeat(this, created.spectatorToken, session, () => 0);
      all.push(spectator.socket);
      firstStates.push(spectator.connected);
    }
    this.sockets = all;
    await Promise.all(firstStates);
  }

}

class ParleySeat {
  readonly socket: Socket;
  readonly connected: Promise<void>;
  private latest: StatePayload | null = null;
  private busy = false;
  private minVersion = 0;
  private ids = 0;
  /** the act in flight whose state we are waiting for: its version and send time */
  private waiting: { version: number; sentAt: number; measured: boolean } | null = null;
  /** when the act now waiting for its ack was sent (measured acts only) */
  private ackPendingSince: number | null = null;

  constructor(private readonly table: ParleyTable, token: string, session: string | null, private readonly rand: () => number) {
    const worker = table.worker;
    const patch = worker.updatesMode === 'patch';
    this.socket = io(table.job.url, {
      auth: patch ? { token, updates: 'patch' } : { token },
      // the routing hint: behind `--workers`, the primary sends the socket to the session's worker
      ...(session ? { query: { session } } : {}),
      transports: ['websocket'],
      reconnection: false,
      forceNew: true,
      timeout: CONNECT_TIMEOUT_MS,
    });
    countBytes(this.socket, worker.counters);
    this.connected = new Promise((resolve, reject) => {
      this.socket.once('state', () => resolve());
      this.socket.once('connect_error', (err) => reject(err));
    });
    this.socket.on('state', (state: StatePayload) => this.receive(state));
    if (patch) {
      this.socket.on('update', (update: unknown) => {
        const next = this.latest && worker.applyUpdate!(this.latest, update);
        if (next) this.receive(next);
        else this.socket.emit('resync');
      });
    }
  }

  private receive(state: StatePayload): void {
    this.latest = state;
    if (this.waiting && state.version >= this.waiting.version) {
      if (this.waiting.measured && this.table.worker.counters.measuring) this.table.worker.counters.stateMs.push(performance.now() - this.waiting.sentAt);
      this.waiting = null;
    }
    this.table.observe(state.version, state.outcome !== null || state.status !== 'active');
    this.step();
  }

  countUnanswered(now: number): void {
    const counters = this.table.worker.counters;
    if (this.ackPendingSince !== null) {
      counters.ackMs.push(now - this.ackPendingSince);
      counters.stateMs.push(now - this.ackPendingSince);
    } else if (this.waiting?.measured) counters.stateMs.push(now - this.waiting.sentAt);
  }

  step(): void {
    const state = this.latest;
    if (this.busy || !state?.pending || state.seat === null || state.version < this.minVersion || !this.table.mayAct(state.version)) return;
    this.busy = true;
    // a table closed under an act in flight (its game ended, or the window closed) rejects the act
    void this.act()
      .catch((err: unknown) => {
        if (this.socket.connected) console.error(`load worker: act failed on a live socket: ${err instanceof Error ? err.stack : String(err)}`);
      })
      .finally(() => {
        this.busy = false;
        if (this.socket.connected) this.step();
      });
  }

  private async act(): Promise<void> {
    const { table } = this;
    const counters = table.worker.counters;
    if (table.mode === 'play' && table.job.thinkMs) {
      await sleep(think(table.job, this.rand));
      if (!this.latest?.pending || !table.mayAct(this.latest.version) || this.latest.version < this.minVersion) return;
    }
    const state = this.latest!;
    const action = genericAction(state.pending!, this.rand, state.seat ?? 0);
    const clientActionId = `b${++this.ids}`;
    const measuring = counters.measuring;
    for (;;) {
      const sentAt = performance.now();
      if (measuring) this.ackPendingSince = sentAt;
      const ack = (await this.socket.emitWithAck('act', { action, clientActionId })) as Ack;
      this.ackPendingSince = null;
      if (!ack.ok && ack.code === 'rate_limited') {
        await sleep(ack.retryAfterMs ?? 50);
        continue;
      }
      if (!ack.ok) {
        if (measuring) counters.refused++;
        this.minVersion = state.version + 1;
        return;
      }
      if (measuring) {
        counters.actions++;
        counters.ackMs.push(performance.now() - sentAt);
      }
      this.minVersion = ack.version;
      // the state carrying this action may be here already (it follows the ack on the same socket)
      if (this.latest && this.latest.version >= ack.version) {
        if (measuring) counters.stateMs.push(performance.now() - sentAt);
      } else {
        this.waiting = { version: ack.version, sentAt, measured: measuring };
      }
      return;
    }
  }
}

/** The twin's state as its clients receive it (bench/bgio/trust-split.ts, playerView). */
interface BgioState {
  _stateID: number;
  ctx: { gameover?: unknown };
  G: { phase: { kind: string; speaker?: number }; proposal: number | null; moves: [number, number] };
}

class BgioTable extends Table {
  async open(): Promise<void> {
    const { url } = this.job;
    const { matchID } = await postJson<{ matchID: string }>(`${url}/games/trust-split/create`, { numPlayers: 2 });
    const creds = await Promise.all(
      [0, 1].map((p) => postJson<{ playerCredentials: string }>(`${url}/games/trust-split/${matchID}/join`, { playerID: String(p), playerName: `P${p}` })),
    );
    this.seats = creds.map((c, seat) => new BgioSeat(this, matchID, seat, c.playerCredentials, testRng(this.seed * 100 + seat + 1)));
    this.sockets = this.seats.map((s) => s.socket);
    await Promise.all(this.seats.map((s) => s.connected));
  }

}

class BgioSeat {
  readonly socket: Socket;
  readonly connected: Promise<void>;
  private latest: BgioState | null = null;
  /** the move in flight: this seat's move count when it was sent, and when */
  private waiting: { moves: number; sentAt: number; measured: boolean } | null = null;

  constructor(private readonly table: BgioTable, private readonly matchID: string, private readonly seat: number, private readonly credentials: string, private readonly rand: () => number) {
    this.socket = io(`${table.job.url}/trust-split`, { transports: ['websocket'], reconnection: false, forceNew: true, timeout: CONNECT_TIMEOUT_MS });
    countBytes(this.socket, table.worker.counters);
    this.connected = new Promise((resolve, reject) => {
      this.socket.once('sync', () => resolve());
      this.socket.once('connect_error', (err) => reject(err));
    });
    this.socket.on('connect', () => this.socket.emit('sync', matchID, String(seat), credentials, 2));
    this.socket.on('sync', (_m: string, info: { state: BgioState }) => this.receive(info.state));
    this.socket.on('update', (_m: string, state: BgioState) => this.receive(state));
  }

  private receive(state: BgioState): void {
    this.latest = state;
    const counters = this.table.worker.counters;
    if (this.waiting && state.G.moves[this.seat] > this.waiting.moves) {
      if (counters.measuring && this.waiting.measured) {
        counters.actions++;
        counters.stateMs.push(performance.now() - this.waiting.sentAt);
      }
      this.waiting = null;
    }
    this.table.observe(state._stateID, state.ctx.gameover !== undefined);
    this.step();
  }

  countUnanswered(now: number): void {
    if (this.waiting?.measured) this.table.worker.counters.stateMs.push(now - this.waiting.sentAt);
  }

  private pending(state: BgioState): 'speak' | 'propose' | null {
    const phase = state.G.phase;
    if (phase.kind === 'talk' && phase.speaker === this.seat) return 'speak';
    if (phase.kind === 'propose' && state.G.proposal === null) return 'propose';
    return null;
  }

  private thinking = false;

  step(): void {
    const state = this.latest;
    if (!state || this.waiting || this.thinking || !this.pending(state) || !this.table.mayAct(state._stateID)) return;
    if (this.table.mode === 'play' && this.table.job.thinkMs) {
      this.thinking = true;
      void sleep(think(this.table.job, this.rand)).then(() => {
        this.thinking = false;
        this.send();
      });
    } else this.send();
  }

  private send(): void {
    const state = this.latest!;
    const kind = this.pending(state);
    if (!kind || this.waiting || !this.table.mayAct(state._stateID)) return;
    const arg =
      kind === 'speak'
        ? `Seat ${this.seat} here. I have been watching closely and I trust my instincts (${Math.floor(this.rand() * 1000)}).`
        : Math.floor(this.rand() * 11);
    this.waiting = { moves: state.G.moves[this.seat], sentAt: performance.now(), measured: this.table.worker.counters.measuring };
    const action = { type: 'MAKE_MOVE', payload: { type: kind, args: [arg], playerID: String(this.seat), credentials: this.credentials } };
    this.socket.emit('update', action, state._stateID, this.matchID, String(this.seat));
  }
}

/** A table on the bare socket.io floor (bench/floor/server.ts): two seats that take turns. */
class FloorTable extends Table {
  async open(): Promise<void> {
    const name = `t${this.seed}-${process.pid}`;
    this.seats = [0, 1].map((seat) => new FloorSeat(this, name, seat));
    this.sockets = this.seats.map((s) => s.socket);
    await Promise.all(this.seats.map((s) => s.connected));
  }

}

interface FloorUpdate {
  version: number;
  over: boolean;
}

class FloorSeat {
  readonly socket: Socket;
  readonly connected: Promise<void>;
  private version = -1;
  private over = false;
  /** the act in flight: its send time, and the version its ack named once it came */
  private inFlight: { sentAt: number; measured: boolean; version: number | null } | null = null;

  constructor(private readonly table: FloorTable, name: string, private readonly seat: number) {
    this.socket = io(table.job.url, { query: { table: name, seat: String(seat) }, transports: ['websocket'], reconnection: false, forceNew: true, timeout: CONNECT_TIMEOUT_MS });
    countBytes(this.socket, table.worker.counters);
    this.connected = new Promise((resolve, reject) => {
      this.socket.once('update', () => resolve());
      this.socket.once('connect_error', (err) => reject(err));
    });
    this.socket.on('update', (update: FloorUpdate) => this.receive(update));
  }

  private receive(update: FloorUpdate): void {
    this.version = update.version;
    this.over = update.over;
    const flight = this.inFlight;
    if (flight?.version != null && update.version >= flight.version) {
      if (flight.measured && this.table.worker.counters.measuring) this.table.worker.counters.stateMs.push(performance.now() - flight.sentAt);
      this.inFlight = null;
    }
    this.table.observe(update.version, update.over);
    this.step();
  }

  countUnanswered(now: number): void {
    if (this.inFlight?.measured) {
      if (this.inFlight.version === null) this.table.worker.counters.ackMs.push(now - this.inFlight.sentAt);
      this.table.worker.counters.stateMs.push(now - this.inFlight.sentAt);
    }
  }

  step(): void {
    if (this.inFlight || this.over || this.version % 2 !== this.seat || !this.table.mayAct(this.version)) return;
    const counters = this.table.worker.counters;
    const flight: { sentAt: number; measured: boolean; version: number | null } = { sentAt: performance.now(), measured: counters.measuring, version: null };
    this.inFlight = flight;
    this.socket.emit('act', { kind: 'propose', value: 5 }, (ack: { ok: boolean; version?: number }) => {
      if (!ack.ok || ack.version === undefined) {
        this.inFlight = null;
        return;
      }
      if (flight.measured && counters.measuring) {
        counters.actions++;
        counters.ackMs.push(performance.now() - flight.sentAt);
      }
      flight.version = ack.version;
      // the update may have come first
      if (this.version >= ack.version) {
        if (flight.measured && counters.measuring) counters.stateMs.push(performance.now() - flight.sentAt);
        this.inFlight = null;
      }
    });
  }
}

async function postJson<T>(url: string, body: unknown): Promise<T> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  if (!res.ok) throw new Error(`POST ${url}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

async function adminCall<T>(job: LoadJob, method: string, route: string, body?: unknown): Promise<T> {
  const res = await fetch(job.url + route, {
    method,
    headers: { authorization: `Bearer ${job.adminToken}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${method} ${route}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

class Worker {
  readonly counters = new Counters();
  tables: Table[] = [];
  seatCount = 2;
  updatesMode: 'full' | 'patch' = 'full';
  applyUpdate: ApplyUpdate | null = null;
  private nextSeed: number;
  private cpuAtStart = process.cpuUsage();
  private windowStart = 0;
  private settled = false;

  constructor(readonly job: LoadJob) {
    this.nextSeed = job.seedBase;
  }

  async prepare(): Promise<void> {
    const { job } = this;
    if (job.target === 'parley') {
      if (job.updates === 'patch') this.applyUpdate = await loadApplyUpdate();
      this.updatesMode = this.applyUpdate ? 'patch' : 'full';
      const configured = job.config?.players;
      if (typeof configured === 'number') this.seatCount = configured;
      else {
        const { games } = await adminCall<{ games: { id: string; presets: { name: string; seats: number }[] }[] }>(job, 'GET', '/api/games');
        const seats = games.find((g) => g.id === job.game)?.presets.find((p) => p.name === job.preset)?.seats;
        if (!seats) throw new Error(`no preset "${job.preset}" of game "${job.game}" on this server`);
        this.seatCount = seats;
      }
    }
    const started = performance.now();
    const perSocket = this.seatCount + (job.target === 'parley' && job.spectator ? 1 : 0);
    const tablesPerBatch = Math.max(1, Math.floor(job.connectBatch / perSocket));
    for (let i = 0; i < job.tables; i += tablesPerBatch) {
      const batch = Array.from({ length: Math.min(tablesPerBatch, job.tables - i) }, () => this.newTable());
      await Promise.all(batch.map((t) => t.open()));
      this.tables.push(...batch);
      send({ type: 'progress', connected: this.clients(), fastForwarded: 0 });
    }
    send({ type: 'connected', clients: this.clients(), seconds: (performance.now() - started) / 1000 });
    let fastForwarded = 0;
    await Promise.all(
      this.tables.map((t) =>
        this.fastForward(t).then(() => {
          if (++fastForwarded % 50 === 0) send({ type: 'progress', connected: this.clients(), fastForwarded });
        }),
      ),
    );
  }

  private newTable(): Table {
    const seed = this.nextSeed++;
    const { target } = this.job;
    return target === 'parley' ? new ParleyTable(this, seed) : target === 'bgio' ? new BgioTable(this, seed) : new FloorTable(this, seed);
  }

  private ffTarget(table: Table): number {
    const ff = this.job.fastForward;
    return typeof ff === 'number' ? ff : Math.floor(testRng(table.seed + 7)() * ff.randomMax);
  }

  private async fastForward(table: Table): Promise<void> {
    const target = this.ffTarget(table);
    if (target > 0) await table.fastForward(target);
    table.mode = 'hold';
    // a table that ended while fast-forwarding starts over, fresh, when tables are kept
    if (table.finished && this.job.replaceFinished) {
      table.close();
      const fresh = this.newTable();
      await fresh.open();
      this.tables[this.tables.indexOf(table)] = fresh;
    }
  }

  clients(): number {
    const perTable = this.seatCount + (this.job.target === 'parley' && this.job.spectator ? 1 : 0);
    return this.tables.length * perTable;
  }

  measure(): void {
    Object.assign(this.counters, new Counters(), { measuring: true });
    this.cpuAtStart = process.cpuUsage();
    this.windowStart = performance.now();
    for (const t of this.tables) t.play();
    this.tableSettled();
  }

  tableFinished(table: Table): void {
    if (!this.counters.measuring) return;
    this.counters.tablesFinished++;
    this.counters.finalVersions.push(table.version);
    if (this.job.replaceFinished) {
      const index = this.tables.indexOf(table);
      table.close();
      const fresh = this.newTable();
      void fresh.open().then(
        () => {
          if (index >= 0) this.tables[index] = fresh;
          if (this.counters.measuring) fresh.play();
          else fresh.close();
        },
        // an overloaded server may refuse or time out a new table: counted, the run goes on
        () => {
          fresh.close();
          this.counters.replaceFailures++;
        },
      );
    } else this.tableSettled();
  }

  /** Without replacement the window ends once every table finished or reached stopAtVersion. */
  tableSettled(): void {
    if (this.settled || this.job.replaceFinished || !this.counters.measuring) return;
    if (this.tables.every((t) => t.finished || t.stopped)) {
      this.settled = true;
      send({ type: 'idle' });
    }
  }

  report(): WorkerReport {
    const cpu = process.cpuUsage(this.cpuAtStart);
    const c = this.counters;
    const now = performance.now();
    for (const t of this.tables) t.countUnanswered(now);
    c.measuring = false;
    for (const t of this.tables) t.mode = 'hold';
    return {
      actions: c.actions,
      ackMs: c.ackMs,
      stateMs: c.stateMs,
      bytesReceived: c.bytes,
      messages: c.messages,
      cpuMs: (cpu.user + cpu.system) / 1000,
      seconds: (performance.now() - this.windowStart) / 1000,
      clients: this.clients(),
      tablesFinished: c.tablesFinished,
      finalVersions: c.finalVersions,
      replaceFailures: c.replaceFailures,
      refused: c.refused,
      updatesMode: this.updatesMode,
    };
  }

  close(): void {
    for (const t of this.tables) t.close();
  }
}

/** shared/protocol/patch.ts's applyUpdate, when this build has incremental updates. */
async function loadApplyUpdate(): Promise<ApplyUpdate | null> {
  const modulePath = '../../shared/protocol/patch.ts';
  try {
    const mod = (await import(modulePath)) as { applyUpdate?: ApplyUpdate };
    return typeof mod.applyUpdate === 'function' ? mod.applyUpdate : null;
  } catch {
    return null;
  }
}

// the parent is gone (interrupted): nobody will read a report
process.on('disconnect', () => process.exit(0));

let worker: Worker | null = null;
process.on('message', (message: ParentMessage) => {
  if (message.type === 'job') {
    worker = new Worker(message.job);
    worker.prepare().then(
      () => send({ type: 'ready', clients: worker!.clients(), updatesMode: worker!.updatesMode }),
      (err: unknown) => send({ type: 'error', message: err instanceof Error ? err.stack ?? err.message : String(err) }),
    );
  } else if (message.type === 'measure') worker?.measure();
  else if (message.type === 'stop' && worker) {
    const report = worker.report();
    worker.close();
    // exit only once the report is handed to the channel: a large one takes a while to flush
    process.send!({ type: 'report', report } satisfies WorkerMessage, undefined, {}, () => process.exit(0));
  }
});
