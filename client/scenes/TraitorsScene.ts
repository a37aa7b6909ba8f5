// The Traitors' round table: an avatar per seat around a candle-lit table, the speaker and their
// words, votes as arrows, and the big moments — the vote reveal, banishment and murder.
import Phaser from 'phaser';
import type { SeatId } from '../../shared/engine/actions.ts';
import type { BallotRecord, EliminationRecord, Role } from '../../shared/games/traitors/types.ts';
import { isNightBallot } from '../../shared/games/traitors/types.ts';
import type { TraitorsView } from '../../shared/games/traitors/view.ts';
import { CSS, PALETTE, SERIF, hex, seatColour } from '../art/palette.ts';
import { eliminationOf, knownRole, traitorsTable } from '../games/traitors.ts';
import { traitorsMoments, type Moment, type TraitorsTable } from '../games/traitors-record.ts';
import type { StatePayload } from '../../shared/protocol/index.ts';
import type { ClientState, MomentPlayer, Store } from '../store.ts';
import { StoreScene } from './base.ts';

interface Seat {
  x: number;
  y: number;
  /** unit vector from the table centre towards the seat */
  ux: number;
  uy: number;
}

interface Geometry {
  cx: number;
  cy: number;
  tableRx: number;
  tableRy: number;
  radius: number;
  seats: Seat[];
  compact: boolean;
}

/** A moment to play, or the end of a batch: the store then shows the state the batch led to. */
type Queued = { moment: Moment; brief: boolean } | { done: () => void };

/** What is on screen now, so it can be cut short. */
interface Playing {
  container: Phaser.GameObjects.Container;
  timer: ReturnType<typeof setTimeout>;
}

/** More moments than this in one step: skip them (a round table, a banishment, a night, a murder fit). */
const MOST_MOMENTS = 6;

const NIGHT_PHASES = new Set(['night', 'nightChat', 'nightVote', 'offer']);
/** The Phaser name of a seat's name and tag labels, raised above the speech bubble. */
const SEAT_LABEL = 'seat-label';

/**
 * The table plays each batch of moments over the state before them; the store shows the later
 * state once the batch is done (see MomentPlayer in store.ts).
 */
export class TraitorsScene extends StoreScene implements MomentPlayer {
  private queue: Queued[] = [];
  private playing: Playing | null = null;

  constructor(store: Store) {
    super('traitors', store);
  }

  override create(): void {
    // a restarted scene starts with no moments in flight
    this.queue = [];
    this.playing = null;
    super.create();
    this.flagMoment(null);
    this.store.setMomentPlayer(this);
    this.events.once('shutdown', () => {
      this.stopPlaying();
      this.queue = [];
      this.store.setMomentPlayer(null);
    });
    // the game destroyed under a moment (the page took the table down): its timer must not play on
    this.events.once('destroy', () => {
      if (this.playing) clearTimeout(this.playing.timer);
      this.playing = null;
      this.queue = [];
      this.store.setMomentPlayer(null);
    });
  }

  private table(state: ClientState): TraitorsTable | null {
    const payload = state.payload;
    return payload && payload.game === 'traitors' ? traitorsTable(payload) : null;
  }

  protected override onJump(): void {
    this.stopPlaying();
    super.onJump();
    // the store has dropped the states these batches led to
    this.queue = [];
    this.flagMoment(null);
  }

  play(before: StatePayload, after: StatePayload, brief: boolean, done: () => void): boolean {
    if (before.game !== 'traitors' || after.game !== 'traitors') return false;
    const later = traitorsTable(after);
    const moments = traitorsMoments(traitorsTable(before), later).map((moment): Moment =>
      moment.kind === 'elimination' ? { ...moment, role: moment.role ?? knownRole(later, moment.record.seat) } : moment,
    );
    // far behind (a slow tab, a replay at ×16): land on the later state without playing them
    if (!moments.length || moments.length > MOST_MOMENTS) return false;
    for (const moment of moments) this.queue.push({ moment, brief });
    this.queue.push({ done });
    if (!this.playing) this.playNext();
    return true;
  }

