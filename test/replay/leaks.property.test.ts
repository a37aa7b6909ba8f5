import { describe, expect, it } from 'vitest';
import { playScripted } from '../../shared/engine/play.ts';
import { traitors, type TraitorsEvent } from '../../shared/games/traitors/index.ts';
import type { LogRow } from '../../shared/protocol/index.ts';
import { replayFrames } from '../../shared/replay/frames.ts';

// For many seeded games: a faithful seat's replay never holds what the faithful may not know —
// the traitors' whispers, anyone's role before the game over reveals them, fellow traitors — and
// the spectator's replay holds every whisper.

const NAMES = ['Ada', 'Ben', 'Cy', 'Dee', 'Eve', 'Fay', 'Gus', 'Hal'];

function rowsOf(events: readonly TraitorsEvent[]): LogRow[] {
  // one batch per event, a second apart (the batching does not change what is visible)
  return events.map((event, i) => ({ sessionId: 's', seq: i + 1, batch: i + 1, at: 1_000 * (i + 1), kind: 'game', seat: 'seat' in event ? event.seat : null, clientActionId: null, event }));
}

describe('replay frames never leak a secret to a faithful seat', () => {
  for (let seed = 1; seed <= 12; seed++) {
    it(`seed ${seed}`, () => {
      const config = traitors.presets.table;
      const game = playScripted<TraitorsEvent>(traitors, config, seed, NAMES, NAMES.map(() => 'scripted'));
      const rows = rowsOf(game.events);
      const setup = game.events[0] as Extract<TraitorsEvent, { type: 'setup' }>;
      const session = { seats: NAMES.map((_, seat) => ({ seat, kind: 'agent' as const })), options: { revealAgents: false } };
      const statements = game.events.filter((e): e is Extract<TraitorsEvent, { type: 'statement' }> => e.type === 'statement');
      const publicTexts = new Set(statements.filter((s) => s.channel === 'public').map((s) => s.text));
      const whispers = statements.filter((s) => s.channel === 'traitors' && !publicTexts.has(s.text)).map((s) => s.text);

      const spectator = JSON.stringify(replayFrames(traitors, session, rows, 'spectator'));
      for (const whisper of whispers) expect(spectator).toContain(JSON.stringify(whisper).slice(1, -1));

      setup.roles.forEach((role, seat) => {
        const frames = replayFrames(traitors, session, rows, seat);
        expect(frames.length).toBeGreaterThan(0);
        if (role !== 'faithful') return;
        const before = JSON.stringify(frames.filter((f) => f.outcome === null));
        expect(before).not.toContain('"roles":');
        expect(before).not.toContain('"traitorChat":[');
        const all = JSON.stringify(frames);
        for (const whisper of whispers) expect(all).not.toContain(JSON.stringify(whisper).slice(1, -1));
        for (const frame of frames) {
          const view = frame.view as { fellowTraitors?: unknown; spectator?: unknown } | undefined;
          if (view) expect([view.fellowTraitors, view.spectator]).toEqual([null, null]);
          expect(frame.label).not.toMatch(/whisper|was murdered|traitors chose/);
          expect(frame.agentSeats).toBeNull();
        }
      });
    });
  }
});
