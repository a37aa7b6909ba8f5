// The end: the winners celebrated and everything revealed (roles, or the final points).
import type { SeatId } from '../../shared/engine/actions.ts';
import { asPoints } from '../art/hands.ts';
import { CSS, PALETTE, SERIF, hex, seatColour } from '../art/palette.ts';
import { formatPoints } from '../dom.ts';
import { eliminationOf, knownEliminations, traitorsView } from '../games/traitors.ts';
import { readTrustSplit, trustSplitEnding } from '../games/trust-split.ts';
import type { ClientState, Store } from '../store.ts';
import { StoreScene } from './base.ts';

export class ResultsScene extends StoreScene {
  private celebrated = false;

  constructor(store: Store) {
    super('results', store);
  }

  override create(): void {
    this.celebrated = false;
    super.create();
  }

  protected draw(state: ClientState): void {
    this.backdrop(PALETTE.dusk, PALETTE.night);
    const payload = state.payload;
    if (!payload) return;
    if (payload.game === 'traitors') this.drawTraitors(state);
    else if (payload.game === 'trust-split') this.drawTrustSplit(state);
    if (!payload.outcome) {
      this.text(this.w / 2, this.h / 2, 'The session was ended.', { family: SERIF, size: 26, colour: CSS.parchment }).setOrigin(0.5);
    }
  }

  private title(text: string, colour: string, sub: string | null): number {
    const compact = this.w < 640;
    const top = compact ? 16 : 28;
    this.text(this.w / 2, top, 'Game over', { size: compact ? 12 : 14, colour: CSS.muted, bold: true, align: 'center' }).setOrigin(0.5, 0);
    const t = this.text(this.w / 2, top + (compact ? 16 : 20), text, { family: SERIF, size: compact ? 26 : 40, colour, bold: true, align: 'center', stroke: hex(PALETTE.night), strokeThickness: 6 });
    t.setOrigin(0.5, 0);
    let bottom = t.y + t.height;
    if (sub) {
      const s = this.text(this.w / 2, bottom + 4, sub, { size: compact ? 12 : 15, colour: CSS.parchment, align: 'center', wrap: this.w * 0.9 });
      s.setOrigin(0.5, 0);
      bottom = s.y + s.height;
    }
    return bottom;
  }

  private drawTraitors(state: ClientState): void {
    const payload = state.payload!;
    const view = traitorsView(payload);
    const winner = view.outcome?.winner ?? null;
    const roles = view.outcome?.roles ?? [];
    const reason =
      view.outcome?.reason === 'noTraitorsLeft'
        ? 'Every traitor was found and banished.'
        : view.outcome?.reason === 'traitorsReachedParity'
          ? 'The traitors now match the faithful in number.'
          : view.outcome?.reason === 'maxRounds'
            ? 'The rounds ran out with traitors still hidden.'
            : null;
    const top = this.title(winner === 'faithful' ? 'The faithful win!' : winner === 'traitors' ? 'The traitors win!' : 'The end', winner === 'traitors' ? CSS.crimson : CSS.teal, reason);
    const n = view.names.length;
    const compact = this.w < 640;
    // two rows for a table of eight: big enough to read, room for the timeline below
    const perRow = compact ? Math.min(4, n) : Math.ceil(n / 2);
    const rows = Math.ceil(n / perRow);
    const timelineH = compact ? 0 : 64;
    const cellW = Math.min(this.w / perRow, 170);
    const areaTop = top + (compact ? 18 : 26);
    const cellH = Math.min((this.h - areaTop - timelineH - 8) / rows, compact ? 112 : 160);
    const r = Math.min(cellW * 0.3, cellH * 0.27, 40);
    for (let seat = 0; seat < n; seat++) {
      const row = Math.floor(seat / perRow);
      const inRow = Math.min(perRow, n - row * perRow);
      const col = seat % perRow;
      const x = this.w / 2 + (col - (inRow - 1) / 2) * cellW;
      const y = areaTop + row * cellH + r + 6;
      const role = roles[seat];
      const won = winner !== null && (role === 'traitor') === (winner === 'traitors');
      if (won) {
        const glow = this.add.circle(x, y, r + 9, role === 'traitor' ? PALETTE.crimson : PALETTE.teal, 0.3);
        this.layer.add(glow);
        this.tweens.add({ targets: glow, scale: 1.18, alpha: 0.1, duration: 1000, yoyo: true, repeat: -1, ease: 'Sine.InOut' });
      }
      const g = this.graphics();
      const out = eliminationOf(view, seat);
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
      this.text(x, y + r + 5, name, { size: compact ? 12 : 15, bold: true, colour: hex(seatColour(seat)), align: 'center' }).setOrigin(0.5, 0);
      this.text(x, y + r + (compact ? 20 : 25), role === 'traitor' ? 'TRAITOR' : 'FAITHFUL', { size: compact ? 10 : 12, bold: true, colour: role === 'traitor' ? CSS.crimson : CSS.teal, align: 'center' }).setOrigin(0.5, 0);
      const fate = out ? (out.cause === 'banished' ? `banished, round ${out.round}` : `murdered, night ${out.round}`) : view.alive[seat] ? 'survived' : 'murdered';
      this.text(x, y + r + (compact ? 33 : 42), fate, { size: compact ? 9 : 12, colour: CSS.muted, align: 'center' }).setOrigin(0.5, 0);
    }
    if (!compact) this.drawTimeline(view, this.h - timelineH + 6);
    this.celebrate(winner === 'traitors' ? PALETTE.crimson : PALETTE.teal);
  }

