import { ordinal, rate, rating, type Rating } from 'openskill';
import type { GameRecord } from './record.ts';

export interface AgentRating {
  mu: number;
  sigma: number;
  /** mu − 3σ: a conservative skill estimate (openskill's ordinal) */
  ordinal: number;
}

/**
 * openskill (Plackett–Luce, its default parameters) in round-robin order: all tables' game 0, then all
 * tables' game 1, … so no agent's rating settles before the others have played. Every seat is ranked
 * by its score (Trust-and-Split: points; The Traitors: its camp won or lost), each seat on its own: a
 * camp as one team would weigh six faithful against two traitors, and the faithful's expected win
 * would make every loss of theirs cost more than a traitor's win earns. Role balance makes the
 * camps' different odds fair between agents. An agent holding several seats of one game gets the
 * mean of its seats' updates; a game where one agent holds every seat (self-play) is skipped.
 */
export function rateGames(agents: readonly string[], records: readonly GameRecord[]): Map<string, AgentRating> {
  const current = new Map<string, Rating>(agents.map((a) => [a, rating()]));
  const ordered = [...records].sort((a, b) => a.game - b.game || a.table - b.table);
  for (const record of ordered) {
    if (new Set(record.seats.map((s) => s.agent)).size < 2) continue;
    const updated = rate(
      record.seats.map((s) => [current.get(s.agent)!]),
      { score: record.seats.map((s) => s.score ?? 0) },
    );
    const sums = new Map<string, { mu: number; sigma: number; n: number }>();
    record.seats.forEach((seat, i) => {
      const sum = sums.get(seat.agent) ?? { mu: 0, sigma: 0, n: 0 };
      sum.mu += updated[i][0].mu;
      sum.sigma += updated[i][0].sigma;
      sum.n++;
      sums.set(seat.agent, sum);
    });
    for (const [agent, s] of sums) current.set(agent, rating({ mu: s.mu / s.n, sigma: s.sigma / s.n }));
  }
  return new Map([...current].map(([agent, r]) => [agent, { mu: r.mu, sigma: r.sigma, ordinal: ordinal(r) }]));
}
