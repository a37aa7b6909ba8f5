import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Sample, SessionCounts, StuckRoom, Verdict } from './monitor.ts';

export interface Interval {
  t: number;
  sample: Sample | null;
  sessions: SessionCounts | null;
  ackMs: { p50: number; p99: number; max: number; n: number };
  acts: number;
  errors: number;
  stuck: number;
}

export interface Storm {
  t: number;
  size: number;
  reconnected: number;
  failed: number;
  /** from the reconnect to every client holding its state again */
  seconds: number;
}

export interface SoakResult {
  command: string;
  options: Record<string, unknown>;
  startedAt: string;
  durationSec: number;
  server: { url: string; exitCode: number | null; logLines: number; logTail: string[] };
  totals: {
    players: number;
    tablesStarted: number;
    gamesFinished: number;
    acts: number;
    actsOk: number;
    ruleRejections: number;
    errors: Record<string, number>;
    quickplay: { started: number; joined: number; refused429: number; failed: number };
    reconnects: { ok: number; failed: number };
  };
  sessionsAtEnd: SessionCounts | null;
  storms: Storm[];
  stuck: StuckRoom[];
  samples: Sample[];
  /** [seconds, MB] after a full collection, once a minute */
  retainedHeap: [number, number][];
  intervals: Interval[];
  verdict: Verdict;
}

const yes = (pass: boolean) => (pass ? 'yes' : '**NO**');

export function markdown(r: SoakResult): string {
  const v = r.verdict;
  const first = r.samples[0];
  const last = r.samples[r.samples.length - 1];
  const peak = r.samples.reduce((m, s) => Math.max(m, s.rssMB), 0);
  const lag = last ? `${last.lagP99} ms (max ${last.lagMax} ms)` : 'n/a';
  const errors = Object.entries(r.totals.errors).map(([k, n]) => `${k} ×${n}`).join(', ') || 'none';
  const s = r.sessionsAtEnd;
  const lines = [
    `# Parley soak: ${r.totals.players} players, ${(r.durationSec / 60).toFixed(1)} min`,
    '',
    `\`${r.command}\` — started ${r.startedAt}; verdict: **${v.pass ? 'PASS' : 'FAIL'}**`,
    '',
    '| | |',
    '| --- | --- |',
    `| memory flat after warm-up | ${yes(v.memoryFlat.pass)}: retained heap (after a full GC, once a minute) over the last half ${v.memoryFlat.retainedHeap.slopeMBPerMin} MB/min (${v.memoryFlat.retainedHeap.growthMB} MB across it, allowed ${v.memoryFlat.retainedHeap.allowedMB} MB, mean ${v.memoryFlat.retainedHeap.meanMB} MB); RSS over the last quarter ${v.memoryFlat.rss.slopeMBPerMin} MB/min (${v.memoryFlat.rss.growthMB} MB across it, allowed ${v.memoryFlat.rss.allowedMB} MB); RSS ${first?.rssMB ?? '?'} → ${last?.rssMB ?? '?'} MB, peak ${peak} MB |`,
    `| no stuck room | ${yes(v.noStuckRoom.pass)}: ${v.noStuckRoom.stuck} stuck observation(s) |`,
    `| no errors | ${yes(v.noErrors.pass)}: ${errors} |`,
    `| event-loop lag p99 | ${lag} (server lifetime) |`,
    `| rooms | ${s ? `${s.active} active (${s.quickplayActive} quick play), ${s.finished} finished, ${s.ended} ended (${s.quickplayEnded} idle quick play)` : 'n/a'}; ${r.totals.gamesFinished} games finished by soak players |`,
    `| acts | ${r.totals.acts} sent, ${r.totals.actsOk} accepted, ${r.totals.ruleRejections} expected game-rule refusals |`,
    `| quick-play churn | ${r.totals.quickplay.started} tables started (${r.totals.quickplay.joined} joined then abandoned), ${r.totals.quickplay.refused429} refused with 429 |`,
    `| reconnect storms | ${r.storms.length} storms, ${r.totals.reconnects.ok} reconnects, ${r.totals.reconnects.failed} failed; slowest storm back in ${r.storms.reduce((m, x) => Math.max(m, x.seconds), 0)} s |`,
    `| server log | ${r.server.logLines} line(s) after start; exit code ${r.server.exitCode} |`,
    '',
  ];
  return lines.join('\n');
}

export function writeReport(dir: string, result: SoakResult): { json: string; md: string } {
  mkdirSync(dir, { recursive: true });
  const json = path.join(dir, 'soak.json');
  const md = path.join(dir, 'soak.md');
  writeFileSync(json, JSON.stringify(result, null, 2) + '\n');
  writeFileSync(md, markdown(result));
  return { json, md };
}
