import { traitorsMetrics, type Role, type TraitorsEvent } from '../../shared/games/traitors/index.ts';
import { RoleTracker } from '../../shared/games/traitors/records.ts';
import { esc, figure, plots, table, type Section } from './html.ts';
import { Averager } from './stats.ts';
import { heatmap, lineChart, voteFlow } from './svg.ts';

/** Report sections for The Traitors: one game in detail, or a batch aggregated. */

const ROLE_COLOR: Record<Role, string> = { faithful: '#1f77b4', traitor: '#d62728' };
const ROLES: Role[] = ['faithful', 'traitor'];

function setupOf(events: readonly TraitorsEvent[]): { names: string[]; roles: Role[] } {
  const setup = events.find((e) => e.type === 'setup');
  return setup && setup.type === 'setup' ? setup : { names: [], roles: [] };
}

const seatLabel = (names: string[], roles: Role[], seat: number) => `${names[seat] ?? `Seat ${seat}`} (${roles[seat] === 'traitor' ? 'T' : 'F'})`;

/** One game: outcome, suspicion heatmaps, trust dynamics and vote flows. */
export function traitorsGameSections(events: readonly TraitorsEvent[], heading = ''): Section[] {
  const { names, roles } = setupOf(events);
  const metrics = traitorsMetrics(events);
  const labels = names.map((_, seat) => seatLabel(names, roles, seat));
  const { outcome, beliefs } = metrics;
  const sections: Section[] = [];
  sections.push({
    title: `${heading}Outcome`,
    body:
      `<p><b>${outcome.winner ? (outcome.winner === 'faithful' ? 'The faithful won' : 'The traitors won') : 'Not finished'}</b>` +
      `${outcome.reason ? ` (${outcome.reason})` : ''} after ${outcome.rounds} round(s). Traitors: ${esc(labels.filter((_, s) => roles[s] === 'traitor').join(', '))}.</p>` +
      table(['round', 'seat', 'role', 'cause'], outcome.eliminations.map((e) => [e.round, labels[e.seat], e.role, e.cause])),
  });
  if (beliefs.suspicionByRound.length) {
    sections.push({
      title: `${heading}Suspicion heatmaps (observer × target, per round)`,
      note: 'Each row is an observer, each column a target; darker = more suspected (0–1). T = traitor, F = faithful.',
      body: plots(
        beliefs.suspicionByRound.map(({ round, matrix }) =>
          figure(heatmap({ title: `Round ${round}`, rowLabels: labels, colLabels: labels, values: matrix, showValues: false, rowAxis: 'observer', colAxis: 'target' })),
        ),
      ),
    });
    const rounds = beliefs.suspicionByRound.map((r) => r.round);
    sections.push({
      title: `${heading}Trust dynamics`,
      note: "Mean suspicion of each player among faithful observers, per round (traitors dashed).",
      body: lineChart({
        title: 'Faithful suspicion of each player',
        xLabels: rounds,
        xLabel: 'round',
        yLabel: 'suspicion',
        yMin: 0,
        yMax: 1,
        width: 620,
        series: beliefs.trustDynamics.map((d) => ({ name: labels[d.seat], values: d.meanByRound, dashed: roles[d.seat] === 'traitor' })),
      }),
    });
  }
  const ballots = events.filter((e) => e.type === 'votesRevealed');
  if (ballots.length) {
    const eliminated = new Map<string, number>();
    for (const e of events) {
      if (e.type === 'banished') eliminated.set(`${e.round}:day`, e.seat);
      if (e.type === 'murdered') eliminated.set(`${e.round}:night`, e.seat);
    }
    sections.push({
      title: `${heading}Vote flows`,
      note: 'Voter (left, coloured by role: blue faithful, red traitor) → target (right; dot size = votes, ✗ = eliminated).',
      body: plots(
        ballots.map((b) =>
          b.type !== 'votesRevealed'
            ? ''
            : figure(
                voteFlow({
                  title: `Round ${b.round} · ${b.ballot}`,
                  labels,
                  colors: roles.map((r) => ROLE_COLOR[r]),
                  votes: b.votes.map((v) => ({ from: v.seat, to: v.target })),
                  eliminated: b.ballot === 'recruit' ? null : (eliminated.get(`${b.round}:${b.ballot === 'murder' ? 'night' : 'day'}`) ?? null),
                }),
              ),
        ),
      ),
    });
  }
  return sections;
}

/** A batch's Traitors data, accumulated game by game so the games themselves need not be kept. */
export class TraitorsBatchAggregate {
  private games = 0;
  private readonly suspicion = new Averager();
  private readonly trust = new Averager();
  private readonly votes = new Averager();
  private readonly faceOff = new Averager();
  private maxRound = 0;
  private readonly agentsSeen = new Set<string>();
  private readonly reasons = new Map<string, number>();

