// Creates the Phaser game and keeps the right scene running for the latest state:
// Boot until the first state (and the game's client and stage, client/games, are loaded), then the
// game's table, then Results once there is an outcome.
import Phaser from 'phaser';
import type { Store } from '../store.ts';
import { PALETTE } from '../art/palette.ts';
import { gameEntry } from '../games/index.ts';
import type { GameStage } from '../games/types.ts';
import { BootScene } from './BootScene.ts';
import { ResultsScene } from './ResultsScene.ts';
import { pixelRatio } from './base.ts';

/** How long the last big moment (banishment, split) plays before the results take over. */
const RESULTS_DELAY_MS = 3_200;

export interface TableGame {
  game: Phaser.Game;
  destroy(): void;
}

export function createTableGame(parent: HTMLElement, store: Store): TableGame {
  /** the stages loaded so far, by game id; a game's stage loads when its first state arrives */
  const stages = new Map<string, GameStage>();
  const loading = new Set<string>();
  let destroyed = false;
  const stageOf = (id: string): GameStage | null => stages.get(id) ?? null;
  const load = (id: string) => {
    const entry = gameEntry(id);
    if (!entry || loading.has(id)) return;
    loading.add(id);
    // the stage comes with the game's panels module (the table page loads it too: one fetch)
    entry
      .load()
      .then((client) => client.stage())
      .then((stage) => {
        if (destroyed) return;
        game.scene.add(entry.sceneKey, stage.createScene(store), false);
        stages.set(id, stage);
        // before the game runs, its postBoot follows
        if (game.isRunning) follow();
      })
      .catch((err: unknown) => {
        // a chunk that failed to load (a deploy in between): the next state tries again
        loading.delete(id);
        console.warn(`could not load the ${id} table`, err);
      });
  };
  const sceneFor = (): string => {
    const payload = store.state.payload;
    if (!payload) return 'boot';
    const entry = gameEntry(payload.game);
    if (!entry) return 'boot';
    if (!stages.has(payload.game)) {
      load(payload.game);
      return 'boot';
    }
    if (payload.outcome || payload.status !== 'active') return 'results';
    return entry.sceneKey;
  };
  const size = () => {
    const ratio = pixelRatio();
    return { width: Math.max(1, Math.round(parent.clientWidth * ratio)), height: Math.max(1, Math.round(parent.clientHeight * ratio)), ratio };
  };
  const initial = size();
  const gameOn = (type: number) =>
    new Phaser.Game({
      type,
      parent,
      backgroundColor: PALETTE.night,
      banner: false,
      antialias: true,
      scale: { mode: Phaser.Scale.NONE, width: initial.width, height: initial.height, zoom: 1 / initial.ratio },
      scene: [new BootScene(store), new ResultsScene(store, stageOf)],
      callbacks: {
        postBoot: () => {
          parent.dataset.renderer = game.renderer.type === Phaser.WEBGL ? 'webgl' : 'canvas';
          // the stage may have changed size while Phaser booted
          fit();
          follow(true);
        },
      },
    });
  const game = bootWithFallback(gameOn);

  let current = 'boot';
  let pendingSwitch: ReturnType<typeof setTimeout> | null = null;
  const switchTo = (key: string) => {
    if (key === current) return;
    for (const scene of game.scene.getScenes(true)) game.scene.stop(scene.scene.key);
    game.scene.start(key);
    current = key;
    parent.dataset.scene = key;
    parent.dataset.still = 'no';
  };

  // data-still="yes" once nothing on the table is still moving: no scene runs a tween that ends
  // (looping ambience such as a speaker's halo never ends, so it does not count) and no switch
  // to the results waits. A screenshot or a test waits for it instead of sleeping. Every new
  // state clears it, since a scene may start a moment on it; the next frame tells.
  const moving = (): boolean =>
    pendingSwitch !== null ||
    game.scene
      .getScenes(true)
      .some((scene) => scene.tweens.getTweens().some((tween) => !tween.isInfinite && !tween.isPendingRemove() && !tween.isRemoved() && !tween.isDestroyed()));
  const markStill = () => {
    const still = moving() ? 'no' : 'yes';
    if (parent.dataset.still !== still) parent.dataset.still = still;
  };
  game.events.on(Phaser.Core.Events.POST_STEP, markStill);
  const follow = (immediately = false) => {
    const target = sceneFor();
    if (target === current) return;
    if (pendingSwitch) return;
    // let the final moment play out when a live game ends in front of us
    if (target === 'results' && current !== 'boot' && !immediately) {
      pendingSwitch = setTimeout(() => {
        pendingSwitch = null;
        switchTo(sceneFor());
      }, RESULTS_DELAY_MS);
      return;
    }
    switchTo(target);
  };
  const unsubscribe = store.subscribe((state) => {
    parent.dataset.still = 'no';
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
      destroyed = true;
      unsubscribe();
      observer.disconnect();
      ratioQuery?.removeEventListener('change', onRatio);
      if (pendingSwitch) clearTimeout(pendingSwitch);
      game.events.off(Phaser.Core.Events.POST_STEP, markStill);
      game.destroy(true);
    },
  };
}

/**
 * WebGL when the browser has it, else the canvas renderer. Phaser's AUTO checks for WebGL once, when
 * it loads; a context that then cannot be made (a GPU process that crashed, too many contexts, WebGL
 * blocked after a crash) throws while the game boots, which would leave the table without its
 * picture and the page without its controls. The page is loaded by then, so Phaser boots inside
 * the constructor and the failure can be caught here.
 */
function bootWithFallback(gameOn: (type: number) => Phaser.Game): Phaser.Game {
  try {
    return gameOn(Phaser.AUTO);
  } catch (err) {
    console.warn('WebGL failed; drawing the table with the canvas renderer', err);
    return gameOn(Phaser.CANVAS);
  }
}
