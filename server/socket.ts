import type { Server as HttpServer } from 'node:http';
import { Server, type Socket } from 'socket.io';
import {
  ActSchema,
  AuthSchema,
  type Ack,
  type ClientToServerEvents,
  type ConnectErrorCode,
  type ServerToClientEvents,
} from '../shared/protocol/index.ts';
import { isRemotePeer, Relay, sessionRoom, type InterServerEvents, type ParleyServer, type SocketData } from './cluster/relay.ts';
import { zodMessage } from './http.ts';
import { RateLimit, type Limits } from './limits.ts';
import type { Room } from './room/room.ts';
import type { Sessions } from './sessions.ts';
import type { SharedLimits } from './store/index.ts';

type ParleySocket = Socket<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;

/** socket.io closes a connection that sends a larger message (the text cap is far below this). */
const MAX_MESSAGE_BYTES = 64 * 1024;

function refuse(code: ConnectErrorCode, message: string): Error & { data: { code: ConnectErrorCode } } {
  return Object.assign(new Error(`${code}: ${message}`), { data: { code } });
}

export interface Transport {
  io: ParleyServer;
  /** cluster mode: carries sockets' messages to the process that runs their session (server/cluster/relay.ts) */
  relay: Relay | null;
  /** cluster mode: seat this process's sockets of a session again, wherever the session runs now */
  reseat(sessionId: string): void;
}

/**
 * The Socket.io transport. A connection is authorised by its token alone (a seat's or the
 * spectator's); every inbound payload is parsed with the protocol's zod schemas before the room
 * sees it. The room does the rest — here, or (cluster mode, `cluster` given) on the process that
 * owns the session, through the relay.
 */
