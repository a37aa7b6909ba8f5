// One study in the console: recruitment open/closed, the funnel per arm, its tables with links to
// watch, replay and download them, the payments, and the study export. Studies are not pushed, so
// the open study is fetched again every 3 s (one request; the next only after the last answered).
import { FUNNEL_STEPS, type ArmFunnel, type FunnelStep, type RecruitmentResponse, type StudyDetail } from '../../shared/protocol/study.ts';
import { h, replaceChildren } from '../dom.ts';
import { call, ConsoleHttpError } from './api.ts';
import { sessionLinks } from './session-row.ts';
import { badge, copyableLink, failureText, formatMoney } from './studies-common.ts';

const REFRESH_MS = 3000;

const STEP_LABEL: Record<FunnelStep, string> = {
  arrived: 'Arrived',
  consented: 'Consented',
  quizPassed: 'Passed quiz',
  quizFailed: 'Failed quiz',
  waiting: 'Waiting',
  playing: 'Playing',
  surveyed: 'Surveyed',
  completed: 'Completed',
  noGroup: 'No group',
  dropped: 'Dropped',
};
const STEP_HINT: Record<FunnelStep, string> = {
  arrived: 'entered through the link and were assigned to the arm',
  consented: 'got past the consent page',
  quizPassed: 'passed the quiz (or had none) and reached the waiting room',
  quizFailed: 'used up their quiz attempts',
  waiting: 'in the waiting room now',
  playing: 'at a table now',
  surveyed: 'reached the exit survey',
  completed: 'submitted the survey: done',
  noGroup: 'no table formed in time: paid the show-up fee',
  dropped: 'left the game and an agent finished it',
};
/** Outcomes that end the way early are drawn in a warning colour. */
const LOSS_STEPS = new Set<FunnelStep>(['quizFailed', 'noGroup', 'dropped']);

function funnelTable(funnel: ArmFunnel[]): HTMLElement {
  const head = h('tr', {}, h('th', { scope: 'col', text: 'Arm' }), ...FUNNEL_STEPS.map((step) => h('th', { scope: 'col', title: STEP_HINT[step], text: STEP_LABEL[step] })));
  const rows = funnel.map((arm) =>
    h(
      'tr',
      {},
      h('th', { scope: 'row', text: arm.arm }),
      ...FUNNEL_STEPS.map((step) => {
        const count = arm[step];
        const share = arm.arrived ? count / arm.arrived : 0;
        const bar = h('span', { class: `funnel-bar${LOSS_STEPS.has(step) ? ' loss' : ''}`, 'aria-hidden': 'true' });
        bar.style.width = `${Math.round(share * 100)}%`;
        return h('td', { class: 'funnel-cell', 'data-step': step }, h('span', { class: 'funnel-count', text: String(count) }), h('span', { class: 'funnel-track', 'aria-hidden': 'true' }, bar));
      }),
    ),
  );
  return h('div', { class: 'table-scroll' }, h('table', { class: 'study-table funnel-table', 'aria-label': 'Funnel' }, h('thead', {}, head), h('tbody', {}, ...rows)));
}

function tablesTable(detail: StudyDetail): HTMLElement {
  if (!detail.tables.length) return h('p', { class: 'muted study-empty', text: 'No table has formed yet. Tables form in the waiting room as soon as enough participants are there.' });
  const rows = detail.tables.map((table) => {
    const links = sessionLinks(table.sessionId);
    const link = (text: string, href: string, download = false) => h('a', { class: 'row-link', href, ...(download ? { download: '' } : { target: '_blank', rel: 'noopener' }), text });
    const seats = table.seats.map((p) => p ?? 'agent').join(', ');
    return h(
      'tr',
      {},
      h('td', {}, h('code', { class: 'session-id', text: table.sessionId })),
      h('td', { text: table.arm }),
      h('td', {}, badge(table.status ?? 'gone', `status-${table.status ?? 'ended'}`)),
      h('td', { class: 'muted', text: new Date(table.createdAt).toLocaleTimeString() }),
      h('td', { class: 'study-seats', text: table.agentFilled ? `${seats} (${table.agentFilled} filled by agents)` : seats }),
      h(
        'td',
        { class: 'actions-cell' },
        table.status === 'active' ? link('Watch', links.watch) : null,
        link('Replay', links.replay),
        link('Export', links.export, true),
        link('Report', links.report),
      ),
    );
  });
  return h(
    'div',
    { class: 'table-scroll' },
    h(
      'table',
      { class: 'study-table', 'aria-label': 'Study tables' },
      h('thead', {}, h('tr', {}, ...['Session', 'Arm', 'Status', 'Started', 'Participants', 'Links'].map((text) => h('th', { scope: 'col', text })))),
      h('tbody', {}, ...rows),
    ),
  );
}

