// The Trust-and-Split table: two players across green felt, their hands, the coins, the talk,
// and the split moment when a round resolves.
import Phaser from 'phaser';
import type { SeatId } from '../../shared/engine/actions.ts';
import type { Hand } from '../../shared/games/trust-split/hands.ts';
import { drawHand, drawHiddenHand } from '../art/hands.ts';
import { CSS, PALETTE, SERIF, hex, seatColour } from '../art/palette.ts';
import { formatPoints } from '../dom.ts';
import { other, readTrustSplit, type RoundSummary, type TrustSplitModel } from '../games/trust-split.ts';
import type { ClientState, Store } from '../store.ts';
import { StoreScene } from './base.ts';

interface SeatSpot {
  x: number;
  y: number;
  /** +1: the seat sits below the table centre; -1: above */
  side: 1 | -1;
}

export class TrustSplitScene extends StoreScene {
  /** the split on screen, if any (a later split replaces it) */
  private split: Phaser.GameObjects.Container | null = null;

  constructor(store: Store) {
    super('trust-split', store);
  }

  override create(): void {
    this.split = null;
    super.create();
    this.flagSplit(null);
    this.events.once('shutdown', () => this.flagSplit(null));
  }

  protected override onJump(): void {
    super.onJump();
    this.split = null;
    this.flagSplit(null);
  }

  /** data-moment-shown="yes" once both hands, the coins and the points are all in view (until it starts to fade) */
  protected override readonly momentExtras = { momentShown: null };

  /** Flags the split on screen (StoreScene.flagMoment): kind "split", its round, and whether it is all shown. */
  private flagSplit(split: { round: number; shown: boolean } | null): void {
    this.flagMoment(split && { kind: 'split', round: split.round, extras: { momentShown: split.shown ? 'yes' : 'no' } });
  }

  private model(state: ClientState): TrustSplitModel | null {
    const payload = state.payload;
    return payload && payload.game === 'trust-split' ? readTrustSplit(payload) : null;
  }

  /** Which seat sits at the bottom: the viewer, or seat 0 for the spectator. */
  private bottomSeat(m: TrustSplitModel): SeatId {
    return m.me ?? 0;
  }

  private spots(m: TrustSplitModel): [SeatSpot, SeatSpot] {
    const bottom = this.bottomSeat(m);
    const cx = this.w / 2;
    const low: SeatSpot = { x: cx, y: this.h - Math.max(56, this.h * 0.13), side: 1 };
    const high: SeatSpot = { x: cx, y: Math.max(58, this.h * 0.14), side: -1 };
    return bottom === 0 ? [low, high] : [high, low];
  }

  protected override onChange(state: ClientState, previous: ClientState | null): void {
    const m = this.model(state);
    const before = previous ? this.model(previous) : null;
    if (!m || !before) return;
    if (m.history.length > before.history.length) this.playSplit(m, m.history[m.history.length - 1]);
  }

  protected draw(state: ClientState): void {
    const m = this.model(state);
    this.backdrop(PALETTE.dusk, PALETTE.night);
    if (!m) return;
    const compact = this.w < 600;
    const cx = this.w / 2;
    const cy = this.h / 2;
    const tableW = Math.min(this.w * 0.92, 880);
    const tableH = Math.min(this.h * 0.62, 420);

    // the table: wooden rim, felt, a gold inlay
    const g = this.graphics();
    g.fillStyle(0x000000, 0.35);
    g.fillEllipse(cx, cy + 12, tableW + 30, tableH + 30);
    g.fillStyle(PALETTE.woodDark, 1);
    g.fillEllipse(cx, cy, tableW + 24, tableH + 24);
    g.fillStyle(PALETTE.wood, 1);
    g.fillEllipse(cx, cy, tableW + 10, tableH + 10);
    g.fillStyle(PALETTE.feltDark, 1);
    g.fillEllipse(cx, cy, tableW - 6, tableH - 6);
    g.fillStyle(PALETTE.felt, 1);
    g.fillEllipse(cx, cy - 6, tableW - 30, tableH - 34);
    g.lineStyle(1.5, PALETTE.gold, 0.35);
    g.strokeEllipse(cx, cy, tableW - 60, tableH - 60);

    // round badge (phones have it in the top bar; the canvas there is too narrow)
    if (!compact) this.drawRoundBadge(m);
    this.drawPot(m, cx, cy, Math.min(tableW, tableH * 1.6));
    const spots = this.spots(m);
    for (const seat of [0, 1] as const) this.drawSeat(m, seat, spots[seat], state, compact);
    if (!compact) this.drawLastRound(m);
  }

