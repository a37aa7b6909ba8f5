import type { GameRow } from './serialize.ts';

function mean(values: number[]): number | null {
  return values.length === 0 ? null : values.reduce((a, b) => a + b, 0) / values.length;
}

/** Mean of every numeric headline column over the games where it is defined (null = undefined). */
export function meanHeadlines(rows: GameRow[]): Record<string, number | null> {
  const columns = new Map<string, number[]>();
  for (const row of rows) {
    for (const [key, value] of Object.entries(row.headline)) {
      if (!columns.has(key)) columns.set(key, []);
      if (typeof value === 'number' && Number.isFinite(value)) columns.get(key)!.push(value);
    }
  }
  const out: Record<string, number | null> = {};
  // text columns (e.g. winner) have no mean; a numeric column undefined in every game stays null
  const numeric = new Set(rows.flatMap((r) => Object.entries(r.headline).filter(([, v]) => v === null || typeof v === 'number').map(([k]) => k)));
  for (const [key, values] of columns) if (numeric.has(key)) out[key] = mean(values);
  return out;
}

/**
 * The batch's summary metrics: means over games of every headline metric, shaped per game
 * where the issue names a shape (Trust-and-Split: pointsPerRound is one number per seat).
 */
export function batchMetrics(gameId: string, rows: GameRow[]): Record<string, unknown> {
  const means = meanHeadlines(rows);
  if (gameId === 'trust-split') {
    const perSeat = Object.keys(means)
      .filter((k) => /^pointsPerRound\d+$/.test(k))
      .sort((a, b) => Number(a.slice(14)) - Number(b.slice(14)));
    const shaped: Record<string, unknown> = { pointsPerRound: perSeat.map((k) => means[k]) };
    for (const [k, v] of Object.entries(means)) if (!perSeat.includes(k)) shaped[k] = v;
    return shaped;
  }
  if (gameId === 'traitors') {
    const { faithfulWin, ...rest } = means;
    return { faithfulWinRate: faithfulWin ?? null, ...rest };
  }
  return means;
}
