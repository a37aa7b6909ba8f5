/**
 * A socket may be connected to any process; its session's room runs on exactly one (the owner).
 * The relay carries what a socket says to the owner and back, over Socket.io's cross-server
 * adapter: the owner seats a RemotePeer for it (its emits reach the socket through the adapter,
 * wherever it is), acts travel with serverSideEmit and their acks come back the same way.
 *
 * Messages go to every process and are answered only by the owner (or, for replies, only by the
 * process that asked), so nobody needs to know where anyone is. When no reply comes in time (the
 * owner just died and nobody has taken the session over yet), the socket's act is answered
 * `unavailable`: the client sends it again with the same clientActionId, which can never apply twice.
 */
import { randomBytes } from 'node:crypto';
import type { Server } from 'socket.io';
import type { Action } from '../../shared/engine/actions.ts';
import type { Ack, ClientToServerEvents, ServerToClientEvents, SessionStatus } from '../../shared/protocol/index.ts';
import type { StateFeed, UpdateMode } from '../live/feed.ts';
import type { Peer } from '../room/fanout.ts';
import type { Room } from '../room/room.ts';

/** What every socket carries (serialisable: another process reads it with fetchSockets when it takes a session over). */
export interface SocketData {
  sessionId: string;
  /** null: the spectator */
  seat: number | null;
  /** the token it connected with, to load the room again if it was evicted meanwhile */
  token: string;
  /** full states after every change, or one full state and then patches */
  updates: UpdateMode;
}

interface PeerRef {
  sessionId: string;
  seat: number | null;
  socketId: string;
}
interface SeatMessage extends PeerRef {
  from: string;
  requestId: string;
  updates: UpdateMode;
}
interface ActMessage {
  sessionId: string;
  seat: number;
  action: Action;
  clientActionId: string;
  from: string;
  requestId: string;
}
interface EndMessage {
  sessionId: string;
  reason: string;
  note?: string;
  from: string;
  requestId: string;
}
interface ReplyMessage {
  to: string;
  requestId: string;
  ack?: Ack;
  status?: SessionStatus;
}

export interface InterServerEvents {
  'parley:seat': (message: SeatMessage) => void;
  'parley:act': (message: ActMessage) => void;
  'parley:resync': (message: PeerRef) => void;
  'parley:leave': (message: PeerRef) => void;
  'parley:end': (message: EndMessage) => void;
  'parley:reply': (message: ReplyMessage) => void;
  /** a console is connected on the sender: keep the console table going here (server/console/hub.ts) */
  'parley:console-open': () => void;
}

export type ParleyServer = Server<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;

/** The socket.io room of a session's sockets, on every process. */
export function sessionRoom(sessionId: string): string {
  return `session:${sessionId}`;
}

/** What the relay needs of the registry of rooms (server/sessions.ts). */
export interface RelayRooms {
  readonly feed: StateFeed;
  /** the room this process runs for the session (waiting for a load in progress), else null */
  owned(sessionId: string): Promise<Room | null>;
  evictIfIdle(sessionId: string): void;
}

export interface RelayOptions {
  /** how long a socket's process waits for the owner's answer before answering `unavailable` */
  replyTimeoutMs: number;
  log(message: string): void;
}

/** Whether a connection is a socket on another process (its messages travel through the adapter). */
export function isRemotePeer(peer: Peer): boolean {
  return peer instanceof RemotePeer;
}

/** A socket on another process, as the owner's room sees it: emits and disconnects go through the adapter. */
class RemotePeer implements Peer {
  connected = true;
  constructor(
    readonly id: string,
    private readonly io: ParleyServer,
  ) {}
  emit<E extends keyof ServerToClientEvents>(event: E, ...args: Parameters<ServerToClientEvents[E]>): void {
    if (this.connected) this.io.to(this.id).emit(event, ...args);
  }
  disconnect(close?: boolean): void {
    this.connected = false;
    this.io.in(this.id).disconnectSockets(close);
  }
}

export class Relay {
  /** this process, in the `from`/`to` of replies */
  private readonly uid = randomBytes(8).toString('hex');
  /** the owner's side: every connection seated in a room here (local sockets and RemotePeers), by socket id */
  private readonly seated = new Map<string, { room: Room; peer: Peer; seat: number | null }>();
  /** the socket's side: requests waiting for their reply */
  private readonly waiting = new Map<string, (reply: ReplyMessage | null) => void>();
  /** acts of sockets here sent to the owner elsewhere (GET /api/cluster: routing keeps this at 0) */
  actsRelayed = 0;

