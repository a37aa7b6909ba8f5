// The comprehension quiz: each question a radio group named by its question, one button "Check
// answers". A wrong try shows, per question, whether it was right and the explanation, and how
// many attempts are left; the last wrong try ends the study (the flow shows the completion page).
import { h } from '../dom.ts';
import { studyApi, type QuizResult } from './api.ts';
import { busy, errorLine, pageLimit, pageTimer, showError, studyFrame } from './frame.ts';
import { questionForm, radioGroup, type RadioGroup } from './fields.ts';
import type { PageContext, StudyPage } from './types.ts';

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

export function quizPage(ctx: PageContext): StudyPage {
  const questions = ctx.state.pages.quiz;
  const groups: { id: string; group: RadioGroup; feedback: HTMLElement }[] = questions.map((question) => {
    const group = radioGroup(
      question.question,
      question.options.map((label, index) => ({ value: String(index), label })),
    );
    const feedback = h('div', { class: 'quiz-feedback', 'aria-live': 'polite' });
    feedback.hidden = true;
    group.element.appendChild(feedback);
    return { id: question.id, group, feedback };
  });
  const { attemptsUsed, maxAttempts } = ctx.state.quiz;
  const attempts = h('p', { class: 'study-note quiz-attempts', text: attemptsText(maxAttempts - attemptsUsed, maxAttempts) });
  const summary = h('p', { class: 'quiz-summary', role: 'status' });
  summary.hidden = true;
  const error = errorLine();
  const button = h('button', { type: 'button', class: 'primary big', text: 'Check answers' });

  let lastWrong = '';
  const check = async (timeUp: boolean) => {
    error.textContent = '';
    const answers: Record<string, number> = {};
    const missing: RadioGroup[] = [];
    for (const { id, group } of groups) {
      const value = group.value();
      if (value === null) missing.push(group);
      else answers[id] = Number(value);
    }
    for (const { group } of groups) group.invalid(missing.includes(group));
    if (missing.length) {
      // the server checks complete answers only, so even when the time is up open questions wait
      const open = missing.length === groups.length ? 'Choose an answer for every question.' : `Choose an answer for every question (${plural(missing.length, 'question')} still open).`;
      error.textContent = timeUp ? `The time for this page is up. ${open}` : open;
      missing[0].element.querySelector('input')?.focus();
      return;
    }
    // the server answers a repeat of the last answers with the same verdict (it is not a new try)
    const key = JSON.stringify(Object.entries(answers).sort());
    if (key === lastWrong && !timeUp) {
      error.textContent = 'These are the answers you checked before. Change the ones marked "Not quite", then check again.';
      return;
    }
    let response: Awaited<ReturnType<typeof studyApi.quiz>>;
    try {
      response = await busy(button, 'Checking…', () => studyApi.quiz(ctx.token, answers));
    } catch (err) {
      // a 409 (already past the quiz, e.g. in another tab) re-syncs through advance
      await ctx.advance(() => Promise.reject(err)).catch((shown: unknown) => showError(error, shown));
      return;
    }
    if (response.result.passed || response.state.stage !== 'quiz') {
      ctx.show(response.state);
      return;
    }
    lastWrong = key;
    showFeedback(response.result);
  };

  const showFeedback = (result: QuizResult) => {
    const byId = new Map(result.questions.map((q) => [q.id, q]));
    let wrong = 0;
    for (const { id, feedback, group } of groups) {
      const verdict = byId.get(id);
      if (!verdict) continue;
      if (!verdict.correct) wrong++;
      feedback.hidden = false;
      feedback.className = `quiz-feedback ${verdict.correct ? 'right' : 'wrong'}`;
      feedback.replaceChildren(h('strong', { text: verdict.correct ? 'Correct.' : 'Not quite.' }), verdict.explanation ? ` ${verdict.explanation}` : '');
      group.element.classList.toggle('answered-wrong', !verdict.correct);
    }
    summary.hidden = false;
    summary.textContent = `${plural(wrong, 'answer')} ${wrong === 1 ? 'is' : 'are'} not right yet. Read the explanations, change your answers and check again.`;
    attempts.textContent = attemptsText(result.attemptsLeft, maxAttempts);
    summary.scrollIntoView({ block: 'nearest' });
  };

  button.addEventListener('click', () => void check(false));
  const limit = pageLimit(ctx.state, 'quiz');
  // when the time is up the answers are checked if every question has one; else the open ones are marked
  const timer = limit === null ? null : pageTimer(ctx.token, 'quiz', limit, () => void check(true));
  const element = studyFrame(
    ctx.state,
    'Check your understanding',
    timer?.element ?? null,
    h('p', { class: 'study-lead', text: 'A few questions about the rules, so that everyone at the table plays the same game.' }),
    attempts,
    summary,
    questionForm('quiz-form', error, groups.map((g) => g.group.element)),
    h('div', { class: 'study-actions' }, button),
    error,
  );
  return { element, dispose: () => timer?.dispose() };
}

function attemptsText(left: number, max: number): string {
  if (left <= 0) return 'No attempts left.';
  if (left === max) return `You have ${plural(max, 'attempt')}.`;
  return `You have ${plural(left, 'attempt')} left${left === 1 ? ': a wrong answer now ends the study' : ''}.`;
}
