// Consent: the study's consent text and one button, "I consent".
import { h } from '../dom.ts';
import { studyApi } from './api.ts';
import { busy, errorLine, pageLimit, pageTimer, showError, studyFrame, studyText } from './frame.ts';
import type { PageContext, StudyPage } from './types.ts';

export function consentPage(ctx: PageContext): StudyPage {
  const error = errorLine();
  const button = h('button', { type: 'button', class: 'primary big', text: 'I consent' });
  button.addEventListener('click', () => {
    error.textContent = '';
    busy(button, 'Saving…', () => ctx.advance(() => studyApi.consent(ctx.token))).catch((err: unknown) => showError(error, err));
  });
  const limit = pageLimit(ctx.state, 'consent');
  // consent cannot be given for someone: at zero the page only says the time is up
  const timer = limit === null ? null : pageTimer(ctx.token, 'consent', limit, () => (error.textContent = 'The time for this page is up. Please decide now.'));
  const element = studyFrame(
    ctx.state,
    'Consent',
    timer?.element ?? null,
    studyText(ctx.state.pages.consentHtml, 'Consent form', 'Consent'),
    h('p', { class: 'study-note', text: 'If you do not want to take part, close this tab; nothing is recorded beyond your visit.' }),
    h('div', { class: 'study-actions' }, button),
    error,
  );
  return { element, dispose: () => timer?.dispose() };
}
