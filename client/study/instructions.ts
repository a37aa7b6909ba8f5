// Instructions: the study's (or the game's default) instructions and a button "Next".
import { h } from '../dom.ts';
import { studyApi } from './api.ts';
import { busy, errorLine, pageLimit, pageTimer, showError, studyFrame, studyText } from './frame.ts';
import type { PageContext, StudyPage } from './types.ts';

export function instructionsPage(ctx: PageContext): StudyPage {
  const error = errorLine();
  const button = h('button', { type: 'button', class: 'primary big', text: 'Next' });
  const next = () => {
    error.textContent = '';
    busy(button, 'Saving…', () => ctx.advance(() => studyApi.instructions(ctx.token))).catch((err: unknown) => showError(error, err));
  };
  button.addEventListener('click', next);
  const limit = pageLimit(ctx.state, 'instructions');
  // when the reading time is up the participant moves on, as if they had pressed "Next"
  const timer = limit === null ? null : pageTimer(ctx.token, 'instructions', limit, next);
  const hasQuiz = ctx.state.pages.quiz.length > 0;
  const element = studyFrame(
    ctx.state,
    'Instructions',
    timer?.element ?? null,
    studyText(ctx.state.pages.instructionsHtml, 'Instructions', 'Instructions'),
    h('p', { class: 'study-note', text: hasQuiz ? 'Next comes a short quiz on these rules.' : 'Next you wait for the other players.' }),
    h('div', { class: 'study-actions' }, button),
    error,
  );
  return { element, dispose: () => timer?.dispose() };
}