  private drawRoundBadge(m: TrustSplitModel): void {
    const roundLabel = m.phase === 'over' ? 'Final' : `Round ${m.round} / ${m.rounds}`;
    this.text(16, 12, roundLabel, { family: SERIF, size: 20, colour: CSS.gold, bold: true });
    const phaseLabel = m.phase === 'talk' ? 'Talk' : m.phase === 'propose' ? 'Secret proposals' : '';
    if (phaseLabel) this.text(16, 38, phaseLabel, { size: 14, colour: CSS.muted });
  }

  private drawPot(m: TrustSplitModel, cx: number, cy: number, span: number): void {
    const g = this.graphics();
    const radius = Math.max(9, Math.min(15, span / 40));
    const count = Math.min(m.coins, 20);
    const perRow = Math.min(count, 5);
    const rows = Math.ceil(count / perRow);
    const gap = radius * 2.3;
    for (let i = 0; i < count; i++) {
      const row = Math.floor(i / perRow);
      const col = i % perRow;
      const inRow = row === rows - 1 ? count - row * perRow : perRow;
      const x = cx + (col - (inRow - 1) / 2) * gap;
      const y = cy + (row - (rows - 1) / 2) * gap * 0.8;
      drawCoin(g, x, y, radius);
    }
    this.text(cx, cy + (rows / 2) * gap * 0.8 + 10, `${m.coins} coins to split`, { size: 13, colour: CSS.parchment, align: 'center' }).setOrigin(0.5, 0);
  }

