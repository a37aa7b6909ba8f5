// The console's live session table: every session the server pushes over `/console`, sortable and
// filterable. Pushed changes go into a Map keyed by id; only changed rows are rebuilt, renders are
// batched per animation frame, and one 1 s timer touches only the time cells. Stays responsive with
// hundreds of live sessions; window.parleyConsoleStats says how long renders take (npm run bench).
import type { ConsoleSessionsMessage, SessionSummary } from '../../shared/protocol/console.ts';
import { h } from '../dom.ts';
import { createEndDialog } from './end-dialog.ts';
import { openFeed, type FeedStatus } from './feed.ts';
import { buildRow, tick, type SessionRow } from './session-row.ts';

export interface ConsoleStats {
  rows: number;
  renders: number;
  lastRenderMs: number;
  maxRenderMs: number;
}

declare global {
  interface Window {
    parleyConsoleStats?: ConsoleStats;
  }
}

type SortKey = 'created' | 'game' | 'status' | 'activity';
type StatusFilter = 'all' | SessionSummary['status'];

const FEED_WORDS: Record<FeedStatus, string> = { connecting: 'Connecting…', live: 'Live', reconnecting: 'Reconnecting…' };
/** active first, the stuck ones on top */
const STATUS_ORDER: Record<SessionSummary['status'], number> = { active: 1, finished: 2, ended: 3 };

const COLUMNS: { key: SortKey | null; label: string; className: string }[] = [
  { key: 'created', label: 'Session', className: 'col-id' },
  { key: 'game', label: 'Game', className: 'col-game' },
  { key: 'status', label: 'Status', className: 'col-status' },
  { key: null, label: 'Seats', className: 'col-seats' },
  { key: 'activity', label: 'Last activity', className: 'col-activity' },
  { key: null, label: 'Actions', className: 'col-actions' },
];

function compare(a: SessionSummary, b: SessionSummary, key: SortKey): number {
  switch (key) {
    case 'created':
      return a.createdAt - b.createdAt || a.id.localeCompare(b.id);
    case 'game':
      return a.game.localeCompare(b.game) || a.preset.localeCompare(b.preset) || a.createdAt - b.createdAt;
    case 'status':
      return Number(b.stuck) - Number(a.stuck) || STATUS_ORDER[a.status] - STATUS_ORDER[b.status] || a.createdAt - b.createdAt;
    case 'activity':
      return a.lastActivityAt - b.lastActivityAt || a.id.localeCompare(b.id);
  }
}

/** What the filter box searches: id, game, preset, seat names and labels, the study. */
function searchText(summary: SessionSummary): string {
  const parts = [summary.id, summary.game, summary.preset];
  for (const seat of summary.seats) parts.push(seat.name, seat.label ?? '', seat.agent ?? '');
  if (summary.study) parts.push(summary.study.id, summary.study.slug, summary.study.arm);
  return parts.join(' ').toLowerCase();
}

