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
import type { Room } from './room.ts';
import type { Sessions } from './sessions.ts';

interface SocketData {
  room: Room;
  /** null: the spectator */
  seat: number | null;
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
export function attachSockets(httpServer: HttpServer, sessions: Sessions, log: (message: string) => void): Server<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData> {
  const io = new Server<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>(httpServer, {
    serveClient: false,
    maxHttpBufferSize: MAX_MESSAGE_BYTES,
    // tokens, not cookies, authorise: any origin may connect (external programs, a dev server)
    cors: { origin: true },
  });

  io.use((socket, next) => {
    const auth = AuthSchema.safeParse(socket.handshake.auth);
    if (!auth.success) {
      next(refuse('invalid_auth', `connect with auth: { token: "<seat or spectator token>" } (${zodMessage(auth.error)})`));
      return;
    }
    let target;
    try {
      target = sessions.resolveToken(auth.data.token);
    } catch (err) {
      log(`token lookup failed: ${err instanceof Error ? err.stack : String(err)}`);
      next(new Error('internal: the session for this token could not be loaded'));
      return;
    }
    if (!target) {
      next(refuse('invalid_token', 'this token does not open any seat or spectator view on this server'));
      return;
    }
    socket.data.room = target.room;
    socket.data.seat = target.seat;
    next();
  });

  io.on('connection', (socket: ParleySocket) => {
    const { room, seat } = socket.data;
    void room.connect(socket, seat);

    socket.on('act', (payload: unknown, ack?: unknown) => {
      const respond = typeof ack === 'function' ? (ack as (result: Ack) => void) : () => {};
      if (seat === null) {
        respond({ ok: false, code: 'spectator', message: 'Spectators watch; they cannot act.' });
        return;
      }
      const parsed = ActSchema.safeParse(payload);
      if (!parsed.success) {
        respond({ ok: false, code: 'invalid_payload', message: `Invalid act payload: ${zodMessage(parsed.error)}` });
        return;
      }
      void room.submit(seat, parsed.data.action, parsed.data.clientActionId, respond).catch(() => undefined);
    });

    socket.on('disconnect', () => {
      void room.disconnect(socket, seat).then(() => sessions.evictIfIdle(room.id));
    });
  });

  return io;
}
