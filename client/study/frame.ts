// The frame around every study page but the game: the study's title, where the participant is in
// the flow, an optional countdown, and the page's card. Also the few helpers the pages share.
import { formatClock, h } from '../dom.ts';
import type { ParticipantState } from './api.ts';

type Stage = ParticipantState['stage'];

const STEP_NAMES: [Stage, string][] = [
  ['consent', 'Consent'],
  ['instructions', 'Instructions'],
  ['quiz', 'Quiz'],
  ['waiting', 'Waiting room'],
  ['game', 'Game'],
  ['survey', 'Survey'],
  ['done', 'Done'],
];

/** The steps this participant goes through (no quiz step in a study without one). */
function steps(state: ParticipantState): [Stage, string][] {
  return STEP_NAMES.filter(([stage]) => stage !== 'quiz' || state.pages.quiz.length > 0);
}

/** The steps an early ending left out (no game after a failed quiz or without a group…). */
function skippedSteps(state: ParticipantState): Set<Stage> {
  switch (state.completion?.outcome) {
    case 'failed_quiz':
      return new Set(['waiting', 'game', 'survey']);
    case 'no_group':
      return new Set(['game', 'survey']);
    case 'dropped':
      return new Set(['survey']);
    default:
      return new Set();
  }
}

export function studyFrame(state: ParticipantState, heading: string, ...content: (Node | null)[]): HTMLElement {
  const list = steps(state);
  const at = Math.max(0, list.findIndex(([stage]) => stage === state.stage));
  const skipped = skippedSteps(state);
  const progress = h(
    'ol',
    { class: 'study-steps', 'aria-label': `Step ${at + 1} of ${list.length}` },
    ...list.map(([stage, name], i) =>
      h('li', { class: skipped.has(stage) ? 'skipped' : i < at ? 'past' : i === at ? 'current' : 'future', 'aria-current': i === at ? 'step' : null, 'data-stage': stage }, h('span', { class: 'step-name', text: name })),
    ),
  );
  return h(
    'div',
    { class: 'study-page', 'data-stage': state.stage },
    h(
      'header',
      { class: 'study-header' },
      h('span', { class: 'brand' }, h('span', { class: 'seal', 'aria-hidden': 'true', text: 'P' }), 'Parley'),
      h('span', { class: 'study-title', text: state.study.title }),
    ),
    progress,
    h('main', { class: 'study-card' }, h('div', { class: 'study-card-head' }, h('h1', { text: heading }), h('span', { class: 'study-step-count', 'aria-hidden': 'true', text: `${at + 1} / ${list.length}` })), ...content),
  );
}

/**
 * The study's own text (consent, instructions). The server renders it from the study file's
 * Markdown with raw HTML escaped (markdown-it, html: false), so it is safe markup the researcher
 * wrote, not participant text. This is the one place in the client where innerHTML is used: the
 * alternative, re-parsing the Markdown here, would only duplicate the server's renderer.
 */
export function studyText(html: string, label: string, pageHeading = ''): HTMLElement {
  const container = h('div', { class: 'markdown study-text', role: 'region', 'aria-label': label });
  container.innerHTML = html;
  // a text that opens with the page's own heading ("## Consent" under "Consent") loses the repeat
  const first = container.firstElementChild;
  if (first && /^H[1-6]$/.test(first.tagName) && first.textContent?.trim().toLowerCase() === pageHeading.trim().toLowerCase()) first.remove();
  // links in the researcher's text open in a new tab, so the participant never leaves the study
  for (const link of container.querySelectorAll('a[href]')) {
    link.setAttribute('target', '_blank');
    link.setAttribute('rel', 'noopener noreferrer');
  }
  return container;
}

/** A line for errors after an action ("Please answer …", a server refusal). */
export function errorLine(): HTMLElement {
  return h('p', { class: 'act-error', role: 'alert' });
}

/** Show a failed action's error (a server refusal, a lost connection) in an errorLine. */
export function showError(line: HTMLElement, err: unknown): void {
  line.textContent = err instanceof Error ? err.message : String(err);
}

/** Disable a button while `run` is in flight; the label says what is happening. */
export async function busy<T>(button: HTMLButtonElement, working: string, run: () => Promise<T>): Promise<T> {
  const label = button.textContent ?? '';
  button.disabled = true;
  button.textContent = working;
  try {
    return await run();
  } finally {
    button.disabled = false;
    button.textContent = label;
  }
}

export interface PageTimer {
  element: HTMLElement;
  dispose(): void;
}

const timerKey = (token: string, page: string) => `parley:study-timer:${token}:${page}`;

/**
 * A visible countdown for a page with a time limit. The start is kept in sessionStorage, so a
 * reload does not give the page its time again; `onExpire` runs once when it reaches zero.
 */
export function pageTimer(token: string, page: string, seconds: number, onExpire: () => void): PageTimer {
  let started = Date.now();
  try {
    const saved = Number(sessionStorage.getItem(timerKey(token, page)));
    if (saved > 0 && saved <= started) started = saved;
    else sessionStorage.setItem(timerKey(token, page), String(started));
  } catch {
    // storage refused (private mode): the countdown starts with the page
  }
  const element = h('p', { class: 'study-timer' }, 'Time left on this page: ', h('span', { class: 'countdown', role: 'timer', 'aria-label': 'Time left on this page' }));
  const clock = element.querySelector<HTMLElement>('.countdown')!;
  let expired = false;
  const tick = () => {
    const remaining = Math.max(0, started + seconds * 1000 - Date.now());
    clock.textContent = formatClock(remaining);
    clock.classList.toggle('urgent', remaining < 15_000);
    if (remaining === 0 && !expired) {
      expired = true;
      window.clearInterval(interval);
      onExpire();
    }
  };
  const interval = window.setInterval(tick, 250);
  tick();
  return { element, dispose: () => window.clearInterval(interval) };
}

/** The limit for `page` from the study, if any. */
export function pageLimit(state: ParticipantState, page: string): number | null {
  const limits = state.pages.pageTimeLimitSec;
  if (!limits || !Object.hasOwn(limits, page)) return null;
  const seconds = limits[page];
  return typeof seconds === 'number' && seconds > 0 ? seconds : null;
}

/** An amount of money, e.g. "£1.50"; an unknown currency code is written after the number. */
export function money(amount: number, currency: string): string {
  try {
    return new Intl.NumberFormat(undefined, { style: 'currency', currency, minimumFractionDigits: 2, maximumFractionDigits: 2 }).format(amount);
  } catch {
    return `${amount.toFixed(2)} ${currency}`;
  }
}
