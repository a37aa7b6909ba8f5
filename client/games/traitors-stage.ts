// The Traitors on the Phaser stage: the round table scene and the ending on the results scene
// (every role revealed, the winners glowing, the eliminations in order). Loaded by the table page only.
import { CSS, PALETTE, hex, seatColour } from '../art/palette.ts';
import type { ResultsCanvas } from '../scenes/ResultsScene.ts';
import { TraitorsScene } from '../scenes/TraitorsScene.ts';
import type { ClientState } from '../store.ts';
import { eliminationOf, knownEliminations, traitorsTable } from './traitors.ts';
import { isWinner, type TraitorsTable } from './traitors-record.ts';
import type { GameStage } from './types.ts';

export const traitorsStage: GameStage = {
  createScene: (store) => new TraitorsScene(store),
  drawResults,
};

function drawResults(c: ResultsCanvas, state: ClientState): void {
  const payload = state.payload!;
  const table = traitorsTable(payload);
  const { view, outcome } = table;
  const winner = outcome?.winner ?? null;
  const roles = outcome?.roles ?? [];
  const reason =
    outcome?.reason === 'noTraitorsLeft'
      ? 'Every traitor was found and banished.'
      : outcome?.reason === 'traitorsReachedParity'
        ? 'The traitors now match the faithful in number.'
        : outcome?.reason === 'maxRounds'
          ? 'The rounds ran out with traitors still hidden.'
          : null;
  const top = c.title(winner === 'faithful' ? 'The faithful win!' : winner === 'traitors' ? 'The traitors win!' : 'The end', winner === 'traitors' ? CSS.crimson : CSS.teal, reason);
  const n = view.names.length;
  const compact = c.w < 640;
  // two rows for a table of eight: big enough to read, room for the timeline below
  const perRow = compact ? Math.min(4, n) : Math.ceil(n / 2);
  const rows = Math.ceil(n / perRow);
  const timelineH = compact ? 0 : 64;
  const cellW = Math.min(c.w / perRow, 170);
  const areaTop = top + (compact ? 18 : 26);
  const cellH = Math.min((c.h - areaTop - timelineH - 8) / rows, compact ? 112 : 160);
  const r = Math.min(cellW * 0.3, cellH * 0.27, 40);
  for (let seat = 0; seat < n; seat++) {
    const row = Math.floor(seat / perRow);
    const inRow = Math.min(perRow, n - row * perRow);
    const col = seat % perRow;
    const x = c.w / 2 + (col - (inRow - 1) / 2) * cellW;
    const y = areaTop + row * cellH + r + 6;
    const role = roles[seat];
    if (isWinner(table, seat)) {
      const glow = c.scene.add.circle(x, y, r + 9, role === 'traitor' ? PALETTE.crimson : PALETTE.teal, 0.3);
      c.layer.add(glow);
      c.scene.tweens.add({ targets: glow, scale: 1.18, alpha: 0.1, duration: 1000, yoyo: true, repeat: -1, ease: 'Sine.InOut' });
    }
    const g = c.graphics();
    const out = eliminationOf(table, seat);
    g.fillStyle(0x000000, 0.4);
    g.fillCircle(x + 2, y + 4, r);
    g.fillStyle(out ? PALETTE.ghost : seatColour(seat), 1);
    g.fillCircle(x, y, r);
    g.fillStyle(0x000000, 0.22);
    g.fillCircle(x, y - r * 0.18, r * 0.36);
    g.fillEllipse(x, y + r * 0.55, r * 1.3, r * 0.8);
    g.lineStyle(3, role === 'traitor' ? PALETTE.crimson : PALETTE.teal, 1);
    g.strokeCircle(x, y, r);
    if (role === 'traitor') {
      // a small crimson dagger badge
      g.fillStyle(PALETTE.crimson, 1);
      g.fillCircle(x + r * 0.72, y - r * 0.72, r * 0.3);
      g.fillStyle(PALETTE.parchment, 1);
      g.fillTriangle(x + r * 0.72, y - r * 0.95, x + r * 0.64, y - r * 0.6, x + r * 0.8, y - r * 0.6);
      g.fillRect(x + r * 0.6, y - r * 0.6, r * 0.24, r * 0.06);
    }
    const name = `${view.names[seat]}${view.seat === seat ? ' (you)' : ''}`;
    c.text(x, y + r + 5, name, { size: compact ? 12 : 15, bold: true, colour: hex(seatColour(seat)), align: 'center' }).setOrigin(0.5, 0);
    c.text(x, y + r + (compact ? 20 : 25), role === 'traitor' ? 'TRAITOR' : 'FAITHFUL', { size: compact ? 10 : 12, bold: true, colour: role === 'traitor' ? CSS.crimson : CSS.teal, align: 'center' }).setOrigin(0.5, 0);
    const fate = out ? (out.cause === 'banished' ? `banished, round ${out.round}` : `murdered, night ${out.round}`) : view.alive[seat] ? 'survived' : 'murdered';
    c.text(x, y + r + (compact ? 33 : 42), fate, { size: compact ? 9 : 12, colour: CSS.muted, align: 'center' }).setOrigin(0.5, 0);
  }
  if (!compact) drawTimeline(c, table, c.h - timelineH + 6);
  c.celebrate(winner === 'traitors' ? PALETTE.crimson : PALETTE.teal);
}

/** The order of eliminations as a row of stones along the bottom: the game's story at a glance. */
function drawTimeline(c: ResultsCanvas, table: TraitorsTable, y: number): void {
  const view = table.view;
  const steps = knownEliminations(table);
  if (!steps.length) return;
  const width = Math.min(c.w - 40, steps.length * 150);
  const x0 = c.w / 2 - width / 2;
  const step = steps.length > 1 ? width / (steps.length - 1) : 0;
  const g = c.graphics();
  g.lineStyle(2, PALETTE.gold, 0.4);
  if (steps.length > 1) g.lineBetween(x0, y + 10, x0 + width, y + 10);
  steps.forEach((e, i) => {
    const x = steps.length > 1 ? x0 + i * step : c.w / 2;
    const traitor = e.role === 'traitor';
    g.fillStyle(e.cause === 'murdered' ? PALETTE.crimson : traitor ? PALETTE.gold : PALETTE.teal, 1);
    g.fillCircle(x, y + 10, 7);
    g.lineStyle(2, PALETTE.night, 1);
    g.strokeCircle(x, y + 10, 7);
    const label = `${e.cause === 'banished' ? `Round ${e.round}` : `Night ${e.round}`}\n${view.names[e.seat]} ${e.cause === 'banished' ? 'banished' : 'murdered'}`;
    c.text(x, y + 22, label, { size: 11, colour: traitor ? CSS.gold : CSS.muted, align: 'center' }).setOrigin(0.5, 0);
  });
}
