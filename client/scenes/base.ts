// Shared plumbing for the scenes: HiDPI layout in CSS pixels, redraw on resize and on new state.
import Phaser from 'phaser';
import type { ClientState, Store } from '../store.ts';
import { SANS } from '../art/palette.ts';

/** The device pixel ratio the canvas is rendered at (capped: a 3× phone gains little past 2×). */
export function pixelRatio(): number {
  return Math.min(2, Math.max(1, window.devicePixelRatio || 1));
}

export interface TextOptions {
  size?: number;
  colour?: string;
  family?: string;
  bold?: boolean;
  align?: 'left' | 'center' | 'right';
  wrap?: number;
  stroke?: string;
  strokeThickness?: number;
}

/**
 * A scene that renders the store's latest state. Subclasses draw with `draw()` in CSS-pixel
 * coordinates (`this.w × this.h`); the camera zooms by the pixel ratio so shapes and text stay crisp.
 * `draw` rebuilds the static layer; `onChange` sees every state change first to start big moments.
 */
export abstract class StoreScene extends Phaser.Scene {
  protected w = 0;
  protected h = 0;
  /** rebuilt on every draw */
  protected layer!: Phaser.GameObjects.Container;
  /** moments live here and survive redraws */
  protected fx!: Phaser.GameObjects.Container;
  private unsubscribe: (() => void) | null = null;
  /** between create and shutdown */
  private running = false;

  constructor(key: string, protected readonly store: Store) {
    super({ key });
  }

  create(): void {
    this.running = true;
    this.layer = this.add.container(0, 0);
    this.fx = this.add.container(0, 0).setDepth(100);
    this.fitCamera();
    const onResize = () => {
      this.fitCamera();
      this.redraw();
    };
    this.scale.on('resize', onResize);
    this.unsubscribe = this.store.subscribe((state, previous) => {
      if (state.jump) this.onJump();
      else this.onChange(state, previous);
      this.redraw();
    });
    // a page that takes the table down destroys the game without stopping its scenes first
    // (a study moving on to its survey): tear down on either, or a late state draws on a dead scene
    const teardown = () => {
      this.running = false;
      this.scale?.off('resize', onResize);
      this.unsubscribe?.();
      this.unsubscribe = null;
    };
    this.events.once('shutdown', teardown);
    this.events.once('destroy', teardown);
    this.onChange(this.store.state, null);
    this.redraw();
  }

  private fitCamera(): void {
    const ratio = pixelRatio();
    const camera = this.cameras.main;
    camera.setSize(this.scale.width, this.scale.height);
    camera.setOrigin(0, 0);
    camera.setZoom(ratio);
    camera.setScroll(0, 0);
    this.w = this.scale.width / ratio;
    this.h = this.scale.height / ratio;
  }

  private redraw(): void {
    if (!this.running || !this.layer) return;
    // looping tweens (speaker halos) belong to the old layer: stop them before it goes
    this.tweens.killTweensOf(this.layer.list);
    this.layer.removeAll(true);
    this.draw(this.store.state);
    // the size this scene last laid out to, in CSS pixels: lets a test see a resize reach the drawing
    const stage = this.game.canvas.parentElement;
    if (stage) stage.dataset.layout = `${Math.round(this.w)}x${Math.round(this.h)}`;
  }

  /**
   * The stage's data attributes a scene's moments set besides data-moment, data-moment-kind and
   * data-moment-round (dataset keys), with their value while no moment is on screen (null: absent).
   */
  protected readonly momentExtras: Readonly<Record<string, string | null>> = {};

  /**
   * Tells the page (and the browser tests) what moment is on screen: data-moment on/off, its
   * kind and round (data-moment-kind, data-moment-round) and the scene's `momentExtras`
   * (a value from `moment.extras`, else its value with no moment).
   */
  protected flagMoment(moment: { kind: string; round: number; extras?: Readonly<Record<string, string>> } | null): void {
    const holder = this.game.canvas?.parentElement;
    if (!holder) return;
    holder.dataset.moment = moment ? 'on' : 'off';
    if (moment) {
      holder.dataset.momentKind = moment.kind;
      holder.dataset.momentRound = String(moment.round);
    } else {
      delete holder.dataset.momentKind;
      delete holder.dataset.momentRound;
    }
    for (const [key, idle] of Object.entries(this.momentExtras)) {
      const value = moment?.extras?.[key] ?? idle;
      if (value === null) delete holder.dataset[key];
      else holder.dataset[key] = value;
    }
  }

  /** Draw the table for `state` into `this.layer`. */
  protected abstract draw(state: ClientState): void;

  /**
   * A replay jumped (scrub, step back, another viewpoint): drop moments in flight instead of
   * playing "previous → next", which would be wrong going backward. The redraw that follows
   * restarts the layer's own looping tweens.
   */
  protected onJump(): void {
    this.tweens.killAll();
    this.time.removeAllEvents();
    this.fx.removeAll(true);
  }

  /** Called with every new state before the redraw (and once at start with previous = null). */
  protected onChange(_state: ClientState, _previous: ClientState | null): void {}

  /** Text at the right resolution; added to `into` (the static layer by default). */
  protected text(x: number, y: number, content: string, options: TextOptions = {}, into: Phaser.GameObjects.Container | null = this.layer): Phaser.GameObjects.Text {
    const style: Phaser.Types.GameObjects.Text.TextStyle = {
      fontFamily: options.family ?? SANS,
      fontSize: `${options.size ?? 16}px`,
      color: options.colour ?? '#f3ead8',
      fontStyle: options.bold ? 'bold' : 'normal',
      align: options.align ?? 'left',
      resolution: pixelRatio(),
    };
    if (options.wrap) style.wordWrap = { width: options.wrap, useAdvancedWrap: true };
    if (options.stroke) {
      style.stroke = options.stroke;
      style.strokeThickness = options.strokeThickness ?? 4;
    }
    const text = this.add.text(x, y, content, style);
    into?.add(text);
    return text;
  }

  protected graphics(into: Phaser.GameObjects.Container | null = this.layer): Phaser.GameObjects.Graphics {
    const g = this.add.graphics();
    into?.add(g);
    return g;
  }

  /** A soft vignette and candle glow behind everything. */
  protected backdrop(top: number, bottom: number): void {
    const g = this.graphics();
    g.fillGradientStyle(top, top, bottom, bottom, 1, 1, 1, 1);
    g.fillRect(0, 0, this.w, this.h);
  }
}
