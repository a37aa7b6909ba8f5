// Creates the Phaser game and keeps the right scene running for the latest state:
// Boot until the first state, then the game's table, then Results once there is an outcome.
import Phaser from 'phaser';
import type { Store } from '../store.ts';
import { PALETTE } from '../art/palette.ts';
import { BootScene } from './BootScene.ts';
import { ResultsScene } from './ResultsScene.ts';
import { TraitorsScene } from './TraitorsScene.ts';
import { TrustSplitScene } from './TrustSplitScene.ts';
import { pixelRatio } from './base.ts';

/** How long the last big moment (banishment, split) plays before the results take over. */
const RESULTS_DELAY_MS = 3_200;

export interface TableGame {
  game: Phaser.Game;
  destroy(): void;
}

function sceneFor(store: Store): string {
  const payload = store.state.payload;
  if (!payload) return 'boot';
  if (payload.outcome || payload.status !== 'active') return 'results';
  return payload.game === 'traitors' ? 'traitors' : 'trust-split';
}

export function createTableGame(parent: HTMLElement, store: Store): TableGame {
  const size = () => {
    const ratio = pixelRatio();
    return { width: Math.max(1, Math.round(parent.clientWidth * ratio)), height: Math.max(1, Math.round(parent.clientHeight * ratio)), ratio };
  };
  const initial = size();
  const game = new Phaser.Game({
    type: Phaser.AUTO, // WebGL when there is one, else the canvas renderer
    parent,
    backgroundColor: PALETTE.night,
    banner: false,
    antialias: true,
    scale: { mode: Phaser.Scale.NONE, width: initial.width, height: initial.height, zoom: 1 / initial.ratio },
    scene: [new BootScene(store), new TraitorsScene(store), new TrustSplitScene(store), new ResultsScene(store)],
    callbacks: {
      postBoot: () => {
        parent.dataset.renderer = game.renderer.type === Phaser.WEBGL ? 'webgl' : 'canvas';
        // the stage may have changed size while Phaser booted
        fit();
        follow(true);
      },
    },
  });

  let current = 'boot';
  let pendingSwitch: ReturnType<typeof setTimeout> | null = null;
  const switchTo = (key: string) => {
    if (key === current) return;
    for (const scene of game.scene.getScenes(true)) game.scene.stop(scene.scene.key);
    game.scene.start(key);
    current = key;
    parent.dataset.scene = key;
  };
  const follow = (immediately = false) => {
    const target = sceneFor(store);
    if (target === current) return;
    if (pendingSwitch) return;
    // let the final moment play out when a live game ends in front of us
    if (target === 'results' && current !== 'boot' && !immediately) {
      pendingSwitch = setTimeout(() => {
        pendingSwitch = null;
        switchTo(sceneFor(store));
      }, RESULTS_DELAY_MS);
      return;
    }
    switchTo(target);
  };
  const unsubscribe = store.subscribe((state) => {
    if (!game.isBooted) return;
    // a replay's jump lands at once: no final moment to wait for
    if (state.jump && pendingSwitch) {
      clearTimeout(pendingSwitch);
      pendingSwitch = null;
    }
    follow(state.jump);
  });

  // Fit the game to the stage's box: the backing store in device pixels, the CSS box exactly the
  // stage's. Phaser's resize() skips the canvas style when zoom is 1 and setZoom() styles it from
  // the size before the resize, so the CSS box lagged one resize behind: resize first, then zoom,
  // then set the style ourselves. The scenes redraw on the scale manager's 'resize' event.
  const fit = () => {
    if (!game.isBooted) return;
    const next = size();
    if (next.width !== game.scale.width || next.height !== game.scale.height) game.scale.resize(next.width, next.height);
    game.scale.setZoom(1 / next.ratio);
    const box = parent.getBoundingClientRect();
    game.canvas.style.width = `${box.width}px`;
    game.canvas.style.height = `${box.height}px`;
  };
  const observer = new ResizeObserver(fit);
  observer.observe(parent);
  // the pixel ratio changes without a resize when the window moves to another screen or the page is zoomed
  let ratioQuery: MediaQueryList | null = null;
  const watchRatio = () => {
    ratioQuery?.removeEventListener('change', onRatio);
    ratioQuery = window.matchMedia(`(resolution: ${window.devicePixelRatio || 1}dppx)`);
    ratioQuery.addEventListener('change', onRatio);
  };
  const onRatio = () => {
    fit();
    watchRatio();
  };
  watchRatio();

  return {
    game,
    destroy() {
      unsubscribe();
      observer.disconnect();
      ratioQuery?.removeEventListener('change', onRatio);
      if (pendingSwitch) clearTimeout(pendingSwitch);
      game.destroy(true);
    },
  };
}