  private drawSeat(m: TrustSplitModel, seat: SeatId, spot: SeatSpot, state: ClientState, compact: boolean): void {
    const colour = seatColour(seat);
    const speaking = m.phase === 'talk' && m.speaker === seat;
    const avatarR = compact ? 22 : 28;
    const g = this.graphics();
    if (speaking) {
      const halo = this.add.circle(spot.x, spot.y, avatarR + 10, PALETTE.gold, 0.25);
      this.layer.add(halo);
      this.tweens.add({ targets: halo, scale: 1.25, alpha: 0.05, duration: 900, yoyo: true, repeat: -1, ease: 'Sine.InOut' });
    }
    g.fillStyle(0x000000, 0.35);
    g.fillCircle(spot.x + 2, spot.y + 4, avatarR);
    g.fillStyle(colour, 1);
    g.fillCircle(spot.x, spot.y, avatarR);
    g.lineStyle(3, speaking ? PALETTE.gold : PALETTE.parchment, speaking ? 1 : 0.6);
    g.strokeCircle(spot.x, spot.y, avatarR);
    const name = m.names[seat] ?? `Seat ${seat}`;
    this.text(spot.x, spot.y, name.charAt(0).toUpperCase(), { family: SERIF, size: avatarR, colour: CSS.ink, bold: true }).setOrigin(0.5);
    const connected = state.payload?.connected[seat] ?? true;
    // a takeover: an agent plays the seat while its player is away
    const playedByAgent = state.payload?.takenOver?.includes(seat) ?? false;
    const label = `${name}${m.me === seat ? ' (you)' : ''}${playedByAgent ? ' · agent playing' : connected ? '' : ' · away'}`;
    const score = m.totals ? `  ${formatPoints(m.totals[seat])} pts` : '';
    // name plate beside the avatar
    const plateX = spot.x + avatarR + 12;
    this.text(plateX, spot.y - 12, label, { family: SERIF, size: compact ? 15 : 18, colour: hex(colour), bold: true }).setOrigin(0, 0.5);
    if (score) this.text(plateX, spot.y + 10, score.trim(), { size: compact ? 12 : 14, colour: CSS.gold }).setOrigin(0, 0.5);

    // the hand card, to the left of the avatar
    const cardW = compact ? 58 : 78;
    const cardH = cardW * 1.3;
    const cardX = spot.x - avatarR - 18 - cardW / 2;
    const cardY = spot.y + (compact ? 0 : spot.side * -6);
    const hand = m.hands[seat];
    this.drawCard(cardX, cardY, cardW, cardH, hand, m.upper === seat ? 'upper' : m.upper === null ? null : 'lower');

    // this round's proposal, when the viewer may see it
    const proposal = m.proposals[seat];
    if (m.phase === 'propose') {
      const chipX = spot.x + avatarR + 12;
      const chipY = spot.y + (score ? 30 : 14);
      const text = proposal !== null ? `keeps ${proposal}` : m.me === seat || m.me === null ? 'choosing…' : 'deciding in secret…';
      this.text(chipX, chipY, text, { size: compact ? 12 : 13, colour: proposal !== null ? CSS.teal : CSS.muted }).setOrigin(0, 0.5);
    }

    // the latest thing this seat said this round, in a bubble towards the table centre
    const said = [...m.messages].reverse().find((msg) => msg.seat === seat && msg.round === m.round && msg.text);
    if (said && m.phase !== 'over') this.drawBubble(said.text, spot, compact);
  }

  private drawCard(x: number, y: number, w: number, hgt: number, hand: Hand | null, position: 'upper' | 'lower' | null): void {
    const g = this.graphics();
    g.fillStyle(0x000000, 0.3);
    g.fillRoundedRect(x - w / 2 + 3, y - hgt / 2 + 5, w, hgt, 10);
    if (hand) {
      g.fillStyle(PALETTE.parchment, 1);
      g.fillRoundedRect(x - w / 2, y - hgt / 2, w, hgt, 10);
      g.lineStyle(2, position === 'upper' ? PALETTE.gold : PALETTE.goldDark, 1);
      g.strokeRoundedRect(x - w / 2, y - hgt / 2, w, hgt, 10);
      const art = this.graphics();
      art.setPosition(x, y - hgt * 0.08);
      drawHand(art, hand, w * 0.82);
      this.text(x, y + hgt / 2 - 8, hand.toUpperCase(), { size: Math.max(9, w * 0.13), colour: CSS.ink, bold: true }).setOrigin(0.5, 1);
    } else {
      g.fillStyle(PALETTE.panel, 1);
      g.fillRoundedRect(x - w / 2, y - hgt / 2, w, hgt, 10);
      g.lineStyle(2, PALETTE.gold, 0.7);
      g.strokeRoundedRect(x - w / 2, y - hgt / 2, w, hgt, 10);
      g.strokeRoundedRect(x - w / 2 + 5, y - hgt / 2 + 5, w - 10, hgt - 10, 7);
      const art = this.graphics();
      art.setPosition(x, y);
      drawHiddenHand(art, w);
      this.text(x, y + hgt / 2 - 8, '?', { family: SERIF, size: w * 0.2, colour: CSS.gold, bold: true }).setOrigin(0.5, 1);
    }
    if (position) {
      const tag = this.text(x, y - hgt / 2 - 4, position === 'upper' ? '▲ UPPER' : '▼ LOWER', {
        size: 11,
        bold: true,
        colour: position === 'upper' ? CSS.gold : CSS.muted,
      });
      tag.setOrigin(0.5, 1);
    }
  }

