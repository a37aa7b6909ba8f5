import type { StatePayload, UpdatePayload } from '../../shared/protocol/index.ts';
import { diffPayload } from '../../shared/protocol/patch.ts';
import type { Peer } from '../room/fanout.ts';

/** How a connection asked to be kept up to date (AuthSchema `updates`). */
export type UpdateMode = 'full' | 'patch';

export type FeedMessage = { event: 'state'; payload: StatePayload } | { event: 'update'; payload: UpdatePayload };

/**
 * Sends one message to every peer in `peers`, encoding it once (socket.io: `io.to(ids).emit`).
 * The default emits to each peer in turn, for peers that are not sockets.
 */
export type FanOut = (peers: readonly Peer[], message: FeedMessage) => void;

export interface FeedSend {
  peer: Peer;
  payload: StatePayload;
}

/**
 * A patch with more steps than this is sent as a full state instead: past it, the steps
 * (each with its path) stop being smaller than the payload, and the client's work grows.
 */
const MAX_PATCH_OPS = 200;

interface PeerFeed {
  mode: UpdateMode;
  /** the payload this connection holds now (patch mode only: full-mode peers need no memory) */
  holds: StatePayload | null;
  /** an `update` was sent since the last full state: only then may a `resync` cost a full state */
  patched: boolean;
}

const emitEach: FanOut = (peers, message) => {
  for (const peer of peers) {
    if (message.event === 'state') peer.emit('state', message.payload);
    else peer.emit('update', message.payload);
  }
};

/**
 * Every state the rooms send goes out through here. A connection that asked for patches gets a
 * full `state` first, then `update`s: the JSON Patch from the payload it holds to the new one.
 * The others get a full `state` each time, as always. Whatever is identical within a broadcast —
 * the spectators' shared payload, the same patch for many seats — is encoded once.
 */
export class StateFeed {
  // weak: a connection the room never saw leave still costs nothing once it is gone
  private readonly peers = new WeakMap<Peer, PeerFeed>();
  private fanOut: FanOut = emitEach;

  /** The transport's one-encoding fan-out (server/socket.ts). */
  useFanOut(fanOut: FanOut): void {
    this.fanOut = fanOut;
  }

  /** A connection arrived and said how it wants its states (a peer never opened gets full states). */
  open(peer: Peer, mode: UpdateMode): void {
    this.peers.set(peer, { mode, holds: null, patched: false });
  }

  /** The connection is gone: drop the payload kept for it. */
  forget(peer: Peer): void {
    this.peers.delete(peer);
  }

  /** One seat's (null: the spectator's) new state; `seat` guards against sending a view to the wrong connection. */
  send(peer: Peer, seat: number | null, payload: StatePayload): void {
    if (payload.seat !== seat) throw new Error(`state for seat ${payload.seat} sent to seat ${seat}'s connection`);
    this.broadcast([{ peer, payload }]);
  }

  /** A full state, whatever the mode: the payload to patch from starts again here (connect, resync). */
  sendFull(peer: Peer, payload: StatePayload): void {
    if (!peer.connected) return;
    const feed = this.peers.get(peer);
    if (feed?.mode === 'patch') {
      feed.holds = payload;
      feed.patched = false;
    }
    this.fanOut([peer], { event: 'state', payload });
  }

  /**
   * The client saw a gap (`resync`): send the current state in full — unless nothing but a full
   * state went to it since the last one, so repeated asks cannot make the server encode state after state.
   */
  resync(peer: Peer, current: () => StatePayload): boolean {
    const feed = this.peers.get(peer);
    if (!feed?.patched || !peer.connected) return false;
    this.sendFull(peer, current());
    return true;
  }

  /** Many connections' new states at once, each peer at most once (payloads shared by reference are recognised as one). */
  broadcast(sends: readonly FeedSend[]): void {
    const fulls = new Map<StatePayload, Peer[]>();
    const updates: { update: UpdatePayload; peers: Peer[] }[] = [];
    let last: { held: StatePayload | null; next: StatePayload; update: UpdatePayload | null } | null = null;
    for (const { peer, payload } of sends) {
      if (!peer.connected) continue;
      const feed = this.peers.get(peer);
      if (feed?.mode !== 'patch') {
        group(fulls, payload, peer);
        continue;
      }
      // spectators hold the same payload and get the same one: one diff for all of them
      let update: UpdatePayload | null;
      if (last && feed.holds === last.held && payload === last.next) update = last.update;
      else {
        update = feed.holds ? updateBetween(feed.holds, payload) : null;
        last = { held: feed.holds, next: payload, update };
      }
      feed.holds = payload;
      if (!update) {
        feed.patched = false;
        group(fulls, payload, peer);
        continue;
      }
      if (update.patch.length === 0) continue; // the peer already holds exactly this
      feed.patched = true;
      // seats whose patches are the same (most of a table after a public statement) share one encoding
      const same = updates.find((group) => sameUpdate(group.update, update));
      if (same) same.peers.push(peer);
      else updates.push({ update, peers: [peer] });
    }
    for (const [payload, peers] of fulls) this.fanOut(peers, { event: 'state', payload });
    for (const { update, peers } of updates) this.fanOut(peers, { event: 'update', payload: update });
  }
}

function group(fulls: Map<StatePayload, Peer[]>, payload: StatePayload, peer: Peer): void {
  const peers = fulls.get(payload);
  if (peers) peers.push(peer);
  else fulls.set(payload, [peer]);
}

/**
 * Whether two updates encode to the same message. Compared in place rather than by their JSON:
 * the values of equal patches are mostly the same records (a statement appended to every seat's
 * view), found equal by reference without being serialized; different patches differ early.
 */
function sameUpdate(a: UpdatePayload, b: UpdatePayload): boolean {
  if (a.from !== b.from || a.version !== b.version || a.sessionId !== b.sessionId || a.patch.length !== b.patch.length) return false;
  for (let i = 0; i < a.patch.length; i++) {
    const x = a.patch[i];
    const y = b.patch[i];
    if (x.op !== y.op || x.path !== y.path) return false;
    if (x.op !== 'remove' && !sameJson(x.value, (y as typeof x).value)) return false;
  }
  return true;
}

/** Deep equality as JSON sees it (an `undefined` member is an absent one; key order matters, as it does to the encoding). */
function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!sameJson(a[i] ?? null, b[i] ?? null)) return false;
    return true;
  }
  // anything but plain records (none in a payload) is equal only to itself
  if (Array.isArray(b) || !isRecord(a) || !isRecord(b)) return false;
  const x = a as Record<string, unknown>;
  const y = b as Record<string, unknown>;
  const xKeys = Object.keys(x).filter((key) => x[key] !== undefined);
  const yKeys = Object.keys(y).filter((key) => y[key] !== undefined);
  if (xKeys.length !== yKeys.length) return false;
  for (let i = 0; i < xKeys.length; i++) if (xKeys[i] !== yKeys[i] || !sameJson(x[xKeys[i]], y[xKeys[i]])) return false;
  return true;
}

function isRecord(value: object): boolean {
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** The update from `held` to `next`, or null when a full state is the better message. */
function updateBetween(held: StatePayload, next: StatePayload): UpdatePayload | null {
  if (held.sessionId !== next.sessionId) return null;
  const patch = diffPayload(held, next);
  if (patch.length > MAX_PATCH_OPS) return null;
  return { sessionId: next.sessionId, from: held.version, version: next.version, patch };
}
