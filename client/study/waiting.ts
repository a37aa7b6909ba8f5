// The waiting room: "Waiting for 1 more player (0:42)". The flow polls the state every 2 s (which
// is also what keeps this participant counted as present) and moves to the table when one forms.
// Nothing here says what happens when the wait runs out: that depends on the arm, which a
// participant must not learn.
import { formatClock, h } from '../dom.ts';
import type { ParticipantState } from './api.ts';
import { studyFrame } from './frame.ts';
import type { PageContext, StudyPage } from './types.ts';

export function waitingPage(ctx: PageContext): StudyPage {
  const status = h('p', { class: 'waiting-status', role: 'status', 'aria-live': 'polite' });
  const clock = h('span', { class: 'waiting-clock' });
  const headline = h('p', { class: 'waiting-headline' });
  const dots = h('div', { class: 'waiting-dots', 'aria-hidden': 'true' }, h('span'), h('span'), h('span'));
  const element = studyFrame(
    ctx.state,
    'Waiting room',
    h('div', { class: 'waiting-room' }, dots, headline, status),
    h('p', { class: 'study-note', text: 'Keep this tab open: the game starts by itself as soon as the table is ready, and a closed tab loses its place.' }),
  );

  // the remaining time runs on between polls; each poll resets it from the server's count
  let deadline = 0;
  let waiting: NonNullable<ParticipantState['waiting']> | null = null;
  const render = () => {
    if (!waiting) {
      headline.textContent = 'Setting the table…';
      status.textContent = '';
      return;
    }
    // humansNeeded is how many more the table waits for (server/studies/lobby.ts waitingInfo)
    const more = Math.max(0, waiting.humansNeeded);
    const remaining = Math.max(0, deadline - Date.now());
    if (more === 0) headline.textContent = 'Everyone is here. Setting the table…';
    else {
      clock.textContent = formatClock(remaining);
      headline.replaceChildren(`Waiting for ${more} more player${more === 1 ? '' : 's'} (`, clock, ')');
    }
    const statusText = more === 0 ? 'Your game is about to start.' : remaining > 0 ? 'The game starts as soon as enough players are here.' : 'Still waiting for the server to decide. This takes a few seconds at most.';
    if (status.textContent !== statusText) status.textContent = statusText;
  };
  const update = (state: ParticipantState) => {
    waiting = state.waiting;
    if (waiting) deadline = Date.now() + Math.max(0, waiting.maxWaitSec - waiting.waitedSec) * 1000;
    render();
  };
  update(ctx.state);
  const interval = window.setInterval(render, 250);
  document.title = `Waiting room · ${ctx.state.study.title}`;
  return { element, update, dispose: () => window.clearInterval(interval) };
}
