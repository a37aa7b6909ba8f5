// The end: the winners celebrated and everything revealed. What the ending looks like is the game's
// (its stage's drawResults, client/games/*-stage.ts); this scene gives it the title, confetti and drawing tools.
import type Phaser from 'phaser';
import { CSS, PALETTE, SERIF, hex } from '../art/palette.ts';
import type { GameStage } from '../games/types.ts';
import type { ClientState, Store } from '../store.ts';
import { StoreScene, type TextOptions } from './base.ts';

/** What a game's results drawing gets: the scene's size, its layer and the shared pieces of an ending. */
export interface ResultsCanvas {
  /** for `add` and `tweens` */
  readonly scene: Phaser.Scene;
  readonly w: number;
  readonly h: number;
  /** rebuilt on every draw */
  readonly layer: Phaser.GameObjects.Container;
  text(x: number, y: number, content: string, options?: TextOptions): Phaser.GameObjects.Text;
  graphics(): Phaser.GameObjects.Graphics;
  /** "Game over", the headline and a line under it; returns its bottom */
  title(text: string, colour: string, sub: string | null): number;
  /** confetti, once per visit to the results */
  celebrate(colour: number): void;
}

export class ResultsScene extends StoreScene {
  private celebrated = false;

  /** `stageOf`: the stage of the game being shown, null until it is loaded */
  constructor(store: Store, private readonly stageOf: (game: string) => GameStage | null) {
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
    this.stageOf(payload.game)?.drawResults(this.canvas(), state);
    if (!payload.outcome) {
      this.text(this.w / 2, this.h / 2, 'The session was ended.', { family: SERIF, size: 26, colour: CSS.parchment }).setOrigin(0.5);
    }
  }

  private canvas(): ResultsCanvas {
    return {
      scene: this,
      w: this.w,
      h: this.h,
      layer: this.layer,
      text: (x, y, content, options) => this.text(x, y, content, options),
      graphics: () => this.graphics(),
      title: (text, colour, sub) => this.title(text, colour, sub),
      celebrate: (colour) => this.celebrate(colour),
    };
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
