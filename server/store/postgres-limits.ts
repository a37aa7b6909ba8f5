/**
 * Abuse limits every process on one PostgreSQL database shares (EventStore.sharedLimits): fixed-window
 * counters in the rate_limits table (migration 3, laid out as rate-limiter-flexible's
 * RateLimiterPostgres expects), and the count of live quick-play sessions.
 */
import type pg from 'pg';
import { RateLimiterMemory, RateLimiterPostgres, RLWrapperTimeouts, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { SharedLimits } from './types.ts';

/** How long a count may wait for the database before this process counts alone (a hung database must not hang requests). */
const DEFAULT_TIMEOUT_MS = 2_000;
/** Expired counters are deleted this often, once they are an hour old (rate-limiter-flexible's own rule). */
const SWEEP_EVERY_MS = 5 * 60_000;
const SWEEP_AGE_MS = 3_600_000;

export class PostgresSharedLimits implements SharedLimits {
  private readonly sweeper: NodeJS.Timeout;

  constructor(
    private readonly pool: pg.Pool,
    private readonly timeoutMs = DEFAULT_TIMEOUT_MS,
  ) {
    // one sweep per process, not one per limiter (each RateLimiterPostgres would start its own)
    this.sweeper = setInterval(() => {
      this.pool.query('DELETE FROM rate_limits WHERE expire < $1', [Date.now() - SWEEP_AGE_MS]).catch(() => undefined);
    }, SWEEP_EVERY_MS);
    this.sweeper.unref();
  }

  limiter(keyPrefix: string, points: number, durationSec: number): RateLimiterAbstract {
    if (!/^[a-z][a-z0-9-]{0,31}$/.test(keyPrefix)) throw new Error(`a shared limit's key prefix must be 1-32 of a-z, 0-9 and "-", starting with a letter, not "${keyPrefix}"`);
    const store = new RateLimiterPostgres({
      storeClient: this.pool,
      storeType: 'pool',
      tableName: 'rate_limits',
      tableCreated: true,
      clearExpiredByTimeout: false,
      keyPrefix,
      points,
      duration: durationSec,
      // a key over its allowance is refused from memory until its window ends: a flood costs no queries
      inMemoryBlockOnConsumed: points + 1,
    });
    // a database error or a slow answer is counted in this process instead of refusing everyone or
    // throwing; the insurance sits on the wrapper alone, so a timed-out query that fails later is not counted twice
    const insuranceLimiter = new RateLimiterMemory({ points, duration: durationSec });
    return new RLWrapperTimeouts({ limiter: store, insuranceLimiter, timeoutMs: this.timeoutMs });
  }

  async liveQuickplaySessions(): Promise<number> {
    const { rows } = await this.pool.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM sessions WHERE status = 'active' AND (options::jsonb ->> 'quickplay') = 'true'`,
    );
    return rows[0].n;
  }

  close(): void {
    clearInterval(this.sweeper);
  }
}