function paymentsTable(detail: StudyDetail): HTMLElement {
  const paid = detail.participantList.filter((p) => p.payment);
  if (!paid.length) return h('p', { class: 'muted study-empty', text: 'Nobody has finished yet: payments appear here with each completion code.' });
  const rows = paid.map((p) =>
    h(
      'tr',
      {},
      h('td', {}, h('code', { text: p.participantId })),
      h('td', { text: p.arm }),
      h('td', { text: p.outcome ?? '' }),
      h('td', { class: 'study-num', text: formatMoney(p.payment!.showUp, p.payment!.currency) }),
      h('td', { class: 'study-num', text: formatMoney(p.payment!.bonus, p.payment!.currency) }),
      h('td', { class: 'study-num', text: formatMoney(p.payment!.total, p.payment!.currency) }),
      h('td', {}, h('code', { text: p.code ?? '' })),
    ),
  );
  const currency = paid[0].payment!.currency;
  const sum = paid.reduce((total, p) => total + p.payment!.total, 0);
  return h(
    'div',
    { class: 'table-scroll' },
    h(
      'table',
      { class: 'study-table payments-table', 'aria-label': 'Payments' },
      h('thead', {}, h('tr', {}, ...['Participant', 'Arm', 'Outcome', 'Show-up', 'Bonus', 'Total', 'Code'].map((text) => h('th', { scope: 'col', text })))),
      h('tbody', {}, ...rows),
      h('tfoot', {}, h('tr', {}, h('th', { scope: 'row', colspan: 5, text: `${paid.length} paid` }), h('td', { class: 'study-num', text: formatMoney(sum, currency) }), h('td', {}))),
    ),
  );
}

/** Mount one study's page; returns its cleanup (stops the refresh). */
export function mountStudyDetail(container: HTMLElement, id: string, back: () => void): () => void {
  let stopped = false;
  let timer: number | null = null;
  let recruiting: boolean | null = null;

  const backLink = h('a', { href: '#', class: 'study-back', text: '← All studies' });
  backLink.addEventListener('click', (event) => {
    event.preventDefault();
    back();
  });
  const title = h('h2', { id: 'study-title', text: 'Study' });
  const state = h('span', {});
  const recruitButton = h('button', { type: 'button', text: 'Close recruitment', disabled: true });
  const exportLink = h('a', { class: 'button-link', href: `/api/studies/${encodeURIComponent(id)}/export`, download: '', text: 'Export study' });
  const facts = h('p', { class: 'muted study-facts' });
  const linkRow = h('div', { class: 'study-link-line' });
  const alert = h('p', { class: 'form-error', role: 'alert' });
  const funnelBody = h('div', {});
  const tablesBody = h('div', {});
  const paymentsBody = h('div', {});

  const card = (heading: string, body: HTMLElement, note?: string) =>
    h('section', { class: 'card console-card' }, h('div', { class: 'console-card-head' }, h('h2', { text: heading }), note ? h('span', { class: 'muted', text: note }) : null), body);
  const page = h(
    'div',
    { class: 'study-detail' },
    h(
      'section',
      { class: 'card console-card', 'aria-labelledby': 'study-title' },
      h('div', { class: 'console-card-head' }, backLink),
      h('div', { class: 'console-card-head study-head' }, title, state, h('span', { class: 'spacer' }), recruitButton, exportLink),
      linkRow,
      facts,
      alert,
    ),
    card('Funnel', funnelBody, 'participants per arm who reached each step; waiting and playing: now'),
    card('Tables', tablesBody),
    card('Payments', paymentsBody),
  );
  container.append(page);

  const showRecruiting = (open: boolean) => {
    recruiting = open;
    replaceChildren(state, open ? badge('recruiting', 'status-active') : badge('closed', 'status-ended'));
    recruitButton.textContent = open ? 'Close recruitment' : 'Open recruitment';
    recruitButton.className = open ? 'danger' : 'primary';
  };

  let linkShown = '';
  const render = (detail: StudyDetail) => {
    document.title = `${detail.title} · Studies · Parley console`;
    title.textContent = detail.title;
    showRecruiting(detail.recruiting);
    recruitButton.disabled = false;
    if (linkShown !== detail.link) {
      // rebuilt only when it changes: a refresh must not wipe "Copied"
      linkShown = detail.link;
      replaceChildren(linkRow, copyableLink(detail.link, detail.slug));
    }
    const arms = detail.arms.map((arm) => `${arm.name} ${arm.tablesStarted}/${arm.tablesTarget} tables`).join(' · ');
    facts.textContent = `${detail.slug} · ${detail.game}${detail.pilot ? ' · pilot' : ''} · ${detail.participants.total} participants · ${arms}`;
    replaceChildren(funnelBody, funnelTable(detail.funnel));
    replaceChildren(tablesBody, tablesTable(detail));
    replaceChildren(paymentsBody, paymentsTable(detail));
  };

  const refresh = async () => {
    timer = null;
    try {
      const detail = await call<StudyDetail>('GET', `/api/studies/${encodeURIComponent(id)}`);
      if (stopped) return;
      alert.textContent = '';
      render(detail);
    } catch (err) {
      if (stopped) return;
      if (err instanceof ConsoleHttpError && err.status === 401) return; // the sign-in form is up
      alert.textContent = `${failureText(err)} The page keeps trying every ${REFRESH_MS / 1000} s.`;
    }
    if (!stopped) timer = window.setTimeout(refresh, REFRESH_MS);
  };

  recruitButton.addEventListener('click', async () => {
    if (recruiting === null) return;
    recruitButton.disabled = true;
    try {
      const answer = await call<RecruitmentResponse>('POST', `/api/studies/${encodeURIComponent(id)}/recruitment`, { open: !recruiting });
      if (!stopped) showRecruiting(answer.recruiting);
      alert.textContent = '';
    } catch (err) {
      alert.textContent = failureText(err);
    } finally {
      recruitButton.disabled = false;
    }
  });

  void refresh();
  return () => {
    stopped = true;
    if (timer !== null) window.clearTimeout(timer);
    page.remove();
  };
}
