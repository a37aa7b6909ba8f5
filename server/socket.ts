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
import { zodMessage } from './http.ts';
import { RateLimit, type Limits } from './limits.ts';
import type { Room } from './room/room.ts';
import type { Sessions } from './sessions.ts';
import type { UpdateMode } from './live/feed.ts';

interface SocketData {
  room: Room;
  /** null: the spectator */
  seat: number | null;
  /** the token it connected with, to load the room again if it was evicted meanwhile */
  token: string;
  /** full states after every change, or one full state and then patches */
  updates: UpdateMode;
}

type ParleySocket = Socket<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;

/** socket.io closes a connection that sends a larger message (the text cap is far below this). */
const MAX_MESSAGE_BYTES = 64 * 1024;

function refuse(code: ConnectErrorCode, message: string): Error & { data: { code: ConnectErrorCode } } {
  return Object.assign(new Error(`${code}: ${message}`), { data: { code } });
}

/**
 * The Socket.io transport. A connection is authorised by its token alone (a seat's or the
 * spectator's); every inbound payload is parsed with the protocol's zod schemas before the room
 * sees it. The room does the rest.
 */
export function attachSockets(
  httpServer: HttpServer,
  sessions: Sessions,
  log: (message: string) => void,
  limits: Pick<Limits, 'socketConnectsPerSec' | 'socketActsPerSec'>,
): Server<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData> {
  // per token: a reconnect storm is refused before it costs a token lookup or a presence row
  const connectsPerToken = new RateLimit(limits.socketConnectsPerSec, 1);
  // per seat, over all its connections: a flood of acts is refused before parsing and never reaches the log
  const actsPerSeat = new RateLimit(limits.socketActsPerSec, 1);

  const io = new Server<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>(httpServer, {
    serveClient: false,
    maxHttpBufferSize: MAX_MESSAGE_BYTES,
    // tokens, not cookies, authorise: any origin may connect (external programs, a dev server)
    cors: { origin: true },
  });
  // identical messages of one broadcast (spectators, seats with the same patch) are encoded once
  sessions.feed.useFanOut((peers, message) => {
    const target = peers.length === 1 ? (peers[0] as ParleySocket) : io.to(peers.map((peer) => peer.id));
    if (message.event === 'state') target.emit('state', message.payload);
    else target.emit('update', message.payload);
  });

  // async steps never throw into socket.io (an unhandled rejection would end the process)
  const logFailure = (what: string) => (err: unknown) => log(`${what}: ${err instanceof Error ? err.stack : String(err)}`);

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
      target = await sessions.resolveToken(auth.data.token);
    } catch (err) {
      logFailure('token lookup failed')(err);
      next(new Error('internal: the session for this token could not be loaded'));
      return;
    }
    if (!target) {
      next(refuse('invalid_token', 'this token does not open any seat or spectator view on this server'));
      return;
    }
    socket.data.room = target.room;
    socket.data.seat = target.seat;
    socket.data.token = auth.data.token;
    socket.data.updates = auth.data.updates ?? 'full';
    next();
  }

  io.on('connection', (socket: ParleySocket) => {
    const { seat } = socket.data;
    // the room may change once: see seatSocket()
    let room = socket.data.room;
    sessions.feed.open(socket, socket.data.updates);
    void seatSocket().catch(logFailure(`room ${room.id}: connect`));

    /**
     * Seat the socket in its room. A finished room can be evicted between the handshake and this
     * moment (its last connection left, e.g. in a reconnect storm); then load it again from the
     * log instead of leaving the client without a state.
     */
    async function seatSocket(): Promise<void> {
      if (await room.connect(socket, seat)) return;
      const again = await sessions.resolveToken(socket.data.token);
      if (!again) {
        socket.disconnect(true);
        return;
      }
      room = again.room;
      socket.data.room = again.room;
      if (!(await room.connect(socket, seat))) socket.disconnect(true);
    }

    socket.on('act', (payload: unknown, ack?: unknown) => {
      const respond = typeof ack === 'function' ? (ack as (result: Ack) => void) : () => {};
      void onAct(payload, respond).catch(logFailure(`room ${room.id}: act`));
    });

    async function onAct(payload: unknown, respond: (result: Ack) => void): Promise<void> {
      if (seat === null) {
        respond({ ok: false, code: 'spectator', message: 'Spectators watch; they cannot act.' });
        return;
      }
      const limited = await actsPerSeat.take(`${room.id}:${seat}`);
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
      // a failure has been acknowledged as `internal` by the room; it is logged by onAct's caller
      await room.submit(seat, parsed.data.action, parsed.data.clientActionId, respond);
    }

    // the client's payload no longer follows the updates: a full state (the feed ignores needless asks)
    socket.on('resync', (ack?: unknown) => {
      try {
        sessions.feed.resync(socket, () => room.statePayload(seat));
      } catch (err) {
        logFailure(`room ${room.id}: resync`)(err);
      }
      if (typeof ack === 'function') (ack as () => void)();
    });

    socket.on('disconnect', () => {
      void room
        .disconnect(socket, seat)
        .then(() => sessions.evictIfIdle(room.id))
        .catch(logFailure(`room ${room.id}: disconnect`));
    });
  });

  return io;
}