  hurry(): void {
    // what is left of the batch plays briefly over the state it leads to, which is shown now
    const end = this.queue.findIndex((entry) => 'done' in entry);
    if (end < 0) return;
    const [marker] = this.queue.splice(end, 1) as { done: () => void }[];
    for (let i = 0; i < end; i++) {
      const entry = this.queue[i];
      if ('moment' in entry) this.queue[i] = { moment: entry.moment, brief: true };
    }
    this.stopPlaying();
    marker.done();
    if (!this.playing) this.playNext();
  }

  // ------------------------------------------------------------------ layout

  private geometry(view: TraitorsView): Geometry {
    const n = view.names.length;
    const compact = this.w < 640;
    const cx = this.w / 2;
    const cy = this.h / 2 + (compact ? 6 : 14);
    const seatRx = Math.min(this.w * (compact ? 0.38 : 0.4), 480);
    const seatRy = Math.min(this.h * (compact ? 0.34 : 0.35), 250);
    const perimeter = Math.PI * (seatRx + seatRy);
    const radius = Math.max(14, Math.min(compact ? 22 : 30, perimeter / n / 3.4));
    const bottom = view.seat ?? 0;
    const seats: Seat[] = [];
    for (let seat = 0; seat < n; seat++) {
      const offset = (seat - bottom + n) % n;
      const angle = Math.PI / 2 + (offset / n) * Math.PI * 2;
      const ux = Math.cos(angle);
      const uy = Math.sin(angle);
      seats.push({ x: cx + ux * seatRx, y: cy + uy * seatRy, ux, uy });
    }
    return { cx, cy, tableRx: seatRx * 0.7, tableRy: seatRy * 0.6, radius, seats, compact };
  }

  protected draw(state: ClientState): void {
    const table = this.table(state);
    const view = table?.view;
    const night = view ? NIGHT_PHASES.has(view.phase.kind) : false;
    this.backdrop(night ? 0x10142a : PALETTE.dusk, PALETTE.night);
    if (!table || !view) return;
    const geo = this.geometry(view);
    this.drawTable(geo, view, night);
    this.drawVotes(geo, view);
    for (let seat = 0; seat < view.names.length; seat++) this.drawAvatar(geo, table, seat, state.payload?.connected[seat] ?? true, night);
    this.drawBubble(geo, view);
    // names and tags stay readable above a speech bubble that reaches a neighbour's seat
    for (const child of [...this.layer.list]) if ((child as Phaser.GameObjects.GameObject).name === SEAT_LABEL) this.layer.bringToTop(child);
    if (night) this.drawNight(geo);
  }

  private drawTable(geo: Geometry, view: TraitorsView, night: boolean): void {
    const { cx, cy, tableRx: rx, tableRy: ry } = geo;
    const g = this.graphics();
    // candle glow on the floor
    g.fillStyle(PALETTE.ember, night ? 0.04 : 0.07);
    g.fillEllipse(cx, cy, rx * 3, ry * 3.2);
    g.fillStyle(0x000000, 0.4);
    g.fillEllipse(cx, cy + 14, rx * 2 + 24, ry * 2 + 24);
    g.fillStyle(PALETTE.woodDark, 1);
    g.fillEllipse(cx, cy, rx * 2 + 18, ry * 2 + 18);
    g.fillStyle(PALETTE.wood, 1);
    g.fillEllipse(cx, cy - 3, rx * 2, ry * 2);
    g.fillStyle(PALETTE.woodLight, 0.35);
    g.fillEllipse(cx - rx * 0.15, cy - ry * 0.25, rx * 1.2, ry * 0.8);
    g.lineStyle(1.5, PALETTE.gold, 0.3);
    g.strokeEllipse(cx, cy - 3, rx * 1.7, ry * 1.6);

    // three candles
    const candles = geo.compact ? [-0.35, 0.35] : [-0.45, 0, 0.45];
    for (const dx of candles) {
      const x = cx + dx * rx;
      const y = cy - ry * 0.32 + Math.abs(dx) * ry * 0.2;
      const h = geo.compact ? 12 : 18;
      g.fillStyle(PALETTE.parchment, 1);
      g.fillRoundedRect(x - 4, y - h, 8, h, 2);
      const flame = this.add.ellipse(x, y - h - 6, 7, 13, PALETTE.ember, 1);
      const glow = this.add.circle(x, y - h - 6, 14, PALETTE.gold, 0.18);
      this.layer.add([glow, flame]);
      this.tweens.add({ targets: flame, scaleY: 0.8, scaleX: 1.15, duration: 260 + Math.abs(dx) * 200, yoyo: true, repeat: -1, ease: 'Sine.InOut' });
      this.tweens.add({ targets: glow, alpha: 0.08, duration: 420, yoyo: true, repeat: -1, ease: 'Sine.InOut' });
    }

    const round = view.phase.kind === 'introductions' ? 'Introductions' : view.round > 0 ? `Round ${view.round}` : '';
    this.text(cx, cy + ry * 0.05, round, { family: SERIF, size: geo.compact ? 18 : 26, colour: CSS.gold, bold: true, align: 'center' }).setOrigin(0.5, 0);
    const sub = this.phaseWords(view);
    if (sub) this.text(cx, cy + ry * 0.05 + (geo.compact ? 24 : 34), sub, { size: geo.compact ? 11 : 14, colour: CSS.parchment, align: 'center', wrap: rx * 1.5 }).setOrigin(0.5, 0);
  }