  constructor(
    private readonly io: ParleyServer,
    private readonly rooms: RelayRooms,
    private readonly options: RelayOptions,
  ) {
    io.on('parley:seat', (m) => void this.onSeat(m).catch(this.failed('seat')));
    io.on('parley:act', (m) => void this.onAct(m).catch(this.failed('act')));
    io.on('parley:resync', (m) => void this.onResync(m).catch(this.failed('resync')));
    io.on('parley:leave', (m) => void this.onLeave(m).catch(this.failed('leave')));
    io.on('parley:end', (m) => void this.onEnd(m).catch(this.failed('end')));
    io.on('parley:reply', (m) => {
      if (m.to !== this.uid) return;
      this.waiting.get(m.requestId)?.(m);
    });
  }

  private failed(what: string) {
    return (err: unknown) => this.options.log(`relay ${what}: ${err instanceof Error ? err.stack : String(err)}`);
  }

  // ---------------------------------------------------------------------------------------------
  // the owner's side

  /**
   * Seat a connection in a room run here, once: a socket can be asked for twice (its own request
   * and a takeover seating everyone), and seating it again would log a second `connected`.
   * Resolves false when the room was closed (evicted or fenced) before it could be seated.
   */
  async seatHere(room: Room, peer: Peer, seat: number | null): Promise<boolean> {
    const already = this.seated.get(peer.id);
    if (already?.room === room && already.peer.connected) return true;
    this.seated.set(peer.id, { room, peer, seat });
    const ok = await room.connect(peer, seat);
    if (!ok && this.seated.get(peer.id)?.peer === peer) this.seated.delete(peer.id);
    return ok;
  }

  /** A connection seated here left (or its socket, on another process, did). */
  async leaveHere(socketId: string): Promise<void> {
    const entry = this.seated.get(socketId);
    if (!entry) return;
    this.seated.delete(socketId);
    if (entry.peer instanceof RemotePeer) entry.peer.connected = false;
    await entry.room.disconnect(entry.peer, entry.seat);
    this.rooms.evictIfIdle(entry.room.id);
  }

  /** How many sockets on other processes are seated in this session's room here. */
  remoteSockets(sessionId: string): number {
    let n = 0;
    for (const { room, peer } of this.seated.values()) if (room.id === sessionId && peer instanceof RemotePeer && peer.connected) n++;
    return n;
  }

  /** A room closed here (fenced, evicted): forget who was seated in it. */
  forgetRoom(room: Room): void {
    for (const [id, entry] of this.seated) if (entry.room === room) this.seated.delete(id);
  }

  /**
   * This process just took the session over: seat every socket already waiting in it, on any
   * process, and send each its full state (clients of a dead owner reconnect by themselves).
   */
  async seatEverySocket(room: Room): Promise<void> {
    // a dead process still counted by the adapter makes fetchSockets wait for it, then fail: ask again
    for (let attempt = 1; ; attempt++) {
      try {
        const sockets = await this.io.in(sessionRoom(room.id)).fetchSockets();
        for (const socket of sockets) {
          const data = socket.data as SocketData;
          if (data.sessionId !== room.id) continue;
          await this.seatHere(room, this.peerFor(socket.id, data.updates), data.seat);
        }
        return;
      } catch (err) {
        if (attempt >= 3) throw err;
      }
    }
  }

  /**
   * Forget the RemotePeers whose sockets are gone without a word: their process died, so its
   * `leave` never came. Their seats show as away (and may be taken over) like any dropped player's.
   */
  async sweep(): Promise<void> {
    const rooms = new Set<string>();
    for (const { room, peer } of this.seated.values()) if (peer instanceof RemotePeer) rooms.add(sessionRoom(room.id));
    if (!rooms.size) return;
    // one request for all of them; while a dead process is still counted by the adapter this fails: next time then
    const alive = new Set((await this.io.in([...rooms]).fetchSockets()).map((socket) => socket.id));
    for (const [id, { peer }] of this.seated) if (peer instanceof RemotePeer && !alive.has(id)) await this.leaveHere(id);
  }

