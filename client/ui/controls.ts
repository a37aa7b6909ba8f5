// The DOM controls that carry every action. Each has an accessible name and works from the keyboard.
import type { Action, Pending } from '../../shared/engine/actions.ts';
import { fitsVisible, visibleLength } from '../../shared/text.ts';
import type { Store } from '../store.ts';
import { h } from '../dom.ts';

type SpeakPending = Extract<Pending, { kind: 'speak' }>;
type VotePending = Extract<Pending, { kind: 'vote' }>;
type BeliefsPending = Extract<Pending, { kind: 'beliefs' }>;
type ProposePending = Extract<Pending, { kind: 'propose' }>;
type ChoosePending = Extract<Pending, { kind: 'choose' }>;

function send(store: Store, action: Action): void {
  void store.send(action);
}

/** Focus a new control on desktop; on touch screens that would pop the keyboard over the table. */
function focusSoon(element: HTMLElement): void {
  if (!window.matchMedia('(pointer: fine)').matches) return;
  queueMicrotask(() => element.focus({ preventScroll: true }));
}

/** Session storage that never throws (private modes may refuse it). */
const drafts = {
  get(key: string): string {
    try {
      return sessionStorage.getItem(key) ?? '';
    } catch {
      return '';
    }
  },
  set(key: string, value: string): void {
    try {
      if (value) sessionStorage.setItem(key, value);
      else sessionStorage.removeItem(key);
    } catch {
      // a lost draft is no harm
    }
  },
};

/**
 * A textbox labelled "Message" and a "Send" button; Enter sends, Shift+Enter breaks the line.
 * The draft survives a reload (kept per seat link and channel until it is sent).
 */
export function speakControl(store: Store, pending: SpeakPending, prompt: string, placeholder: string): HTMLElement {
  const textarea = h('textarea', {
    id: 'message',
    name: 'message',
    rows: 3,
    placeholder,
    'aria-describedby': 'message-count',
  });
  const error = h('p', { class: 'field-error', role: 'alert' });
  const counter = h('span', { id: 'message-count', class: 'counter', 'aria-live': 'off', text: `0 / ${pending.maxChars}` });
  const form = h(
    'form',
    { class: `control speak ${pending.channel === 'traitors' ? 'secret' : ''}` },
    h('p', { class: 'prompt', text: prompt }),
    h('label', { for: 'message', class: 'visually-hidden', text: 'Message' }),
    textarea,
    error,
    h('div', { class: 'row' }, counter, h('button', { type: 'submit', class: 'primary', text: 'Send' })),
  );
  const draftKey = `parley:draft:${location.pathname}:${pending.channel}`;
  textarea.value = drafts.get(draftKey);
  // counted as the server counts: characters the player sees (no maxlength: it counts UTF-16 units)
  const count = () => (counter.textContent = `${visibleLength(textarea.value)} / ${pending.maxChars}`);
  count();
  textarea.addEventListener('input', () => {
    count();
    drafts.set(draftKey, textarea.value);
  });
  textarea.addEventListener('keydown', (event) => {
    if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      form.requestSubmit();
    }
  });
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const text = textarea.value.trim();
    if (!text) {
      error.textContent = 'Write something first.';
      textarea.focus();
      return;
    }
    if (!fitsVisible(text, pending.maxChars)) {
      error.textContent = `At most ${pending.maxChars} characters: shorten your message.`;
      textarea.focus();
      return;
    }
    // keep the draft until the server has it: a refused or lost message comes back for editing
    void store.send({ kind: 'speak', text }).then((ack) => {
      if (ack.ok) drafts.set(draftKey, '');
    });
  });
  focusSoon(textarea);
  return form;
}

/** One button per candidate: "Vote for <name>". */
export function voteControl(store: Store, pending: VotePending, names: string[], prompt: string, danger: boolean, seatColours?: (seat: number) => string): HTMLElement {
  const buttons = pending.options.map((seat) => {
    const button = h('button', { type: 'button', class: `vote-button ${danger ? 'danger' : ''}`, 'data-seat': seat, text: `Vote for ${names[seat]}` });
    if (seatColours) button.style.setProperty('--seat', seatColours(seat));
    button.addEventListener('click', () => send(store, { kind: 'vote', target: seat }));
    return button;
  });
  return h('div', { class: 'control vote', role: 'group', 'aria-label': prompt }, h('p', { class: 'prompt', text: prompt }), h('div', { class: 'vote-grid' }, ...buttons));
}