export function mountSessions(container: HTMLElement): () => void {
  const sessions = new Map<string, SessionSummary>();
  const rows = new Map<string, SessionRow>();
  const searchable = new Map<string, string>();
  const dirty = new Set<string>();
  let serverOffset = 0;
  let sort: { key: SortKey; descending: boolean } = { key: 'created', descending: true };
  let frame: number | null = null;
  let orderChanged = true;
  const stats: ConsoleStats = { rows: 0, renders: 0, lastRenderMs: 0, maxRenderMs: 0 };
  window.parleyConsoleStats = stats;

  // ---- controls
  const search = h('input', { type: 'search', id: 'session-filter', placeholder: 'id, game, label or study', autocomplete: 'off' });
  const status = h(
    'select',
    { id: 'session-status' },
    h('option', { value: 'all', text: 'All' }),
    h('option', { value: 'active', text: 'Active' }),
    h('option', { value: 'finished', text: 'Finished' }),
    h('option', { value: 'ended', text: 'Ended' }),
  );
  const stuckOnly = h('input', { type: 'checkbox', id: 'session-stuck' });
  const count = h('p', { class: 'session-count', 'aria-live': 'polite' });
  const feedStatus = h('span', { class: 'connection', role: 'status', 'data-status': 'connecting', text: FEED_WORDS.connecting });
  const headerCells = COLUMNS.map((column) => {
    const th = h('th', { scope: 'col', class: column.className });
    if (column.key) {
      const key = column.key;
      const button = h('button', { type: 'button', class: 'sort-button', text: column.label });
      button.addEventListener('click', () => {
        sort = { key, descending: sort.key === key ? !sort.descending : key === 'created' || key === 'activity' };
        orderChanged = true;
        updateSortMarks();
        schedule();
      });
      th.append(button);
    } else th.textContent = column.label;
    return { th, key: column.key };
  });
  const tbody = h('tbody');
  const table = h('table', { class: 'sessions-table', 'aria-label': 'Sessions' }, h('thead', {}, h('tr', {}, ...headerCells.map((c) => c.th))), tbody);
  const empty = h('p', { class: 'sessions-empty muted' });
  const dialog = createEndDialog();

  const section = h(
    'section',
    { class: 'card console-card sessions-card', 'aria-labelledby': 'sessions-heading' },
    h('div', { class: 'console-card-head' }, h('h2', { id: 'sessions-heading', text: 'Sessions' }), count, h('span', { class: 'spacer' }), feedStatus),
    h(
      'div',
      { class: 'session-filters' },
      h('label', { class: 'filter-search' }, h('span', { class: 'visually-hidden', text: 'Filter sessions' }), search),
      h('label', { class: 'filter-status' }, h('span', { text: 'Status' }), status),
      h('label', { class: 'filter-stuck' }, stuckOnly, h('span', { text: 'Stuck only' })),
    ),
    h('div', { class: 'table-scroll' }, table),
    empty,
    dialog.element,
  );
  container.append(section);

  function updateSortMarks(): void {
    for (const { th, key } of headerCells) {
      if (!key) continue;
      th.setAttribute('aria-sort', key === sort.key ? (sort.descending ? 'descending' : 'ascending') : 'none');
    }
  }
  updateSortMarks();

  const onEnd = (summary: SessionSummary) => dialog.open(summary);
  const now = () => Date.now() + serverOffset;

  function schedule(): void {
    if (frame === null) frame = requestAnimationFrame(render);
  }

  function visible(): SessionSummary[] {
    const text = search.value.trim().toLowerCase();
    const wanted = status.value as StatusFilter;
    const list: SessionSummary[] = [];
    for (const summary of sessions.values()) {
      if (wanted !== 'all' && summary.status !== wanted) continue;
      if (stuckOnly.checked && !summary.stuck) continue;
      if (text && !searchable.get(summary.id)!.includes(text)) continue;
      list.push(summary);
    }
    const sign = sort.descending ? -1 : 1;
    return list.sort((a, b) => sign * compare(a, b, sort.key));
  }

  function render(): void {
    frame = null;
    const started = performance.now();
    const at = now();
    for (const id of dirty) {
      const summary = sessions.get(id);
      const row = rows.get(id);
      if (!summary) {
        row?.tr.remove();
        rows.delete(id);
        continue;
      }
      const built = buildRow(summary, onEnd, row);
      rows.set(id, built);
      tick(built, at);
    }
    dirty.clear();
    if (orderChanged) {
      orderChanged = false;
      // keyed reconcile: move rows only where the order differs, then drop the ones filtered out
      let cursor = tbody.firstChild;
      const shown = visible();
      for (const summary of shown) {
        const tr = rows.get(summary.id)!.tr;
        if (tr === cursor) cursor = cursor.nextSibling;
        else tbody.insertBefore(tr, cursor);
      }
      while (cursor) {
        const next = cursor.nextSibling;
        cursor.remove();
        cursor = next;
      }
      empty.textContent = shown.length > 0 ? '' : sessions.size === 0 ? 'No sessions yet. Create one with the form above.' : 'No session matches the filter.';
      empty.hidden = shown.length > 0;
    }
    let active = 0;
    let stuck = 0;
    for (const summary of sessions.values()) {
      if (summary.status === 'active') active++;
      if (summary.stuck) stuck++;
    }
    count.textContent = `${sessions.size} ${sessions.size === 1 ? 'session' : 'sessions'} · ${active} active · ${stuck} stuck`;
    const took = performance.now() - started;
    stats.rows = tbody.rows.length;
    stats.renders++;
    stats.lastRenderMs = took;
    stats.maxRenderMs = Math.max(stats.maxRenderMs, took);
  }

  function receive(message: ConsoleSessionsMessage): void {
    serverOffset = message.serverNow - Date.now();
    if (message.full) {
      for (const id of sessions.keys()) dirty.add(id);
      sessions.clear();
      searchable.clear();
      for (const summary of message.sessions) put(summary);
    } else {
      for (const summary of message.upsert) put(summary);
      for (const id of message.remove) {
        sessions.delete(id);
        searchable.delete(id);
        dirty.add(id);
      }
    }
    // a changed row may move (sort by activity or status) or leave the filter
    orderChanged = true;
    schedule();
  }

  function put(summary: SessionSummary): void {
    sessions.set(summary.id, summary);
    searchable.set(summary.id, searchText(summary));
    dirty.add(summary.id);
  }

  const refilter = () => {
    orderChanged = true;
    schedule();
  };
  search.addEventListener('input', refilter);
  status.addEventListener('change', refilter);
  stuckOnly.addEventListener('change', refilter);

  const closeFeed = openFeed({
    onSessions: receive,
    onStatus: (state) => {
      feedStatus.dataset.status = state === 'live' ? 'connected' : state;
      feedStatus.textContent = FEED_WORDS[state];
    },
  });
  // relative times: one timer for the whole table, only the rows on screen
  const clock = window.setInterval(() => {
    const at = now();
    for (const tr of tbody.rows) {
      const row = rows.get(tr.dataset.session!);
      if (row) tick(row, at);
    }
  }, 1000);
  render();

  return () => {
    closeFeed();
    window.clearInterval(clock);
    if (frame !== null) cancelAnimationFrame(frame);
    section.remove();
  };
}
