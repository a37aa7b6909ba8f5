import { once } from 'node:events';
import { createWriteStream, mkdirSync, writeFileSync, type WriteStream } from 'node:fs';
import { join } from 'node:path';
import { getGame } from '../../shared/games/index.ts';
import { isLlmSpec } from '../llm/spec.ts';
import { exportBatch } from '../export/batch.ts';
import { csvLine, csvRows } from '../export/csv.ts';
import { presetName } from './batch.ts';
import type { GameRow, SerializedChunk } from './serialize.ts';
import { batchMetrics } from './summary.ts';
import { addLlmUsage, emptyLlmUsage, type LlmCallLine, type LlmUsage } from './llm.ts';
import type { BatchOutputSpec } from './shard.ts';

export interface BatchTotals {
  games: number;
  events: number;
  rows: GameRow[];
}

/**
 * The one writer of a batch folder: DIR/events.jsonl, DIR/games.csv, DIR/summary.json, with LLM seats
 * DIR/llm_calls.jsonl, and the study-data exports. Games arrive in game order, from the simulator as it
 * plays them or from shard folders being merged: both write through here, so both write the same bytes.
 */
export class BatchWriter {
  readonly totals: BatchTotals = { games: 0, events: 0, rows: [] };
  private readonly events: WriteStream;
  private readonly calls: WriteStream | null;
  private readonly usage: LlmUsage | null;

  constructor(private readonly outDir: string, private readonly output: BatchOutputSpec) {
    mkdirSync(outDir, { recursive: true });
    this.events = createWriteStream(join(outDir, 'events.jsonl'));
    const llm = output.choices.some(isLlmSpec);
    this.calls = llm ? createWriteStream(join(outDir, 'llm_calls.jsonl')) : null;
    this.usage = llm ? emptyLlmUsage() : null;
  }

  /** Finished games, next in game order. */
  async addChunk(chunk: SerializedChunk): Promise<void> {
    await write(this.events, chunk.eventLines);
    this.totals.games += chunk.rows.length;
    this.totals.events += chunk.eventCount;
    this.totals.rows.push(...chunk.rows);
  }

  /** A game's model calls (one llm_calls.jsonl line each, its attempts inside, linked to game and event). */
  async addCalls(calls: readonly LlmCallLine[]): Promise<void> {
    if (!this.calls || !this.usage) {
      if (calls.length) throw new Error('model calls in a batch without LLM seats');
      return;
    }
    for (const call of calls) {
      addLlmUsage(this.usage, call);
      await write(this.calls, JSON.stringify(call) + '\n');
    }
  }

  /** Close the logs and write games.csv, summary.json and (unless switched off) the exports. */
  async finish(): Promise<BatchTotals & { summary: unknown }> {
    const { spec, choices, exports } = this.output;
    for (const stream of [this.calls, this.events]) {
      if (!stream) continue;
      stream.end();
      await once(stream, 'finish');
    }
    const game = getGame(spec.game);
    writeFileSync(join(this.outDir, 'games.csv'), gamesCsv(this.totals.rows));
    const summary = {
      game: game.id,
      preset: presetName(game, spec.preset),
      games: this.totals.games,
      seed: spec.seed,
      agents: spec.agents,
      ...(spec.config && Object.keys(spec.config).length ? { config: spec.config } : {}),
      ...(spec.personas?.length ? { personas: spec.personas } : {}),
      ...(this.usage ? { llm: { ...this.usage, ...llmAgentSpecs(this.output) } } : {}),
      metrics: batchMetrics(game.id, this.totals.rows),
    };
    writeFileSync(join(this.outDir, 'summary.json'), JSON.stringify(summary, null, 2) + '\n');
    // study data: per-game folders, combined tables with a game column, report.html (docs/study-data.md)
    if (exports) await exportBatch(spec, this.outDir, this.totals.rows, choices);
    return { ...this.totals, summary };
  }
}

async function write(stream: WriteStream, text: string): Promise<void> {
  if (text && !stream.write(text)) await once(stream, 'drain');
}

/**
 * The resolved LLM specs of a batch (environment defaults filled in, never a key): one `spec` when
 * every seat has the same, else `seats` with one entry per seat (null for scripted seats).
 */
function llmAgentSpecs({ choices }: BatchOutputSpec): { spec: unknown } | { seats: unknown[] } {
  const seats = choices.map((choice) => (isLlmSpec(choice) ? choice : null));
  const first = JSON.stringify(seats[0]);
  return seats.every((s) => JSON.stringify(s) === first) ? { spec: seats[0] } : { seats };
}

export function gamesCsv(rows: GameRow[]): string {
  const metricKeys = rows.length ? Object.keys(rows[0].headline) : [];
  const header = ['game', 'seed', 'agents', 'outcome', ...metricKeys];
  const records = rows.map((r) => [r.game, r.seed, r.agents, r.outcome, ...metricKeys.map((k) => r.headline[k] ?? '')]);
  return csvLine(header) + csvRows(records);
}
