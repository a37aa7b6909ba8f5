// Shown until the first state arrives: the Parley seal and what the connection is doing.
import { CSS, PALETTE, SERIF } from '../art/palette.ts';
import type { ClientState, Store } from '../store.ts';
import { StoreScene } from './base.ts';

export class BootScene extends StoreScene {
  constructor(store: Store) {
    super('boot', store);
  }

  protected draw(state: ClientState): void {
    this.backdrop(PALETTE.dusk, PALETTE.night);
    const cx = this.w / 2;
    const cy = this.h / 2;
    const g = this.graphics();
    g.fillStyle(PALETTE.crimson, 1);
    g.fillCircle(cx, cy - 20, 42);
    g.lineStyle(4, PALETTE.gold, 1);
    g.strokeCircle(cx, cy - 20, 34);
    const seal = this.text(cx, cy - 20, 'P', { family: SERIF, size: 44, colour: CSS.gold, bold: true }).setOrigin(0.5);
    this.tweens.add({ targets: seal, alpha: 0.45, duration: 700, yoyo: true, repeat: -1 });
    const words: Record<string, string> = {
      connecting: 'Taking your seat…',
      connected: 'Setting the table…',
      reconnecting: 'Reconnecting…',
      replaced: 'This seat is open in another tab.',
      refused: 'This link does not open a seat.',
    };
    this.text(cx, cy + 44, words[state.status] ?? '', { family: SERIF, size: 20, colour: CSS.parchment }).setOrigin(0.5, 0);
  }
}
