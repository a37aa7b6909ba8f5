// The only module that speaks Socket.io. Everything else sees plain callbacks and promises.
import { io, type Socket } from 'socket.io-client';
import type { Action } from '../shared/engine/actions.ts';
import type {
  Ack,
  ClientToServerEvents,
  HandbackPayload,
  PresencePayload,
  ReplacedPayload,
  ServerToClientEvents,
  StatePayload,
} from '../shared/protocol/index.ts';
import { applyUpdate } from '../shared/protocol/patch.ts';

/** Where the connection stands, as the player should be told. */
export type ConnectionStatus = 'connecting' | 'connected' | 'reconnecting' | 'replaced' | 'refused';

export interface ConnectionHandlers {
  onState(payload: StatePayload): void;
  onPresence(payload: PresencePayload): void;
  /** the seat is this player's again after a takeover: what the agent did meanwhile */
  onHandback?(payload: HandbackPayload): void;
  onStatus(status: ConnectionStatus, detail?: string): void;
}

export interface Connection {
  /** Send an intent; resolves with the server's ack (retrying with the same id across reconnects). */
  act(action: Action): Promise<Ack>;
  close(): void;
}

const ACK_TIMEOUT_MS = 8_000;
const MAX_ATTEMPTS = 4;
/** how long an act answered `unavailable` (a session moving to another server process) is sent again */
const UNAVAILABLE_RETRY_FOR_MS = 30_000;
/** how long to wait before connecting again after the server refused a connection as rate_limited */
const RATE_LIMITED_RETRY_MS = 1_500;

let actionCounter = 0;

/** A fresh id per decision; a resend of the same decision reuses it, so it can never apply twice. */
function newClientActionId(): string {
  actionCounter += 1;
  // getRandomValues works on plain-http LAN addresses too (randomUUID needs a secure context)
  const bytes = crypto.getRandomValues(new Uint8Array(12));
  const random = Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
  return `web:${random}:${actionCounter}`;
}

/**
 * Open the seat (or spectator view) that `token` grants. Socket.io reconnects by itself; the
 * server resends the full state on every connect, then sends only what changed (`update`
 * patches, applied here to the last payload), so nothing needs remembering between connections.
 */
export function connect(token: string, handlers: ConnectionHandlers, sessionHint: string | null = null): Connection {
  const socket: Socket<ServerToClientEvents, ClientToServerEvents> = io({
    auth: { token, updates: 'patch' },
    // the routing hint (docs/protocol.md) from the link, so even the first connection reaches the session's process
    ...(sessionHint ? { query: { session: sessionHint } } : {}),
    transports: ['websocket', 'polling'],
    reconnectionDelay: 400,
    reconnectionDelayMax: 3_000,
  });
  let everConnected = false;
  let finished = false;
  /** the server's payload as of its last message: what the next update patches */
  let held: StatePayload | null = null;
  /** a gap was seen and a full state asked for: updates until it comes cannot apply */
  let resyncing = false;

  handlers.onStatus('connecting');
  socket.on('connect', () => {
    everConnected = true;
    handlers.onStatus('connected');
  });
  socket.on('disconnect', (reason) => {
    if (finished) return;
    // "io server disconnect" follows `replaced` or a refusal: Socket.io will not retry by itself
    if (reason === 'io server disconnect') return;
    handlers.onStatus('reconnecting');
  });
  socket.on('connect_error', (err: Error & { data?: { code?: string } }) => {
    const code = err.data?.code ?? err.message.split(':')[0];
    if (code === 'invalid_token' || code === 'invalid_auth') {
      finished = true;
      socket.disconnect();
      handlers.onStatus('refused', 'This link does not open any seat. Ask for a new one, or start a new game.');
      return;
    }
    // a refusal by the server's connection limit: Socket.io does not retry those by itself
    if (code === 'rate_limited') setTimeout(() => { if (!finished && !socket.connected) socket.connect(); }, RATE_LIMITED_RETRY_MS);
    handlers.onStatus(everConnected ? 'reconnecting' : 'connecting');
  });
  socket.on('state', (payload) => {
    // the routing hint for every reconnection: behind `--workers` the primary sends the socket to
    // the process that runs the session (a link without the hint, an older one, sent the first anywhere)
    if (socket.io.opts.query?.session !== payload.sessionId) socket.io.opts.query = { ...socket.io.opts.query, session: payload.sessionId };
    held = payload;
    resyncing = false;
    handlers.onState(payload);
  });
  socket.on('update', (update) => {
    const next = held && applyUpdate(held, update);
    if (!next) {
      // a gap (or a patch that does not fit): ask once for the full state, which replaces everything
      if (!resyncing) socket.emit('resync');
      resyncing = true;
      return;
    }
    held = next;
    handlers.onState(next);
  });
  socket.on('presence', (payload) => handlers.onPresence(payload));
  socket.on('handback', (payload) => handlers.onHandback?.(payload));
  socket.on('replaced', (payload: ReplacedPayload) => {
    finished = true;
    handlers.onStatus('replaced', payload.message);
  });

  return {
    async act(action: Action): Promise<Ack> {
      const clientActionId = newClientActionId();
      let lastError: unknown = null;
      let unavailableSince: number | null = null;
      for (let attempt = 0; attempt < MAX_ATTEMPTS && !finished; attempt++) {
        try {
          if (!socket.connected) await waitForConnect(socket);
          const ack = await socket.timeout(ACK_TIMEOUT_MS).emitWithAck('act', { action, clientActionId });
          // several server processes: the session is being taken over; the same id again after the pause named
          if (!ack.ok && ack.code === 'unavailable' && Date.now() - (unavailableSince ??= Date.now()) < UNAVAILABLE_RETRY_FOR_MS) {
            await new Promise((resolve) => setTimeout(resolve, ack.retryAfterMs ?? 1000));
            attempt--;
            continue;
          }
          return ack;
        } catch (err) {
          lastError = err; // lost ack or dropped connection: resend the same id, it cannot apply twice
        }
      }
      return { ok: false, code: 'internal', message: `The server did not answer (${String(lastError ?? 'connection closed')}).` };
    },
    close() {
      finished = true;
      socket.disconnect();
    },
  };
}

function waitForConnect(socket: Socket<ServerToClientEvents, ClientToServerEvents>): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      socket.off('connect', onConnect);
      reject(new Error('not connected'));
    }, ACK_TIMEOUT_MS);
    const onConnect = () => {
      clearTimeout(timer);
      resolve();
    };
    socket.once('connect', onConnect);
  });
}
