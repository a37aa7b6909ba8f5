// Form controls for the quiz and the survey: radio groups (a fieldset with role radiogroup, named
// by its question) and a free-text field. DOM ids come from a counter, never from study text.
import { h } from '../dom.ts';

let counter = 0;
export const nextId = (prefix: string) => `${prefix}-${++counter}`;

export interface RadioOption {
  value: string;
  label: string;
  /** a longer description read after the name (Likert ends) */
  hint?: string;
}

export interface RadioGroup {
  element: HTMLFieldSetElement;
  value(): string | null;
  /** mark the group as needing an answer, or clear the mark */
  invalid(on: boolean): void;
  onChange(listener: () => void): void;
}

export function radioGroup(question: string, options: RadioOption[], layout: 'stack' | 'scale' | 'inline' = 'stack', extraClass = ''): RadioGroup {
  const name = nextId('choice');
  const legendId = `${name}-legend`;
  const inputs: HTMLInputElement[] = [];
  const listeners: (() => void)[] = [];
  const items = options.map((option) => {
    const hintId = option.hint ? nextId('hint') : null;
    const input = h('input', { type: 'radio', name, value: option.value, 'aria-describedby': hintId });
    input.addEventListener('change', () => {
      element.classList.remove('needs-answer');
      for (const listener of listeners) listener();
    });
    inputs.push(input);
    return h('label', { class: 'choice' }, input, h('span', { class: 'choice-label', text: option.label }), option.hint ? h('span', { class: 'choice-hint', id: hintId, text: option.hint }) : null);
  });
  // a scale's end labels again under the row, for narrow screens where the cells are too small
  // to hold them (decorative: each end's radio already has its label as a description)
  const first = options[0]?.hint;
  const last = options.length > 1 ? options[options.length - 1].hint : undefined;
  const ends =
    layout === 'scale' && (first || last)
      ? h('div', { class: 'scale-ends', 'aria-hidden': 'true' }, h('span', { text: first ? `${options[0].label} = ${first}` : '' }), h('span', { text: last ? `${options[options.length - 1].label} = ${last}` : '' }))
      : null;
  const element = h(
    'fieldset',
    { class: `question layout-${layout} ${extraClass}`.trim(), role: 'radiogroup', 'aria-labelledby': legendId },
    h('legend', { id: legendId, class: 'question-text', text: question }),
    h('div', { class: 'choices' }, ...items),
    ends,
  );
  return {
    element,
    value: () => inputs.find((input) => input.checked)?.value ?? null,
    invalid: (on) => element.classList.toggle('needs-answer', on),
    onChange: (listener) => listeners.push(listener),
  };
}

export interface TextField {
  element: HTMLElement;
  value(): string;
  invalid(on: boolean): void;
}

/**
 * The form holding a page's questions: never submitted (a button sends the answers), and a new
 * answer clears `error`, the complaint about missing ones (the marks go question by question).
 */
export function questionForm(className: string, error: HTMLElement, controls: HTMLElement[]): HTMLFormElement {
  const form = h('form', { class: className, novalidate: true }, ...controls);
  form.addEventListener('submit', (event) => event.preventDefault());
  form.addEventListener('change', () => (error.textContent = ''));
  return form;
}

export function textField(question: string, maxLength = 2000): TextField {
  const id = nextId('text');
  const area = h('textarea', { id, rows: 3, maxlength: maxLength });
  const element = h('div', { class: 'question text-question' }, h('label', { for: id, class: 'question-text', text: question }), area);
  area.addEventListener('input', () => element.classList.remove('needs-answer'));
  return {
    element,
    value: () => area.value.trim(),
    invalid: (on) => element.classList.toggle('needs-answer', on),
  };
}
