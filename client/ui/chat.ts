// Conversation panels: scrollable history that only appends, the current speaker highlighted, and
// tabs when there is more than one channel (the traitors' secret night chat).
import { h, replaceChildren } from '../dom.ts';
import { hex, seatColour } from '../art/palette.ts';
import type { Conversation } from '../games/types.ts';

interface Panel {
  tab: HTMLButtonElement;
  panel: HTMLElement;
  log: HTMLOListElement;
  typing: HTMLElement;
  keys: Set<string>;
  unread: number;
  /** follow new lines: true until the player scrolls up to read history */
  stick: boolean;
}

export class ChatView {
  readonly element: HTMLElement;
  private tabs: HTMLElement;
  private body: HTMLElement;
  private panels = new Map<string, Panel>();
  private active: string | null = null;
  private lastFocus: string | null = null;

  constructor() {
    this.tabs = h('div', { class: 'chat-tabs', role: 'tablist', 'aria-label': 'Conversations' });
    this.body = h('div', { class: 'chat-body' });
    this.element = h('section', { class: 'card chat', 'aria-label': 'Conversation' }, this.tabs, this.body);
  }

  /** Show `conversations`; `focus` names the one to bring forward (e.g. when night chat begins). */
  render(conversations: Conversation[], names: string[], focus: string | null): void {
    // a replay may step back or switch viewpoint: a conversation this state lacks goes away
    const present = new Set(conversations.map((c) => c.id));
    for (const [id, panel] of this.panels) {
      if (present.has(id)) continue;
      panel.tab.remove();
      panel.panel.remove();
      this.panels.delete(id);
      if (this.active === id) this.active = null;
      if (this.lastFocus === id) this.lastFocus = null;
    }
    for (const conversation of conversations) {
      const panel = this.panels.get(conversation.id) ?? this.addPanel(conversation);
      this.update(panel, conversation, names);
    }
    this.tabs.hidden = this.panels.size < 2;
    if (this.active === null && conversations.length) this.select(conversations[0].id);
    // follow the game's focus when it changes (night chat begins), but let the player look elsewhere
    if (focus && focus !== this.lastFocus && this.panels.has(focus)) {
      this.lastFocus = focus;
      this.select(focus);
    }
  }

  private addPanel(conversation: Conversation): Panel {
    const id = `chat-${conversation.id}`;
    const tab = h('button', {
      type: 'button',
      role: 'tab',
      id: `${id}-tab`,
      'aria-controls': id,
      'aria-selected': 'false',
      class: conversation.secret ? 'secret' : '',
      text: conversation.title,
    });
    const log = h('ol', { class: 'chat-log', 'aria-live': 'polite', 'aria-relevant': 'additions' });
    const typing = h('p', { class: 'typing', 'aria-live': 'polite' });
    const panel = h(
      'div',
      { role: 'tabpanel', id, 'aria-labelledby': `${id}-tab`, class: `chat-panel ${conversation.secret ? 'secret' : ''}`, tabindex: 0 },
      conversation.secret ? h('p', { class: 'secret-note', text: 'Secret: only the traitors (and the experimenter) read this.' }) : null,
      log,
      typing,
    );
    panel.hidden = true;
    tab.addEventListener('click', () => this.select(conversation.id));
    tab.addEventListener('keydown', (event) => {
      if (event.key !== 'ArrowRight' && event.key !== 'ArrowLeft') return;
      const ids = [...this.panels.keys()];
      const next = ids[(ids.indexOf(conversation.id) + (event.key === 'ArrowRight' ? 1 : ids.length - 1)) % ids.length];
      this.select(next);
      this.panels.get(next)?.tab.focus();
    });
    this.tabs.appendChild(tab);
    this.body.appendChild(panel);
    const entry: Panel = { tab, panel, log, typing, keys: new Set(), unread: 0, stick: true };
    // only the player's own scrolling unsticks the panel, not layout shifts around it
    let userScrolledAt = 0;
    for (const type of ['wheel', 'touchmove', 'keydown', 'pointerdown'] as const) {
      panel.addEventListener(type, () => (userScrolledAt = Date.now()), { passive: true });
    }
    panel.addEventListener('scroll', () => {
      if (panel.hidden) return;
      const atBottom = panel.scrollHeight - panel.scrollTop - panel.clientHeight < 40;
      if (atBottom) entry.stick = true;
      else if (Date.now() - userScrolledAt < 1500) entry.stick = false;
    });
    // the panel shrinks and grows with the cards around it: stay at the newest line
    new ResizeObserver(() => {
      if (entry.stick && !panel.hidden) panel.scrollTop = panel.scrollHeight;
    }).observe(panel);
    this.panels.set(conversation.id, entry);
    return entry;
  }

