// Takeovers at the table: an agent playing a seat while its player is away. The server says which
// seats are taken over (StatePayload.takenOver, null where a blind arm hides it); this turns the
// changes into conversation lines and badges, and the returning player's notice.
import type { HandbackPayload, StatePayload } from '../../shared/protocol/index.ts';
import { h } from '../dom.ts';
import type { ChatLine, Conversation } from '../games/types.ts';

/**
 * Conversation lines for takeovers as this page saw them begin and end ("Ada's seat is played by
 * an agent while they are away", "Ada is back"), in the order they happened. A page opened during
 * a takeover starts with the takeovers under way.
 */
export class TakeoverLines {
  private lines: ChatLine[] = [];
  private seen: ReadonlySet<number> = new Set();
  private context = '';
  private version = -1;
  private count = 0;

  /** The lines up to `payload` (fed every state in order). */
  observe(payload: StatePayload): ChatLine[] {
    const context = `${payload.sessionId}|${payload.seat}`;
    // another session or viewpoint, or a replay stepping back: start from what this state shows
    if (context !== this.context || payload.version < this.version) {
      this.context = context;
      this.lines = [];
      this.seen = new Set();
    }
    this.version = payload.version;
    const now = new Set(payload.takenOver ?? []);
    const name = (seat: number) => payload.names[seat] ?? `Seat ${seat}`;
    for (const seat of now) if (!this.seen.has(seat)) this.add(seat, `${name(seat)}'s seat is played by an agent while they are away`);
    for (const seat of this.seen) if (!now.has(seat)) this.add(seat, `${name(seat)} is back`);
    this.seen = now;
    return this.lines;
  }

  private add(seat: number, text: string): void {
    this.lines.push({ key: `takeover-${++this.count}`, seat, text, tag: null, skipped: false, event: true });
  }
}

/** The conversations with the takeover lines added to the public one (the first). */
export function withTakeoverLines(conversations: Conversation[], lines: ChatLine[]): Conversation[] {
  if (!lines.length || !conversations.length) return conversations;
  const [first, ...rest] = conversations;
  return [{ ...first, lines: [...first.lines, ...lines.filter((line) => !first.lines.some((l) => l.key === line.key))] }, ...rest];
}

/** Badges for the seats an agent plays now, under the info card; null when there are none (or they are hidden). */
export function takeoverBadges(payload: StatePayload): HTMLElement | null {
  const seats = payload.takenOver ?? [];
  if (!seats.length) return null;
  return h(
    'p',
    { class: 'takeover-badges' },
    ...seats.map((seat) => h('span', { class: 'badge takeover', 'data-seat': seat, text: `${payload.names[seat] ?? `Seat ${seat}`} · agent playing (away)` })),
  );
}

/** The returning player's notice: what the agent did in their seat. */
export function handbackNotice(notice: HandbackPayload, onClose: () => void): HTMLElement {
  const did = notice.actions.length ? `it ${joinActions(notice.actions)}.` : 'it did not have to act.';
  const ok = h('button', { type: 'button', text: 'OK' });
  ok.addEventListener('click', onClose);
  return h('section', { class: 'card handback-notice', role: 'status', 'aria-label': 'While you were away' }, h('p', { text: `While you were away an agent played for you: ${did}` }), ok);
}

function joinActions(actions: readonly string[]): string {
  return actions.length === 1 ? actions[0] : `${actions.slice(0, -1).join(', ')} and ${actions[actions.length - 1]}`;
}