  /** The local socket itself, or a RemotePeer for a socket on another process. */
  private peerFor(socketId: string, updates: UpdateMode): Peer {
    const local = this.io.of('/').sockets.get(socketId);
    if (local) return local;
    const seated = this.seated.get(socketId);
    if (seated) return seated.peer;
    const peer = new RemotePeer(socketId, this.io);
    this.rooms.feed.open(peer, updates);
    return peer;
  }

  private async onSeat(m: SeatMessage): Promise<void> {
    const room = await this.rooms.owned(m.sessionId);
    if (!room) return;
    if (await this.seatHere(room, this.peerFor(m.socketId, m.updates), m.seat)) this.reply({ to: m.from, requestId: m.requestId });
  }

  private async onAct(m: ActMessage): Promise<void> {
    const room = await this.rooms.owned(m.sessionId);
    if (!room) return;
    await room.submit(m.seat, m.action, m.clientActionId, (ack) => this.reply({ to: m.from, requestId: m.requestId, ack }));
  }

  private async onResync(m: PeerRef): Promise<void> {
    const entry = this.seated.get(m.socketId);
    if (!entry || entry.room.id !== m.sessionId) return;
    this.rooms.feed.resync(entry.peer, () => entry.room.statePayload(entry.seat));
  }

  private async onLeave(m: PeerRef): Promise<void> {
    const entry = this.seated.get(m.socketId);
    if (entry && entry.room.id === m.sessionId && entry.peer instanceof RemotePeer) await this.leaveHere(m.socketId);
  }

  private async onEnd(m: EndMessage): Promise<void> {
    const room = await this.rooms.owned(m.sessionId);
    if (!room) return;
    this.reply({ to: m.from, requestId: m.requestId, status: await room.end(m.reason, m.note) });
  }

  private reply(message: ReplyMessage): void {
    if (message.to === this.uid) this.waiting.get(message.requestId)?.(message);
    else this.io.serverSideEmit('parley:reply', message);
  }

  // ---------------------------------------------------------------------------------------------
  // the socket's side: its session runs on another process

  /** Ask the owner to seat this socket; resolves true once it is seated, false when no owner answered in time. */
  async seatRemote(socketId: string, data: SocketData): Promise<boolean> {
    const reply = await this.request((requestId) =>
      this.io.serverSideEmit('parley:seat', { sessionId: data.sessionId, seat: data.seat, socketId, updates: data.updates, from: this.uid, requestId }),
    );
    return reply !== null;
  }

  /** An act for a session run elsewhere: the owner's ack, or `unavailable` when no owner answered in time. */
  async actRemote(sessionId: string, seat: number, action: Action, clientActionId: string): Promise<Ack> {
    this.actsRelayed++;
    const reply = await this.request((requestId) =>
      this.io.serverSideEmit('parley:act', { sessionId, seat, action, clientActionId, from: this.uid, requestId }),
    );
    if (reply?.ack) return reply.ack;
    const retryAfterMs = Math.max(100, Math.round(this.options.replyTimeoutMs / 2));
    return {
      ok: false,
      code: 'unavailable',
      message: `No server runs this session at the moment (it is being taken over after a server stopped); send it again with the same clientActionId in a moment (in ${retryAfterMs} ms): it is applied at most once.`,
      retryAfterMs,
    };
  }

  /** The experimenter ends a session run elsewhere: its new status, or null when no owner answered in time. */
  async endRemote(sessionId: string, reason: string, note?: string): Promise<SessionStatus | null> {
    const reply = await this.request((requestId) =>
      this.io.serverSideEmit('parley:end', { sessionId, reason, ...(note === undefined ? {} : { note }), from: this.uid, requestId }),
    );
    return reply?.status ?? null;
  }

  resyncRemote(socketId: string, data: SocketData): void {
    this.io.serverSideEmit('parley:resync', { sessionId: data.sessionId, seat: data.seat, socketId });
  }

  leaveRemote(socketId: string, data: SocketData): void {
    this.io.serverSideEmit('parley:leave', { sessionId: data.sessionId, seat: data.seat, socketId });
  }

  private request(send: (requestId: string) => void): Promise<ReplyMessage | null> {
    const requestId = randomBytes(8).toString('hex');
    return new Promise((resolve) => {
      const timer = setTimeout(() => done(null), this.options.replyTimeoutMs);
      const done = (reply: ReplyMessage | null) => {
        clearTimeout(timer);
        this.waiting.delete(requestId);
        resolve(reply);
      };
      this.waiting.set(requestId, done);
      send(requestId);
    });
  }
}
