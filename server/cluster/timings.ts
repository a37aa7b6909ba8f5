/**
 * Cluster mode's clocks, all derived from one number, the lease ttl: how long after its owner dies
 * a session is taken over. Shorter means faster failover and more database traffic.
 */
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import type { AdapterTimings } from './adapter.ts';
import type { OwnershipTimings } from './ownership.ts';

export interface ClusterTimings extends OwnershipTimings, AdapterTimings {
  /** how long a socket's process waits for the owner to answer an act before answering `unavailable` */
  replyTimeoutMs: number;
}

export const DEFAULT_LEASE_TTL_MS = 5000;

export function clusterTimings(leaseTtlMs = DEFAULT_LEASE_TTL_MS): ClusterTimings {
  if (!Number.isInteger(leaseTtlMs) || leaseTtlMs < 300) throw new Error(`the lease ttl must be a whole number of ms, at least 300, not ${leaseTtlMs}`);
  return {
    leaseTtlMs,
    // three renewals per ttl: two can be slow or lost before the lease runs out
    renewMs: Math.round(leaseTtlMs / 3),
    scanMs: Math.round(leaseTtlMs / 2),
    // a dead process is counted out by the adapter no later than its leases run out, so the new
    // owner's fetchSockets (seating every waiting socket) does not wait for it
    heartbeatMs: Math.round(leaseTtlMs / 4),
    heartbeatTimeoutMs: leaseTtlMs,
    replyTimeoutMs: Math.max(1000, Math.round(leaseTtlMs / 2)),
  };
}

/** This process's name in the leases table and the logs: readable, and unique even across restarts. */
export function newOwnerId(): string {
  return `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
}