  add(events: readonly TraitorsEvent[], agents: readonly string[]): void {
    this.games++;
    const { roles } = setupOf(events);
    const m = traitorsMetrics(events);
    // roles as they were in each round's day (a recruit turns traitor at night), for the suspicion charts
    const dayRoles = new Map<number, Role[]>();
    const tracker = new RoleTracker(roles);
    for (const e of events) {
      tracker.see(e);
      if (e.type === 'beliefs' && !dayRoles.has(e.round)) dayRoles.set(e.round, tracker.roles());
    }
    this.reasons.set(m.outcome.reason ?? 'unfinished', (this.reasons.get(m.outcome.reason ?? 'unfinished') ?? 0) + 1);
    for (const { round, matrix } of m.beliefs.suspicionByRound) {
      this.maxRound = Math.max(this.maxRound, round);
      // per game first: mean per role pair, so big games do not outweigh small ones
      const perGame = new Averager();
      const then = dayRoles.get(round) ?? roles;
      matrix.forEach((row, observer) => row.forEach((v, target) => observer !== target && perGame.add(`${then[observer]}>${then[target]}`, v)));
      for (const o of ROLES) for (const t of ROLES) this.suspicion.add(`${round}:${o}>${t}`, perGame.mean(`${o}>${t}`));
      const faithfulView = new Averager();
      m.beliefs.trustDynamics.forEach((d) => {
        const i = m.beliefs.suspicionByRound.findIndex((r) => r.round === round);
        faithfulView.add(then[d.seat], d.meanByRound[i]);
      });
      for (const t of ROLES) this.trust.add(`${round}:${t}`, faithfulView.mean(t));
    }
    // votes count by the roles when cast (a recruit's change at the night they accept)
    const now = new RoleTracker(roles);
    for (const e of events) {
      now.see(e);
      if (e.type !== 'votesRevealed' || e.ballot === 'murder' || e.ballot === 'recruit') continue;
      this.maxRound = Math.max(this.maxRound, e.round);
      const perBallot = new Averager();
      for (const v of e.votes) if (now.role(v.seat) === 'faithful' && v.target !== null) perBallot.add('f', now.role(v.target) === 'traitor' ? 1 : 0);
      this.votes.add(`${e.round}`, perBallot.mean('f'));
    }
    const faithfulWin = m.outcome.winner === null ? null : m.outcome.winner === 'faithful' ? 1 : 0;
    const pairs = new Set<string>();
    agents.forEach((fa, f) => agents.forEach((ta, t) => roles[f] === 'faithful' && roles[t] === 'traitor' && pairs.add(`${fa}|${ta}`)));
    for (const a of agents) this.agentsSeen.add(a);
    for (const pair of pairs) this.faceOff.add(pair, faithfulWin);
  }

  sections(): Section[] {
    const rounds = Array.from({ length: this.maxRound }, (_, i) => i + 1);
    const sections: Section[] = [];
    sections.push({
      title: 'How games ended',
      body: table(['reason', 'games', 'share'], [...this.reasons].map(([reason, n]) => [reason, n, n / Math.max(1, this.games)])),
    });
    sections.push({
      title: 'Suspicion heatmaps (observer role × target role, per round)',
      note: 'Mean suspicion (0–1) over games; seats differ between games, so observers and targets are grouped by role.',
      body: plots(
        rounds
          .filter((r) => ROLES.some((o) => ROLES.some((t) => this.suspicion.count(`${r}:${o}>${t}`))))
          .map((r) =>
            figure(
              heatmap({
                title: `Round ${r}`,
                rowLabels: ROLES,
                colLabels: ROLES,
                values: ROLES.map((o) => ROLES.map((t) => this.suspicion.mean(`${r}:${o}>${t}`))),
                rowAxis: 'observer',
                colAxis: 'target',
              }),
            ),
          ),
      ),
    });
    sections.push({
      title: 'Trust dynamics',
      note: 'Mean suspicion faithful observers hold of traitors and of faithful players, per round.',
      body: lineChart({
        title: 'Faithful suspicion by target role',
        xLabels: rounds,
        xLabel: 'round',
        yLabel: 'suspicion',
        yMin: 0,
        yMax: 1,
        series: [
          { name: 'of traitors', values: rounds.map((r) => this.trust.mean(`${r}:traitor`)), color: ROLE_COLOR.traitor },
          { name: 'of faithful', values: rounds.map((r) => this.trust.mean(`${r}:faithful`)), color: ROLE_COLOR.faithful },
        ],
      }),
    });
    sections.push({
      title: 'Vote flows',
      note: 'Share of faithful round-table votes that went to a traitor, per round (mean over games).',
      body: lineChart({
        title: 'Faithful votes on traitors',
        xLabels: rounds,
        xLabel: 'round',
        yLabel: 'share',
        yMin: 0,
        yMax: 1,
        series: [{ name: 'on a traitor', values: rounds.map((r) => this.votes.mean(`${r}`)), color: ROLE_COLOR.traitor }],
      }),
    });
    if (this.agentsSeen.size > 1) {
      const agents = [...this.agentsSeen].sort();
      sections.push({
        title: 'Face-off matrix',
        note: 'Faithful win rate when an agent (row) sat on the faithful side against an agent (column) among the traitors.',
        body: heatmap({
          title: 'Faithful win rate',
          rowLabels: agents,
          colLabels: agents,
          values: agents.map((f) => agents.map((t) => this.faceOff.mean(`${f}|${t}`))),
          showValues: true,
          rowAxis: 'faithful agent',
          colAxis: 'traitor agent',
        }),
      });
    }
    return sections;
  }
}
