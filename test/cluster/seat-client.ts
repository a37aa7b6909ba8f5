/**
 * A seat played by a program over Socket.io against a cluster, as a careful external client
 * would: it acts from its latest state's pending request with a fresh clientActionId, sends the
 * SAME id again when the answer is `unavailable`, a timeout or a lost connection (the server
 * applies an id at most once), and after losing its connection reconnects to a random live process.
 */
import { io, type Socket } from 'socket.io-client';
import type { Action } from '../../shared/engine/actions.ts';
import type { Ack, ClientToServerEvents, ServerToClientEvents, StatePayload } from '../../shared/protocol/index.ts';
import { genericAction, testRng } from '../integration/helpers.ts';

type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

export interface SeatClientOptions {
  token: string;
  /** the URLs of the processes alive now; a (re)connection picks one at random */
  urls: () => string[];
  seed: number;
  idPrefix: string;
  /** sent as the `session` query: behind `--workers` the primary routes the socket to the session's owner */
  sessionHint?: string;
  /** how long to wait for an ack before sending the act again (same id) */
  ackTimeoutMs?: number;
  /** connected but no state for this long: connect somewhere else */
  stateWatchdogMs?: number;
}

export class SeatClient {
  /** every act the server acknowledged as accepted: id and the version its ack gave */
  readonly accepted: { clientActionId: string; version: number }[] = [];
  /** every refusal, by code (unavailable, not_your_turn …) */
  readonly refusals = new Map<string, number>();
  /** what went wrong in this client itself (a test asserts there is nothing) */
  readonly errors: unknown[] = [];
  connections = 0;
  /** the highest state version seen (older states arriving late are ignored) */
  latest: StatePayload | null = null;
  private socket: ClientSocket | null = null;
  private readonly rand: () => number;
  private actions = 0;
  private busy = false;
  private minVersion = 0;
  private stopped = false;
  private watchdog: NodeJS.Timeout | null = null;
  private finished!: () => void;
  /** resolves when the game is over for this seat */
  readonly done = new Promise<void>((resolve) => (this.finished = resolve));

  constructor(private readonly options: SeatClientOptions) {
    this.rand = testRng(options.seed);
  }

  start(): void {
    this.connect();
  }

  private connect(): void {
    if (this.stopped) return;
    const urls = this.options.urls();
    const url = urls[Math.floor(Math.random() * urls.length)];
    const hint = this.options.sessionHint;
    const socket: ClientSocket = io(url, { auth: { token: this.options.token }, ...(hint ? { query: { session: hint } } : {}), transports: ['websocket'], reconnection: false, forceNew: true });
    this.socket = socket;
    this.connections++;
    socket.on('state', (state) => {
      if (socket !== this.socket) return;
      this.armWatchdog();
      if (this.latest && state.version < this.latest.version) return;
      this.latest = state;
      if (state.outcome !== null || state.status !== 'active') {
        // over: nothing more will come, so silence is no reason to connect elsewhere
        if (this.watchdog) clearTimeout(this.watchdog);
        this.finished();
        return;
      }
      this.kick();
    });
    const again = () => {
      if (socket !== this.socket) return;
      socket.removeAllListeners();
      socket.disconnect();
      this.socket = null;
      // connect again at once, to another random process (the dead one is gone from urls())
      setImmediate(() => this.connect());
    };
    socket.on('disconnect', again);
    socket.on('connect_error', again);
    this.armWatchdog();
  }

  /** a connection that brings no state (its seat request was lost in a takeover) is replaced */
  private armWatchdog(): void {
    if (this.watchdog) clearTimeout(this.watchdog);
    if (this.latest && this.latest.outcome !== null) return;
    const socket = this.socket;
    this.watchdog = setTimeout(() => {
      if (this.stopped || socket !== this.socket || !socket) return;
      socket.removeAllListeners();
      socket.disconnect();
      this.socket = null;
      this.connect();
    }, this.options.stateWatchdogMs ?? 15_000);
  }

  private async step(): Promise<void> {
    const state = this.latest;
    if (this.busy || this.stopped || !state?.pending || state.seat === null || state.version < this.minVersion) return;
    this.busy = true;
    try {
      const action = genericAction(state.pending, this.rand, state.seat);
      const clientActionId = `${this.options.idPrefix}-${++this.actions}`;
      const ack = await this.sendUntilAnswered(action, clientActionId);
      if (ack.ok) {
        this.accepted.push({ clientActionId, version: ack.version });
        this.minVersion = ack.version;
      } else {
        this.refusals.set(ack.code, (this.refusals.get(ack.code) ?? 0) + 1);
        this.minVersion = state.version + 1;
      }
    } finally {
      this.busy = false;
    }
    this.kick();
  }

  private kick(): void {
    this.step().catch((err: unknown) => this.errors.push(err));
  }

  /** Send until the server answers with something other than "try again": the same id every time. */
  private async sendUntilAnswered(action: Action, clientActionId: string): Promise<Ack> {
    let internals = 0;
    for (;;) {
      if (this.stopped) return { ok: false, code: 'internal', message: 'stopped' };
      const socket = this.socket;
      if (!socket?.connected) {
        await new Promise((resolve) => setTimeout(resolve, 50));
        continue;
      }
      let ack: Ack;
      try {
        ack = (await socket.timeout(this.options.ackTimeoutMs ?? 8000).emitWithAck('act', { action, clientActionId })) as Ack;
      } catch {
        continue; // no answer (the process died, or the ack was lost): the same id again
      }
      // `internal` from a room closed under the act (its process lost the session): nothing was recorded
      const retry = !ack.ok && (ack.code === 'unavailable' || ack.code === 'rate_limited' || (ack.code === 'internal' && ++internals <= 3));
      if (!ack.ok && retry) {
        this.refusals.set(ack.code, (this.refusals.get(ack.code) ?? 0) + 1);
        await new Promise((resolve) => setTimeout(resolve, ack.ok ? 0 : (ack.retryAfterMs ?? 200)));
        continue;
      }
      return ack;
    }
  }

  stop(): void {
    this.stopped = true;
    if (this.watchdog) clearTimeout(this.watchdog);
    this.socket?.removeAllListeners();
    this.socket?.disconnect();
    this.socket = null;
  }
}