  private phaseWords(view: TraitorsView): string {
    switch (view.phase.kind) {
      case 'introductions':
        return 'Everyone says who they are';
      case 'discussion':
        return `Discussion${view.phase.passes > 1 ? ` · pass ${view.phase.pass} of ${view.phase.passes}` : ''}`;
      case 'postBanishment':
        return `After ${view.names[view.phase.banished]}'s banishment`;
      case 'beliefs':
        return 'Private suspicions';
      case 'roundTable':
        return view.phase.ballot === 'revote' ? 'Revote between the tied' : 'The round table votes';
      case 'night':
        return 'Night falls…';
      case 'nightChat':
        return view.phase.passes > 1 && view.phase.pass === view.phase.passes ? 'The traitors agree on a victim' : 'The traitors confer';
      case 'nightVote':
        return view.phase.ballot === 'recruit' ? 'The traitors choose whom to recruit' : 'The traitors choose a victim';
      case 'offer':
        return view.seat === view.phase.seat ? 'The traitors make you an offer' : 'The offer awaits an answer';
      case 'resolving':
        return 'The votes are counted';
      case 'between':
        return 'Dawn';
      case 'over':
        return view.phase.winner === 'faithful' ? 'The faithful win' : 'The traitors win';
    }
  }

  private drawAvatar(geo: Geometry, table: TraitorsTable, seat: SeatId, connected: boolean, night: boolean): void {
    const view = table.view;
    const { x, y } = geo.seats[seat];
    const r = geo.radius;
    const alive = view.alive[seat];
    const out = eliminationOf(table, seat);
    const role = knownRole(table, seat);
    const speaking = view.speaker === seat && view.phase.kind !== 'over';
    const me = view.seat === seat;
    const colour = seatColour(seat);
    if (speaking) {
      const halo = this.add.circle(x, y, r + 9, PALETTE.gold, 0.3);
      this.layer.add(halo);
      this.tweens.add({ targets: halo, scale: 1.3, alpha: 0.06, duration: 850, yoyo: true, repeat: -1, ease: 'Sine.InOut' });
    }
    const g = this.graphics();
    g.fillStyle(0x000000, 0.4);
    g.fillCircle(x + 2, y + 4, r);
    g.fillStyle(alive ? colour : PALETTE.ghost, 1);
    g.fillCircle(x, y, r);
    // a simple hooded figure: head and shoulders in a darker tone
    g.fillStyle(0x000000, alive ? 0.22 : 0.3);
    g.fillCircle(x, y - r * 0.18, r * 0.36);
    g.fillEllipse(x, y + r * 0.55, r * 1.3, r * 0.8);
    const ring = role === 'traitor' && (view.seat === null || view.role === 'traitor' || table.outcome) ? PALETTE.crimson : speaking ? PALETTE.gold : me ? PALETTE.parchment : PALETTE.woodDark;
    g.lineStyle(me || speaking || ring === PALETTE.crimson ? 3 : 2, ring, alive ? 1 : 0.6);
    g.strokeCircle(x, y, r);
    if (night && alive && !(role === 'traitor')) {
      g.fillStyle(0x0a0d20, 0.35);
      g.fillCircle(x, y, r);
    }
    if (!alive) {
      // banished: struck through; murdered: a crimson cross
      g.lineStyle(3, out?.cause === 'murdered' ? PALETTE.crimson : PALETTE.muted, 0.95);
      g.lineBetween(x - r * 0.6, y - r * 0.6, x + r * 0.6, y + r * 0.6);
      if (out?.cause === 'murdered') g.lineBetween(x + r * 0.6, y - r * 0.6, x - r * 0.6, y + r * 0.6);
    }
    if (!connected && alive) {
      g.fillStyle(PALETTE.night, 0.9);
      g.fillCircle(x + r * 0.72, y - r * 0.72, 6);
      g.lineStyle(2, PALETTE.muted, 1);
      g.strokeCircle(x + r * 0.72, y - r * 0.72, 6);
    }
    if (alive && this.store.state.payload?.takenOver?.includes(seat)) {
      // a takeover: an agent plays this seat while its player is away
      const bx = x - r * 0.78;
      const by = y - r * 0.78;
      g.fillStyle(PALETTE.gold, 1);
      g.fillRoundedRect(bx - 11, by - 8, 22, 16, 5);
      this.text(bx, by, 'AI', { size: 10, bold: true, colour: CSS.ink }).setOrigin(0.5);
    }
    const name = `${view.names[seat]}${me ? ' (you)' : ''}`;
    const nameSize = geo.compact ? 11 : 14;
    const label = this.text(x, y + r + 4, name, { size: nameSize, bold: true, colour: alive ? hex(colour) : CSS.muted, align: 'center', stroke: hex(PALETTE.night), strokeThickness: 3 });
    label.setOrigin(0.5, 0).setName(SEAT_LABEL);
    this.keepInside(label);
    const tags: string[] = [];
    if (out) tags.push(out.cause);
    if (role) tags.push(role === 'traitor' ? 'traitor' : 'faithful');
    if (tags.length) {
      const tagColour = role === 'traitor' ? CSS.crimson : role === 'faithful' ? CSS.teal : CSS.muted;
      const tag = this.text(x, y + r + 5 + nameSize + 2, tags.join(' · '), { size: geo.compact ? 9 : 11, colour: tagColour, align: 'center', bold: true, stroke: hex(PALETTE.night), strokeThickness: 3 });
      tag.setOrigin(0.5, 0).setName(SEAT_LABEL);
      this.keepInside(tag);
    }
  }

