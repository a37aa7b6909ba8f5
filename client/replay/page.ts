// /replay/<session>: a session replayed on the real table. The server turns the log into the
// `state` payloads one viewer received (a seat never gets more than it was sent); this page only
// chooses which of them the table shows: timeline, play/pause, speed, steps, viewpoint.
import { expandFrames, type ReplayPayload } from '../../shared/protocol/replay.ts';
import type { StatePayload } from '../../shared/protocol/index.ts';
import { call, ConsoleHttpError } from '../console/api.ts';
import { formatClock, h, replaceChildren } from '../dom.ts';
import { Store } from '../store.ts';
import { mountTable } from '../table.ts';

const SPEEDS = [1, 2, 4, 8, 16];
/** Play waits the log's own gap between moments, but never longer than this (idle minutes), … */
const MAX_GAP_MS = 4_000;
/** … nor shorter than this, so moments made in the same instant can still be followed (both ×1). */
const MIN_GAP_MS = 350;
/** a live session's replay reloads this often, to grow with the game */
const REFRESH_MS = 5_000;

interface Loaded {
  replay: ReplayPayload;
  frames: StatePayload[];
}

/** `token`: a player's or spectator's own link; without it the admin replay (console cookie). */
export function mountReplay(root: HTMLElement, sessionId: string, token: string | null): () => void {
  document.title = 'Replay · Parley';
  replaceChildren(root, h('p', { class: 'boot-note', role: 'status', text: 'Loading the replay…' }));
  let teardown: () => void = () => {};
  let stopped = false;
  const load = (as: string | null): Promise<Loaded> => {
    const url = token
      ? `/api/replay/${encodeURIComponent(token)}`
      : `/api/sessions/${encodeURIComponent(sessionId)}/replay${as ? `?as=${encodeURIComponent(as)}` : ''}`;
    return call<ReplayPayload>('GET', url).then((replay) => ({ replay, frames: expandFrames(replay) }));
  };
  load(null).then(
    (first) => {
      if (stopped) return;
      if (first.replay.sessionId !== sessionId) {
        showProblem(root, 'This link replays another session.', token);
        return;
      }
      teardown = startReplay(root, first, token, load);
    },
    (err: unknown) => {
      if (stopped) return;
      const message = err instanceof ConsoleHttpError && err.status === 401 ? 'Sign in to the console to replay this session.' : err instanceof Error ? err.message : String(err);
      showProblem(root, message, token);
    },
  );
  return () => {
    stopped = true;
    teardown();
  };
}

function showProblem(root: HTMLElement, message: string, token: string | null): void {
  replaceChildren(
    root,
    h(
      'div',
      { class: 'not-found' },
      h('h1', { text: 'No replay here' }),
      h('p', { role: 'alert', text: message }),
      token ? h('a', { href: '/', class: 'button-link', text: 'Back to the lobby' }) : h('a', { href: '/console', class: 'button-link primary', text: 'Open the console' }),
    ),
  );
}

