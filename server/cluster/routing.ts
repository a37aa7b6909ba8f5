/**
 * Session-aware routing for `npm start -- --workers N` (workers.ts). The primary accepts every
 * connection and hands it to a worker, choosing, from the head of its first request:
 *   1. `sid=<engine.io id>` in the query: the worker that holds that Socket.io connection (HTTP
 *      long-polling's follow-up requests and the websocket upgrade must land there);
 *   2. `session=<session id>` in the query (a hint clients send, docs/protocol.md): the worker that
 *      owns the session's lease, so that the table's acts and states never cross processes;
 *   3. otherwise the worker with the least load (its Socket.io connections plus the sessions it
 *      owns), ties taken in turn, so new sessions (POST /api/sessions) spread over the workers.
 * Workers announce over IPC which sessions they acquire and let go (announceOwnership, called on
 * every change of server/cluster/ownership.ts). The hint only routes: the token still decides
 * the seat, and a wrong or stale hint only costs a relay through the adapter (server/cluster/relay.ts).
 *
 * The hand-over itself is @socket.io/sticky's protocol (its setupWorker runs in each worker, its
 * message types are used here): its setupMaster cannot be told where to route, so this replaces it.
 */
import cluster, { type Worker } from 'node:cluster';
import { randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import type { Socket } from 'node:net';

/** worker → primary: these sessions' leases are held (or no longer held) by the sender */
interface OwnershipMessage {
  type: 'parley:ownership';
  sessionIds: string[];
  held: boolean;
}

function isOwnershipMessage(message: unknown): message is OwnershipMessage {
  const m = message as Partial<OwnershipMessage> | null;
  return typeof m === 'object' && m !== null && m.type === 'parley:ownership' && Array.isArray(m.sessionIds) && typeof m.held === 'boolean';
}

/** In a `--workers` worker, tell the primary which sessions this process took or let go; elsewhere nothing. */
export function announceOwnership(sessionIds: readonly string[], held: boolean): void {
  if (!cluster.isWorker || !process.send || !process.connected || sessionIds.length === 0) return;
  const message: OwnershipMessage = { type: 'parley:ownership', sessionIds: [...sessionIds], held };
  // a lost announcement costs a relay, never correctness: ignore send errors (the primary may be stopping)
  process.send(message, undefined, {}, () => undefined);
}

/** The query parameters the routing reads from a request's first line (`GET /socket.io/?…&session=… HTTP/1.1`). */
export function routingHints(head: string): { sid: string | null; session: string | null } {
  const requestLine = head.slice(0, head.indexOf('\r\n') >>> 0);
  const target = requestLine.split(' ')[1] ?? '';
  const q = target.indexOf('?');
  if (q < 0) return { sid: null, session: null };
  const query = new URLSearchParams(target.slice(q + 1));
  return { sid: query.get('sid'), session: query.get('session') };
}

/** Which worker serves what, as the primary knows it. Maps, not objects: the keys come from clients. */
export class RoutingTable {
  /** engine.io connection id → worker id */
  private readonly connections = new Map<string, number>();
  /** session id → the worker holding its lease */
  private readonly owners = new Map<string, number>();
  /** per worker: its Socket.io connections and its sessions */
  private readonly load = new Map<number, { connections: number; sessions: number }>();
  private turn = 0;

  /** The worker for a new connection, among the live ones (by id); null when there is none. */
  choose(head: string, live: readonly number[]): number | null {
    if (live.length === 0) return null;
    const { sid, session } = routingHints(head);
    const bySid = sid === null ? undefined : this.connections.get(sid);
    if (bySid !== undefined && live.includes(bySid)) return bySid;
    const byOwner = session === null ? undefined : this.owners.get(session);
    if (byOwner !== undefined && live.includes(byOwner)) return byOwner;
    return this.leastLoaded(live);
  }

  /** The owner the primary knows for a session (for tests and logs). */
  ownerOf(sessionId: string): number | undefined {
    return this.owners.get(sessionId);
  }

  private leastLoaded(live: readonly number[]): number {
    // start the search at a rotating index, so equal loads (a burst of new sessions) are taken in turn
    const start = this.turn++ % live.length;
    let best = live[start];
    for (let k = 1; k < live.length; k++) {
      const id = live[(start + k) % live.length];
      if (this.loadOf(id) < this.loadOf(best)) best = id;
    }
    return best;
  }

  private loadOf(workerId: number): number {
    const load = this.load.get(workerId);
    return load ? load.connections + load.sessions : 0;
  }

  private loadEntry(workerId: number): { connections: number; sessions: number } {
    let load = this.load.get(workerId);
    if (!load) this.load.set(workerId, (load = { connections: 0, sessions: 0 }));
    return load;
  }

  connectionOpened(workerId: number, sid: string): void {
    this.connections.set(sid, workerId);
    this.loadEntry(workerId).connections++;
  }

  connectionClosed(workerId: number, sid: string): void {
    if (this.connections.get(sid) === workerId) this.connections.delete(sid);
    const load = this.loadEntry(workerId);
    load.connections = Math.max(0, load.connections - 1);
  }

  ownership(workerId: number, sessionIds: readonly string[], held: boolean): void {
    for (const id of sessionIds) {
      const before = this.owners.get(id);
      if (held) {
        if (before === workerId) continue;
        if (before !== undefined) this.loadEntry(before).sessions--;
        this.owners.set(id, workerId);
        this.loadEntry(workerId).sessions++;
      } else if (before === workerId) {
        // a release from a worker that is no longer the owner (the taker announced first) changes nothing
        this.owners.delete(id);
        this.loadEntry(workerId).sessions--;
      }
    }
  }

  /** A worker exited: forget its connections and sessions (the taker's announcements route them again). */
  workerGone(workerId: number): void {
    for (const [sid, id] of this.connections) if (id === workerId) this.connections.delete(sid);
    for (const [session, id] of this.owners) if (id === workerId) this.owners.delete(session);
    this.load.delete(workerId);
  }
}

const randomId = () => randomBytes(8).toString('hex');

function liveWorkers(): Map<number, Worker> {
  const out = new Map<number, Worker>();
  for (const worker of Object.values(cluster.workers ?? {})) if (worker && !worker.isDead()) out.set(worker.id, worker);
  return out;
}

/** Node's own limit on a request head (--max-http-header-size) */
const MAX_HEAD_BYTES = 16 * 1024;
/** how long the primary waits for the rest of a head before handing over what it has */
const HEAD_WAIT_MS = 5_000;

/**
 * Accept connections on `httpServer` (in the primary) and hand each to a worker as the table
 * says. Requests without a body hand the socket itself over once their head is whole; ones with a
 * body may come in several chunks, so the primary keeps the socket and forwards chunks and answers over IPC
 * (as @socket.io/sticky does, whose setupWorker answers to these message types).
 */
export function routeConnections(httpServer: Server, table: RoutingTable): { closeAll(): void } {
  /** connections the primary keeps (bodies in several chunks), by id, with the worker answering them */
  const kept = new Map<string, { socket: Socket; workerId: number }>();

  httpServer.on('connection', (socket: Socket) => {
    let worker: Worker | null = null;
    let connectionId: string | null = null;
    // the primary's HTTP server never parses: the chosen worker does
    socket.removeAllListeners('data');
    const failed = (err: Error | null) => {
      if (err) socket.destroy();
    };
    // the request's head may come in several chunks (a slow client, a long query): kept until it
    // is whole, so the hint is read from the whole request line
    let head: Buffer | null = null;
    let headTimer: NodeJS.Timeout | null = null;
    const route = (data: Buffer) => {
      if (headTimer) clearTimeout(headTimer);
      head = null;
      const end = data.indexOf('\r\n\r\n');
      const text = data.subarray(0, end < 0 ? data.length : end).toString('latin1');
      const workers = liveWorkers();
      const chosen = table.choose(text, [...workers.keys()]);
      if (chosen === null) {
        socket.removeAllListeners('data');
        socket.on('error', () => socket.destroy());
        socket.end('HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
        return;
      }
      worker = workers.get(chosen)!;
      const lowHead = text.toLowerCase();
      if (end >= 0 && !lowHead.includes('content-length:') && !lowHead.includes('transfer-encoding:')) {
        // the whole request is here: the worker reads the socket itself from now on (the primary's
        // copy closes when the worker acknowledges it; one SIGKILLed first never does, and that
        // client waits for its own timeout)
        socket.removeAllListeners('data');
        socket.pause();
        worker.send({ type: 'sticky:connection', data }, socket, failed);
        return;
      }
      connectionId = randomId();
      kept.set(connectionId, { socket, workerId: chosen });
      const socketInfo = { remoteAddress: socket.remoteAddress, remotePort: socket.remotePort, localAddress: socket.localAddress, localPort: socket.localPort };
      worker.send({ type: 'sticky:http-chunk-start', data, connectionId, socketInfo }, undefined, failed);
    };
    socket.on('data', (chunk: Buffer) => {
      if (worker && connectionId) {
        if (worker.isDead()) socket.destroy();
        else worker.send({ type: 'sticky:http-chunk', data: chunk, connectionId }, undefined, failed);
        return;
      }
      if (worker) return; // handed over; the worker reads from here on
      head = head ? Buffer.concat([head, chunk]) : chunk;
      // a head too long, or too slow, goes to a worker as it is: its HTTP server answers it (431, timeouts)
      if (head.includes('\r\n\r\n') || head.length >= MAX_HEAD_BYTES) return route(head);
      headTimer ??= setTimeout(() => head && route(head), HEAD_WAIT_MS);
    });
    socket.on('close', () => {
      if (headTimer) clearTimeout(headTimer);
      if (!connectionId || !kept.delete(connectionId)) return;
      if (worker && !worker.isDead()) worker.send({ type: 'sticky:abort', connectionId });
    });
  });

  cluster.on('message', (worker: Worker, message: { type?: string; data?: unknown; connectionId?: string; error?: string }) => {
    if (isOwnershipMessage(message)) return table.ownership(worker.id, message.sessionIds, message.held);
    const socket = message.connectionId === undefined ? undefined : kept.get(message.connectionId)?.socket;
    switch (message.type) {
      case 'sticky:http-response':
        if (socket && !socket.destroyed) socket.write(message.data as Buffer);
        break;
      case 'sticky:http-response-end':
        if (socket && !socket.destroyed) socket.end();
        kept.delete(message.connectionId!);
        break;
      case 'sticky:http-response-destroy':
        if (socket && !socket.destroyed) socket.destroy(message.error ? new Error(message.error) : undefined);
        kept.delete(message.connectionId!);
        break;
      case 'sticky:connection':
        table.connectionOpened(worker.id, message.data as string);
        break;
      case 'sticky:disconnection':
        table.connectionClosed(worker.id, message.data as string);
        break;
    }
  });

  cluster.on('exit', (worker) => {
    table.workerGone(worker.id);
    // requests it was answering through the primary: nobody will now
    for (const { socket, workerId } of kept.values()) if (workerId === worker.id) socket.destroy();
  });

  return {
    closeAll() {
      for (const { socket } of kept.values()) socket.destroy();
    },
  };
}
