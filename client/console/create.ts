// "New session": the create-session form (game, preset, config overrides, one row per seat, reveal
// agents, seed) and, once created, the join links with copy buttons. What it offers comes from
// GET /api/console/options; what it sends is the experimenter API's CreateSession.
import type { ConsoleOptions } from '../../shared/protocol/console.ts';
import type { CreatedSession, CreateSession, SeatSpec } from '../../shared/protocol/index.ts';
import { h, replaceChildren } from '../dom.ts';
import { call, ConsoleHttpError } from './api.ts';
import { copyButton } from './copy.ts';

type GameOption = ConsoleOptions['games'][number];

/** How a seat select's value reads: "human", "external", "agent:<name>" or "llm:<spec>". */
function seatSpec(choice: string, label: string): SeatSpec {
  const withLabel = label ? { label } : {};
  if (choice === 'human') return { kind: 'human', ...withLabel };
  if (choice === 'external') return { kind: 'external', ...withLabel };
  const agent = choice.startsWith('llm:') ? choice.slice(4) : choice.slice('agent:'.length);
  return { kind: 'agent', agent, ...withLabel };
}

/** The seed field: blank for a secret seed, digits for a number, anything else as text (the server says what it accepts). */
function parseSeed(text: string): number | string | undefined {
  const trimmed = text.trim();
  if (!trimmed) return undefined;
  return /^\d{1,10}$/.test(trimmed) ? Number(trimmed) : trimmed;
}

function linkRow(label: string, url: string, note?: string): HTMLElement {
  const link = h('a', { class: 'created-link', href: url, target: '_blank', rel: 'noopener', text: url });
  const [copy, done] = copyButton(url, link, `Copy ${label.toLowerCase()}`);
  return h('li', { class: 'created-row' }, h('span', { class: 'created-label', text: label }), note ? h('span', { class: 'muted', text: note }) : null, link, copy, done);
}

function resultView(created: CreatedSession, request: CreateSession): HTMLElement {
  const rows = created.seats.map((seat) => {
    const spec = request.seats[seat.seat];
    const label = `Seat ${seat.seat + 1} link`;
    if (seat.joinUrl) return linkRow(label, seat.joinUrl, `${seat.name} · ${seat.kind}${spec?.label ? ` · ${spec.label}` : ''}`);
    const agent = spec && spec.kind === 'agent' ? String(typeof spec.agent === 'string' ? spec.agent : spec.agent.type) : 'agent';
    return h('li', { class: 'created-row' }, h('span', { class: 'created-label', text: `Seat ${seat.seat + 1}` }), h('span', { class: 'muted', text: `${seat.name} · played by ${agent}` }));
  });
  return h(
    'div',
    { class: 'created', role: 'status' },
    h('h3', {}, 'Session ', h('code', { text: created.id }), ' created'),
    h('ul', { class: 'created-links', 'aria-label': 'Join links' }, ...rows, linkRow('Spectator link', created.spectatorUrl, 'the whole truth, live')),
  );
}

