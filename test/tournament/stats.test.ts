import { describe, expect, it } from 'vitest';
import { buildSchedule, tournamentSpec } from '../../server/tournament/index.ts';
import { rateGames } from '../../server/tournament/ratings.ts';
import type { GameRecord } from '../../server/tournament/record.ts';
import { Clustered } from '../../server/tournament/stats.ts';
import { meanCI } from '../../server/report/stats.ts';
import { splitAgentList } from '../../server/tournament/spec.ts';

describe('tournament statistics', () => {
  it('makes a t-interval of the mean, and clusters values by their independent unit', () => {
    const t = meanCI([1, 2, 3, 4, 5]);
    // mean 3, sd √2.5, n 5, t(0.975, 4) = 2.7764
    expect(t.mean).toBe(3);
    expect(t.hi! - 3).toBeCloseTo(2.7764 * Math.sqrt(2.5 / 5), 3);
    expect(meanCI([7])).toEqual({ n: 1, mean: 7, lo: null, hi: null });
    expect(meanCI([])).toEqual({ n: 0, mean: null, lo: null, hi: null });

    // two seeds; each seed's values are averaged first, so n is 2, not 4
    const c = new Clustered();
    c.add(0, 10);
    c.add(0, 30);
    c.add(1, 0);
    c.add(1, 0);
    c.add(1, null);
    const i = c.interval();
    expect(i.n).toBe(2);
    expect(i.mean).toBe(10);
    // a rate is cut to [0, 1]
    const r = new Clustered();
    [1, 0, 1].forEach((v, k) => r.add(k, v));
    expect(r.interval([0, 1]).hi).toBe(1);
    expect(r.interval().hi!).toBeGreaterThan(1);
  });

  it('rates the agent who scores more higher, and leaves self-play unrated', () => {
    const game = (k: number, a: string, b: string, sa: number, sb: number): GameRecord => ({
      table: 0, game: k, seed: k, outcome: '', headline: {}, seats: [{ agent: a, score: sa }, { agent: b, score: sb }],
    });
    const records = Array.from({ length: 30 }, (_, k) => game(k, 'strong', 'weak', 40, 10));
    const ratings = rateGames(['strong', 'weak', 'idle'], [...records, game(31, 'idle', 'idle', 0, 100)]);
    expect(ratings.get('strong')!.mu).toBeGreaterThan(ratings.get('weak')!.mu);
    expect(ratings.get('idle')).toMatchObject({ mu: 25 });
    const r = ratings.get('strong')!;
    expect(r.ordinal).toBeCloseTo(r.mu - 3 * r.sigma, 9);
  });
});

describe('tournament schedule and options', () => {
  const spec = (agents: string, selfPlay = true) => tournamentSpec({ game: 'trust-split', agents, gamesPerPairing: 4, seed: 1, selfPlay });

  it('plays every ordered pair, with self-play when asked', () => {
    const tables = buildSchedule(spec('greedy,fair,cooperative'));
    expect(tables.map((t) => t.seats.join(''))).toEqual(['00', '01', '02', '10', '11', '12', '20', '21', '22']);
    expect(buildSchedule(spec('greedy,fair,cooperative', false)).map((t) => t.seats.join(''))).toEqual(['01', '02', '10', '12', '20', '21']);
  });

  it('refuses unknown, inherited and repeated agent names, and too few games, with a clear message', () => {
    expect(() => spec('greedy,constructor')).toThrow('unknown agent "constructor"');
    expect(() => spec('__proto__,fair')).toThrow('unknown agent "__proto__"');
    expect(() => spec('toString,fair')).toThrow('unknown agent "toString"');
    expect(() => spec('greedy,greedy')).toThrow('listed twice');
    expect(() => spec('greedy')).toThrow('at least two agents');
    expect(() => tournamentSpec({ game: 'trust-split', agents: 'greedy,fair', gamesPerPairing: 1, seed: 1, selfPlay: true })).toThrow('at least 2');
    expect(() => tournamentSpec({ game: 'chess', agents: 'greedy,fair', gamesPerPairing: 4, seed: 1, selfPlay: true })).toThrow('Unknown game');
    expect(() => tournamentSpec({ game: 'trust-split', preset: 'nope', agents: 'greedy,fair', gamesPerPairing: 4, seed: 1, selfPlay: true })).toThrow('Unknown preset');
    expect(() => splitAgentList('[1,2]')).toThrow('a name or an LLM spec object');
    expect(() => splitAgentList('[oops')).toThrow('not valid JSON');
  });

  it('takes LLM entrants as names, llm:<model> or JSON specs, labelled by model or name', () => {
    const env = { PARLEY_LLM_BASE_URL: 'http://127.0.0.1:9/v1', PARLEY_LLM_MODEL: 'm1' };
    const s = tournamentSpec(
      { game: 'trust-split', agents: '["greedy","llm:m2",{"type":"llm","model":"m3","name":"careful"}]', gamesPerPairing: 2, seed: 1, selfPlay: false },
      env,
    );
    expect(s.entrants.map((e) => [e.label, e.llm])).toEqual([['greedy', false], ['llm:m2', true], ['careful', true]]);
    expect(() => tournamentSpec({ game: 'trust-split', agents: '["llm",{"type":"llm","apiKey":"sk-x"}]', gamesPerPairing: 2, seed: 1, selfPlay: true }, env)).toThrow('must not contain an API key');
  });
});

describe('tournament files', () => {
  it('escape agent labels in the report and neutralise formula-like labels in the CSVs', async () => {
    const { tournamentResults } = await import('../../server/tournament/results.ts');
    const { leaderboardCsv, facingCsv, reportHtml } = await import('../../server/tournament/report.ts');
    const spec = tournamentSpec(
      { game: 'trust-split', agents: '["greedy",{"type":"llm","model":"m","name":"<img src=x onerror=alert(1)>"},{"type":"llm","model":"m","name":"=HYPERLINK(1)"}]', gamesPerPairing: 2, seed: 1, selfPlay: false },
      { PARLEY_LLM_BASE_URL: 'http://127.0.0.1:9/v1' },
    );
    const labels = spec.entrants.map((e) => e.label);
    const records: GameRecord[] = buildSchedule(spec).flatMap((t) =>
      [0, 1].map((k) => ({ table: t.index, game: k, seed: k, outcome: '', headline: {}, seats: t.seats.map((e, i) => ({ agent: labels[e], score: 10 * (i + k + e) })) })),
    );
    const results = tournamentResults(spec, records);
    const html = reportHtml(spec, results, records.length);
    expect(html).not.toContain('<img');
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(leaderboardCsv(results)).toContain(`"'=HYPERLINK(1)"`);
    expect(facingCsv(results)).not.toMatch(/(^|,)=HYPERLINK/m);
  });
});