  /** Slide a centred label sideways so it stays on the canvas. */
  private keepInside(text: Phaser.GameObjects.Text): void {
    const half = text.width / 2;
    if (text.x - half < 4) text.setX(half + 4);
    else if (text.x + half > this.w - 4) text.setX(this.w - 4 - half);
  }

  /** Arrows for votes the viewer may see now: their own, or every cast vote for the spectator. */
  private drawVotes(geo: Geometry, view: TraitorsView): void {
    const g = this.graphics();
    const cast = view.spectator?.castVotes ?? null;
    if (cast) {
      for (const vote of cast) if (vote.target !== null) this.arrow(g, geo, vote.seat, vote.target, PALETTE.sky, 0.55, 2);
    }
    if (view.myVote && view.myVote.target !== null && view.seat !== null) {
      this.arrow(g, geo, view.seat, view.myVote.target, isNightBallot(view.myVote.ballot) ? PALETTE.crimson : PALETTE.gold, 0.9, 3);
    }
  }

  private arrow(g: Phaser.GameObjects.Graphics, geo: Geometry, from: SeatId, to: SeatId, colour: number, alpha: number, width: number): void {
    const a = geo.seats[from];
    const b = geo.seats[to];
    const dx = b.x - a.x;
    const dy = b.y - a.y;
    const len = Math.hypot(dx, dy) || 1;
    const ux = dx / len;
    const uy = dy / len;
    const sx = a.x + ux * (geo.radius + 4);
    const sy = a.y + uy * (geo.radius + 4);
    const ex = b.x - ux * (geo.radius + 6);
    const ey = b.y - uy * (geo.radius + 6);
    g.lineStyle(width, colour, alpha);
    g.lineBetween(sx, sy, ex, ey);
    const head = 9;
    g.fillStyle(colour, alpha);
    g.fillTriangle(ex, ey, ex - ux * head - uy * head * 0.6, ey - uy * head + ux * head * 0.6, ex - ux * head + uy * head * 0.6, ey - uy * head - ux * head * 0.6);
  }

