import type { CreatedSession } from '../../shared/protocol/index.ts';
import type { Api } from './api.ts';
import { between, type Counters } from './counters.ts';
import { sleep, type Human } from './human.ts';

export type TableKind = 'traitors' | 'trust-split';

/** A group of humans who play one game after another at the same kind of table. */
interface Table {
  kind: TableKind;
  humans: Human[];
  sessionId: string | null;
  restarting: boolean;
}

const TRAITORS_SEATS = 8;
/** humans per Traitors table (the other seats are scripted agents) */
const TRAITORS_HUMANS = 4;
const TRUST_SPLIT_AGENTS = ['tit-for-tat', 'fair', 'greedy', 'cooperative'];

/**
 * Experimenter-made tables (admin API) with human seats and scripted agents: about half the
 * players at The Traitors, half at Trust-and-Split (alternately two humans, or a human and an agent).
 * When a game ends, its players look at the result for a few seconds and sit down at a new table.
 */
export class Tables {
  private readonly tables: Table[] = [];
  private readonly tableOf = new Map<Human, Table>();

  constructor(
    private readonly api: Api,
    private readonly counters: Counters,
    private readonly rand: () => number,
    private readonly options: { agentDelayMs: number; stopping: () => boolean },
  ) {}

  /** Group the players into tables (no session yet). */
  plan(humans: Human[]): void {
    let i = 0;
    const traitorsPlayers = Math.floor(humans.length / 2 / TRAITORS_HUMANS) * TRAITORS_HUMANS;
    for (; i < traitorsPlayers; i += TRAITORS_HUMANS) this.add('traitors', humans.slice(i, i + TRAITORS_HUMANS));
    for (let pair = 0; i < humans.length; pair++) {
      const size = pair % 2 === 0 && i + 2 <= humans.length ? 2 : 1;
      this.add('trust-split', humans.slice(i, i + size));
      i += size;
    }
  }

  private add(kind: TableKind, humans: Human[]): void {
    const table: Table = { kind, humans, sessionId: null, restarting: false };
    this.tables.push(table);
    for (const human of humans) {
      this.tableOf.set(human, table);
      human.onFinished = (h, sessionId) => this.finished(h, sessionId);
    }
  }

  get count(): number {
    return this.tables.length;
  }

  /** Open every table, a few at a time (a classroom arriving, not one burst). */
  async openAll(progress: (seated: number) => void): Promise<void> {
    let seated = 0;
    const queue = [...this.tables];
    const worker = async () => {
      for (let table = queue.shift(); table && !this.options.stopping(); table = queue.shift()) {
        await this.open(table);
        seated += table.humans.length;
        progress(seated);
      }
    };
    await Promise.all(Array.from({ length: 8 }, worker));
  }

  private async open(table: Table): Promise<void> {
    const seats = this.seats(table);
    const created = await this.api.must<CreatedSession>('POST', '/api/sessions', {
      game: table.kind,
      preset: table.kind === 'traitors' ? 'table' : 'human',
      seats,
      agentDelayMs: this.options.agentDelayMs,
    });
    this.counters.tablesStarted++;
    table.sessionId = created.id;
    const humanSeats = created.seats.filter((s) => s.token !== null);
    await Promise.all(table.humans.map((human, i) => human.join(humanSeats[i].token!)));
  }

  private seats(table: Table): Record<string, unknown>[] {
    if (table.kind === 'traitors') {
      const seats: Record<string, unknown>[] = Array.from({ length: TRAITORS_SEATS }, () => ({ kind: 'agent', agent: 'scripted' }));
      // humans sit at random seats
      const free = seats.map((_, i) => i);
      for (let h = 0; h < table.humans.length; h++) {
        const [seat] = free.splice(Math.floor(this.rand() * free.length), 1);
        seats[seat] = { kind: 'human', label: `soak-${table.humans[h].id}` };
      }
      return seats;
    }
    const humans = table.humans.map((h) => ({ kind: 'human', label: `soak-${h.id}` }));
    if (humans.length === 2) return humans;
    const agent = { kind: 'agent', agent: TRUST_SPLIT_AGENTS[Math.floor(this.rand() * TRUST_SPLIT_AGENTS.length)] };
    return this.rand() < 0.5 ? [humans[0], agent] : [agent, humans[0]];
  }

  private finished(human: Human, sessionId: string): void {
    const table = this.tableOf.get(human);
    if (!table || table.sessionId !== sessionId || table.restarting) return;
    table.restarting = true;
    this.counters.gamesFinished++;
    void (async () => {
      await sleep(between(this.rand, 3000, 8000)); // reading the results
      for (const h of table.humans) h.leave();
      if (this.options.stopping()) return;
      try {
        await this.open(table);
      } catch (err) {
        this.counters.error('table:create');
        console.error(`could not open a new table: ${err instanceof Error ? err.message : String(err)}`);
      } finally {
        table.restarting = false;
      }
    })();
  }

  /** Humans connected now, for reconnect storms. */
  connectedHumans(): Human[] {
    return this.tables.flatMap((t) => t.humans.filter((h) => h.connected));
  }

  leaveAll(): void {
    for (const table of this.tables) for (const human of table.humans) human.leave();
  }
}
