// Trust-and-Split on the Phaser stage: the two-player table scene and the ending on the results
// scene (the points as growing bars, the welfare gauge, a crown for a winner). Loaded by the table page only.
import type { SeatId } from '../../shared/engine/actions.ts';
import { asPoints } from '../art/hands.ts';
import { CSS, PALETTE, SERIF, hex, seatColour } from '../art/palette.ts';
import { formatPoints } from '../dom.ts';
import type { ResultsCanvas } from '../scenes/ResultsScene.ts';
import { TrustSplitScene } from '../scenes/TrustSplitScene.ts';
import type { ClientState } from '../store.ts';
import { readTrustSplit, trustSplitEnding } from './trust-split.ts';
import type { GameStage } from './types.ts';

export const trustSplitStage: GameStage = {
  createScene: (store) => new TrustSplitScene(store),
  drawResults,
};

function drawResults(c: ResultsCanvas, state: ClientState): void {
  const m = readTrustSplit(state.payload!);
  const ending = trustSplitEnding(m, state.payload!);
  if (!ending) return;
  const { points, winners } = ending;
  const name = (seat: SeatId) => (m.me === seat ? 'You' : m.names[seat]);
  const compact = c.w < 640;
  // a winner only where the configuration asks for one; otherwise what the two made together
  const headline =
    winners.length === 2 ? 'A perfect tie' : winners.length === 1 ? `${name(winners[0])} ${m.me === winners[0] ? 'win' : 'wins'}!` : `${formatPoints(ending.together)} points together`;
  const rounds = `${m.rounds} round${m.rounds === 1 ? '' : 's'}`;
  const sub = winners.length
    ? `${formatPoints(ending.together)} points made together over ${rounds}`
    : `of a possible ${formatPoints(ending.possible)} over ${rounds}`;
  let top = c.title(headline, CSS.gold, sub);
  top = welfareMeter(c, ending.together / ending.possible, top + (compact ? 8 : 12), m.me === null ? 'of what the two could make together' : 'of what the two of you could make');
  const avatarR = compact ? 16 : 22;
  const baseY = c.h - (compact ? 62 : 84);
  const maxH = Math.max(40, baseY - top - (compact ? 44 : 60));
  const best = Math.max(points[0], points[1], 1);
  for (const seat of [0, 1] as const) {
    const x = c.w / 2 + (seat === 0 ? -1 : 1) * Math.min(c.w * 0.2, 150);
    const barW = compact ? 60 : 90;
    const height = (points[seat] / best) * maxH;
    const crowned = winners.includes(seat);
    const bar = c.scene.add.rectangle(x, baseY, barW, Math.max(2, height), seatColour(seat), 1).setOrigin(0.5, 1);
    bar.setStrokeStyle(3, crowned ? PALETTE.gold : PALETTE.woodDark);
    c.layer.add(bar);
    bar.scaleY = 0;
    c.scene.tweens.add({ targets: bar, scaleY: 1, duration: 900, ease: 'Cubic.Out', delay: 200 + seat * 150 });
    // each round's points as a slice of the bar
    let acc = 0;
    const g = c.graphics();
    for (const round of m.history) {
      const p = round.points[seat];
      if (p === null) continue;
      acc += p;
      const y = baseY - (acc / best) * maxH;
      g.lineStyle(1, PALETTE.night, 0.5);
      g.lineBetween(x - barW / 2, y, x + barW / 2, y);
    }
    g.setAlpha(0);
    c.scene.tweens.add({ targets: g, alpha: 1, delay: 1200, duration: 300 });
    const face = c.graphics();
    face.fillStyle(seatColour(seat), 1);
    face.fillCircle(x, baseY + avatarR + 8, avatarR);
    face.lineStyle(3, crowned ? PALETTE.gold : PALETTE.parchment, crowned ? 1 : 0.5);
    face.strokeCircle(x, baseY + avatarR + 8, avatarR);
    c.text(x, baseY + avatarR + 8, m.names[seat].charAt(0).toUpperCase(), { family: SERIF, size: avatarR, bold: true, colour: CSS.ink }).setOrigin(0.5);
    c.text(x, baseY + avatarR * 2 + 12, name(seat), { size: compact ? 13 : 16, bold: true, colour: hex(seatColour(seat)), align: 'center' }).setOrigin(0.5, 0);
    const label = c.text(x, baseY - height - 8, `${formatPoints(points[seat])} pts`, { family: SERIF, size: compact ? 18 : 26, bold: true, colour: CSS.gold, align: 'center' });
    label.setOrigin(0.5, 1).setAlpha(0);
    c.scene.tweens.add({ targets: label, alpha: 1, delay: 1000, duration: 300 });
    if (crowned && winners.length === 1) crown(c, x, baseY - height - (compact ? 40 : 52));
  }
  // confetti celebrates a winner; a game without one is not a contest
  if (winners.length) c.celebrate(PALETTE.gold);
}

/** Joint welfare as a filled gauge under the title: how much of the possible the two made together. Returns its bottom. */
function welfareMeter(c: ResultsCanvas, share: number, y: number, caption: string): number {
  const width = Math.min(c.w * 0.6, 360);
  const x = c.w / 2 - width / 2;
  const g = c.graphics();
  g.fillStyle(PALETTE.night, 0.8);
  g.fillRoundedRect(x, y, width, 12, 6);
  g.lineStyle(1, PALETTE.gold, 0.6);
  g.strokeRoundedRect(x, y, width, 12, 6);
  const fill = c.scene.add.rectangle(x + 1, y + 1, Math.max(0, (width - 2) * Math.min(1, share)), 10, PALETTE.gold, 1).setOrigin(0, 0);
  c.layer.add(fill);
  fill.scaleX = 0;
  c.scene.tweens.add({ targets: fill, scaleX: 1, duration: 900, ease: 'Cubic.Out', delay: 300 });
  c.text(c.w / 2, y + 16, `${Math.round(share * 100)}% ${caption}`, { size: 12, colour: CSS.muted, align: 'center' }).setOrigin(0.5, 0);
  return y + 32;
}

function crown(c: ResultsCanvas, x: number, y: number): void {
  const g = c.graphics();
  g.fillStyle(PALETTE.gold, 1);
  g.fillPoints(asPoints([
    { x: x - 18, y: y + 10 },
    { x: x - 18, y: y - 6 },
    { x: x - 9, y: y + 2 },
    { x, y: y - 10 },
    { x: x + 9, y: y + 2 },
    { x: x + 18, y: y - 6 },
    { x: x + 18, y: y + 10 },
  ]), true);
  g.setAlpha(0);
  c.scene.tweens.add({ targets: g, alpha: 1, delay: 1300, duration: 300 });
}
