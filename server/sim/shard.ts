import { createHash } from 'node:crypto';
import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { getGame } from '../../shared/games/index.ts';
import type { AgentChoice } from '../llm/spec.ts';
import { presetName, type BatchSpec } from './batch.ts';
import type { GameRow } from './serialize.ts';

/**
 * Sharded batches: shard i of n (0-based) plays games i, i+n, i+2n, … of a batch, each exactly as the
 * whole batch plays it (a game depends on its index only), and records in its folder which batch it
 * belongs to, so `merge` can rebuild what one run would have written (server/sim/merge.ts).
 */

export interface Shard {
  /** 0-based: 0 … count-1 */
  index: number;
  count: number;
}

/** The shard's record in its output folder: which batch, which part of it, and whether it finished. */
export const SHARD_FILE = 'shard.json';
/** The shard's per-game rows, losslessly (games.csv loses number/text/null): what merge feeds the writers. */
export const SHARD_ROWS_FILE = 'games.jsonl';

/** Parse `i/n` (0-based i < n). Throws with what to write instead. */
export function parseShard(text: string): Shard {
  const match = /^(\d+)\/(\d+)$/.exec(text.trim());
  const index = match ? Number(match[1]) : NaN;
  const count = match ? Number(match[2]) : NaN;
  if (!match || !Number.isSafeInteger(index) || !Number.isSafeInteger(count) || count < 1 || index >= count) {
    throw new Error(`"${text}" is not a shard: write i/n with 0 <= i < n (0-based), e.g. 0/4, 1/4, 2/4 and 3/4 for four shards`);
  }
  return { index, count };
}

export const shardLabel = (shard: Shard): string => `${shard.index}/${shard.count}`;

/** The game indices a run plays: [from, games), only i, i+n, … with a shard. */
export function batchGames(games: number, shard?: Shard, from = 0): number[] {
  const step = shard?.count ?? 1;
  const indices: number[] = [];
  for (let i = shard?.index ?? 0; i < games; i += step) if (i >= from) indices.push(i);
  return indices;
}

/** What the output of a batch depends on besides its games: the resolved agent specs (LLM defaults come from the environment) and the export switch. */
export interface BatchOutputSpec {
  spec: BatchSpec;
  choices: AgentChoice[];
  exports: boolean;
}

/**
 * A digest of everything that decides a batch's bytes. Only output-neutral spellings are made equal
 * (a default preset named or not, the default votes format); the rest is hashed as given, because
 * summary.json repeats it as given.
 */
export function batchDigest({ spec, choices, exports }: BatchOutputSpec): string {
  const canonical = {
    game: spec.game,
    games: spec.games,
    seed: spec.seed,
    preset: presetName(getGame(spec.game), spec.preset),
    config: spec.config ?? null,
    agents: spec.agents,
    votesFormat: spec.votesFormat ?? 'parley',
    personas: spec.personas ?? null,
    choices,
    exports,
  };
  return createHash('sha256').update(JSON.stringify(canonical)).digest('hex');
}

const ManifestSchema = z.strictObject({
  parleyShard: z.literal(1),
  shard: z.strictObject({ index: z.number().int().nonnegative(), count: z.number().int().positive() }),
  batch: z.string().regex(/^[0-9a-f]{64}$/),
  complete: z.boolean(),
  /** games this shard plays, and (once complete) has written */
  games: z.number().int().nonnegative(),
  spec: z.looseObject({ game: z.string(), games: z.number().int().positive(), seed: z.number().int(), agents: z.string() }),
  choices: z.array(z.looseObject({})),
  exports: z.boolean(),
});

export interface ShardManifest extends BatchOutputSpec {
  shard: Shard;
  batch: string;
  complete: boolean;
  games: number;
}

function writeManifest(dir: string, manifest: ShardManifest): void {
  const { shard, batch, complete, games, spec, choices, exports } = manifest;
  const temp = join(dir, `${SHARD_FILE}.${process.pid}.tmp`);
  writeFileSync(temp, JSON.stringify({ parleyShard: 1, shard, batch, complete, games, spec, choices, exports }, null, 2) + '\n');
  renameSync(temp, join(dir, SHARD_FILE));
}

/** Before a shard plays: mark its folder as shard i/n of this batch, not yet complete. */
export function startShard(dir: string, output: BatchOutputSpec, shard: Shard): ShardManifest {
  const manifest: ShardManifest = { ...output, shard, batch: batchDigest(output), complete: false, games: batchGames(output.spec.games, shard).length };
  rmSync(join(dir, SHARD_ROWS_FILE), { force: true });
  writeManifest(dir, manifest);
  return manifest;
}

/**
 * A games.jsonl line. Plain JSON would turn a NaN or infinite metric into null and drop an undefined
 * one, and games.csv and the means would then differ from the unsharded run's: those are tagged.
 */
export function encodeRow(row: GameRow): string {
  return JSON.stringify(row, (_key, value: unknown) => {
    if (value === undefined) return { $undefined: true };
    if (typeof value === 'number' && !Number.isFinite(value)) return { $number: String(value) };
    return value;
  });
}

export function decodeRow(line: string): GameRow {
  const tagged = (value: unknown, tag: string): value is Record<string, unknown> =>
    !!value && typeof value === 'object' && !Array.isArray(value) && Object.hasOwn(value, tag);
  const row = JSON.parse(line, (_key, value: unknown) => (tagged(value, '$number') ? Number(value.$number) : value)) as GameRow;
  // set in place, not returned from the reviver (which would delete the key and change the column order)
  for (const [key, value] of Object.entries(row.headline)) if (tagged(value, '$undefined')) row.headline[key] = undefined as never;
  return row;
}

/** After every file of the shard is written: its rows, then the mark that it is complete. */
export function finishShard(dir: string, manifest: ShardManifest, rows: readonly GameRow[]): void {
  writeFileSync(join(dir, SHARD_ROWS_FILE), rows.map((row) => encodeRow(row) + '\n').join(''));
  writeManifest(dir, { ...manifest, complete: true });
}

/** An unsharded run into a folder that once held a shard must not leave it looking like one. */
export function clearShardMarks(dir: string): void {
  rmSync(join(dir, SHARD_FILE), { force: true });
  rmSync(join(dir, SHARD_ROWS_FILE), { force: true });
}

/** Read and check a shard folder's record. Throws naming the folder and what is wrong. */
export function readShardManifest(dir: string): ShardManifest {
  let text: string;
  try {
    text = readFileSync(join(dir, SHARD_FILE), 'utf8');
  } catch {
    throw new Error(`${dir} is not a shard's output (no ${SHARD_FILE}; run the simulator with --shard i/n)`);
  }
  let manifest: ShardManifest;
  let digest: string;
  try {
    const raw = JSON.parse(text);
    const checked = ManifestSchema.parse(raw);
    // spec and choices as written, not as the schema rebuilt them: their key order is part of the bytes
    manifest = { ...checked, spec: raw.spec as BatchSpec, choices: raw.choices as AgentChoice[] };
    digest = batchDigest(manifest);
  } catch (error) {
    throw new Error(`${join(dir, SHARD_FILE)} is not a valid shard record: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (manifest.shard.index >= manifest.shard.count || digest !== manifest.batch) {
    throw new Error(`${join(dir, SHARD_FILE)} has been altered (its batch digest does not match its contents)`);
  }
  return manifest;
}
