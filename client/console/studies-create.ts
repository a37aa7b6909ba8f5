// The "Create study" card: paste a study file (YAML or JSON) or upload one into the textbox, press
// "Create study". A refused file lists each problem under the textbox with its field path; a problem
// the server located in the file links to that line (selected in the textbox) and quotes it.
import type { CreateStudyResponse } from '../../shared/protocol/study.ts';
import { h, replaceChildren } from '../dom.ts';
import { call, ConsoleHttpError } from './api.ts';
import { copyableLink, failureText } from './studies-common.ts';

/** JSON when it looks like JSON (or the file is .json), else YAML: the server parses by content type. */
function contentType(text: string, fileName: string | null): string {
  if (fileName && /\.json$/i.test(fileName)) return 'application/json';
  if (fileName && /\.ya?ml$/i.test(fileName)) return 'application/yaml';
  return /^\s*[{[]/.test(text) ? 'application/json' : 'application/yaml';
}

/** Select line `line` (1-based) of a textarea and scroll it into view. */
function selectLine(textarea: HTMLTextAreaElement, line: number): void {
  const lines = textarea.value.split('\n');
  const index = Math.min(Math.max(line, 1), lines.length) - 1;
  const start = lines.slice(0, index).reduce((sum, l) => sum + l.length + 1, 0);
  textarea.focus();
  textarea.setSelectionRange(start, start + lines[index].length);
  // centre the line: the textarea scrolls by pixels, lines are one line-height each
  const lineHeight = parseFloat(getComputedStyle(textarea).lineHeight) || 18;
  textarea.scrollTop = Math.max(0, index * lineHeight - textarea.clientHeight / 2);
}

export function createStudyCard(onCreated: (created: CreateStudyResponse) => void): HTMLElement {
  const textarea = h('textarea', { id: 'study-file', name: 'study-file', rows: 14, spellcheck: 'false', 'aria-describedby': 'study-file-hint study-file-problems', placeholder: 'title: …\nslug: …\ngame: trust-split\n…' });
  const upload = h('input', { type: 'file', id: 'study-upload', accept: '.yaml,.yml,.json,application/json,application/yaml,text/yaml' });
  const button = h('button', { type: 'submit', class: 'primary', text: 'Create study' });
  const summary = h('p', { class: 'form-error', role: 'alert' });
  const problemList = h('ul', { class: 'study-problems', id: 'study-file-problems', 'aria-label': 'Problems in the study file' });
  const result = h('div', { class: 'study-created', role: 'status' });
  let fileName: string | null = null;

  const clearProblems = () => {
    textarea.removeAttribute('aria-invalid');
    summary.textContent = '';
    replaceChildren(problemList);
  };

  upload.addEventListener('change', async () => {
    const file = upload.files?.[0];
    if (!file) return;
    fileName = file.name;
    textarea.value = await file.text();
    clearProblems();
  });
  // typing makes it a pasted file again (its type then comes from its look)
  textarea.addEventListener('input', () => {
    fileName = null;
  });

  const showProblems = (err: ConsoleHttpError) => {
    textarea.setAttribute('aria-invalid', 'true');
    const count = err.problems.length;
    summary.textContent = count ? `The study file has ${count === 1 ? 'a problem' : `${count} problems`}; fix ${count === 1 ? 'it' : 'them'} and press Create study again.` : err.message;
    const lines = textarea.value.split('\n');
    replaceChildren(
      problemList,
      ...err.problems.map((problem) => {
        const where = problem.line !== undefined && problem.path !== `line ${problem.line}` ? `${problem.path} (line ${problem.line})` : problem.path;
        const jump = h('a', { href: '#study-file', class: 'problem-path', text: where });
        jump.addEventListener('click', (event) => {
          event.preventDefault();
          if (problem.line !== undefined) selectLine(textarea, problem.line);
          else textarea.focus();
        });
        const quoted = problem.line !== undefined ? lines[problem.line - 1] : undefined;
        return h(
          'li',
          { 'data-path': problem.path },
          jump,
          h('span', { class: 'problem-message', text: problem.message }),
          quoted !== undefined && quoted.trim() ? h('code', { class: 'problem-line', text: `${problem.line} │ ${quoted}` }) : null,
        );
      }),
    );
  };

  const form = h(
    'form',
    { class: 'study-create-form', novalidate: true },
    h(
      'div',
      { class: 'field' },
      h('label', { for: 'study-file', text: 'Study file' }),
      h('p', { class: 'muted field-hint', id: 'study-file-hint', text: 'Paste a study file (YAML or JSON, see docs/studies.md and docs/studies/*.yaml) or upload one.' }),
      textarea,
      problemList,
    ),
    h('div', { class: 'form-actions' }, h('span', { class: 'study-upload' }, h('label', { for: 'study-upload', text: 'Upload study file' }), upload), button, summary),
    result,
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearProblems();
    replaceChildren(result);
    const text = textarea.value;
    if (!text.trim()) {
      summary.textContent = 'The study file is empty: paste a study file or upload one, then press Create study.';
      textarea.setAttribute('aria-invalid', 'true');
      textarea.focus();
      return;
    }
    button.disabled = true;
    try {
      const created = await call<CreateStudyResponse>('POST', '/api/studies', undefined, { text: { body: text, type: contentType(text, fileName) } });
      replaceChildren(result, h('p', {}, 'Study ', h('strong', { text: created.slug }), ' created. Its public link:'), copyableLink(created.link, created.slug));
      onCreated(created);
    } catch (err) {
      if (err instanceof ConsoleHttpError && err.status === 400) showProblems(err);
      else summary.textContent = failureText(err);
    } finally {
      button.disabled = false;
    }
  });

  return h('section', { class: 'card console-card study-create-card', 'aria-labelledby': 'study-create-heading' }, h('div', { class: 'console-card-head' }, h('h2', { id: 'study-create-heading', text: 'Create study' })), form);
}
