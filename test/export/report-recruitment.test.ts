import { describe, expect, it } from 'vitest';
import { playScripted } from '../../shared/engine/play.ts';
import { resolveConfig } from '../../shared/games/index.ts';
import { traitors, type TraitorsEvent } from '../../shared/games/traitors/index.ts';
import { TraitorsBatchAggregate } from '../../server/report/traitors.ts';

/** A batch report's suspicion heatmaps (observer role × target role) for one game. */
function suspicionSection(events: readonly TraitorsEvent[]): string {
  const aggregate = new TraitorsBatchAggregate();
  aggregate.add(events, Array(10).fill('scripted'));
  return aggregate.sections().find((s) => s.title.startsWith('Suspicion heatmaps'))!.body;
}

describe('batch report with recruitment', () => {
  it('groups suspicion by the roles of that day: a recruit counts as a traitor from the night it accepted', () => {
    const config = resolveConfig(traitors, 'paper', { recruitment: { refusal: 'none' }, beliefs: 'all' });
    let checked = 0;
    for (let seed = 1; seed <= 40 && checked < 3; seed++) {
      const { events } = playScripted<TraitorsEvent>(traitors, config, seed, Array.from({ length: 10 }, (_, i) => `P${i}`), Array(10).fill('scripted'));
      const accepted = events.findIndex((e) => e.type === 'recruitAnswered' && e.accepted);
      if (accepted < 0 || !events.slice(accepted).some((e) => e.type === 'beliefs')) continue;
      checked++;
      // the same game with the recruit left faithful: only the roles after the acceptance differ,
      // so the heatmaps of the rounds after it must differ (they would not if starting roles were used)
      const unrecruited = events.filter((_, i) => i !== accepted);
      expect(suspicionSection(events)).not.toBe(suspicionSection(unrecruited));
    }
    expect(checked).toBeGreaterThan(0);
  });
});
