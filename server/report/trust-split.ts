import { readLog, trustSplitMetrics, claimIsTruthful, positionOf, type TrustSplitEvent } from '../../shared/games/trust-split/index.ts';
import { esc, figure, plots, table, type Section } from './html.ts';
import { Averager } from './stats.ts';
import { heatmap, lineChart } from './svg.ts';

/** Report sections for Trust-and-Split: one game in detail, or a batch aggregated. */

const SEATS = [0, 1] as const;

export function trustSplitGameSections(events: readonly TrustSplitEvent[]): Section[] {
  const log = readLog(events);
  const metrics = trustSplitMetrics(events);
  const names = log.setup?.names ?? ['Seat 0', 'Seat 1'];
  const rounds = log.rounds.map((r) => r.round);
  const winners = metrics.winners;
  const sections: Section[] = [];
  sections.push({
    title: 'Outcome',
    body:
      `<p><b>${winners === null ? 'Not finished' : winners.length === 2 ? 'A tie' : `${esc(names[winners[0]])} won`}</b> after ${log.rounds.length} round(s). ` +
      `Points: ${SEATS.map((s) => `${esc(names[s])} ${metrics.points.total[s].toFixed(1)}`).join(', ')}; welfare per round ${metrics.welfare.meanPerRound?.toFixed(2) ?? '—'}.</p>`,
  });
  sections.push({
    title: 'Points, proposals and claims over rounds',
    body: plots([
      figure(
        lineChart({
          title: 'Points per round',
          xLabels: rounds,
          xLabel: 'round',
          yLabel: 'points',
          yMin: 0,
          series: SEATS.map((s) => ({ name: names[s], values: metrics.points.perRound[s] })),
        }),
      ),
      figure(
        lineChart({
          title: 'Coins proposed for oneself',
          xLabels: rounds,
          xLabel: 'round',
          yLabel: 'coins',
          yMin: 0,
          yMax: metrics.coins ?? undefined,
          series: SEATS.map((s) => ({ name: names[s], values: log.rounds.map((r) => r.proposals[s]) })),
        }),
      ),
    ]),
  });
  sections.push({
    title: 'Hand claims',
    note: `Own-hand claims extracted from each round's messages (extractor ${metrics.honesty.claimExtractorVersion}).`,
    body: table(
      ['round', 'player', 'hand', 'position', 'claimed', 'truthful', 'proposal', 'points'],
      log.rounds.flatMap((r) =>
        SEATS.map((s) => {
          const claim = r.claims[s];
          const position = positionOf(r, s);
          const claimed = claim ? [claim.hand, claim.position].filter(Boolean).join(', ') : '';
          return [r.round, names[s], r.hands[s], position, claimed || '—', claim ? (claimIsTruthful(claim, r.hands[s], position) ? 'yes' : 'LIE') : '—', r.proposals[s], r.points[s]];
        }),
      ),
    ),
  });
  return sections;
}

/** A batch's Trust-and-Split data, accumulated game by game. */
export class TrustSplitBatchAggregate {
  private readonly byRound = new Averager();
  private readonly faceOff = new Averager();
  private readonly agentsSeen = new Set<string>();
  private maxRound = 0;

  add(events: readonly TrustSplitEvent[], agents: readonly string[]): void {
    const log = readLog(events);
    for (const a of agents) this.agentsSeen.add(a);
    const perRound: [number[], number[]] = [[], []];
    for (const r of log.rounds) {
      this.maxRound = Math.max(this.maxRound, r.round);
      for (const s of SEATS) {
        const position = positionOf(r, s);
        this.byRound.add(`${r.round}:points:${s}`, r.points[s]);
        this.byRound.add(`${r.round}:proposal:${position}`, r.proposals[s]);
        const claim = r.claims[s];
        this.byRound.add(`${r.round}:claim`, claim ? 1 : 0);
        if (claim) this.byRound.add(`${r.round}:lie`, claimIsTruthful(claim, r.hands[s], position) ? 0 : 1);
        perRound[s].push(r.points[s]);
      }
    }
    if (agents.length === 2) {
      for (const s of SEATS) {
        const pts = perRound[s];
        if (pts.length) this.faceOff.add(`${agents[s]}|${agents[1 - s]}`, pts.reduce((a, b) => a + b, 0) / pts.length);
      }
    }
  }

  sections(): Section[] {
    const rounds = Array.from({ length: this.maxRound }, (_, i) => i + 1);
    const sections: Section[] = [
      {
        title: 'Points, proposals and claims over rounds',
        note: 'Means over games per round.',
        body: plots([
          figure(
            lineChart({
              title: 'Points per round',
              xLabels: rounds,
              xLabel: 'round',
              yMin: 0,
              series: SEATS.map((s) => ({ name: `seat ${s}`, values: rounds.map((r) => this.byRound.mean(`${r}:points:${s}`)) })),
            }),
          ),
          figure(
            lineChart({
              title: 'Coins proposed for oneself, by hand',
              xLabels: rounds,
              xLabel: 'round',
              yMin: 0,
              series: (['upper', 'lower'] as const).map((p) => ({ name: `${p} hand`, values: rounds.map((r) => this.byRound.mean(`${r}:proposal:${p}`)) })),
            }),
          ),
          figure(
            lineChart({
              title: 'Hand claims and lies',
              xLabels: rounds,
              xLabel: 'round',
              yMin: 0,
              yMax: 1,
              series: [
                { name: 'claim rate', values: rounds.map((r) => this.byRound.mean(`${r}:claim`)) },
                { name: 'lie rate (of claims)', values: rounds.map((r) => this.byRound.mean(`${r}:lie`)), color: '#d62728' },
              ],
            }),
          ),
        ]),
      },
    ];
    if (this.agentsSeen.size > 1) {
      const agents = [...this.agentsSeen].sort();
      const values = agents.map((a) => agents.map((b) => this.faceOff.mean(`${a}|${b}`)));
      const all = values.flat().filter((v): v is number => v !== null);
      sections.push({
        title: 'Face-off matrix',
        note: 'Mean points per round of the row agent when playing against the column agent.',
        body: heatmap({ title: 'Points per round', rowLabels: agents, colLabels: agents, values, min: Math.min(0, ...all), max: Math.max(1, ...all), showValues: true, digits: 1, rowAxis: 'agent', colAxis: 'opponent' }),
      });
    }
    return sections;
  }
}
