import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, truncateSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { GameRecord } from './record.ts';
import type { TournamentSpec } from './spec.ts';

/** A refusal to touch an output directory (a different tournament, or files that do not fit). */
export class TournamentDirError extends Error {}

const SPEC_FILE = 'tournament.json';
const GAMES_FILE = 'games.jsonl';
const CALLS_FILE = 'llm_calls.jsonl';

/** Top-level fields whose values differ, for a refusal message that says what changed. */
function differences(a: Record<string, unknown>, b: Record<string, unknown>): string[] {
  const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])];
  return keys.filter((k) => JSON.stringify(a[k]) !== JSON.stringify(b[k]));
}

/**
 * The tournament's progress on disk: DIR/tournament.json (the spec) and DIR/games.jsonl (one line per
 * finished game, in schedule order, fsync'd after every batch of games). A rerun reads them back and
 * continues after the last complete line; a line cut off by a kill is dropped and played again.
 */
export class ProgressStore {
  private constructor(
    private readonly fd: number,
    private readonly callsFd: number | null,
  ) {}

  /** Open DIR for this spec; returns the store and the games already finished. Refuses a different tournament. */
  static open(dir: string, spec: TournamentSpec, withCalls: boolean): { store: ProgressStore; done: GameRecord[] } {
    mkdirSync(dir, { recursive: true });
    const specPath = join(dir, SPEC_FILE);
    const gamesPath = join(dir, GAMES_FILE);
    const specText = JSON.stringify(spec, null, 2) + '\n';
    if (existsSync(specPath)) {
      const existing = readFileSync(specPath, 'utf8');
      if (existing !== specText) {
        let changed: string[] = [];
        try {
          changed = differences(JSON.parse(existing), spec as unknown as Record<string, unknown>);
        } catch {
          changed = ['(tournament.json is not valid JSON)'];
        }
        throw new TournamentDirError(
          `${dir} holds a different tournament (differs in: ${changed.join(', ') || 'formatting'}). ` +
            `Rerun with the same options to resume it, or choose another --out.`,
        );
      }
    } else {
      if (existsSync(gamesPath)) throw new TournamentDirError(`${dir} has ${GAMES_FILE} but no ${SPEC_FILE}: not a tournament directory this command wrote; choose another --out.`);
      const temp = `${specPath}.tmp`;
      writeFileSync(temp, specText);
      renameSync(temp, specPath);
    }

    const done = readFinished(gamesPath, spec);
    const fd = openSync(gamesPath, 'a');
    let callsFd: number | null = null;
    if (withCalls) {
      keepCallsOf(join(dir, CALLS_FILE), done);
      callsFd = openSync(join(dir, CALLS_FILE), 'a');
    }
    return { store: new ProgressStore(fd, callsFd), done };
  }

  /** Append finished games (and their model calls first), then fsync: after this they survive a kill. */
  append(records: readonly GameRecord[], callLines = ''): void {
    if (callLines && this.callsFd !== null) {
      writeSync(this.callsFd, callLines);
      fsyncSync(this.callsFd);
    }
    let text = '';
    for (const r of records) text += JSON.stringify(r) + '\n';
    writeSync(this.fd, text);
    fsyncSync(this.fd);
  }

  close(): void {
    closeSync(this.fd);
    if (this.callsFd !== null) closeSync(this.callsFd);
  }
}

/**
 * The finished games in games.jsonl. Line i must be game i of the schedule (table-major); a last
 * line without its newline was cut off mid-write and is removed from the file.
 */
function readFinished(path: string, spec: TournamentSpec): GameRecord[] {
  if (!existsSync(path)) return [];
  const text = readFileSync(path, 'utf8');
  const complete = text.lastIndexOf('\n') + 1;
  if (complete < text.length) truncateSync(path, Buffer.byteLength(text.slice(0, complete)));
  const records: GameRecord[] = [];
  const lines = text.slice(0, complete).split('\n');
  lines.pop();
  for (const [i, line] of lines.entries()) {
    let record: GameRecord;
    try {
      record = JSON.parse(line) as GameRecord;
    } catch {
      throw new TournamentDirError(`${path} line ${i + 1} is not valid JSON; the file was changed by hand or the disk failed. Use a new --out.`);
    }
    const table = Math.floor(i / spec.gamesPerPairing);
    const game = i % spec.gamesPerPairing;
    if (record.table !== table || record.game !== game) {
      throw new TournamentDirError(`${path} line ${i + 1} is table ${record.table} game ${record.game}, expected table ${table} game ${game}; use a new --out.`);
    }
    records.push(record);
  }
  return records;
}

/** Drop model-call lines of games that never reached games.jsonl (they are played again). */
function keepCallsOf(path: string, done: readonly GameRecord[]): void {
  if (!existsSync(path)) return;
  const finished = new Set(done.map((r) => `${r.table}:${r.game}`));
  const text = readFileSync(path, 'utf8');
  const kept = text
    .split('\n')
    .filter((line) => {
      if (!line) return false;
      try {
        const { table, game } = JSON.parse(line) as { table: number; game: number };
        return finished.has(`${table}:${game}`);
      } catch {
        return false;
      }
    })
    .map((line) => line + '\n')
    .join('');
  if (kept !== text) {
    const temp = `${path}.tmp`;
    writeFileSync(temp, kept);
    renameSync(temp, path);
  }
}