  /** The order of eliminations as a row of stones along the bottom: the game's story at a glance. */
  private drawTimeline(view: ReturnType<typeof traitorsView>, y: number): void {
    const steps = knownEliminations(view);
    if (!steps.length) return;
    const roles = view.outcome?.roles ?? [];
    const width = Math.min(this.w - 40, steps.length * 150);
    const x0 = this.w / 2 - width / 2;
    const step = steps.length > 1 ? width / (steps.length - 1) : 0;
    const g = this.graphics();
    g.lineStyle(2, PALETTE.gold, 0.4);
    if (steps.length > 1) g.lineBetween(x0, y + 10, x0 + width, y + 10);
    steps.forEach((e, i) => {
      const x = steps.length > 1 ? x0 + i * step : this.w / 2;
      const traitor = roles[e.seat] === 'traitor';
      g.fillStyle(e.cause === 'murdered' ? PALETTE.crimson : traitor ? PALETTE.gold : PALETTE.teal, 1);
      g.fillCircle(x, y + 10, 7);
      g.lineStyle(2, PALETTE.night, 1);
      g.strokeCircle(x, y + 10, 7);
      const label = `${e.cause === 'banished' ? `Round ${e.round}` : `Night ${e.round}`}\n${view.names[e.seat]} ${e.cause === 'banished' ? 'banished' : 'murdered'}`;
      this.text(x, y + 22, label, { size: 11, colour: traitor ? CSS.gold : CSS.muted, align: 'center' }).setOrigin(0.5, 0);
    });
  }

