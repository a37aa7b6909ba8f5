/**
 * GET /api/cluster (admin): what this process serves, to check that connections land where their
 * session runs. Behind `--workers` each request reaches one worker; `?session=<id>` routes it to
 * that session's owner (routing.ts), which then also says how the session's sockets are connected.
 */
import type { Route } from '../http.ts';
import type { ClusterNode } from './node.ts';
import { sessionRoom, type ParleyServer, type Relay } from './relay.ts';

export interface ClusterStatus {
  pid: number;
  /** this process's id in the leases table */
  owner: string;
  /** live sessions this process holds the lease of */
  sessions: number;
  /** acts of this process's sockets sent to another process (their session ran there) since it started */
  actsRelayed: number;
  /** with `?session=<id>`: that session as this process sees it */
  session?: {
    id: string;
    held: boolean;
    /** its sockets connected to this process */
    localSockets: number;
    /** its sockets on other processes seated in its room here (through the relay) */
    remoteSockets: number;
  };
}

export function clusterStatusRoute(node: ClusterNode, transport: () => { io: ParleyServer; relay: Relay | null } | null): Route {
  return {
    method: 'GET',
    pattern: /^\/api\/cluster$/,
    admin: true,
    handle(ctx): ClusterStatus {
      const t = transport();
      const status: ClusterStatus = { pid: process.pid, owner: node.owner, sessions: node.ownership.heldCount, actsRelayed: t?.relay?.actsRelayed ?? 0 };
      const id = new URL(ctx.req.url ?? '/', 'http://localhost').searchParams.get('session');
      if (id) {
        status.session = {
          id,
          held: node.ownership.holds(id),
          localSockets: t?.io.of('/').adapter.rooms.get(sessionRoom(id))?.size ?? 0,
          remoteSockets: t?.relay?.remoteSockets(id) ?? 0,
        };
      }
      return status;
    },
  };
}