  /** The latest words on the channel that matters now, beside whoever said them. */
  private drawBubble(geo: Geometry, view: TraitorsView): void {
    const night = view.phase.kind === 'nightChat';
    const records = night && view.traitorChat ? view.traitorChat : view.statements;
    const last = records[records.length - 1];
    if (!last || last.skipped || !last.text) return;
    if (view.phase.kind !== 'introductions' && view.phase.kind !== 'discussion' && view.phase.kind !== 'postBanishment' && !night) return;
    const seat = geo.seats[last.seat];
    const maxW = Math.min(this.w * (geo.compact ? 0.62 : 0.36), 340);
    const text = last.text.length > 180 ? `${last.text.slice(0, 177)}…` : last.text;
    const label = this.text(0, 0, text, { size: geo.compact ? 11 : 14, colour: night ? CSS.parchment : CSS.ink, wrap: maxW - 20 });
    const bw = Math.min(maxW, label.width + 20);
    const bh = label.height + 14;
    // beside the speaker on the table's side (left/right seats), or above/below (top/bottom seats)
    const r = geo.radius;
    const side = Math.abs(seat.ux) > 0.6;
    // a few places near the speaker; the one that covers least of the other seats' faces and names wins
    const candidates: [number, number][] = side
      ? [seat.y - bh / 2, seat.y - 10, seat.y - bh + 10].map((y) => [seat.ux > 0 ? seat.x - r - 14 - bw : seat.x + r + 14, y])
      : [0, -bw / 3, bw / 3].map((dx) => [seat.x - bw / 2 + dx, seat.uy > 0 ? seat.y - r - 14 - bh : seat.y + r + (geo.compact ? 30 : 38)]);
    const clamp = ([x, y]: [number, number]): [number, number] => [Math.max(6, Math.min(this.w - bw - 6, x)), Math.max(6, Math.min(this.h - bh - 6, y))];
    const covered = ([x, y]: [number, number]) =>
      geo.seats.reduce((sum, other, i) => {
        if (i === last.seat) return sum;
        // the avatar and the name and tag under it
        const w = Math.max(r, 56);
        const ox = Math.max(0, Math.min(x + bw, other.x + w) - Math.max(x, other.x - w));
        const oy = Math.max(0, Math.min(y + bh, other.y + r + 34) - Math.max(y, other.y - r));
        return sum + ox * oy;
      }, 0);
    const [bx, by] = candidates.map(clamp).reduce((best, next) => (covered(next) < covered(best) ? next : best));
    const fill = night ? 0x3a1522 : PALETTE.parchment;
    const g = this.graphics();
    g.fillStyle(0x000000, 0.3);
    g.fillRoundedRect(bx + 2, by + 3, bw, bh, 12);
    g.fillStyle(fill, 0.97);
    g.fillRoundedRect(bx, by, bw, bh, 12);
    if (night) {
      g.lineStyle(1.5, PALETTE.crimson, 0.9);
      g.strokeRoundedRect(bx, by, bw, bh, 12);
    }
    // a tail pointing at the speaker
    g.fillStyle(fill, 0.97);
    if (side) {
      const ty = Math.max(by + 10, Math.min(by + bh - 10, seat.y));
      if (seat.x > bx + bw) g.fillTriangle(bx + bw, ty - 7, bx + bw, ty + 7, bx + bw + 9, ty);
      else if (seat.x < bx) g.fillTriangle(bx, ty - 7, bx, ty + 7, bx - 9, ty);
    } else {
      const tx = Math.max(bx + 14, Math.min(bx + bw - 14, seat.x));
      if (seat.y > by + bh) g.fillTriangle(tx - 7, by + bh, tx + 7, by + bh, tx, by + bh + 9);
      else if (seat.y < by) g.fillTriangle(tx - 7, by, tx + 7, by, tx, by - 9);
    }
    this.layer.bringToTop(label);
    label.setPosition(bx + 10, by + 7);
  }