  private drawTrustSplit(state: ClientState): void {
    const m = readTrustSplit(state.payload!);
    const ending = trustSplitEnding(m, state.payload!);
    if (!ending) return;
    const { points, winners } = ending;
    const name = (seat: SeatId) => (m.me === seat ? 'You' : m.names[seat]);
    const compact = this.w < 640;
    // a winner only where the configuration asks for one; otherwise what the two made together
    const headline =
      winners.length === 2 ? 'A perfect tie' : winners.length === 1 ? `${name(winners[0])} ${m.me === winners[0] ? 'win' : 'wins'}!` : `${formatPoints(ending.together)} points together`;
    const rounds = `${m.rounds} round${m.rounds === 1 ? '' : 's'}`;
    const sub = winners.length
      ? `${formatPoints(ending.together)} points made together over ${rounds}`
      : `of a possible ${formatPoints(ending.possible)} over ${rounds}`;
    let top = this.title(headline, CSS.gold, sub);
    top = this.welfareMeter(ending.together / ending.possible, top + (compact ? 8 : 12), m.me === null ? 'of what the two could make together' : 'of what the two of you could make');
    const avatarR = compact ? 16 : 22;
    const baseY = this.h - (compact ? 62 : 84);
    const maxH = Math.max(40, baseY - top - (compact ? 44 : 60));
    const best = Math.max(points[0], points[1], 1);
    for (const seat of [0, 1] as const) {
      const x = this.w / 2 + (seat === 0 ? -1 : 1) * Math.min(this.w * 0.2, 150);
      const barW = compact ? 60 : 90;
      const height = (points[seat] / best) * maxH;
      const crowned = winners.includes(seat);
      const bar = this.add.rectangle(x, baseY, barW, Math.max(2, height), seatColour(seat), 1).setOrigin(0.5, 1);
      bar.setStrokeStyle(3, crowned ? PALETTE.gold : PALETTE.woodDark);
      this.layer.add(bar);
      bar.scaleY = 0;
      this.tweens.add({ targets: bar, scaleY: 1, duration: 900, ease: 'Cubic.Out', delay: 200 + seat * 150 });
      // each round's points as a slice of the bar
      let acc = 0;
      const g = this.graphics();
      for (const round of m.history) {
        const p = round.points[seat];
        if (p === null) continue;
        acc += p;
        const y = baseY - (acc / best) * maxH;
        g.lineStyle(1, PALETTE.night, 0.5);
        g.lineBetween(x - barW / 2, y, x + barW / 2, y);
      }
      g.setAlpha(0);
      this.tweens.add({ targets: g, alpha: 1, delay: 1200, duration: 300 });
      const face = this.graphics();
      face.fillStyle(seatColour(seat), 1);
      face.fillCircle(x, baseY + avatarR + 8, avatarR);
      face.lineStyle(3, crowned ? PALETTE.gold : PALETTE.parchment, crowned ? 1 : 0.5);
      face.strokeCircle(x, baseY + avatarR + 8, avatarR);
      this.text(x, baseY + avatarR + 8, m.names[seat].charAt(0).toUpperCase(), { family: SERIF, size: avatarR, bold: true, colour: CSS.ink }).setOrigin(0.5);
      this.text(x, baseY + avatarR * 2 + 12, name(seat), { size: compact ? 13 : 16, bold: true, colour: hex(seatColour(seat)), align: 'center' }).setOrigin(0.5, 0);
      const label = this.text(x, baseY - height - 8, `${formatPoints(points[seat])} pts`, { family: SERIF, size: compact ? 18 : 26, bold: true, colour: CSS.gold, align: 'center' });
      label.setOrigin(0.5, 1).setAlpha(0);
      this.tweens.add({ targets: label, alpha: 1, delay: 1000, duration: 300 });
      if (crowned && winners.length === 1) this.crown(x, baseY - height - (compact ? 40 : 52));
    }
    // confetti celebrates a winner; a game without one is not a contest
    if (winners.length) this.celebrate(PALETTE.gold);
  }

  /** Joint welfare as a filled gauge under the title: how much of the possible the two made together. Returns its bottom. */
  private welfareMeter(share: number, y: number, caption: string): number {
    const width = Math.min(this.w * 0.6, 360);
    const x = this.w / 2 - width / 2;
    const g = this.graphics();
    g.fillStyle(PALETTE.night, 0.8);
    g.fillRoundedRect(x, y, width, 12, 6);
    g.lineStyle(1, PALETTE.gold, 0.6);
    g.strokeRoundedRect(x, y, width, 12, 6);
    const fill = this.add.rectangle(x + 1, y + 1, Math.max(0, (width - 2) * Math.min(1, share)), 10, PALETTE.gold, 1).setOrigin(0, 0);
    this.layer.add(fill);
    fill.scaleX = 0;
    this.tweens.add({ targets: fill, scaleX: 1, duration: 900, ease: 'Cubic.Out', delay: 300 });
    this.text(this.w / 2, y + 16, `${Math.round(share * 100)}% ${caption}`, { size: 12, colour: CSS.muted, align: 'center' }).setOrigin(0.5, 0);
    return y + 32;
  }

  private crown(x: number, y: number): void {
    const g = this.graphics();
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
    this.tweens.add({ targets: g, alpha: 1, delay: 1300, duration: 300 });
  }

  /** Confetti once per visit to the results. */
  private celebrate(colour: number): void {
    if (this.celebrated) return;
    this.celebrated = true;
    const colours = [colour, PALETTE.gold, PALETTE.parchment];
    for (let i = 0; i < 60; i++) {
      const x = ((i * 97) % 100) / 100 * this.w;
      const piece = this.add.rectangle(x, -20 - (i % 7) * 30, 6 + (i % 3) * 2, 10, colours[i % 3], 1);
      piece.setRotation(i);
      this.fx.add(piece);
      this.tweens.add({
        targets: piece,
        y: this.h + 30,
        x: x + ((i % 5) - 2) * 30,
        rotation: i + 6,
        duration: 2200 + (i % 6) * 300,
        delay: (i % 10) * 90,
        ease: 'Sine.In',
        onComplete: () => piece.destroy(),
      });
    }
  }
}
