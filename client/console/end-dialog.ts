// "End session": a modal dialog that asks why (the reason is logged with the `ended` row), then
// POSTs /api/sessions/:id/end. The table learns the new status from the live feed.
import type { EndSession, SessionSummary } from '../../shared/protocol/console.ts';
import { h } from '../dom.ts';
import { call, ConsoleHttpError } from './api.ts';

export interface EndDialog {
  element: HTMLDialogElement;
  open(summary: SessionSummary): void;
}

export function createEndDialog(): EndDialog {
  const title = h('h2', { id: 'end-dialog-title' });
  const reason = h('input', { type: 'text', id: 'end-reason', name: 'reason', maxlength: 500, autocomplete: 'off', placeholder: 'e.g. participant left, wrong preset' });
  const error = h('p', { class: 'form-error', role: 'alert' });
  const confirm = h('button', { type: 'submit', class: 'danger', text: 'End session' });
  const cancel = h('button', { type: 'button', text: 'Cancel' });
  const form = h(
    'form',
    { method: 'dialog' },
    title,
    h('p', { class: 'muted', text: 'Players see that the experimenter ended the game; agents stop. This cannot be undone.' }),
    h('label', { for: 'end-reason', text: 'Reason' }),
    reason,
    error,
    h('div', { class: 'dialog-actions' }, cancel, confirm),
  );
  const element = h('dialog', { class: 'console-dialog', 'aria-labelledby': 'end-dialog-title' }, form);
  let target: SessionSummary | null = null;

  cancel.addEventListener('click', () => element.close());
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (!target) return;
    const body: EndSession = reason.value.trim() ? { reason: reason.value.trim() } : {};
    confirm.disabled = true;
    error.textContent = '';
    try {
      await call('POST', `/api/sessions/${encodeURIComponent(target.id)}/end`, body);
      element.close();
    } catch (err) {
      error.textContent = err instanceof ConsoleHttpError || err instanceof Error ? err.message : String(err);
    } finally {
      confirm.disabled = false;
    }
  });

  return {
    element,
    open(summary) {
      target = summary;
      title.textContent = `End session ${summary.id}?`;
      reason.value = '';
      error.textContent = '';
      element.showModal();
      reason.focus();
    },
  };
}