  private select(id: string): void {
    this.active = id;
    for (const [key, panel] of this.panels) {
      const on = key === id;
      panel.tab.setAttribute('aria-selected', String(on));
      panel.tab.tabIndex = on ? 0 : -1;
      panel.panel.hidden = !on;
      if (on) {
        panel.unread = 0;
        panel.tab.removeAttribute('data-unread');
        panel.stick = true;
        panel.panel.scrollTop = panel.panel.scrollHeight;
      }
    }
  }

  private update(panel: Panel, conversation: Conversation, names: string[]): void {
    const scroller = panel.panel;
    // lines this state does not have (a replay stepped back) go; live play only ever appends
    if (panel.keys.size > conversation.lines.length || conversation.lines.some((line) => !panel.keys.has(line.key))) {
      const keep = new Set(conversation.lines.map((line) => line.key));
      for (const item of panel.log.querySelectorAll<HTMLElement>('li[data-key]')) {
        const key = item.dataset.key!;
        if (keep.has(key)) continue;
        item.remove();
        panel.keys.delete(key);
      }
      // whatever was unread may be gone with them: count afresh from here
      panel.unread = 0;
      panel.tab.removeAttribute('data-unread');
    }
    let added = 0;
    for (const line of conversation.lines) {
      if (panel.keys.has(line.key)) continue;
      panel.keys.add(line.key);
      added++;
      if (line.event) {
        const note = h('li', { class: `line event ${line.eventKind ?? ''}`, 'data-seat': line.seat, 'data-key': line.key }, h('p', { class: 'text', text: line.text }));
        note.style.setProperty('--seat', hex(seatColour(line.seat)));
        panel.log.appendChild(note);
        continue;
      }
      const name = h('span', { class: 'who', text: names[line.seat] ?? `Seat ${line.seat}` });
      name.style.color = hex(seatColour(line.seat));
      const item = h(
        'li',
        { class: `line ${line.skipped ? 'skipped' : ''}`, 'data-seat': line.seat, 'data-key': line.key },
        h('div', { class: 'meta' }, name, line.tag ? h('span', { class: 'tag', text: line.tag }) : null),
        h('p', { class: 'text', text: line.skipped ? '(said nothing in time)' : line.text }),
      );
      panel.log.appendChild(item);
    }
    if (added && this.active !== conversation.id) {
      panel.unread += added;
      panel.tab.setAttribute('data-unread', String(panel.unread));
    }
    for (const item of panel.log.querySelectorAll('li.speaking')) item.classList.remove('speaking');
    if (conversation.speaker !== null) {
      const who = h('span', { class: 'who', text: names[conversation.speaker] });
      who.style.color = hex(seatColour(conversation.speaker));
      replaceChildren(panel.typing, who, ' is speaking', h('span', { class: 'dots', 'aria-hidden': 'true', text: '…' }));
      panel.typing.hidden = false;
    } else {
      panel.typing.hidden = true;
      replaceChildren(panel.typing);
    }
    if (conversation.lines.length === 0 && !panel.log.querySelector('.empty')) {
      panel.log.appendChild(h('li', { class: 'empty', text: conversation.secret ? 'Nothing whispered yet.' : 'Nobody has spoken yet.' }));
    } else if (conversation.lines.length > 0) {
      panel.log.querySelector('.empty')?.remove();
    }
    if (panel.stick && !scroller.hidden) scroller.scrollTop = scroller.scrollHeight;
  }
}