  private drawBubble(text: string, spot: SeatSpot, compact: boolean): void {
    const maxW = Math.min(this.w * (compact ? 0.8 : 0.5), 420);
    const short = text.length > 140 ? `${text.slice(0, 137)}…` : text;
    const label = this.text(0, 0, short, { size: compact ? 13 : 15, colour: CSS.ink, wrap: maxW - 24 });
    const bw = Math.min(maxW, label.width + 24);
    const bh = label.height + 16;
    const bx = spot.x - bw / 2 + (compact ? 0 : 40);
    const by = spot.side === 1 ? spot.y - (compact ? 34 : 44) - bh - 12 : spot.y + (compact ? 34 : 44) + 12;
    const g = this.graphics();
    g.fillStyle(PALETTE.parchment, 0.96);
    g.fillRoundedRect(bx, by, bw, bh, 12);
    const tailX = Math.min(Math.max(spot.x, bx + 20), bx + bw - 20);
    if (spot.side === 1) g.fillTriangle(tailX - 8, by + bh, tailX + 8, by + bh, tailX, by + bh + 10);
    else g.fillTriangle(tailX - 8, by, tailX + 8, by, tailX, by - 10);
    this.layer.bringToTop(label);
    label.setPosition(bx + 12, by + 8);
  }

  private drawLastRound(m: TrustSplitModel): void {
    const last = m.history[m.history.length - 1];
    if (!last || m.phase === 'over') return;
    const lines = [`Last round (${last.round}):`];
    for (const seat of [0, 1] as const) {
      const who = m.me === seat ? 'You' : m.names[seat];
      const pos = last.positions[seat] ? ` (${last.positions[seat]})` : '';
      const pts = last.points[seat] !== null ? ` → ${formatPoints(last.points[seat]!)} pts` : '';
      lines.push(`${who}${pos} asked ${last.proposals[seat]}${pts}`);
    }
    const x = this.w - 16;
    this.text(x, 12, lines.join('\n'), { size: 13, colour: CSS.muted, align: 'right' }).setOrigin(1, 0);
  }

