// When the study link does not lead in: an unknown study (404), a study closed to new participants
// (410), too many requests (429), or no connection. Each says what to do next.
import { h } from '../dom.ts';
import { StudyHttpError } from './api.ts';

export function errorPage(error: unknown, retry: () => void): { element: HTMLElement; dispose(): void } {
  const status = error instanceof StudyHttpError ? error.status : -1;
  const message = error instanceof Error ? error.message : String(error);
  let heading: string;
  let text: string;
  let hint: string;
  let retryAfterSec: number | null = null;
  if (status === 404) {
    heading = 'This study link does not work';
    text = 'There is no study at this address.';
    hint = 'Check that you opened the whole link from the recruitment site (copy it again if you typed it). If it still does not work, message the researcher.';
  } else if (status === 410) {
    heading = 'This study is closed';
    text = message && !/^HTTP \d+$/.test(message) ? message : 'The study is not taking new participants.';
    hint = 'If you came from Prolific, return the study there, so that the place goes to someone else. Thank you for your time.';
  } else if (status === 429) {
    heading = 'Too many requests';
    text = 'Many requests came from your network in a short time.';
    retryAfterSec = (error as StudyHttpError).retryAfterSec ?? 10;
    hint = 'Nothing is lost. This page tries again by itself; you can also press the button.';
  } else if (status === 0) {
    heading = 'No connection';
    text = 'The study server cannot be reached right now.';
    retryAfterSec = 5;
    hint = 'Check your internet connection. Nothing is lost: this page tries again by itself.';
  } else {
    heading = 'Something went wrong';
    text = message;
    hint = 'Try again in a moment. If it keeps happening, message the researcher and mention this text.';
  }
  const button = h('button', { type: 'button', class: 'primary', text: 'Try again' });
  button.addEventListener('click', retry);
  const countdown = h('p', { class: 'study-note', 'aria-live': 'polite' });
  let timer: number | null = null;
  if (retryAfterSec !== null) {
    const at = Date.now() + retryAfterSec * 1000;
    const tick = () => {
      const left = Math.ceil((at - Date.now()) / 1000);
      if (left <= 0) {
        window.clearInterval(timer!);
        retry();
      } else countdown.textContent = `Trying again in ${left} s.`;
    };
    timer = window.setInterval(tick, 500);
    tick();
  }
  document.title = `${heading} · Parley`;
  const element = h(
    'div',
    { class: 'study-page study-error', 'data-status': String(status) },
    h('header', { class: 'study-header' }, h('span', { class: 'brand' }, h('span', { class: 'seal', 'aria-hidden': 'true', text: 'P' }), 'Parley')),
    h(
      'main',
      { class: 'study-card', role: 'alert' },
      h('h1', { text: heading }),
      h('p', { class: 'study-lead', text }),
      h('p', { text: hint }),
      status === 404 || status === 410 ? null : h('div', { class: 'study-actions' }, button),
      countdown,
    ),
  );
  return { element, dispose: () => (timer === null ? undefined : window.clearInterval(timer)) };
}
