// The console's live session table: the only console module that speaks Socket.io. The server
// pushes the whole table once, then batched changes (shared/protocol/console.ts).
import { io, type Socket } from 'socket.io-client';
import type { ConsoleServerToClient, ConsoleSessionsMessage } from '../../shared/protocol/console.ts';
import { call, ConsoleHttpError } from './api.ts';

export type FeedStatus = 'connecting' | 'live' | 'reconnecting';

export interface FeedHandlers {
  onSessions(message: ConsoleSessionsMessage): void;
  onStatus(status: FeedStatus): void;
}

/** Opens `/console` with the session cookie; the answer closes it. */
export function openFeed(handlers: FeedHandlers): () => void {
  const socket: Socket<ConsoleServerToClient> = io('/console', {
    withCredentials: true,
    transports: ['websocket', 'polling'],
    reconnectionDelay: 500,
    reconnectionDelayMax: 4_000,
  });
  let closed = false;
  let retry: number | null = null;
  handlers.onStatus('connecting');
  socket.on('connect', () => handlers.onStatus('live'));
  socket.on('disconnect', () => handlers.onStatus('reconnecting'));
  socket.on('sessions', (message) => handlers.onSessions(message));
  socket.on('connect_error', () => {
    handlers.onStatus('reconnecting');
    // a refused handshake may mean the cookie expired: ask, and a 401 signs the console out (api.ts)
    call('GET', '/api/console/me').catch((err: unknown) => {
      if (!(err instanceof ConsoleHttpError)) throw err;
    });
    // the server refused the handshake: socket.io does not retry that by itself
    if (!socket.active && retry === null) {
      retry = window.setTimeout(() => {
        retry = null;
        if (!closed) socket.connect();
      }, 2_000);
    }
  });
  return () => {
    closed = true;
    if (retry !== null) window.clearTimeout(retry);
    socket.removeAllListeners();
    socket.disconnect();
  };
}