  /** The split: both hands turn over, the coins fly to each side, the points rise. */
  private playSplit(m: TrustSplitModel, round: RoundSummary): void {
    const cx = this.w / 2;
    const cy = this.h / 2;
    const spots = this.spots(m);
    const compact = this.w < 600;
    const moment = this.add.container(0, 0);
    this.fx.add(moment);
    this.split = moment;
    this.flagSplit({ round: round.round, shown: false });
    // once every part of the reveal has landed the moment is whole on screen (counted by the
    // tweens themselves: the scene clock lags them when frames are slow)
    let revealing = 0;
    const reveal = (config: Phaser.Types.Tweens.TweenBuilderConfig) => {
      revealing++;
      const landed = config.onComplete;
      this.tweens.add({
        ...config,
        onComplete: (tween, targets) => {
          landed?.(tween, targets);
          if (--revealing === 0 && this.split === moment) this.flagSplit({ round: round.round, shown: true });
        },
      });
    };
    const veil = this.add.rectangle(0, 0, this.w, this.h, PALETTE.night, 0.84).setOrigin(0, 0);
    moment.add(veil);
    const title = this.text(cx, cy - (compact ? 70 : 96), `Round ${round.round}: the split`, { family: SERIF, size: compact ? 22 : 30, colour: CSS.gold, bold: true, align: 'center' }, moment);
    title.setOrigin(0.5);
    for (const seat of [0, 1] as const) {
      const spot = spots[seat];
      const targetX = cx + (seat === this.bottomSeat(m) ? -1 : 1) * (compact ? 80 : 130);
      const cardW = compact ? 70 : 96;
      const card = this.add.container(targetX, cy);
      moment.add(card);
      const g = this.add.graphics();
      card.add(g);
      const hand = round.hands[seat];
      const position = round.positions[seat];
      g.fillStyle(hand ? PALETTE.parchment : PALETTE.panel, 1);
      g.fillRoundedRect(-cardW / 2, -cardW * 0.65, cardW, cardW * 1.3, 12);
      g.lineStyle(3, position === 'upper' ? PALETTE.gold : PALETTE.ghost, 1);
      g.strokeRoundedRect(-cardW / 2, -cardW * 0.65, cardW, cardW * 1.3, 12);
      if (hand) {
        const art = this.add.graphics();
        drawHand(art, hand, cardW * 0.8);
        card.add(art);
      }
      const caption = `${m.me === seat ? 'You' : m.names[seat]}${position ? ` · ${position}` : ''}`;
      const label = this.text(0, cardW * 0.65 + 8, caption, { size: compact ? 12 : 14, colour: position === 'upper' ? CSS.gold : CSS.parchment, bold: true, align: 'center' }, card);
      label.setOrigin(0.5, 0);
      const kept = this.text(0, cardW * 0.65 + 28, `asked ${round.proposals[seat]}`, { size: compact ? 11 : 13, colour: CSS.muted, align: 'center' }, card);
      kept.setOrigin(0.5, 0);
      card.scaleX = 0;
      reveal({ targets: card, scaleX: 1, duration: 380, delay: 150 + seat * 120, ease: 'Back.Out' });

      // coins fly from the pot to the seat, in proportion to what it received
      const received = round.coins[seat] ?? round.proposals[seat];
      const flying = Math.min(12, Math.round(received));
      for (let i = 0; i < flying; i++) {
        const coin = this.add.graphics();
        drawCoin(coin, 0, 0, compact ? 8 : 10);
        coin.setPosition(cx + (i - flying / 2) * 4, cy);
        coin.setAlpha(0);
        moment.add(coin);
        reveal({
          targets: coin,
          x: spot.x + (i - flying / 2) * 5,
          y: spot.y,
          alpha: { from: 1, to: 0.9 },
          duration: 520,
          delay: 700 + i * 45,
          ease: 'Cubic.In',
          onComplete: () => coin.setAlpha(0),
        });
      }
      const points = round.points[seat];
      if (points !== null) {
        // under the seat's card, where its ask is: towards the seat, the top seat's gain would
        // rise into the title on a phone
        const gainY = cy + cardW * 0.65 + (compact ? 58 : 70);
        const gain = this.text(targetX, gainY + 14, `+${formatPoints(points)}`, { family: SERIF, size: compact ? 22 : 28, colour: CSS.gold, bold: true, stroke: hex(PALETTE.night), strokeThickness: 5 }, moment);
        gain.setOrigin(0.5).setAlpha(0);
        reveal({ targets: gain, alpha: 1, y: gainY, duration: 700, delay: 1250, ease: 'Cubic.Out' });
      }
    }
    this.tweens.add({
      targets: moment,
      alpha: 0,
      delay: 3000,
      duration: 500,
      onStart: () => {
        if (this.split === moment) this.flagSplit({ round: round.round, shown: false });
      },
      onComplete: () => {
        moment.destroy();
        if (this.split !== moment) return;
        this.split = null;
        this.flagSplit(null);
      },
    });
    void other;
  }
}

/** A gold coin with a rim and a shine. */
export function drawCoin(g: Phaser.GameObjects.Graphics, x: number, y: number, r: number): void {
  g.fillStyle(0x000000, 0.3);
  g.fillCircle(x + 1.5, y + 2.5, r);
  g.fillStyle(PALETTE.goldDark, 1);
  g.fillCircle(x, y, r);
  g.fillStyle(PALETTE.gold, 1);
  g.fillCircle(x, y, r * 0.8);
  g.lineStyle(Math.max(1, r * 0.12), PALETTE.goldDark, 0.8);
  g.strokeCircle(x, y, r * 0.55);
  g.fillStyle(0xffffff, 0.45);
  g.fillCircle(x - r * 0.3, y - r * 0.3, r * 0.18);
}
