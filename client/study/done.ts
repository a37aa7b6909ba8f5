// The end: why the study ended, "Completion code: <CODE>", the payment, and a link back to the
// recruiter (Prolific) when the study has a redirect URL.
import { h } from '../dom.ts';
import type { ParticipantState } from './api.ts';
import { money, studyFrame } from './frame.ts';
import type { PageContext, StudyPage } from './types.ts';

type Outcome = NonNullable<ParticipantState['completion']>['outcome'];

const WORDS: Record<Outcome, { heading: string; text: string }> = {
  completed: { heading: 'Thank you!', text: 'You have finished the study. Your answers are saved.' },
  failed_quiz: {
    heading: 'Thank you for your time',
    text: 'The quiz answers were not all right within the attempts allowed, so the study ends here for you. Please use the code below.',
  },
  no_group: { heading: 'Thank you for waiting', text: 'Not enough players arrived in time to form a table, so there is no game for you this time. You are paid for showing up.' },
  dropped: { heading: 'Thank you', text: 'You were away from the game for too long, so it went on without you. Please use the code below.' },
};

/** Only web links become a button; anything else in a study file is shown as text. */
function safeUrl(url: string | null): URL | null {
  if (!url) return null;
  try {
    const parsed = new URL(url, location.href);
    return parsed.protocol === 'https:' || parsed.protocol === 'http:' ? parsed : null;
  } catch {
    return null;
  }
}

export function donePage(ctx: PageContext): StudyPage {
  const completion = ctx.state.completion;
  if (!completion) {
    // the server marks a participant done with a completion; this is only a safety net
    return { element: studyFrame(ctx.state, 'Thank you', h('p', { text: 'The study is over for you. Your answers are saved.' })) };
  }
  const words = Object.hasOwn(WORDS, completion.outcome) ? WORDS[completion.outcome] : WORDS.completed;
  const codeText = h('strong', { class: 'completion-code', text: completion.code });
  const copy = h('button', { type: 'button', class: 'chip', text: 'Copy code' });
  const selectCode = () => {
    window.getSelection()?.selectAllChildren(codeText);
    copy.textContent = 'Selected: press Ctrl+C';
  };
  copy.addEventListener('click', () => {
    // the clipboard API exists only on https (and localhost); elsewhere the code is selected instead
    if (!navigator.clipboard) selectCode();
    else navigator.clipboard.writeText(completion.code).then(() => (copy.textContent = 'Copied'), selectCode);
  });
  const { payment } = completion;
  const paymentRows: [string, string][] = [['Show-up fee', money(payment.showUp, payment.currency)]];
  if (payment.bonus > 0 || completion.outcome === 'completed') paymentRows.push(['Bonus', money(payment.bonus, payment.currency)]);
  paymentRows.push(['Total', money(payment.total, payment.currency)]);
  const url = safeUrl(completion.redirectUrl);
  const prolific = url !== null && /(^|\.)prolific\.(com|co|ac\.uk)$/.test(url.hostname);
  const element = studyFrame(
    ctx.state,
    words.heading,
    h('p', { class: 'study-lead', text: words.text }),
    h('div', { class: 'completion' }, h('p', { class: 'completion-line' }, 'Completion code: ', codeText), copy),
    // an ending the study pays nothing for shows no table of zeros
    payment.total > 0
      ? h(
          'dl',
          { class: 'payment', 'aria-label': 'Your payment' },
          ...paymentRows.flatMap(([name, value], i) => [h('dt', { class: i === paymentRows.length - 1 ? 'total' : null, text: name }), h('dd', { class: i === paymentRows.length - 1 ? 'total' : null, text: value })]),
        )
      : null,
    payment.bonus > 0 ? h('p', { class: 'study-note', text: 'The bonus is paid separately from the show-up fee, after the study.' }) : null,
    url
      ? h('div', { class: 'study-actions' }, h('a', { href: url.href, class: 'button-link primary big', rel: 'noreferrer', text: prolific ? 'Return to Prolific' : 'Finish and return' }))
      : h('p', { class: 'study-note', text: 'Enter the code on the site where you signed up for this study. You can close this tab.' }),
  );
  document.title = `Completion code ${completion.code} · ${ctx.state.study.title}`;
  return { element };
}