/** A 0–100 suspicion slider per player and a "Submit suspicions" button. */
export function beliefsControl(store: Store, pending: BeliefsPending, names: string[]): HTMLElement {
  const inputs = new Map<number, HTMLInputElement>();
  const rows = pending.targets.map((seat) => {
    const id = `suspicion-${seat}`;
    const input = h('input', { type: 'range', id, min: 0, max: 100, step: 5, value: 50 });
    const output = h('output', { for: id, text: '50' });
    const describe = () => {
      const value = Number(input.value);
      output.textContent = String(value);
      input.setAttribute('aria-valuetext', `${value} — ${value >= 70 ? 'likely a traitor' : value <= 30 ? 'likely faithful' : 'unsure'}`);
      row.style.setProperty('--level', `${value}%`);
    };
    const row = h('div', { class: 'suspicion-row' }, h('label', { for: id, text: `Suspicion of ${names[seat]}` }), input, output);
    input.addEventListener('input', describe);
    inputs.set(seat, input);
    describe();
    return row;
  });
  const form = h(
    'form',
    { class: 'control beliefs' },
    h('p', { class: 'prompt', text: 'Privately: how likely is each player a traitor? Only the experimenter ever sees this.' }),
    h('div', { class: 'scale-legend', 'aria-hidden': 'true' }, h('span', { text: 'faithful' }), h('span', { text: 'traitor' })),
    ...rows,
    h('button', { type: 'submit', class: 'primary', text: 'Submit suspicions' }),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const suspicion: Record<string, number> = {};
    for (const [seat, input] of inputs) suspicion[String(seat)] = Number(input.value);
    send(store, { kind: 'beliefs', suspicion });
  });
  return form;
}

/** An input labelled "Coins to keep", quick picks, and a "Propose" button. */
export function proposeControl(store: Store, pending: ProposePending, prompt: string, initial: number): HTMLElement {
  const input = h('input', { type: 'number', id: 'coins', name: 'coins', min: pending.min, max: pending.max, step: 1, value: initial, inputmode: 'numeric', required: true });
  const error = h('p', { class: 'field-error', role: 'alert' });
  const picks = [pending.min, Math.floor((pending.min + pending.max) / 2), pending.max].filter((v, i, all) => all.indexOf(v) === i);
  const pickButtons = picks.map((value) => {
    const button = h('button', { type: 'button', class: 'chip', 'aria-label': `Keep ${value}`, text: String(value) });
    button.addEventListener('click', () => {
      input.value = String(value);
      input.focus();
    });
    return button;
  });
  const form = h(
    'form',
    { class: 'control propose' },
    h('p', { class: 'prompt', text: prompt }),
    h('div', { class: 'row' }, h('label', { for: 'coins', text: 'Coins to keep' }), input, h('span', { class: 'of', text: `of ${pending.max}` })),
    h('div', { class: 'row chips' }, ...pickButtons),
    error,
    h('button', { type: 'submit', class: 'primary', text: 'Propose' }),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const coins = Number(input.value);
    if (!Number.isInteger(coins) || coins < pending.min || coins > pending.max) {
      error.textContent = `Choose a whole number from ${pending.min} to ${pending.max}.`;
      input.focus();
      return;
    }
    send(store, { kind: 'propose', coins });
  });
  focusSoon(input);
  return form;
}

/** A named option for `chooseControl`: the button's words and what choosing it means. */
export interface ChoiceLabel {
  button: string;
  meaning: string;
  danger?: boolean;
}

/**
 * One button per option, each with a line saying what it leads to (e.g. accept or refuse an
 * offer). Options without a label show their own name.
 */
export function chooseControl(store: Store, pending: ChoosePending, prompt: string, labels: Readonly<Record<string, ChoiceLabel>>, secret: boolean): HTMLElement {
  const choices = pending.options.map((option) => {
    const label = Object.hasOwn(labels, option) ? labels[option] : { button: option, meaning: '' };
    const button = h('button', { type: 'button', class: `choose-button ${label.danger ? 'danger' : 'primary'}`, 'data-option': option, text: label.button });
    button.addEventListener('click', () => send(store, { kind: 'choose', option }));
    return h('div', { class: 'choice' }, button, label.meaning ? h('p', { class: 'muted choice-meaning', text: label.meaning }) : null);
  });
  return h('div', { class: `control choose ${secret ? 'secret' : ''}`, role: 'group', 'aria-label': prompt }, h('p', { class: 'prompt', text: prompt }), h('div', { class: 'choose-grid' }, ...choices));
}