export function attachSockets(
  httpServer: HttpServer,
  sessions: Sessions,
  log: (message: string) => void,
  limits: Pick<Limits, 'socketConnectsPerSec' | 'socketActsPerSec'>,
  cluster?: { replyTimeoutMs: number },
  /** PostgreSQL: connects count over every process (a token could otherwise reconnect to each in turn) */
  sharedLimits?: SharedLimits,
): Transport {
  // per token: a reconnect storm is refused before it costs a token lookup or a presence row
  const connectsPerToken = new RateLimit(limits.socketConnectsPerSec, 1, { counters: sharedLimits, keyPrefix: 'socket-connect' });
  // per seat, over all its connections: a flood of acts is refused before parsing and never reaches the log.
  // In memory even on PostgreSQL: a seat has one live socket, on one process, and a database round
  // trip per act would cost every act
  const actsPerSeat = new RateLimit(limits.socketActsPerSec, 1);

  const io: ParleyServer = new Server<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>(httpServer, {
    serveClient: false,
    maxHttpBufferSize: MAX_MESSAGE_BYTES,
    // tokens, not cookies, authorise: any origin may connect (external programs, a dev server)
    cors: { origin: true },
  });
  const relay = cluster ? new Relay(io, sessions, { replyTimeoutMs: cluster.replyTimeoutMs, log }) : null;
  // identical messages of one broadcast (spectators, seats with the same patch) are encoded once
  sessions.feed.useFanOut((peers, message) => {
    // sockets on this process only: no need to publish through the cluster's adapter
    const here = !relay || !peers.some(isRemotePeer);
    const target = peers.length === 1 ? peers[0] : (here ? io.local : io).to(peers.map((peer) => peer.id));
    if (message.event === 'state') target.emit('state', message.payload);
    else target.emit('update', message.payload);
  });

  // async steps never throw into socket.io (an unhandled rejection would end the process)
  const logFailure = (what: string) => (err: unknown) => log(`${what}: ${err instanceof Error ? err.stack : String(err)}`);

  /** cluster mode: each local socket's seating, to run again when its session moves to another process */
  const placers = new Map<string, () => void>();

  io.use((socket, next) => void authorise(socket, next).catch((err) => {
    logFailure('socket authorisation failed')(err);
    next(new Error('internal: the connection could not be authorised'));
  }));

  async function authorise(socket: ParleySocket, next: (err?: Error) => void): Promise<void> {
    const auth = AuthSchema.safeParse(socket.handshake.auth);
    if (!auth.success) {
      next(refuse('invalid_auth', `connect with auth: { token: "<seat or spectator token>", updates?: "full" | "patch" } (${zodMessage(auth.error)})`));
      return;
    }
    const limited = await connectsPerToken.take(auth.data.token);
    if (limited) {
      next(refuse('rate_limited', `too many connections with this token (at most ${limits.socketConnectsPerSec} a second); connect again in ${limited.retryAfterMs} ms`));
      return;
    }
    let target;
    try {
      target = await sessions.target(auth.data.token);
    } catch (err) {
      logFailure('token lookup failed')(err);
      next(new Error('internal: the session for this token could not be loaded'));
      return;
    }
    if (!target) {
      next(refuse('invalid_token', 'this token does not open any seat or spectator view on this server'));
      return;
    }
    socket.data = { sessionId: target.sessionId, seat: target.seat, token: auth.data.token, updates: auth.data.updates ?? 'full' };
    next();
  }

  io.on('connection', (socket: ParleySocket) => {
    const { sessionId, seat } = socket.data;
    /** the room this socket is seated in on this process (null: its session runs on another process) */
    let room: Room | null = null;
    sessions.feed.open(socket, socket.data.updates);
    /** the seating under way, if any (acts wait for it on a single process; one at a time) */
    let seating: Promise<void> | null = null;
    const place = () => {
      seating ??= seatSocket()
        .catch((err: unknown) => {
          logFailure(`session ${sessionId}: connect`)(err);
          // cluster mode: the database may be back in a moment; a socket left unseated would wait forever
          if (cluster && socket.connected) setTimeout(place, cluster.replyTimeoutMs).unref();
        })
        .finally(() => (seating = null));
    };
    if (relay) {
      // the takeover of this session, on any process, finds the socket here and seats it
      void socket.join(sessionRoom(sessionId));
      placers.set(socket.id, place);
    }
    place();

    /**
     * Seat the socket where its session runs. A finished room can be evicted between the handshake
     * and this moment (its last connection left, e.g. in a reconnect storm): then it is loaded again
     * from the log. In cluster mode a session run by another process seats the socket there; when
     * no process answers (its owner just died), it asks again until one does or it takes the
     * session over itself once the lease has run out.
     */
    async function seatSocket(): Promise<void> {
      for (let attempt = 1; socket.connected; attempt++) {
        const here = await sessions.here(sessionId);
        if (here === null) break;
        if (here !== 'elsewhere') {
          room = here;
          if (await (relay ? relay.seatHere(here, socket, seat) : here.connect(socket, seat))) return;
          room = null;
          if (!relay && attempt >= 2) break;
          continue;
        }
        room = null;
        if (await relay!.seatRemote(socket.id, socket.data)) return;
      }
      if (socket.connected) socket.disconnect(true);
    }

    /** The room to act in when the session runs here now (in cluster mode it may have moved since the socket was seated). */
    function localRoom(): Room | null {
      return relay ? (sessions.loadedRoom(sessionId) ?? null) : room;
    }

    socket.on('act', (payload: unknown, ack?: unknown) => {
      const respond = typeof ack === 'function' ? (ack as (result: Ack) => void) : () => {};
      void onAct(payload, respond).catch(logFailure(`session ${sessionId}: act`));
    });

    async function onAct(payload: unknown, respond: (result: Ack) => void): Promise<void> {
      if (seat === null) {
        respond({ ok: false, code: 'spectator', message: 'Spectators watch; they cannot act.' });
        return;
      }
      const limited = await actsPerSeat.take(`${sessionId}:${seat}`);
      if (limited) {
        respond({
          ok: false,
          code: 'rate_limited',
          message: `Too many actions from this seat (at most ${limits.socketActsPerSec} a second); nothing was recorded. Send again in ${limited.retryAfterMs} ms (the same clientActionId is safe).`,
          retryAfterMs: limited.retryAfterMs,
        });
        return;
      }
      // zod stops at the first mismatch, so deeply nested payloads cost no more than flat ones
      const parsed = ActSchema.safeParse(payload);
      if (!parsed.success) {
        respond({ ok: false, code: 'invalid_payload', message: `Invalid act payload: ${zodMessage(parsed.error)}` });
        return;
      }
      // one process: the room is known once seated (an act can arrive before the seating finished)
      if (!relay && seating) await seating;
      const here = localRoom();
      // a failure has been acknowledged as `internal` by the room; it is logged by onAct's caller
      if (here) await here.submit(seat, parsed.data.action, parsed.data.clientActionId, respond);
      else if (relay) respond(await relay.actRemote(sessionId, seat, parsed.data.action, parsed.data.clientActionId));
      else respond({ ok: false, code: 'internal', message: 'This connection is not seated yet; send it again in a moment.' });
    }

    // the client's payload no longer follows the updates: a full state (the feed ignores needless asks)
    socket.on('resync', (ack?: unknown) => {
      try {
        const here = localRoom();
        if (here) sessions.feed.resync(socket, () => here.statePayload(seat));
        else relay?.resyncRemote(socket.id, socket.data);
      } catch (err) {
        logFailure(`session ${sessionId}: resync`)(err);
      }
      if (typeof ack === 'function') (ack as () => void)();
    });

    socket.on('disconnect', () => {
      placers.delete(socket.id);
      const here = localRoom();
      if (relay) {
        if (here) void relay.leaveHere(socket.id).catch(logFailure(`session ${sessionId}: disconnect`));
        else relay.leaveRemote(socket.id, socket.data);
        return;
      }
      if (!here) return;
      void here
        .disconnect(socket, seat)
        .then(() => sessions.evictIfIdle(here.id))
        .catch(logFailure(`session ${sessionId}: disconnect`));
    });
  });

  return {
    io,
    relay,
    reseat(sessionId) {
      for (const id of io.of('/').adapter.rooms.get(sessionRoom(sessionId)) ?? []) placers.get(id)?.();
    },
  };
}
