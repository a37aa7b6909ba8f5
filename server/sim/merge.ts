import { createReadStream, existsSync, readFileSync } from 'node:fs';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { isLlmSpec } from '../llm/spec.ts';
import type { LlmCallLine } from './llm.ts';
import type { GameRow } from './serialize.ts';
import { batchGames, clearShardMarks, decodeRow, readShardManifest, SHARD_ROWS_FILE, shardLabel, type ShardManifest } from './shard.ts';
import { BatchWriter, type BatchTotals } from './writer.ts';

/**
 * Join the folders of shards 0 … n-1 of one batch into what one unsharded run would have written,
 * byte for byte: the games go, in game order, through the same BatchWriter the simulator writes with.
 * Every check runs before anything is written, so a refused merge leaves no trace.
 */
export async function mergeShards(
  shardDirs: readonly string[],
  outDir: string,
  onProgress?: (gamesDone: number, total: number) => void,
): Promise<BatchTotals & { summary: unknown }> {
  const shards = checkShards(shardDirs.map((dir) => resolve(dir)), resolve(outDir));
  const { spec, choices, exports } = shards[0].manifest;
  const llm = choices.some(isLlmSpec);
  const events = shards.map((s) => new GameLines(join(s.dir, 'events.jsonl')));
  const calls = shards.map((s) => (llm ? new GameLines(join(s.dir, 'llm_calls.jsonl')) : null));

  const writer = new BatchWriter(resolve(outDir), { spec, choices, exports });
  clearShardMarks(resolve(outDir)); // the merged folder is a whole batch, even where a shard was once written
  const count = shards.length;
  for (let game = 0; game < spec.games; game++) {
    const s = game % count;
    const row = shards[s].rows[Math.floor(game / count)];
    const lines = await events[s].take(game);
    if (lines.length === 0) throw new Error(`${shards[s].dir}/events.jsonl has no events for game ${game}`);
    await writer.addChunk({ eventLines: lines.join(''), eventCount: lines.length, rows: [row] });
    const gameCalls = (await calls[s]?.take(game)) ?? [];
    await writer.addCalls(gameCalls.map((line) => JSON.parse(line) as LlmCallLine));
    onProgress?.(game + 1, spec.games);
  }
  for (const [s, reader] of [...events, ...calls].entries()) {
    if (reader && (await reader.hasMore())) throw new Error(`${shards[s % count].dir}: ${reader.file} holds games that are not the shard's`);
  }
  return writer.finish();
}

interface CheckedShard {
  dir: string;
  manifest: ShardManifest;
  rows: GameRow[];
}

/** Refuse, naming what is wrong, unless the folders are every shard of one batch, each complete. */
function checkShards(dirs: string[], outDir: string): CheckedShard[] {
  if (dirs.length === 0) throw new Error('name the shard folders to merge');
  for (const dir of dirs) {
    const inside = relative(outDir, dir);
    if (inside === '' || (!inside.startsWith('..') && !isAbsolute(inside))) {
      throw new Error(`the merged output ${outDir} would overwrite the shard folder ${dir}; choose another --out`);
    }
  }
  const manifests = dirs.map((dir) => ({ dir, manifest: readShardManifest(dir) }));
  const incomplete = manifests.filter(({ manifest }) => !manifest.complete);
  if (incomplete.length) {
    throw new Error(`incomplete shards (run them again to the end): ${incomplete.map(({ dir, manifest }) => `${dir} (shard ${shardLabel(manifest.shard)})`).join(', ')}`);
  }
  const first = manifests[0];
  for (const other of manifests.slice(1)) {
    if (other.manifest.batch !== first.manifest.batch || other.manifest.shard.count !== first.manifest.shard.count) {
      throw new Error(
        `the shards are from different batches: ${first.dir} is shard ${shardLabel(first.manifest.shard)} of batch ${first.manifest.batch.slice(0, 12)}, ` +
          `${other.dir} is shard ${shardLabel(other.manifest.shard)} of batch ${other.manifest.batch.slice(0, 12)}`,
      );
    }
  }
  const count = first.manifest.shard.count;
  const byIndex = new Map<number, string>();
  for (const { dir, manifest } of manifests) {
    const seen = byIndex.get(manifest.shard.index);
    if (seen !== undefined) throw new Error(`shard ${shardLabel(manifest.shard)} is given twice: ${seen} and ${dir}`);
    byIndex.set(manifest.shard.index, dir);
  }
  const missing = Array.from({ length: count }, (_, i) => i).filter((i) => !byIndex.has(i));
  if (missing.length) throw new Error(`missing shard${missing.length > 1 ? 's' : ''} ${missing.join(', ')} of ${count} (0-based); merge needs every shard of the batch`);

  return manifests
    .sort((a, b) => a.manifest.shard.index - b.manifest.shard.index)
    .map(({ dir, manifest }) => {
      const expected = batchGames(manifest.spec.games, manifest.shard);
      const rows = readRows(dir);
      if (rows.length !== expected.length || rows.some((row, k) => row.game !== expected[k])) {
        throw new Error(`${dir}/${SHARD_ROWS_FILE} does not hold shard ${shardLabel(manifest.shard)}'s games ${expected.slice(0, 3).join(', ')}${expected.length > 3 ? ', …' : ''}`);
      }
      for (const file of ['events.jsonl', ...(manifest.choices.some(isLlmSpec) ? ['llm_calls.jsonl'] : [])]) {
        if (!existsSync(join(dir, file))) throw new Error(`${dir} has no ${file}`);
      }
      return { dir, manifest, rows };
    });
}

function readRows(dir: string): GameRow[] {
  const file = join(dir, SHARD_ROWS_FILE);
  try {
    return readFileSync(file, 'utf8').split('\n').filter(Boolean).map(decodeRow);
  } catch (error) {
    throw new Error(`${file}: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/** A JSON-lines file whose lines lead with their game index (`{"game":i,…`), read a game at a time, in order. */
class GameLines {
  private readonly lines: AsyncIterator<string>;
  private next: { game: number; line: string } | null = null;
  private ended = false;

  constructor(readonly file: string) {
    this.lines = createInterface({ input: createReadStream(file), crlfDelay: Infinity })[Symbol.asyncIterator]();
  }

  /** The lines of `game` (each with its newline); none when the next line belongs to another game. */
  async take(game: number): Promise<string[]> {
    const lines: string[] = [];
    while ((await this.peek()) && this.next!.game === game) {
      lines.push(this.next!.line + '\n');
      this.next = null;
    }
    return lines;
  }

  async hasMore(): Promise<boolean> {
    return this.peek();
  }

  private async peek(): Promise<boolean> {
    while (!this.next && !this.ended) {
      const { done, value } = await this.lines.next();
      if (done) this.ended = true;
      else if (value) this.next = { game: gameOf(value, this.file), line: value };
    }
    return this.next !== null;
  }
}

function gameOf(line: string, file: string): number {
  // the writers put the game first; the full parse is only for a line written some other way
  const lead = /^\{"game":(\d+),/.exec(line);
  const game = lead ? Number(lead[1]) : (JSON.parse(line) as { game?: unknown }).game;
  if (!Number.isInteger(game)) throw new Error(`${file}: a line without its game index`);
  return game as number;
}
