// /s/<slug>: the flow controller of a study. It enters the study with the link's query (Prolific's
// PROLIFIC_PID, STUDY_ID, SESSION_ID…) and the token this browser kept, keeps the token, shows the
// page for the participant's stage, logs each page view, and polls while waiting (every 2 s, which
// is also how the server knows the participant is present) and while playing (every 3 s).
import { h, replaceChildren } from '../dom.ts';
import { StudyHttpError, studyApi, type ParticipantState } from './api.ts';
import { consentPage } from './consent.ts';
import { donePage } from './done.ts';
import { errorPage } from './errors.ts';
import { gamePage } from './game.ts';
import { instructionsPage } from './instructions.ts';
import { quizPage } from './quiz.ts';
import { surveyPage } from './survey.ts';
import { later } from './ticker.ts';
import type { PageContext, StudyPage } from './types.ts';
import { waitingPage } from './waiting.ts';

type Stage = ParticipantState['stage'];

const PAGES: Record<Stage, (ctx: PageContext) => StudyPage> = {
  consent: consentPage,
  instructions: instructionsPage,
  quiz: quizPage,
  waiting: waitingPage,
  game: gamePage,
  survey: surveyPage,
  done: donePage,
};

const TITLES: Record<Stage, string> = {
  consent: 'Consent',
  instructions: 'Instructions',
  quiz: 'Quiz',
  waiting: 'Waiting room',
  game: 'Game',
  survey: 'Survey',
  done: 'Done',
};

/** How often the state is read while waiting (presence counts polls of the last 6 s) and playing. */
const POLL_MS: Partial<Record<Stage, number>> = { waiting: 2_000, game: 3_000 };
/** After a failed poll, the next try comes sooner than a missed presence window. */
const RETRY_MS = 1_500;

const storageKey = (slug: string) => `parley:study:${slug}`;

function readToken(slug: string): string | null {
  try {
    return localStorage.getItem(storageKey(slug));
  } catch {
    return null;
  }
}

function keepToken(slug: string, token: string): void {
  try {
    localStorage.setItem(storageKey(slug), token);
  } catch {
    // storage refused: the link's participant id still brings the participant back
  }
}

/** The link's query as plain strings (the first value of a repeated name). */
function linkQuery(): Record<string, string> {
  const query: Record<string, string> = {};
  for (const [name, value] of new URLSearchParams(location.search)) if (!Object.hasOwn(query, name)) query[name] = value;
  return query;
}

/** `rawSlug`: the path segment as written (a malformed escape leads to "no such study", not a crash). */
export function mountStudy(root: HTMLElement, rawSlug: string): void {
  let slug = rawSlug;
  try {
    slug = decodeURIComponent(rawSlug);
  } catch {
    // kept as written: the server answers 404
  }
  let token = '';
  let page: StudyPage | null = null;
  let shown: Stage | null = null;
  let latest: ParticipantState | null = null;
  let leaving = false;
  let cancelPoll: (() => void) | null = null;
  let errorDispose: (() => void) | null = null;

  const clearPoll = () => {
    cancelPoll?.();
    cancelPoll = null;
  };

  const schedulePoll = (delay?: number) => {
    clearPoll();
    const every = latest ? POLL_MS[latest.stage] : undefined;
    if (every === undefined && delay === undefined) return;
    cancelPoll = later(() => void poll(), delay ?? every!);
  };

  const poll = async () => {
    cancelPoll = null;
    try {
      show(await studyApi.state(token));
    } catch (err) {
      if (err instanceof StudyHttpError && err.status === 404) {
        // the token is unknown (e.g. the study was deleted): enter again from the link
        start();
        return;
      }
      schedulePoll(RETRY_MS);
    }
  };

  const context = (state: ParticipantState): PageContext => ({
    token,
    state,
    show,
    async advance(call) {
      let next: ParticipantState;
      try {
        next = await call();
      } catch (err) {
        if (err instanceof StudyHttpError && err.status === 409) {
          // this step was already done (another tab, a repeated click): show where things stand
          show(await studyApi.state(token));
          return;
        }
        throw err;
      }
      show(next);
    },
  });

  const render = (state: ParticipantState) => {
    leaving = false;
    page?.dispose?.();
    errorDispose?.();
    errorDispose = null;
    const stageChanged = state.stage !== shown;
    shown = state.stage;
    page = PAGES[state.stage](context(state));
    if (state.stage !== 'game' && state.stage !== 'waiting' && state.stage !== 'done') document.title = `${TITLES[state.stage]} · ${state.study.title}`;
    replaceChildren(root, page.element);
    page.mounted?.();
    if (stageChanged) {
      studyApi.page(token, state.stage);
      window.scrollTo(0, 0);
      // tell screen readers a new page is there
      const heading = root.querySelector<HTMLElement>('h1');
      if (heading) {
        heading.tabIndex = -1;
        heading.focus({ preventScroll: true });
      }
    }
  };

  /** Show a state: update the page for the same stage, or move on (the page may hold the move). */
  function show(state: ParticipantState): void {
    latest = state;
    if (page && state.stage === shown && page.update) page.update(state);
    else if (page && state.stage !== shown && page.leave) {
      if (!leaving) {
        leaving = true;
        const from = page;
        // once, and only while that page is still the one shown (a click and the auto-continue may race)
        page.leave(state, () => {
          if (page === from) render(latest ?? state);
        });
      }
    } else render(state);
    schedulePoll();
  }

  const fail = (err: unknown) => {
    clearPoll();
    page?.dispose?.();
    page = null;
    shown = null;
    errorDispose?.();
    const shownError = errorPage(err, start);
    errorDispose = shownError.dispose;
    replaceChildren(root, shownError.element);
  };

  function start(): void {
    errorDispose?.();
    errorDispose = null;
    studyApi
      .enter(slug, linkQuery(), readToken(slug))
      .then((entered) => {
        token = entered.token;
        keepToken(slug, token);
        show(entered.state);
      })
      .catch(fail);
  }

  // a tab coming back to the front polls at once (browsers slow timers in background tabs)
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'visible' && token && latest && POLL_MS[latest.stage] !== undefined) schedulePoll(0);
  });

  document.title = 'Parley study';
  replaceChildren(root, h('p', { class: 'boot-note', text: 'Opening the study…' }));
  start();
}
