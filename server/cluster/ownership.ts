/**
 * Which live sessions this process runs. A process runs a session's room only while it holds the
 * session's lease in the database (store.leases): it takes the lease when it creates or loads the
 * session, renews every lease it holds on a heartbeat, and scans for sessions whose owner stopped
 * renewing (it died) to take them over. A lease found lost (another process has it now) fences the
 * room here at once: it is closed without writing anything more.
 */
import type { Leases } from '../store/types.ts';

export interface OwnershipTimings {
  /** how long a lease lasts without renewal: a dead owner's sessions are taken over after this */
  leaseTtlMs: number;
  /** how often held leases are renewed (well under the ttl, so one slow renewal loses nothing) */
  renewMs: number;
  /** how often orphaned sessions are looked for (each wait is randomised ±25 %, so processes do not scan in step) */
  scanMs: number;
}

export interface OwnershipHooks {
  /** leases this process held and another has now (or that ran out unrenewed): close those rooms, write nothing */
  lost(sessionIds: string[]): void;
  /** an orphaned session this process just took: rebuild it from its log and carry on */
  takenOver(sessionId: string): Promise<void>;
  /** the set of held leases changed: these sessions are held now (or no longer); e.g. to tell a router */
  changed?(sessionIds: string[], held: boolean): void;
  log(message: string): void;
}

export class Ownership {
  private readonly held = new Set<string>();
  /** acquisitions under way: a scan leaves these to whoever asked (one takeover, one log line) */
  private readonly acquiring = new Map<string, Promise<boolean>>();
  private renewTimer: NodeJS.Timeout | null = null;
  private scanTimer: NodeJS.Timeout | null = null;
  /** local monotonic time of the last renewal that succeeded: past the ttl without one, assume every lease lost */
  private renewedAt = performance.now();
  private stopped = false;
  private scanning = false;

  constructor(
    private readonly leases: Leases,
    /** this process's id in the leases table (random per process) */
    readonly owner: string,
    readonly timings: OwnershipTimings,
    private readonly hooks: OwnershipHooks,
  ) {}

  /** Take the session (or keep it); true when this process holds it now. */
  acquire(sessionId: string): Promise<boolean> {
    if (this.stopped) return Promise.resolve(false);
    let asked = this.acquiring.get(sessionId);
    if (!asked) {
      asked = this.leases
        .acquire(sessionId, this.owner, this.timings.leaseTtlMs)
        .then((won) => {
          if (won && !this.stopped && !this.held.has(sessionId)) {
            this.held.add(sessionId);
            this.hooks.changed?.([sessionId], true);
          }
          return won && !this.stopped;
        })
        .finally(() => this.acquiring.delete(sessionId));
      this.acquiring.set(sessionId, asked);
    }
    return asked;
  }

  holds(sessionId: string): boolean {
    return this.held.has(sessionId);
  }

  /** The session ended (or its room was fenced): let it go, so nobody has to wait for the lease to run out. */
  async release(sessionId: string): Promise<void> {
    if (this.held.delete(sessionId)) this.hooks.changed?.([sessionId], false);
    await this.leases.release(sessionId, this.owner);
  }

  get heldCount(): number {
    return this.held.size;
  }

  start(): void {
    this.renewTimer = setInterval(() => void this.renew(), this.timings.renewMs);
    this.renewTimer.unref();
    this.scheduleScan(0);
  }

  /** A scan now (e.g. a client is waiting on a session nobody seems to run), unless one is running. */
  scanSoon(): void {
    if (!this.stopped) this.scheduleScan(0);
  }

  private scheduleScan(delayMs: number): void {
    if (this.scanTimer) clearTimeout(this.scanTimer);
    this.scanTimer = setTimeout(() => void this.scan(), delayMs);
    this.scanTimer.unref();
  }

  private async renew(): Promise<void> {
    if (this.stopped) return;
    const askedAt = performance.now();
    const asked = [...this.held];
    let kept: Set<string>;
    try {
      kept = new Set(await this.leases.renew(this.owner, this.timings.leaseTtlMs));
    } catch (err) {
      this.hooks.log(`lease renewal failed: ${err instanceof Error ? err.message : String(err)}`);
      // unrenewed past the ttl, the leases may be someone else's now: stop before writing as an ex-owner
      if (performance.now() - this.renewedAt >= this.timings.leaseTtlMs) this.loseAll();
      return;
    }
    if (this.stopped) return;
    this.renewedAt = askedAt;
    // only leases held when the renewal was asked can have been lost by it (an acquire may have landed meanwhile)
    const lost = asked.filter((id) => this.held.has(id) && !kept.has(id));
    if (lost.length) this.lose(lost);
  }

  private loseAll(): void {
    if (this.held.size) this.lose([...this.held]);
  }

  private lose(ids: string[]): void {
    for (const id of ids) this.held.delete(id);
    this.hooks.changed?.(ids, false);
    this.hooks.log(`lost the lease of ${ids.length} session(s): ${ids.join(', ')}`);
    this.hooks.lost(ids);
  }

  private async scan(): Promise<void> {
    if (this.stopped || this.scanning) return;
    this.scanning = true;
    try {
      const orphans = await this.leases.orphaned();
      // in a random order, so that processes scanning together do not all race for the same first session
      for (const id of shuffled(orphans)) {
        if (this.stopped) break;
        if (this.held.has(id) || this.acquiring.has(id) || !(await this.acquire(id))) continue;
        this.hooks.log(`took over session ${id}`);
        try {
          await this.hooks.takenOver(id);
        } catch (err) {
          this.hooks.log(`could not take over session ${id}: ${err instanceof Error ? err.stack : String(err)}`);
          // let another process try: holding a lease with no room would leave the session stuck
          await this.release(id).catch(() => undefined);
        }
      }
    } catch (err) {
      this.hooks.log(`orphan scan failed: ${err instanceof Error ? err.message : String(err)}`);
    } finally {
      this.scanning = false;
      if (!this.stopped) this.scheduleScan(this.timings.scanMs * (0.75 + Math.random() / 2));
    }
  }

  /** Stop renewing and scanning; with `release`, give every held lease up so others take over at once. */
  async stop(release: boolean): Promise<void> {
    this.stopped = true;
    if (this.renewTimer) clearInterval(this.renewTimer);
    if (this.scanTimer) clearTimeout(this.scanTimer);
    const ids = [...this.held];
    this.held.clear();
    if (ids.length) this.hooks.changed?.(ids, false);
    if (release) await Promise.all(ids.map((id) => this.leases.release(id, this.owner).catch(() => undefined)));
  }
}

function shuffled<T>(items: readonly T[]): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}