function startReplay(root: HTMLElement, first: Loaded, token: string | null, load: (as: string | null) => Promise<Loaded>): () => void {
  let { replay, frames } = first;
  // a finished game from its beginning; a live one where it is now
  let index = replay.status === 'active' ? frames.length - 1 : 0;
  let playing = false;
  let timer: ReturnType<typeof setTimeout> | null = null;
  const store = new Store();

  // ------------------------------------------------------------------ the bar
  const playButton = h('button', { type: 'button', class: 'primary', text: 'Play' });
  const pauseButton = h('button', { type: 'button', text: 'Pause' });
  const backButton = h('button', { type: 'button', text: 'Step back' });
  const forwardButton = h('button', { type: 'button', text: 'Step forward' });
  const timeline = h('input', { type: 'range', min: 0, step: 1, 'aria-label': 'Timeline', class: 'replay-timeline' });
  const speed = h('select', { id: 'replay-speed' }, ...SPEEDS.map((s) => h('option', { value: String(s), text: `×${s}` })));
  const viewAs = h('select', { id: 'replay-view-as' });
  const position = h('p', { class: 'replay-position' });
  const refreshNote = h('span', { class: 'replay-live muted' });
  const bar = h(
    'section',
    { class: 'replay-bar', 'aria-label': 'Replay' },
    h('div', { class: 'replay-buttons' }, playButton, pauseButton, backButton, forwardButton),
    timeline,
    h('div', { class: 'replay-choices' }, h('label', { for: 'replay-speed', text: 'Speed' }), speed, h('label', { for: 'replay-view-as', text: 'View as' }), viewAs, refreshNote),
    position,
  );

  const fillViewpoints = () => {
    replaceChildren(viewAs, ...replay.viewpoints.map((v) => h('option', { value: v.as, text: v.label })));
    viewAs.value = replay.viewer.seat === null ? 'spectator' : String(replay.viewer.seat);
    // a player's or spectator's link shows its own viewpoint only
    viewAs.disabled = replay.viewpoints.length < 2;
  };

  const show = (next: number, jump: boolean) => {
    index = Math.max(0, Math.min(frames.length - 1, next));
    const frame = frames[index];
    if (frame) store.showReplayFrame(frame, jump);
    renderBar();
  };

  const renderBar = () => {
    const n = frames.length;
    timeline.max = String(Math.max(0, n - 1));
    timeline.value = String(index);
    timeline.disabled = n < 2;
    const frame = replay.frames[index];
    const start = replay.frames[0]?.at ?? 0;
    const text = frame ? `event ${index + 1} of ${n} · ${frame.label} · ${formatClock(frame.at - start)} (${new Date(frame.at).toLocaleTimeString()})` : 'Nothing happened in this session yet.';
    position.textContent = text;
    timeline.setAttribute('aria-valuetext', text);
    playButton.disabled = playing || index >= n - 1;
    pauseButton.disabled = !playing;
    backButton.disabled = index <= 0;
    forwardButton.disabled = index >= n - 1;
    refreshNote.textContent = replay.status === 'active' ? 'Live: more moments arrive as the game goes on' : '';
  };

  const stopPlaying = () => {
    playing = false;
    if (timer) clearTimeout(timer);
    timer = null;
    renderBar();
  };

  /** Wait the log's own gap to the next moment (scaled by speed, capped), then show it. */
  const scheduleNext = () => {
    if (!playing) return;
    if (index >= frames.length - 1) {
      stopPlaying();
      return;
    }
    const gap = frames[index + 1].serverNow - frames[index].serverNow;
    const factor = Number(speed.value) || 1;
    timer = setTimeout(() => {
      timer = null;
      // at high speed the big moments would pile up behind each other: land without them
      show(index + 1, factor > 2);
      scheduleNext();
    }, Math.min(MAX_GAP_MS, Math.max(MIN_GAP_MS, gap)) / factor);
  };

  playButton.addEventListener('click', () => {
    if (index >= frames.length - 1) return;
    playing = true;
    renderBar();
    pauseButton.focus();
    scheduleNext();
  });
  pauseButton.addEventListener('click', () => {
    stopPlaying();
    playButton.focus();
  });
  backButton.addEventListener('click', () => {
    stopPlaying();
    show(index - 1, true);
  });
  forwardButton.addEventListener('click', () => {
    stopPlaying();
    show(index + 1, false);
  });
  // the range input steps with the arrow keys by itself; every move lands here
  timeline.addEventListener('input', () => {
    const next = Number(timeline.value);
    const forwardByOne = next === index + 1;
    stopPlaying();
    show(next, !forwardByOne);
  });
  speed.addEventListener('change', () => {
    if (!playing) return;
    if (timer) clearTimeout(timer);
    scheduleNext();
  });
  viewAs.addEventListener('change', () => {
    const version = frames[index]?.version ?? 0;
    const wasPlaying = playing;
    stopPlaying();
    viewAs.disabled = true;
    load(viewAs.value).then(
      (next) => {
        ({ replay, frames } = next);
        fillViewpoints();
        // the same moment in the other viewpoint: its last frame at or before this version
        show(frameAtOrBefore(frames, version), true);
        if (wasPlaying) playButton.click();
      },
      (err: unknown) => {
        fillViewpoints();
        position.textContent = `Could not switch the viewpoint: ${err instanceof Error ? err.message : String(err)}`;
      },
    );
  });

  // a live session grows: reload its frames now and then, staying where the viewer is
  const refresher = setInterval(() => {
    if (replay.status !== 'active') return;
    const as = replay.viewer.seat === null ? 'spectator' : String(replay.viewer.seat);
    const atEnd = index >= frames.length - 1;
    load(token ? null : as).then(
      (next) => {
        if (next.replay.viewer.seat !== replay.viewer.seat) return; // the viewpoint changed meanwhile
        const version = frames[index]?.version ?? 0;
        ({ replay, frames } = next);
        if (atEnd && !playing) show(frames.length - 1, false);
        else {
          index = frameAtOrBefore(frames, version);
          renderBar();
        }
      },
      () => {},
    );
  }, REFRESH_MS);

  fillViewpoints();
  const unmountTable = mountTable(root, token ?? '', 'replay', { replay: { store, bar }, homeHref: token ? '/' : '/console' });
  document.title = 'Replay · Parley';
  show(index, true);
  return () => {
    stopPlaying();
    clearInterval(refresher);
    unmountTable();
  };
}

/** The index of the last frame at or before `version` (0 when none is). */
function frameAtOrBefore(frames: readonly StatePayload[], version: number): number {
  let found = 0;
  frames.forEach((frame, i) => {
    if (frame.version <= version) found = i;
  });
  return found;
}