  private drawNight(geo: Geometry): void {
    const g = this.graphics();
    g.fillStyle(0x0b1030, 0.3);
    g.fillRect(0, 0, this.w, this.h);
    const mx = this.w - (geo.compact ? 34 : 60);
    const my = geo.compact ? 30 : 50;
    g.fillStyle(0xf6efd5, 0.95);
    g.fillCircle(mx, my, geo.compact ? 14 : 20);
    g.fillStyle(0x10142a, 1);
    g.fillCircle(mx + (geo.compact ? 6 : 9), my - (geo.compact ? 4 : 6), geo.compact ? 12 : 17);
  }

  // ------------------------------------------------------------------ moments

  /** whether a veil covers the table (data-overlay): the full banishment or murder */
  protected override readonly momentExtras = { overlay: 'off' };

  /** Flags the moment on screen (StoreScene.flagMoment): its kind is the ballot or the elimination's cause. */
  private flagPlaying(entry: { moment: Moment; brief: boolean } | null): void {
    if (!entry) return this.flagMoment(null);
    const m = entry.moment;
    this.flagMoment({
      kind: m.kind === 'ballot' ? m.ballot.ballot : m.record.cause,
      round: m.kind === 'ballot' ? m.ballot.round : m.record.round,
      extras: { overlay: m.kind === 'elimination' && !entry.brief ? 'on' : 'off' },
    });
  }

  /** Dismiss the moment on screen (its container fades out fast) and forget its timer. */
  private stopPlaying(): void {
    const playing = this.playing;
    if (!playing) return;
    this.playing = null;
    clearTimeout(playing.timer);
    if (!playing.container.active) return;
    this.tweens.killTweensOf(playing.container);
    this.tweens.add({ targets: playing.container, alpha: 0, duration: 150, onComplete: () => playing.container.destroy() });
  }

  private playNext(): void {
    while (this.queue.length && 'done' in this.queue[0]) {
      (this.queue.shift() as { done: () => void }).done();
      // the state that batch led to may have brought the next batch, already started
      if (this.playing) return;
    }
    const entry = this.queue.shift();
    if (!entry || !('moment' in entry)) {
      this.flagMoment(null);
      return;
    }
    const view = this.table(this.store.state)?.view;
    if (!view) {
      this.playNext();
      return;
    }
    this.flagPlaying(entry);
    const geo = this.geometry(view);
    const moment = entry.moment;
    const container = this.add.container(0, 0);
    this.fx.add(container);
    const duration =
      moment.kind === 'ballot' ? this.playBallot(container, geo, moment.ballot, entry.brief) : this.playElimination(container, geo, view, moment.record, moment.role, entry.brief);
    // the wall clock, not the scene's: a batch must end even while the tab is hidden (no frames)
    const timer = setTimeout(() => {
      if (this.playing?.timer !== timer) return;
      this.playing = null;
      if (container.active) container.destroy();
      this.playNext();
    }, duration);
    this.playing = { container, timer };
  }

