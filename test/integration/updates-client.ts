import { io } from 'socket.io-client';
import type { Action } from '../../shared/engine/actions.ts';
import type { Ack, StatePayload, UpdatePayload } from '../../shared/protocol/index.ts';
import { applyUpdate } from '../../shared/protocol/patch.ts';
import type { StateFeed } from '../../server/live/feed.ts';
import { genericAction, testRng, type ClientSocket } from './helpers.ts';

/**
 * A program-played seat (or spectator) that asks for `updates: 'patch'` (or not) and keeps the
 * payload it holds as the browser does: full `state`s replace it, `update`s patch it, a gap asks
 * for a `resync`. `payloads` is what it held after each message.
 */
export class UpdatesClient {
  readonly socket: ClientSocket;
  /** the payload held after each message that changed it, in order */
  readonly payloads: StatePayload[] = [];
  /** every message received, in order, as raw JSON */
  readonly received: { event: string; json: string }[] = [];
  readonly updates: UpdatePayload[] = [];
  /** the connection's id (socket.io forgets it on disconnect; the server's records keep it) */
  id = '';
  gaps = 0;
  /** drop the next `update` that leads to a payload passing this test, as if it were lost (forces a gap) */
  dropNext: ((next: StatePayload) => boolean) | null = null;
  /** the index in `updates` of the one dropped */
  lostAt: number | null = null;
  private held: StatePayload | null = null;
  private readonly rand: () => number;
  private waiters: { test: (s: StatePayload) => boolean; resolve: (s: StatePayload) => void }[] = [];
  private autoplaying = false;
  private busy = false;
  private minVersion = 0;
  private actions = 0;

  constructor(url: string, readonly token: string, mode: 'patch' | 'full' | null, readonly seed = 1) {
    this.rand = testRng(seed);
    const auth = mode === null ? { token } : { token, updates: mode };
    this.socket = io(url, { auth, transports: ['websocket'], reconnection: false, forceNew: true });
    this.socket.on('connect', () => (this.id = this.socket.id!));
    this.socket.onAny((event: string, payload: unknown) => this.received.push({ event, json: JSON.stringify(payload) }));
    this.socket.on('state', (payload) => this.hold(payload));
    this.socket.on('update', (update) => {
      this.updates.push(update);
      const next = this.held && applyUpdate(this.held, update);
      if (next && this.dropNext?.(next)) {
        this.dropNext = null;
        this.lostAt = this.updates.length - 1;
        return;
      }
      if (!next) {
        this.gaps++;
        this.socket.emit('resync');
        return;
      }
      this.hold(next);
    });
  }

  private hold(payload: StatePayload): void {
    this.held = payload;
    this.payloads.push(payload);
    this.waiters = this.waiters.filter((w) => {
      if (!w.test(payload)) return true;
      w.resolve(payload);
      return false;
    });
    if (this.autoplaying) void this.step();
  }

  get latest(): StatePayload | null {
    return this.held;
  }

  waitFor(test: (s: StatePayload) => boolean, what = 'state', timeoutMs = 30_000): Promise<StatePayload> {
    if (this.held && test(this.held)) return Promise.resolve(this.held);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}; holding version ${this.held?.version}`)), timeoutMs);
      this.waiters.push({
        test,
        resolve: (s) => {
          clearTimeout(timer);
          resolve(s);
        },
      });
    });
  }

  connected(): Promise<StatePayload> {
    return this.waitFor(() => true, 'the first state');
  }

  waitForOutcome(): Promise<StatePayload> {
    return this.waitFor((s) => s.outcome !== null, 'the outcome');
  }

  async act(action: Action, clientActionId: string): Promise<Ack> {
    return (await this.socket.timeout(10_000).emitWithAck('act', { action, clientActionId })) as Ack;
  }

  autoplay(): void {
    this.autoplaying = true;
    void this.step();
  }

  private async step(): Promise<void> {
    const state = this.held;
    if (!this.autoplaying || this.busy || !state?.pending || state.seat === null || state.version < this.minVersion || !this.socket.connected) return;
    this.busy = true;
    try {
      const action = genericAction(state.pending, this.rand, state.seat);
      const clientActionId = `u${this.seed}-${++this.actions}`;
      let ack = await this.act(action, clientActionId);
      while (!ack.ok && ack.code === 'rate_limited') {
        await new Promise((resolve) => setTimeout(resolve, ack.ok ? 0 : (ack.retryAfterMs ?? 100)));
        ack = await this.act(action, clientActionId);
      }
      this.minVersion = ack.ok ? ack.version : state.version + 1;
    } catch {
      this.minVersion = state.version + 1;
    } finally {
      this.busy = false;
    }
    void this.step();
  }

  close(): void {
    this.autoplaying = false;
    this.socket.disconnect();
  }
}

/**
 * Everything the server's feed was asked to send, by connection id, as it reached the wire
 * (JSON): the full state each connection would get if it had not asked for patches.
 */
export function recordFeed(feed: StateFeed): Map<string, StatePayload[]> {
  const sent = new Map<string, StatePayload[]>();
  const record = (id: string, payload: StatePayload) => {
    const list = sent.get(id) ?? [];
    const json = JSON.parse(JSON.stringify(payload)) as StatePayload;
    // an unchanged payload is not sent again to a patch client: keep one
    if (list.length === 0 || JSON.stringify(list[list.length - 1]) !== JSON.stringify(json)) list.push(json);
    sent.set(id, list);
  };
  const broadcast = feed.broadcast.bind(feed);
  const sendFull = feed.sendFull.bind(feed);
  feed.broadcast = (sends) => {
    for (const { peer, payload } of sends) if (peer.connected) record(peer.id, payload);
    broadcast(sends);
  };
  feed.sendFull = (peer, payload) => {
    if (peer.connected) record(peer.id, payload);
    sendFull(peer, payload);
  };
  return sent;
}

/** Consecutive payloads that are the same (as JSON) count once: an unchanged payload is not patched. */
export function distinct(payloads: readonly StatePayload[]): StatePayload[] {
  const out: StatePayload[] = [];
  for (const p of payloads) if (!out.length || JSON.stringify(out[out.length - 1]) !== JSON.stringify(p)) out.push(p);
  return out;
}