export function mountCreateForm(container: HTMLElement): () => void {
  let options: ConsoleOptions | null = null;
  let disposed = false;

  const game = h('select', { id: 'create-game', name: 'game' });
  const preset = h('select', { id: 'create-preset', name: 'preset' });
  const config = h('textarea', { id: 'create-config', name: 'config', rows: 3, spellcheck: 'false', 'aria-describedby': 'create-config-error' });
  config.value = '{}';
  const configError = h('p', { class: 'field-error', id: 'create-config-error' });
  const presetConfig = h('pre', { class: 'preset-config' });
  const seats = h('div', { class: 'seat-rows' });
  const llmHint = h('p', { class: 'muted field-hint' });
  const reveal = h('input', { type: 'checkbox', id: 'create-reveal', name: 'revealAgents' });
  // on by default: nobody's clock should run while a participant is still opening their link
  const waitForHumans = h('input', { type: 'checkbox', id: 'create-wait', name: 'waitForHumans', checked: true });
  const seed = h('input', { type: 'text', id: 'create-seed', name: 'seed', inputmode: 'text', autocomplete: 'off', placeholder: 'secret, random' });
  const submit = h('button', { type: 'submit', class: 'primary', text: 'Create session' });
  const error = h('div', { class: 'form-error', role: 'alert' });
  const result = h('div', { class: 'create-result' });

  const form = h(
    'form',
    { class: 'create-form', novalidate: true },
    h('div', { class: 'field-grid' },
      h('div', { class: 'field' }, h('label', { for: 'create-game', text: 'Game' }), game),
      h('div', { class: 'field' }, h('label', { for: 'create-preset', text: 'Preset' }), preset),
      h('div', { class: 'field' }, h('label', { for: 'create-seed', text: 'Seed' }), seed),
    ),
    h('div', { class: 'field' },
      h('label', { for: 'create-config', text: 'Config overrides' }),
      config,
      configError,
      h('details', { class: 'preset-details' }, h('summary', { text: 'The preset’s config' }), presetConfig),
    ),
    h('fieldset', { class: 'seat-fieldset' }, h('legend', { text: 'Seats' }), seats, llmHint),
    h('label', { class: 'check' }, reveal, h('span', { text: 'Reveal agents to players' })),
    h('label', { class: 'check' }, waitForHumans, h('span', { text: 'Start when the human players are here (no clock runs before)' })),
    h('div', { class: 'form-actions' }, submit, error),
  );
  const card = h(
    'details',
    { class: 'card console-card create-card', open: true },
    h('summary', {}, h('h2', { text: 'New session' })),
    form,
    result,
  );
  container.append(card);

  const currentGame = (): GameOption | undefined => options?.games.find((g) => g.id === game.value);
  const currentPreset = () => currentGame()?.presets.find((p) => p.name === preset.value);

  function seatSelect(index: number, gameOption: GameOption, previous: string | undefined): HTMLSelectElement {
    const select = h('select', { id: `create-seat-${index}`, name: `seat-${index}` });
    select.append(h('option', { value: 'human', text: 'Human' }));
    const scripted = h('optgroup', { label: 'Scripted agent' });
    for (const agent of gameOption.agents) scripted.append(h('option', { value: `agent:${agent}`, text: agent === 'scripted' ? 'Scripted agent' : `Scripted: ${agent}`, title: agent === 'scripted' ? 'the scripted agent that fits the seat’s role' : null }));
    select.append(scripted);
    const llm = h('optgroup', { label: 'LLM agent' });
    if (options!.llm.length === 0) llm.append(h('option', { value: 'llm:', disabled: true, text: 'LLM agent (none configured)' }));
    for (const model of options!.llm) llm.append(h('option', { value: `llm:${model.spec}`, text: `LLM: ${model.label}` }));
    select.append(llm);
    select.append(h('option', { value: 'external', text: 'External program' }));
    const fallback = index === 0 ? 'human' : 'agent:scripted';
    const wanted = previous ?? fallback;
    select.value = [...select.options].some((o) => o.value === wanted && !o.disabled) ? wanted : fallback;
    return select;
  }

  function renderSeats(): void {
    const gameOption = currentGame();
    const presetOption = currentPreset();
    if (!gameOption || !presetOption) return;
    const previous = [...seats.querySelectorAll('select')].map((s) => s.value);
    const labels = [...seats.querySelectorAll<HTMLInputElement>('input')].map((i) => i.value);
    const rows: HTMLElement[] = [];
    for (let i = 0; i < presetOption.seats; i++) {
      const select = seatSelect(i, gameOption, previous[i]);
      const label = h('input', { type: 'text', id: `create-seat-${i}-label`, name: `seat-${i}-label`, maxlength: 200, autocomplete: 'off', placeholder: 'label (optional)', 'aria-label': `Seat ${i + 1} label` });
      label.value = labels[i] ?? '';
      rows.push(h('div', { class: 'seat-row', 'data-seat': String(i) }, h('label', { for: select.id, text: `Seat ${i + 1}` }), select, label));
    }
    replaceChildren(seats, ...rows);
    presetConfig.textContent = JSON.stringify(presetOption.config, null, 2);
    llmHint.textContent = options!.llm.length === 0 ? 'No LLM agents: this server has no PARLEY_LLM_* endpoint configured (docs/llm-agents.md).' : '';
    llmHint.hidden = options!.llm.length > 0;
  }

  function renderPresets(): void {
    const gameOption = currentGame();
    if (!gameOption) return;
    replaceChildren(preset, ...gameOption.presets.map((p) => h('option', { value: p.name, text: `${p.name} · ${p.seats} ${p.seats === 1 ? 'seat' : 'seats'}` })));
    renderSeats();
  }

  /** The overrides as an object, or null with the reason shown at the field. */
  function readConfig(): Record<string, unknown> | null {
    const text = config.value.trim() || '{}';
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (err) {
      return fieldProblem(`Not valid JSON: ${err instanceof Error ? err.message : String(err)}. Write an object such as {"rounds": 3}, or {} for none.`);
    }
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) return fieldProblem('Config overrides must be a JSON object such as {"rounds": 3}, or {} for none.');
    config.removeAttribute('aria-invalid');
    configError.textContent = '';
    return parsed as Record<string, unknown>;
  }

  function fieldProblem(message: string): null {
    config.setAttribute('aria-invalid', 'true');
    configError.textContent = message;
    return null;
  }

  function clearMarks(): void {
    for (const element of form.querySelectorAll('[aria-invalid]')) element.removeAttribute('aria-invalid');
  }

  /** Point at the field a server problem names ("seats.2.agent", "config.rounds", "seed"). */
  function markField(path: string): void {
    const [head, second] = path.split('.');
    const target =
      head === 'seats' && second !== undefined ? form.querySelector(`#create-seat-${CSS.escape(second)}`)
      : head === 'config' ? config
      : head === 'seed' ? seed
      : head === 'game' ? game
      : head === 'preset' ? preset
      : null;
    target?.setAttribute('aria-invalid', 'true');
  }

  game.addEventListener('change', renderPresets);
  preset.addEventListener('change', renderSeats);
  config.addEventListener('input', () => {
    if (config.hasAttribute('aria-invalid')) readConfig();
  });

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearMarks();
    error.textContent = '';
    const overrides = readConfig();
    if (!overrides) {
      config.focus();
      return;
    }
    const seatRows = [...seats.querySelectorAll<HTMLElement>('.seat-row')];
    const request: CreateSession = {
      game: game.value,
      preset: preset.value,
      seats: seatRows.map((row) => seatSpec(row.querySelector('select')!.value, row.querySelector('input')!.value.trim())),
      revealAgents: reveal.checked,
      ...(waitForHumans.checked ? { waitForHumans: true as const } : {}),
    };
    if (Object.keys(overrides).length > 0) request.config = overrides;
    const seedValue = parseSeed(seed.value);
    if (seedValue !== undefined) request.seed = seedValue;
    submit.disabled = true;
    submit.textContent = 'Creating…';
    try {
      const created = await call<CreatedSession>('POST', '/api/sessions', request);
      replaceChildren(result, resultView(created, request));
    } catch (err) {
      showError(err);
    } finally {
      submit.disabled = false;
      submit.textContent = 'Create session';
    }
  });

  function showError(err: unknown): void {
    const message = err instanceof Error ? err.message : String(err);
    const problems = err instanceof ConsoleHttpError ? err.problems : [];
    replaceChildren(error, h('p', { text: message }), problems.length ? h('ul', {}, ...problems.map((p) => h('li', { text: `${p.path}: ${p.message}` }))) : null);
    // the field a message names: from the problems, or the "seats.2.agent: …" form of the message itself
    for (const p of problems) markField(p.path);
    const named = /^([a-zA-Z]+(?:\.[\w]+)*):/.exec(message);
    if (named) markField(named[1]);
  }

  call<ConsoleOptions>('GET', '/api/console/options').then(
    (answer) => {
      if (disposed) return;
      options = answer;
      replaceChildren(game, ...answer.games.map((g) => h('option', { value: g.id, text: g.title })));
      renderPresets();
    },
    (err: unknown) => {
      if (!disposed) showError(err);
    },
  );

  return () => {
    disposed = true;
    card.remove();
  };
}