  /** Votes fly across the table one by one, then the tally. Returns its duration (ms). */
  private playBallot(moment: Phaser.GameObjects.Container, geo: Geometry, ballot: BallotRecord, brief: boolean): number {
    const step = brief ? 50 : 140;
    const murder = isNightBallot(ballot.ballot);
    const colour = murder ? PALETTE.crimson : PALETTE.gold;
    const title = ballot.ballot === 'recruit' ? 'The traitors choose whom to recruit' : murder ? 'The traitors have chosen' : ballot.ballot === 'revote' ? 'The revote is in' : 'The votes are revealed';
    const banner = this.text(geo.cx, geo.compact ? 10 : 16, title, { family: SERIF, size: geo.compact ? 18 : 26, colour: murder ? CSS.crimson : CSS.gold, bold: true, align: 'center', stroke: hex(PALETTE.night), strokeThickness: 5 }, moment);
    banner.setOrigin(0.5, 0).setAlpha(0);
    this.tweens.add({ targets: banner, alpha: 1, duration: 250 });
    const g = this.add.graphics();
    moment.add(g);
    ballot.votes.forEach((vote, i) => {
      if (vote.target === null) return;
      const target = vote.target;
      this.time.delayedCall(180 + i * step, () => {
        if (!g.active) return;
        this.arrow(g, geo, vote.seat, target, colour, 0.85, 3);
      });
    });
    const tallyAt = 260 + ballot.votes.length * step;
    for (const entry of ballot.tally) {
      const seat = geo.seats[entry.seat];
      const badge = this.add.container(seat.x + geo.radius * 0.8, seat.y - geo.radius * 0.9);
      const disc = this.add.circle(0, 0, geo.compact ? 10 : 13, colour, 1).setStrokeStyle(2, PALETTE.night);
      const count = this.text(0, 0, String(entry.votes), { size: geo.compact ? 12 : 15, bold: true, colour: CSS.ink }, null).setOrigin(0.5);
      badge.add([disc, count]);
      badge.setScale(0);
      moment.add(badge);
      this.tweens.add({ targets: badge, scale: 1, duration: 300, delay: tallyAt, ease: 'Back.Out' });
    }
    const total = tallyAt + (brief ? 700 : 1300);
    this.tweens.add({ targets: moment, alpha: 0, delay: total - 300, duration: 300 });
    return total;
  }

  /** Banishment (with the role reveal) or murder (announced at breakfast). */
  private playElimination(moment: Phaser.GameObjects.Container, geo: Geometry, view: TraitorsView, record: EliminationRecord, role: Role | null, brief: boolean): number {
    if (brief) return this.playEliminationBrief(moment, geo, view, record, role);
    const murdered = record.cause === 'murdered';
    const veil = this.add.rectangle(0, 0, this.w, this.h, murdered ? 0x2a0610 : PALETTE.night, 0).setOrigin(0, 0);
    moment.add(veil);
    this.tweens.add({ targets: veil, fillAlpha: 0.88, duration: 300 });
    if (murdered) {
      const flash = this.add.rectangle(0, 0, this.w, this.h, PALETTE.crimson, 0.5).setOrigin(0, 0);
      moment.add(flash);
      this.tweens.add({ targets: flash, alpha: 0, duration: 700, ease: 'Cubic.Out' });
    }
    const cx = this.w / 2;
    const cy = this.h / 2;
    const big = geo.compact ? 38 : 56;
    const portrait = this.add.container(cx, cy - big * 0.6);
    const g = this.add.graphics();
    g.fillStyle(seatColour(record.seat), 1);
    g.fillCircle(0, 0, big);
    g.fillStyle(0x000000, 0.22);
    g.fillCircle(0, -big * 0.18, big * 0.36);
    g.fillEllipse(0, big * 0.55, big * 1.3, big * 0.8);
    g.lineStyle(4, murdered ? PALETTE.crimson : PALETTE.gold, 1);
    g.strokeCircle(0, 0, big);
    portrait.add(g);
    if (murdered) {
      // a dagger across the portrait
      const d = this.add.graphics();
      d.fillStyle(0xd8dde6, 1);
      d.fillTriangle(-big * 0.95, big * 0.95, -big * 0.05, big * 0.05 - 10, -big * 0.05 + 10, big * 0.05);
      d.fillStyle(PALETTE.gold, 1);
      d.fillRect(-big * 0.2, -big * 0.05, big * 0.32, 8);
      d.setRotation(Math.PI);
      portrait.add(d);
    }
    moment.add(portrait);
    portrait.setScale(0.2).setAlpha(0);
    this.tweens.add({ targets: portrait, scale: 1, alpha: 1, duration: 500, delay: 150, ease: 'Back.Out' });
    const name = view.names[record.seat];
    const headline = murdered ? `${name} was murdered in the night` : `${name} is banished`;
    const title = this.text(cx, cy + big * 0.6, headline, { family: SERIF, size: geo.compact ? 20 : 32, colour: murdered ? CSS.crimson : CSS.parchment, bold: true, align: 'center', wrap: this.w * 0.9 }, moment);
    title.setOrigin(0.5, 0).setAlpha(0);
    this.tweens.add({ targets: title, alpha: 1, y: title.y - 6, duration: 400, delay: 350 });
    if (role) {
      const reveal = murdered ? 'They were faithful.' : role === 'traitor' ? 'They were a TRAITOR!' : 'They were FAITHFUL.';
      const card = this.text(cx, cy + big * 0.6 + (geo.compact ? 34 : 50), reveal, {
        family: SERIF,
        size: geo.compact ? 18 : 26,
        bold: true,
        colour: role === 'traitor' ? CSS.crimson : CSS.teal,
        align: 'center',
      }, moment);
      card.setOrigin(0.5, 0);
      card.scaleX = 0;
      this.tweens.add({ targets: card, scaleX: 1, duration: 420, delay: murdered ? 700 : 1100, ease: 'Back.Out' });
      if (!murdered) this.burst(cx, cy - big * 0.6, role === 'traitor' ? PALETTE.crimson : PALETTE.teal, moment, 1200);
    }
    const total = 2900;
    this.tweens.add({ targets: moment, alpha: 0, delay: total - 350, duration: 350 });
    return total;
  }

