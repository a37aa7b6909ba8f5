/**
 * This process as one of several sharing a PostgreSQL database (cluster mode, on whenever the store
 * is PostgreSQL): it owns sessions through leases (ownership.ts), hears the other processes through
 * Socket.io's adapter (adapter.ts: PostgreSQL's, or Redis Streams' with PARLEY_REDIS_URL), and carries sockets' messages to the owners (relay.ts). Here
 * the three meet the registry of rooms: a lost lease closes rooms, a won orphan rebuilds one.
 */
import type { EventStore } from '../store/types.ts';
import type { Room } from '../room/room.ts';
import { attachClusterAdapter, type AdapterTarget } from './adapter.ts';
import { Ownership } from './ownership.ts';
import { announceOwnership } from './routing.ts';
import type { ParleyServer, Relay } from './relay.ts';
import type { ClusterTimings } from './timings.ts';

/** What the node needs of the registry of rooms (server/sessions.ts). */
export interface ClusterSessions {
  /** the session's live room, rebuilt from its log (with a `recovered` row) when it is not loaded */
  room(id: string): Promise<Room | null>;
  /** close these sessions' rooms at once, writing nothing (another process owns them now); calls back fenced() for each */
  fence(ids: string[]): void;
}

/** What the node needs of the Socket.io transport (server/socket.ts). */
export interface ClusterTransport {
  readonly io: ParleyServer;
  readonly relay: Relay;
  /** seat this process's sockets of a session again, wherever it runs now */
  reseat(sessionId: string): void;
}

export class ClusterNode {
  readonly ownership: Ownership;
  private sessions: ClusterSessions | null = null;
  private transport: ClusterTransport | null = null;
  private closeAdapter: (() => Promise<void>) | null = null;
  private sweepTimer: NodeJS.Timeout | null = null;

  constructor(
    store: EventStore,
    /** this process's id in the leases table */
    readonly owner: string,
    readonly timings: ClusterTimings,
    private readonly log: (message: string) => void,
  ) {
    this.ownership = new Ownership(store.leases, owner, timings, {
      lost: (ids) => this.sessions?.fence(ids),
      takenOver: (id) => this.takenOver(id),
      // a `--workers` worker tells the primary, which routes the session's connections here
      changed: announceOwnership,
      log,
    });
  }

  /** Join the other processes (before the port opens), then start renewing leases and taking orphans over. */
  async start(sessions: ClusterSessions, transport: ClusterTransport, adapter: AdapterTarget): Promise<void> {
    this.sessions = sessions;
    this.transport = transport;
    this.closeAdapter = await attachClusterAdapter(transport.io, adapter, this.timings, this.log);
    this.ownership.start();
    // as often as the adapter counts a silent process out: players of a dead process show as away soon after
    this.sweepTimer = setInterval(() => void transport.relay.sweep().catch(() => undefined), this.timings.heartbeatTimeoutMs);
    this.sweepTimer.unref();
  }

  /** An orphaned session is this process's now: rebuild its room and seat every socket waiting in it, wherever it is. */
  private async takenOver(id: string): Promise<void> {
    const room = await this.sessions!.room(id);
    if (!room) throw new Error(`session ${id} is gone`);
    await this.transport!.relay.seatEverySocket(room);
  }

  /** Stop renewing and give every lease up (the rooms are closed first), so others take over at once. */
  async leave(): Promise<void> {
    if (this.sweepTimer) clearInterval(this.sweepTimer);
    await this.ownership.stop(true);
  }

  /** A room here was closed because another process owns its session now: its sockets here follow the session. */
  fenced(room: Room): void {
    this.transport?.relay.forgetRoom(room);
    this.transport?.reseat(room.id);
  }

  /** After io.close(): the adapter's connections (its database pool or its Redis client). */
  async closeAdapterConnections(): Promise<void> {
    await this.closeAdapter?.();
  }
}
