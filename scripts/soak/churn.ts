import type { QuickplayResult } from '../../shared/protocol/index.ts';
import type { Api } from './api.ts';
import { between, type Counters } from './counters.ts';
import { Human, sleep, type HumanDeps } from './human.ts';

const MAX_CONCURRENT = 60;

/**
 * Quick-play churn: visitors press "Play", some never even open the table, the others play a
 * little and walk away. The server must end those tables by itself (idle quick play is not kept).
 */
export class Churn {
  private active = 0;
  private next = 0;
  private readonly visitors = new Set<Human>();

  constructor(private readonly api: Api, private readonly counters: Counters, private readonly deps: HumanDeps, private readonly perMinute: number) {}

  async run(): Promise<void> {
    if (this.perMinute <= 0) return;
    const interval = 60_000 / this.perMinute;
    while (!this.deps.stopping()) {
      await sleep(between(this.deps.rand, 0.5, 1.5) * interval);
      if (this.deps.stopping()) break;
      if (this.active >= MAX_CONCURRENT) continue;
      this.active++;
      void this.visit().finally(() => this.active--);
    }
  }

  private async visit(): Promise<void> {
    const game = this.next++ % 2 === 0 ? 'trust-split' : 'traitors';
    let res;
    try {
      res = await this.api.call<QuickplayResult & { error?: string }>('POST', '/api/quickplay', { game }, { admin: false });
    } catch {
      return; // counted by the Api
    }
    if (res.status === 429) {
      this.counters.quickplay.refused429++;
      return;
    }
    if (res.status !== 201) {
      this.counters.quickplay.failed++;
      if (res.status < 500) this.counters.error(`quickplay:${res.status}`);
      return;
    }
    this.counters.quickplay.started++;
    if (this.deps.rand() < 0.25) return; // never opens the table
    const visitor = new Human(-1 - this.next, this.deps);
    this.visitors.add(visitor);
    if (await visitor.join(res.json.token)) this.counters.quickplay.joined++;
    await sleep(between(this.deps.rand, 5_000, 40_000)); // plays a little
    visitor.leave();
    this.visitors.delete(visitor);
  }

  /** The soak is over: every visitor still at a table leaves now. */
  leaveAll(): void {
    for (const visitor of this.visitors) visitor.leave();
  }
}
