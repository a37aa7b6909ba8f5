import { once } from 'node:events';
import { appendFileSync, createReadStream, createWriteStream, existsSync, mkdirSync, rmSync, writeFileSync, type WriteStream } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { getGame, resolveConfig } from '../../shared/games/index.ts';
import { parseAgentList, type AgentChoice } from '../llm/spec.ts';
import { BatchReport } from '../report/report.ts';
import { gameSeed, presetName, type BatchSpec } from '../sim/batch.ts';
import { gameSeatPersonas } from '../personas.ts';
import type { GameRow } from '../sim/serialize.ts';
import { gameMetricsDocument, SEAT_COLUMNS, seatRow, type SeatInfo } from './files.ts';
import { csvLine, csvRows } from './csv.ts';
import { slimForMetrics, tablesFor, type LoggedEvent } from './tables.ts';
import { withActor } from './actors.ts';

/**
 * Per-batch exports, written after the simulator's DIR/events.jsonl: a folder per game
 * (DIR/games/<index>/ with the same files as a session export), combined tables in DIR with a
 * leading `game` column, and DIR/report.html. Reads events.jsonl a game at a time.
 */
export async function exportBatch(
  spec: BatchSpec,
  outDir: string,
  rows: readonly GameRow[],
  /** the seats' resolved agent specs when they were played (a merge of shards must not re-read today's LLM defaults) */
  resolvedChoices?: readonly AgentChoice[],
): Promise<{ games: number }> {
  const gameId = spec.game;
  const game = getGame(gameId);
  const config = resolveConfig(game, spec.preset, spec.config);
  const choices = resolvedChoices ?? parseAgentList(spec.agents, game.seatCount(config));
  const requested = choices.map((c) => (c.type === 'scripted' ? c.name : JSON.stringify(c)));
  const rowByGame = new Map(rows.map((r) => [r.game, r]));
  const tables = tablesFor(gameId, { votes: spec.votesFormat });
  // a re-run into the same folder must not leave games of an earlier, larger batch behind
  rmSync(join(outDir, 'games'), { recursive: true, force: true });
  const combined = new Map<string, WriteStream>();
  for (const table of tables) {
    const out = createWriteStream(join(outDir, table.file));
    out.write(csvLine(['game', ...table.columns]));
    combined.set(table.file, out);
  }
  const seatsOut = createWriteStream(join(outDir, 'seats.csv'));
  seatsOut.write(csvLine(['game', ...SEAT_COLUMNS]));
  const write = async (out: WriteStream, text: string) => {
    if (text && !out.write(text)) await once(out, 'drain');
  };
  const report = new BatchReport(gameId);
  let games = 0;

  const finishGame = async (index: number, lines: string[], events: LoggedEvent[]) => {
    games++;
    const dir = join(outDir, 'games', String(index));
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'events.jsonl'), lines.join(''));
    for (const table of tables) {
      const tableRows = table.rows(events);
      writeFileSync(join(dir, table.file), csvLine(table.columns) + csvRows(tableRows));
      await write(combined.get(table.file)!, csvRows(tableRows.map((r) => [index, ...r])));
    }
    const row = rowByGame.get(index);
    const agents = row ? row.agents.split(';') : requested;
    const setup = events.find((e) => e.type === 'setup');
    const names = (setup?.names as string[] | undefined) ?? [];
    // the personas the game's seats played: dealt again from the batch's list with the game's seed, as when it was played
    const personas = gameSeatPersonas(choices, spec.personas, gameSeed(spec.seed, index));
    const seats: SeatInfo[] = agents.map((agent, seat) => ({
      seat, name: names[seat] ?? '', kind: 'agent', agentSpec: requested[seat] ?? '', agent, label: '',
      persona: personas[seat] ? JSON.stringify(personas[seat]) : '',
    }));
    writeFileSync(join(dir, 'seats.csv'), csvLine(SEAT_COLUMNS) + csvRows(seats.map(seatRow)));
    await write(seatsOut, csvRows(seats.map((s) => [index, ...seatRow(s)])));
    writeFileSync(join(dir, 'llm_calls.jsonl'), '');
    const slim = events.map((e) => slimForMetrics(gameId, e));
    writeFileSync(join(dir, 'metrics.json'), JSON.stringify(gameMetricsDocument(gameId, slim, { index, seed: row?.seed ?? null }), null, 2) + '\n');
    report.addGame(slim, agents);
  };

  let current = -1;
  let lines: string[] = [];
  let events: LoggedEvent[] = [];
  const reader = createInterface({ input: createReadStream(join(outDir, 'events.jsonl')), crlfDelay: Infinity });
  for await (const line of reader) {
    if (!line) continue;
    const parsed = JSON.parse(line) as { game: number; event: LoggedEvent };
    if (parsed.game !== current) {
      if (current >= 0) await finishGame(current, lines, events);
      current = parsed.game;
      lines = [];
      events = [];
    }
    lines.push(line + '\n');
    // every seat of a batch is an agent (timeouts are told by their event)
    events.push(withActor(parsed.event, 'agent'));
  }
  if (current >= 0) await finishGame(current, lines, events);

  // model calls: the batch file names each call's game; split it into the game folders
  const calls = join(outDir, 'llm_calls.jsonl');
  if (existsSync(calls)) {
    const callReader = createInterface({ input: createReadStream(calls), crlfDelay: Infinity });
    for await (const line of callReader) {
      if (!line) continue;
      const { game: index } = JSON.parse(line) as { game: number };
      appendFileSync(join(outDir, 'games', String(index), 'llm_calls.jsonl'), line + '\n');
    }
  } else {
    writeFileSync(calls, '');
  }

  for (const out of [...combined.values(), seatsOut]) {
    out.end();
    await once(out, 'finish');
  }
  writeFileSync(
    join(outDir, 'report.html'),
    report.html(
      {
        title: `${game.title} — batch of ${games} games`,
        subtitle: `preset ${presetName(game, spec.preset)} · seed ${spec.seed} · agents ${spec.agents}`,
      },
      [...rows].sort((a, b) => a.game - b.game),
    ),
  );
  return { games };
}
