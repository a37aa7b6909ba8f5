// The exit survey: Likert items and multiple-choice items as radio groups named by their question,
// free-text items as text boxes named by their question; in a blind arm, for every other player,
// "Is <name> a human or an AI?" with a confidence from 1 to 5. One button, "Submit".
import { h } from '../dom.ts';
import type { PublicSurveyItem } from '../../shared/protocol/study.ts';
import { studyApi, type Judgement } from './api.ts';
import { busy, errorLine, pageLimit, pageTimer, showError, studyFrame } from './frame.ts';
import { questionForm, radioGroup, textField, type RadioGroup, type RadioOption, type TextField } from './fields.ts';
import type { PageContext, StudyPage } from './types.ts';

type Item = PublicSurveyItem;

interface Field {
  id: string;
  required: boolean;
  control: RadioGroup | TextField;
  read(): number | string | null;
}

function likertOptions(item: Item): RadioOption[] {
  const scale = item.scale ?? { min: 1, max: 5, minLabel: '', maxLabel: '' };
  const options: RadioOption[] = [];
  for (let value = scale.min; value <= scale.max; value++) {
    const hint = value === scale.min ? scale.minLabel : value === scale.max ? scale.maxLabel : '';
    options.push({ value: String(value), label: String(value), hint: hint || undefined });
  }
  return options;
}

function field(item: Item): Field {
  const required = item.required ?? item.kind !== 'text';
  if (item.kind === 'text') {
    const control = textField(item.question);
    return { id: item.id, required, control, read: () => control.value() || null };
  }
  const control =
    item.kind === 'likert'
      ? radioGroup(item.question, likertOptions(item), 'scale', 'likert')
      : radioGroup(item.question, (item.options ?? []).map((label, index) => ({ value: String(index), label })));
  return { id: item.id, required, control, read: () => (control.value() === null ? null : Number(control.value())) };
}

const CONFIDENCE: RadioOption[] = [
  { value: '1', label: '1', hint: 'guessing' },
  { value: '2', label: '2' },
  { value: '3', label: '3' },
  { value: '4', label: '4' },
  { value: '5', label: '5', hint: 'certain' },
];

export function surveyPage(ctx: PageContext): StudyPage {
  const fields = ctx.state.pages.survey.map(field);
  const judges = (ctx.state.judge ?? []).map((player) => {
    const kind = radioGroup(`Is ${player.name} a human or an AI?`, [
      { value: 'human', label: 'Human' },
      { value: 'ai', label: 'AI' },
    ], 'inline');
    const confidence = radioGroup(`How sure are you about ${player.name}?`, CONFIDENCE, 'scale', 'confidence');
    return { seat: player.seat, kind, confidence, element: h('div', { class: 'judge-card' }, kind.element, confidence.element) };
  });
  const error = errorLine();
  const button = h('button', { type: 'button', class: 'primary big', text: 'Submit' });

  const submit = (timeUp: boolean) => {
    error.textContent = '';
    const answers: Record<string, number | string> = {};
    const missing: (RadioGroup | TextField)[] = [];
    for (const f of fields) {
      const value = f.read();
      if (value !== null) answers[f.id] = value;
      else if (f.required) missing.push(f.control);
    }
    const judgements: Judgement[] = [];
    for (const judge of judges) {
      const kind = judge.kind.value();
      const confidence = judge.confidence.value();
      if (kind !== null && confidence !== null) judgements.push({ seat: judge.seat, judgement: kind === 'ai' ? 'ai' : 'human', confidence: Number(confidence) });
      else {
        if (kind === null) missing.push(judge.kind);
        if (confidence === null) missing.push(judge.confidence);
      }
    }
    for (const f of fields) f.control.invalid(missing.includes(f.control));
    for (const judge of judges) {
      judge.kind.invalid(missing.includes(judge.kind));
      judge.confidence.invalid(missing.includes(judge.confidence));
    }
    if (missing.length) {
      const open = missing.length === 1 ? 'One question still needs an answer (marked).' : `${missing.length} questions still need an answer (marked).`;
      error.textContent = timeUp ? `The time for this page is up. ${open}` : open;
      missing[0].element.querySelector<HTMLElement>('input, textarea')?.focus();
      return;
    }
    busy(button, 'Sending…', () => ctx.advance(() => studyApi.survey(ctx.token, answers, judges.length ? judgements : undefined))).catch((err: unknown) => showError(error, err));
  };
  button.addEventListener('click', () => submit(false));

  const limit = pageLimit(ctx.state, 'survey');
  // when the time is up the answers are sent if nothing required is open; else the open ones are marked
  const timer = limit === null ? null : pageTimer(ctx.token, 'survey', limit, () => submit(true));
  const element = studyFrame(
    ctx.state,
    'A few questions',
    timer?.element ?? null,
    h('p', { class: 'study-lead', text: 'Thank you for playing. Please answer these questions about the game.' }),
    questionForm('survey-form', error, fields.map((f) => f.control.element)),
    judges.length
      ? h(
          'section',
          { class: 'judge-section', 'aria-labelledby': 'judge-heading' },
          h('h2', { id: 'judge-heading', text: 'The other players' }),
          h('p', { class: 'study-lead', text: 'Each player at your table was either a person or an AI. What do you think?' }),
          ...judges.map((j) => j.element),
        )
      : null,
    h('div', { class: 'study-actions' }, button),
    error,
  );
  return { element, dispose: () => timer?.dispose() };
}
