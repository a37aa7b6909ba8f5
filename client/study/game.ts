// The game: the existing table (client/table.ts) for this participant's seat, inside the study's
// page, so that the study link keeps working after a reload. The flow polls the state every 3 s;
// when the game is over the results stay on screen, with a bar at the foot of the window that
// leads on to the survey (and goes there by itself after a while).
import { formatClock, h } from '../dom.ts';
import { mountTable } from '../table.ts';
import type { ParticipantState } from './api.ts';
import type { PageContext, StudyPage } from './types.ts';

/** How long the results stay before the survey opens by itself. */
const AUTO_CONTINUE_MS = 20_000;
/** How long to wait for the table's own end when the study already moved on. */
const GRACE_MS = 5_000;

export function gamePage(ctx: PageContext): StudyPage {
  const element = h('div', { class: 'study-game' });
  let unmount: (() => void) | null = null;
  let over = false;
  let next: { go: () => void; state: ParticipantState } | null = null;
  let autoTimer: number | null = null;
  let graceTimer: number | null = null;

  const button = h('button', { type: 'button', class: 'primary', text: 'Saving the results…', disabled: true });
  const note = h('p', { class: 'study-continue-note', 'aria-live': 'polite', text: 'The game is over.' });
  const bar = h('div', { class: 'study-continue', role: 'region', 'aria-label': 'Next step' }, note, button);
  bar.hidden = true;
  button.addEventListener('click', () => next?.go());

  const ready = () => {
    if (!next || !over || autoTimer !== null) return;
    button.disabled = false;
    button.textContent = next.state.stage === 'survey' ? 'Continue to the survey' : 'Continue';
    const at = Date.now() + AUTO_CONTINUE_MS;
    const tick = () => {
      const left = at - Date.now();
      if (left <= 0) {
        if (autoTimer !== null) window.clearInterval(autoTimer);
        next?.go();
        return;
      }
      note.textContent = `The game is over. Continuing by itself in ${formatClock(left)}.`;
    };
    tick();
    autoTimer = window.setInterval(tick, 250);
  };

  const seat = (game: { seatToken: string; sessionId: string }) => {
    element.replaceChildren();
    unmount = mountTable(element, game.seatToken, 'play', {
      homeHref: null,
      sessionHint: game.sessionId,
      endActions: () => {
        over = true;
        bar.hidden = false;
        element.classList.add('is-continuing');
        ready();
        return [];
      },
    });
    element.appendChild(bar);
  };

  return {
    element,
    // the table follows the game over its own connection: polls only matter while there is no seat yet
    update(state) {
      if (!unmount && state.game) seat(state.game);
    },
    mounted() {
      if (ctx.state.game) seat(ctx.state.game);
      else element.replaceChildren(h('p', { class: 'boot-note', text: 'Taking your seat…' }));
    },
    leave(state, go) {
      if (next) return;
      next = { go, state };
      if (over) ready();
      // the table has not shown the end (its last state may still be on the way): give it a
      // moment, then move on anyway (a participant dropped from the game never sees an end)
      else graceTimer = window.setTimeout(() => (over ? undefined : go()), GRACE_MS);
    },
    dispose() {
      if (graceTimer !== null) window.clearTimeout(graceTimer);
      if (autoTimer !== null) window.clearInterval(autoTimer);
      unmount?.();
    },
  };
}
