import type { GameResult } from './batch.ts';

/** A chunk of finished games, reduced to what the batch writer needs. */
export interface SerializedChunk {
  /** events.jsonl lines for these games, in order */
  eventLines: string;
  eventCount: number;
  rows: GameRow[];
}

export interface GameRow {
  game: number;
  seed: number;
  agents: string;
  outcome: string;
  headline: Record<string, number | string | null>;
}

export function serializeChunk(results: GameResult[]): SerializedChunk {
  let eventLines = '';
  let eventCount = 0;
  const rows: GameRow[] = [];
  for (const r of results) {
    for (let seq = 0; seq < r.events.length; seq++) {
      eventLines += `{"game":${r.index},"seq":${seq},"event":${JSON.stringify(r.events[seq])}}\n`;
    }
    eventCount += r.events.length;
    rows.push({ game: r.index, seed: r.seed, agents: r.agents.join(';'), outcome: r.summary, headline: r.headline });
  }
  return { eventLines, eventCount, rows };
}