  /**
   * The same news while the seat is asked to act: a strip along the top of the table, no veil,
   * so nothing stands between the player and their turn.
   */
  private playEliminationBrief(moment: Phaser.GameObjects.Container, geo: Geometry, view: TraitorsView, record: EliminationRecord, role: Role | null): number {
    const murdered = record.cause === 'murdered';
    const name = view.names[record.seat];
    const what = murdered ? `${name} was murdered in the night` : `${name} is banished`;
    const reveal = role ? ` — ${role === 'traitor' ? 'a traitor' : 'faithful'}` : '';
    const label = this.text(geo.cx, 0, `${what}${reveal}`, { family: SERIF, size: geo.compact ? 14 : 18, bold: true, colour: murdered ? CSS.crimson : CSS.parchment, align: 'center', wrap: this.w - 40 }, null);
    label.setOrigin(0.5, 0);
    const pad = 10;
    const strip = this.add.graphics();
    strip.fillStyle(murdered ? 0x2a0610 : PALETTE.night, 0.9);
    strip.fillRoundedRect(geo.cx - label.width / 2 - pad * 2, 8, label.width + pad * 4, label.height + pad * 2, 12);
    strip.lineStyle(2, murdered ? PALETTE.crimson : PALETTE.gold, 0.9);
    strip.strokeRoundedRect(geo.cx - label.width / 2 - pad * 2, 8, label.width + pad * 4, label.height + pad * 2, 12);
    label.setY(8 + pad);
    moment.add([strip, label]);
    moment.setAlpha(0);
    this.tweens.add({ targets: moment, alpha: 1, duration: 200 });
    const total = 2400;
    this.tweens.add({ targets: moment, alpha: 0, delay: total - 300, duration: 300 });
    return total;
  }

  /** A ring of sparks flying out (drawn shapes, no textures needed). */
  private burst(x: number, y: number, colour: number, into: Phaser.GameObjects.Container, delay: number): void {
    for (let i = 0; i < 18; i++) {
      const angle = (i / 18) * Math.PI * 2;
      const spark = this.add.circle(x, y, 3 + (i % 3), i % 2 ? colour : PALETTE.gold, 1).setAlpha(0);
      into.add(spark);
      this.tweens.add({
        targets: spark,
        x: x + Math.cos(angle) * (90 + (i % 4) * 20),
        y: y + Math.sin(angle) * (70 + (i % 5) * 16),
        alpha: { from: 1, to: 0 },
        duration: 900,
        delay,
        ease: 'Cubic.Out',
      });
    }
  }
}
