// One row of the console's session table, built from a SessionSummary. Rows are keyed by session
// id and rebuilt only when their session changes; the time cells tick separately (tick()).
import type { SeatSummary, SessionSummary } from '../../shared/protocol/console.ts';
import { h } from '../dom.ts';
import { formatAgo, formatDuration, formatWhen } from './format.ts';

const KIND_LETTER: Record<SeatSummary['kind'], string> = { human: 'H', agent: 'A', external: 'X' };
const KIND_WORD: Record<SeatSummary['kind'], string> = { human: 'human', agent: 'agent', external: 'external program' };

export interface SessionRow {
  tr: HTMLTableRowElement;
  summary: SessionSummary;
  /** the cells whose text depends on the clock */
  activity: HTMLTimeElement;
  away: { element: HTMLElement; since: number }[];
}

/** Everything a row links to: the spectator view (through /console/watch, which looks up its token), replay and downloads. */
export function sessionLinks(id: string): { watch: string; replay: string; export: string; report: string; events: string } {
  const encoded = encodeURIComponent(id);
  return {
    watch: `/console/watch/${encoded}`,
    replay: `/replay/${encoded}`,
    export: `/api/sessions/${encoded}/export`,
    report: `/api/sessions/${encoded}/report`,
    events: `/api/sessions/${encoded}/events`,
  };
}

function seatChip(seat: SeatSummary, active: boolean, away: SessionRow['away']): HTMLElement {
  const state = seat.kind === 'agent' ? 'agent' : seat.takenOver ? 'taken-over' : seat.connected ? 'connected' : 'away';
  const details = [`Seat ${seat.seat + 1}: ${KIND_WORD[seat.kind]}`, seat.label ? `label ${seat.label}` : '', seat.agent ? `plays ${seat.agent}` : ''].filter(Boolean).join(', ');
  const chip = h(
    'span',
    { class: `seat-chip seat-${state}`, title: details },
    h('span', { class: `seat-kind kind-${seat.kind}`, 'aria-label': KIND_WORD[seat.kind], text: KIND_LETTER[seat.kind] }),
    h('span', { class: 'seat-name', text: seat.name }),
    seat.label ? h('span', { class: 'seat-label', text: seat.label }) : null,
  );
  // how long a seat has been away counts only while the game goes on
  if (active && seat.kind !== 'agent' && !seat.connected && seat.awaySince !== null) {
    const element = h('span', { class: 'away-time' });
    away.push({ element, since: seat.awaySince });
    chip.append(element);
  }
  if (seat.takenOver) chip.append(h('span', { class: 'badge badge-agent', text: 'agent' }));
  if (seat.pending) chip.append(h('span', { class: 'seat-pending', title: `owes: ${seat.pending}`, text: seat.pending }));
  return chip;
}

function statusCell(summary: SessionSummary): HTMLTableCellElement {
  const progress = [summary.phase, summary.round !== null ? `round ${summary.round}` : null].filter(Boolean).join(' · ');
  const cell = h(
    'td',
    { class: 'status-cell' },
    h('span', { class: `badge status-${summary.status}`, text: summary.status }),
    summary.stuck ? h('span', { class: 'badge badge-stuck', title: 'Nothing has happened for longer than the pending deadline allows', text: 'stuck' }) : null,
  );
  if (progress) cell.append(h('span', { class: 'phase-text', text: progress }));
  const note = summary.status === 'ended' ? summary.endReason : summary.status === 'finished' ? summary.summary : null;
  if (note) cell.append(h('span', { class: 'status-note', title: note, text: note }));
  return cell;
}

function actionsCell(summary: SessionSummary, onEnd: (summary: SessionSummary) => void): HTMLTableCellElement {
  const links = sessionLinks(summary.id);
  const link = (text: string, href: string, newTab: boolean) =>
    h('a', { class: 'row-link', href, target: newTab ? '_blank' : null, rel: newTab ? 'noopener' : null, text });
  const cell = h(
    'td',
    { class: 'actions-cell' },
    link('Watch', links.watch, true),
    link('Replay', links.replay, true),
    link('Export', links.export, false),
    link('Report', links.report, true),
    link('Events', links.events, true),
  );
  if (summary.status === 'active') {
    const end = h('button', { type: 'button', class: 'row-end danger', text: 'End session' });
    end.addEventListener('click', () => onEnd(summary));
    cell.append(end);
  }
  return cell;
}

/** (Re)fill `row` (or a new one) with `summary`'s cells. */
export function buildRow(summary: SessionSummary, onEnd: (summary: SessionSummary) => void, row?: SessionRow): SessionRow {
  const away: SessionRow['away'] = [];
  const activity = h('time', { datetime: new Date(summary.lastActivityAt).toISOString(), title: formatWhen(summary.lastActivityAt) });
  const tr = row?.tr ?? h('tr');
  tr.dataset.session = summary.id;
  tr.className = [summary.stuck ? 'is-stuck' : '', `is-${summary.status}`].filter(Boolean).join(' ');
  const study = summary.study ? h('span', { class: 'badge badge-study', title: `study ${summary.study.id}, arm ${summary.study.arm}`, text: `${summary.study.slug} · ${summary.study.arm}` }) : null;
  tr.replaceChildren(
    h(
      'td',
      { class: 'id-cell' },
      h('code', { class: 'session-id', text: summary.id }),
      summary.quickplay ? h('span', { class: 'badge badge-quick', text: 'quick play' }) : null,
      study,
    ),
    h('td', { class: 'game-cell' }, h('span', { class: 'game-name', text: summary.game }), h('span', { class: 'preset-name', text: summary.preset })),
    statusCell(summary),
    h('td', { class: 'seats-cell' }, h('span', { class: 'seat-chips' }, ...summary.seats.map((seat) => seatChip(seat, summary.status === 'active', away)))),
    h('td', { class: 'activity-cell' }, activity),
    actionsCell(summary, onEnd),
  );
  const built: SessionRow = row ?? { tr, summary, activity, away };
  built.summary = summary;
  built.activity = activity;
  built.away = away;
  return built;
}

/** Bring the row's time texts up to `now` (server clock); touches the DOM only where the text changes. */
export function tick(row: SessionRow, now: number): void {
  setText(row.activity, formatAgo(now - row.summary.lastActivityAt));
  for (const { element, since } of row.away) setText(element, `away ${formatDuration(now - since)}`);
}

function setText(element: HTMLElement, text: string): void {
  if (element.textContent !== text) element.textContent = text;
}
