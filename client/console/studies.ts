// The console's Studies section: the list of studies and the "Create study" card, or one study's
// page (studies-detail.ts). The open study is in the address's hash (/console/studies#<id>), so it
// can be linked, reloaded and left with the browser's Back button.
import type { StudyList, StudySummary } from '../../shared/protocol/study.ts';
import { h, replaceChildren } from '../dom.ts';
import { call, ConsoleHttpError } from './api.ts';
import { createStudyCard } from './studies-create.ts';
import { mountStudyDetail } from './studies-detail.ts';
import { badge, copyableLink, failureText } from './studies-common.ts';

const STUDY_HASH = /^#([0-9a-f]{8,32})$/;

function studyRow(study: StudySummary, link: string, open: (id: string) => void): HTMLElement {
  const title = h('a', { href: `#${study.id}`, class: 'study-open', text: study.title });
  title.addEventListener('click', (event) => {
    if (event.metaKey || event.ctrlKey || event.shiftKey || event.button !== 0) return;
    event.preventDefault();
    open(study.id);
  });
  const done = study.participants.byOutcome;
  const finished = (done.completed ?? 0) + (done.failed_quiz ?? 0) + (done.no_group ?? 0) + (done.dropped ?? 0);
  return h(
    'tr',
    {},
    h('td', {}, title, h('span', { class: 'study-game', text: study.game })),
    h('td', {}, h('code', { text: study.slug })),
    h('td', { class: 'study-link-cell' }, copyableLink(link, study.slug)),
    h('td', {}, study.recruiting ? badge('recruiting', 'status-active') : badge('closed', 'status-ended')),
    h('td', { class: 'study-num', title: `${finished} finished` }, String(study.participants.total)),
    h('td', {}, h('ul', { class: 'study-arms' }, ...study.arms.map((arm) => h('li', { class: arm.closed ? 'muted' : '' }, `${arm.name} `, h('span', { class: 'study-num', text: `${arm.tablesStarted}/${arm.tablesTarget}` }))))),
  );
}

/** Mount the Studies section in `container`; returns its cleanup. */
export function mountStudies(container: HTMLElement): () => void {
  let disposeView: () => void = () => {};
  let stopped = false;

  const listView = (): (() => void) => {
    document.title = 'Studies · Parley console';
    const status = h('p', { class: 'session-count', 'aria-live': 'polite' });
    const alert = h('p', { class: 'form-error', role: 'alert' });
    const body = h('div', {});
    const listCard = h(
      'section',
      { class: 'card console-card', 'aria-labelledby': 'studies-heading' },
      h('div', { class: 'console-card-head' }, h('h2', { id: 'studies-heading', text: 'Studies' }), status),
      alert,
      body,
    );
    const load = async () => {
      try {
        const { studies } = await call<StudyList>('GET', '/api/studies');
        if (stopped) return;
        alert.textContent = '';
        status.textContent = studies.length === 1 ? '1 study' : `${studies.length} studies`;
        if (!studies.length) {
          replaceChildren(body, h('p', { class: 'muted study-empty', text: 'No study yet: create one below from a study file.' }));
          return;
        }
        replaceChildren(
          body,
          h(
            'div',
            { class: 'table-scroll' },
            h(
              'table',
              { class: 'study-table studies-table', 'aria-label': 'Studies' },
              h('thead', {}, h('tr', {}, ...['Study', 'Slug', 'Public link', 'Recruitment', 'Participants', 'Tables started / target'].map((text) => h('th', { scope: 'col', text })))),
              h('tbody', {}, ...studies.map((s) => studyRow(s, s.link ?? `${location.origin}/s/${s.slug}`, openStudy))),
            ),
          ),
        );
      } catch (err) {
        if (stopped || (err instanceof ConsoleHttpError && err.status === 401)) return;
        alert.textContent = failureText(err);
      }
    };
    const createCard = createStudyCard(() => void load());
    container.append(listCard, createCard);
    void load();
    return () => {
      listCard.remove();
      createCard.remove();
    };
  };

  const show = () => {
    disposeView();
    const match = STUDY_HASH.exec(location.hash);
    disposeView = match ? mountStudyDetail(container, match[1], () => closeStudy()) : listView();
  };
  const openStudy = (id: string) => {
    history.pushState(null, '', `#${id}`);
    show();
    window.scrollTo(0, 0);
  };
  const closeStudy = () => {
    history.pushState(null, '', location.pathname);
    show();
  };
  // Back and Forward between the list and a study
  const onPop = () => {
    if (!stopped) show();
  };
  window.addEventListener('popstate', onPop);
  show();
  return () => {
    stopped = true;
    window.removeEventListener('popstate', onPop);
    disposeView();
  };
}
