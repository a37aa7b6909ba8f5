// The Traitors in the browser: reading a seat's or the spectator's view, and the DOM panels.
import type { SeatId } from '../../shared/engine/actions.ts';
import type { BallotRecord, EliminationRecord, RecruitmentRecord, Role, StatementRecord, TraitorsOutcome } from '../../shared/games/traitors/types.ts';
import { isNightBallot } from '../../shared/games/traitors/types.ts';
import type { TraitorsView } from '../../shared/games/traitors/view.ts';
import type { StatePayload } from '../../shared/protocol/index.ts';
import { hex, seatColour } from '../art/palette.ts';
import { h } from '../dom.ts';
import type { Store } from '../store.ts';
import { beliefsControl, chooseControl, speakControl, voteControl } from '../ui/controls.ts';
import type { ChatLine, Conversation, GameClient } from './types.ts';
import { seatKindsLine } from './seat-kinds.ts';
import { liveMetricsPanel } from './live-metrics.ts';
import { ownValue } from '../../shared/own.ts';
import { awayText, speakingNow, startGateText } from './presence.ts';
import { isWinner, knownEliminations, revealedRole, traitorsRecord, type RecordEntry, type TraitorsTable } from './traitors-record.ts';

export function traitorsView(payload: StatePayload): TraitorsView {
  return payload.view as TraitorsView;
}

/** The payload's view and, once the game is over, the engine's outcome (the end's reveals). */
export function traitorsTable(payload: StatePayload): TraitorsTable {
  return { view: traitorsView(payload), outcome: payload.outcome as TraitorsOutcome | null };
}

/** The role of `seat` as far as this viewer knows it (own role, fellows, reveals, the end, the spectator). */
export function knownRole({ view, outcome }: TraitorsTable, seat: SeatId): Role | null {
  if (outcome) return outcome.roles[seat];
  if (view.spectator) return view.spectator.roles[seat];
  if (view.seat === seat) return view.role;
  if (view.fellowTraitors?.includes(seat)) return 'traitor';
  const revealed = view.eliminations.find((e) => e.seat === seat && e.role !== null);
  return revealed?.role ?? null;
}

export { knownEliminations };

export function eliminationOf(table: TraitorsTable, seat: SeatId): EliminationRecord | null {
  return knownEliminations(table).find((e) => e.seat === seat) ?? null;
}

/** Who is present at the table (alive), by seat. */
export function aliveCount(view: TraitorsView): number {
  return view.alive.filter(Boolean).length;
}

function roleWord(role: Role): string {
  return role === 'traitor' ? 'Traitor' : 'Faithful';
}

function phaseLabel(payload: StatePayload): string {
  const view = traitorsView(payload);
  const r = view.round;
  switch (view.phase.kind) {
    case 'introductions':
      return 'Introductions';
    case 'discussion':
      return `Round ${r} · Discussion${view.phase.passes > 1 ? ` ${view.phase.pass}/${view.phase.passes}` : ''}`;
    case 'postBanishment':
      return `Round ${r} · After the banishment`;
    case 'beliefs':
      return `Round ${r} · Private suspicions`;
    case 'roundTable':
      return view.phase.ballot === 'revote' ? `Round ${r} · Revote` : `Round ${r} · Round table`;
    case 'night':
      return `Round ${r} · Night`;
    case 'nightChat':
      return `Round ${r} · Night · Traitors confer${view.phase.passes > 1 ? ` ${view.phase.pass}/${view.phase.passes}` : ''}`;
    case 'nightVote':
      return view.phase.ballot === 'recruit' ? `Round ${r} · Night · The offer` : `Round ${r} · Night · The murder`;
    case 'offer':
      return `Round ${r} · Night · The offer`;
    case 'resolving':
      return `Round ${r} · The votes are in`;
    case 'between':
      return `Round ${r} · Dawn`;
    case 'over':
      return 'Game over';
  }
}

function nameChip(view: TraitorsView, seat: SeatId): HTMLElement {
  const chip = h('span', { class: 'name-chip', text: view.names[seat] });
  chip.style.setProperty('--seat', hex(seatColour(seat)));
  return chip;
}

function suspicionGrid(view: TraitorsView): HTMLElement | null {
  const spectator = view.spectator;
  if (!spectator || spectator.beliefs.length === 0) return null;
  const latestRound = spectator.beliefs[spectator.beliefs.length - 1].round;
  const rows = spectator.beliefs.filter((b) => b.round === latestRound);
  const seats = view.names.map((_, seat) => seat);
  const table = h(
    'table',
    { class: 'suspicion-grid' },
    h('caption', { text: `Suspicions, round ${latestRound} (row → column, 0–100)` }),
    h('thead', {}, h('tr', {}, h('th', { scope: 'col', text: '' }), ...seats.map((s) => h('th', { scope: 'col', title: view.names[s], text: view.names[s].slice(0, 3) })))),
    h(
      'tbody',
      {},
      ...rows.map((record) =>
        h(
          'tr',
          {},
          h('th', { scope: 'row', text: view.names[record.seat] }),
          ...seats.map((target) => {
            const value = record.suspicion[String(target)];
            const cell = h('td', { text: value === undefined ? '' : String(Math.round(value)) });
            if (value !== undefined) cell.style.setProperty('--heat', String(value / 100));
            if (spectator.roles[target] === 'traitor') cell.classList.add('traitor-col');
            return cell;
          }),
        ),
      ),
    ),
  );
  return table;
}

function infoCard(payload: StatePayload): HTMLElement {
  const table = traitorsTable(payload);
  const view = table.view;
  const living = aliveCount(view);
  const census = h('p', { class: 'muted census', text: `${living} of ${view.names.length} still at the table${view.traitorCount !== null ? ` · ${view.traitorCount} traitor${view.traitorCount === 1 ? '' : 's'} in the game` : ''}` });
  if (view.seat === null) {
    const spectator = view.spectator;
    const votes = spectator?.castVotes?.length
      ? h(
          'ul',
          { class: 'live-votes', 'aria-label': 'Votes cast so far' },
          ...spectator.castVotes.map((vote) =>
            h('li', {}, nameChip(view, vote.seat), ' → ', vote.target === null ? 'abstained' : nameChip(view, vote.target)),
          ),
        )
      : null;
    const roles = spectator
      ? h(
          'ul',
          { class: 'role-list', 'aria-label': 'Roles' },
          ...spectator.roles.map((role, seat) =>
            h('li', { class: `${role} ${view.alive[seat] ? '' : 'out'}` }, nameChip(view, seat), h('span', { class: `role-tag ${role}`, text: roleWord(role) })),
          ),
        )
      : null;
    return h(
      'section',
      { class: 'card info-card spectator', 'aria-label': 'The whole truth' },
      h('h2', { text: 'Spectator — the whole truth' }),
      census,
      seatKindsLine(payload),
      liveMetricsPanel(payload),
      roles,
      offerLines(view),
      votes ? h('h3', { text: 'Secret votes so far' }) : null,
      votes,
      voteRecord(table),
      suspicionGrid(view),
    );
  }
  const role = view.role!;
  const me = view.seat;
  const out = eliminationOf(table, me);
  const fate = out
    ? h('p', { class: 'fate', text: out.cause === 'banished' ? `You were banished in round ${out.round}. Stay and watch how it ends.` : `You were murdered in the night of round ${out.round}. Stay and watch how it ends.` })
    : !view.alive[me] && view.seat !== null
      ? h('p', { class: 'fate', text: 'You are out of the game.' })
      : null;
  const goal =
    role === 'traitor'
      ? 'Stay hidden. Steer the round table onto the faithful, and choose a victim each night. You win when traitors are as many as the faithful.'
      : `Find the ${view.traitorCount ?? ''} traitor${view.traitorCount === 1 ? '' : 's'} hidden among you and banish them at the round table.`.replace('  ', ' ');
  const offers = offerLines(view);
  const fellows =
    role === 'traitor' && view.fellowTraitors
      ? h(
          'p',
          { class: 'fellows' },
          view.fellowTraitors.length ? 'Your fellow traitors: ' : 'You are the only traitor.',
          ...view.fellowTraitors.flatMap((seat, i) => [i ? ', ' : '', nameChip(view, seat), view.alive[seat] ? '' : ' (out)']),
        )
      : null;
  return h(
    'section',
    { class: `card info-card role-${role}`, 'aria-label': 'Your role' },
    h('p', { class: 'eyebrow', text: `You are ${view.names[me]}` }),
    h('h2', { class: 'role-title', text: role === 'traitor' ? 'You are a Traitor' : 'You are Faithful' }),
    h('p', { class: 'goal', text: goal }),
    fellows,
    offers,
    fate,
    census,
    playerList(table),
    voteRecord(table),
  );
}

/** What became of a recruitment offer, from this viewer's side (their own, or a fellow traitor's view of it). */
function offerWords(view: TraitorsView, offer: RecruitmentRecord): string {
  const mine = offer.seat === view.seat;
  const who = mine ? 'you' : view.names[offer.seat];
  if (offer.accepted === null) return mine ? `Night ${offer.round}: the traitors offered you a place among them.` : `Night ${offer.round}: the traitors offered ${who} a place among them — waiting for the answer.`;
  if (offer.accepted) return mine ? `Night ${offer.round}: you accepted the traitors’ offer and joined them.` : `Night ${offer.round}: ${who} accepted the offer and is now a traitor.`;
  const how = offer.timedOut ? ' (no answer in time)' : '';
  return mine ? `Night ${offer.round}: you refused the traitors’ offer${how}.` : `Night ${offer.round}: ${who} refused the offer${how}.`;
}

/** The recruitment offers this seat knows of (none for almost every faithful); the spectator's: all. */
function offerLines(view: TraitorsView): HTMLElement | null {
  const offers = view.recruitments ?? view.spectator?.recruitments ?? [];
  if (offers.length === 0) return null;
  return h('ul', { class: 'offer-record', 'aria-label': 'Recruitment offers' }, ...offers.map((offer) => h('li', { text: offerWords(view, offer) })));
}

function ballotTitle(ballot: BallotRecord): string {
  if (ballot.ballot === 'recruit') return 'Whom the traitors offer to recruit (secret)';
  return ballot.ballot === 'murder' ? 'The traitors’ choice (secret)' : ballot.ballot === 'revote' ? 'Revote' : 'Round table';
}

/** How a ballot ended: the tally, and a tie's fate (revote, lot, first vote). */
function ballotOutcome(view: TraitorsView, ballot: BallotRecord): string {
  const tally = ballot.tally.map((t) => `${view.names[t.seat]} ${t.votes}`).join(', ') || 'no votes';
  const tie = ballot.top.length > 1;
  const how =
    tie && ballot.tieBreak === 'random'
      ? ` — tied, broken by lot: ${ballot.eliminated !== null ? view.names[ballot.eliminated] : 'nobody'}`
      : tie && ballot.tieBreak === 'firstVote'
        ? ` — tied, the first vote cast decides: ${ballot.eliminated !== null ? view.names[ballot.eliminated] : 'nobody'}`
        : tie && ballot.tieBreak === 'firstVoteInSeatOrder'
          ? ` — tied, the first vote in seat order decides: ${ballot.eliminated !== null ? view.names[ballot.eliminated] : 'nobody'}`
        : tie && !isNightBallot(ballot.ballot)
          ? ` — tied: ${listOf(ballot.top.map((seat) => view.names[seat]))} go to a revote`
          : '';
  return `${tally}${how}`;
}

/** "Ada, Bob and Cid" */
function listOf(names: string[]): string {
  return names.length < 2 ? names.join('') : `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
}

function eliminationWords(view: TraitorsView, record: EliminationRecord): string {
  const role = revealedRole(record);
  if (record.cause === 'murdered') return `Night ${record.round}: ${view.names[record.seat]} was murdered.`;
  return `Round ${record.round}: ${view.names[record.seat]} was banished — ${role ? `they were ${role === 'traitor' ? 'a traitor' : 'faithful'}` : 'their role stays secret'}.`;
}

function recordItem(view: TraitorsView, entry: RecordEntry): HTMLElement {
  if (entry.kind === 'elimination') return h('li', { class: `record-elimination ${entry.record.cause}`, text: eliminationWords(view, entry.record) });
  const ballot = entry.ballot;
  return h(
    'li',
    { class: `record-ballot ${ballot.ballot}` },
    h('p', { class: 'ballot-title', text: ballotTitle(ballot) }),
    h(
      'ul',
      { class: 'ballot-votes' },
      ...ballot.votes.map((vote) => h('li', {}, nameChip(view, vote.seat), ' → ', vote.target === null ? 'abstained' : nameChip(view, vote.target))),
    ),
    h('p', { class: 'ballot-result', text: ballotOutcome(view, ballot) }),
  );
}

/**
 * Who voted for whom, round by round: every revealed round-table ballot, revotes and tie-breaks,
 * the eliminations, and the traitors' night choices for those who may see them (traitors,
 * spectator). Folded away until opened, so it never crowds the conversation.
 */
function voteRecord(table: TraitorsTable): HTMLElement | null {
  const view = table.view;
  const entries = traitorsRecord(table);
  if (!entries.length) return null;
  const rounds = new Map<number, RecordEntry[]>();
  for (const entry of entries) {
    const round = entry.kind === 'ballot' ? entry.ballot.round : entry.record.round;
    rounds.set(round, [...(rounds.get(round) ?? []), entry]);
  }
  // with hidden votes (the reference preset) a seat's record holds the eliminations only
  const title = view.votesRevealed || entries.some((e) => e.kind === 'ballot') ? 'Vote record' : 'Eliminations';
  return h(
    'details',
    { class: 'vote-record' },
    h('summary', { text: title }),
    h(
      'ol',
      { class: 'record-rounds', 'aria-label': `${title}, round by round` },
      ...[...rounds].map(([round, list]) => h('li', { class: 'record-round' }, h('h4', { text: `Round ${round}` }), h('ul', { class: 'record-entries' }, ...list.map((entry) => recordItem(view, entry))))),
    ),
  );
}

/** Everyone at the table with what is publicly known of them: for screen readers and small screens. */
function playerList(table: TraitorsTable): HTMLElement {
  const view = table.view;
  return h(
    'ul',
    { class: 'player-list', 'aria-label': 'Players' },
    ...view.names.map((_, seat) => {
      const out = eliminationOf(table, seat);
      const role = knownRole(table, seat);
      const status = out ? out.cause : view.alive[seat] ? null : 'out';
      return h(
        'li',
        { class: `${out ? 'out' : ''} ${view.speaker === seat ? 'speaking' : ''}` },
        nameChip(view, seat),
        view.seat === seat ? ' (you)' : '',
        status ? h('span', { class: 'status', text: status }) : null,
        role && (view.seat !== seat || out) ? h('span', { class: `role-tag ${role}`, text: roleWord(role) }) : null,
      );
    }),
  );
}

function announcements(previous: StatePayload, next: StatePayload): string[] {
  const before = traitorsView(previous);
  const later = traitorsTable(next);
  const now = later.view;
  const said: string[] = [];
  for (const ballot of now.ballots.slice(before.ballots.length)) {
    said.push(`Votes revealed: ${ballot.tally.map((t) => `${now.names[t.seat]} ${t.votes}`).join(', ') || 'nobody voted'}.`);
  }
  for (const e of now.eliminations.slice(before.eliminations.length)) {
    const role = e.role ?? knownRole(later, e.seat);
    said.push(`${now.names[e.seat]} ${e.cause === 'banished' ? 'is banished' : 'was murdered in the night'}.${role ? ` They were ${role === 'traitor' ? 'a traitor' : 'faithful'}.` : ''}`);
  }
  if (before.role === 'faithful' && now.role === 'traitor') said.push('You joined the traitors.');
  for (const offer of (now.recruitments ?? []).slice((before.recruitments ?? []).length)) said.push(offerWords(now, offer));
  if (!previous.pending && next.pending) said.push('Your turn.');
  return said;
}

function statementTag(record: StatementRecord): string {
  if (record.purpose === 'introduction') return 'Introduction';
  if (record.purpose === 'postBanishment') return `Round ${record.round} · after the banishment`;
  if (record.channel === 'traitors') return `Night ${record.round}`;
  return `Round ${record.round}`;
}

function lines(records: readonly StatementRecord[], prefix: string): ChatLine[] {
  return records.map((record, index) => ({
    key: `${prefix}${index}`,
    seat: record.seat,
    text: record.text,
    tag: statementTag(record),
    skipped: record.skipped,
  }));
}

/** What the table learnt, as a line of the conversation: votes revealed, a banishment, a murder. */
function eventLine(view: TraitorsView, entry: RecordEntry): ChatLine {
  if (entry.kind === 'elimination') {
    return { key: `e-out-${entry.index}`, seat: entry.record.seat, text: eliminationWords(view, entry.record), tag: null, skipped: false, event: true, eventKind: entry.record.cause };
  }
  const ballot = entry.ballot;
  const chose = ballot.eliminated !== null ? `the traitors chose ${view.names[ballot.eliminated]}` : 'the traitors’ votes';
  const what =
    ballot.ballot === 'recruit' ? `Night ${ballot.round}: whom to recruit` : ballot.ballot === 'murder' ? `Night ${ballot.round}: ${chose}` : `Round ${ballot.round}: ${ballot.ballot === 'revote' ? 'revote' : 'votes'} revealed`;
  return { key: `e-${isNightBallot(ballot.ballot) ? 'night' : 'ballot'}-${entry.index}`, seat: ballot.eliminated ?? ballot.top[0] ?? 0, text: `${what} — ${ballotOutcome(view, ballot)}.`, tag: null, skipped: false, event: true, eventKind: 'votes' };
}

/**
 * Statements and event lines in the order they happened: a round's talk comes before its votes,
 * and the talk after a banishment after the banishment.
 */
function withEvents(view: TraitorsView, statements: ChatLine[], records: readonly StatementRecord[], events: RecordEntry[]): ChatLine[] {
  const merged: ChatLine[] = [];
  let next = 0;
  for (const entry of events) {
    const round = entry.kind === 'ballot' ? entry.ballot.round : entry.record.round;
    const pastBanishment = entry.kind === 'ballot' ? isNightBallot(entry.ballot.ballot) : entry.record.cause === 'murdered';
    const before = (r: StatementRecord) => r.round < round || (r.round === round && (r.purpose !== 'postBanishment' || pastBanishment));
    while (next < records.length && before(records[next])) merged.push(statements[next++]);
    merged.push(eventLine(view, entry));
  }
  return [...merged, ...statements.slice(next)];
}

function conversations(payload: StatePayload): Conversation[] {
  const table = traitorsTable(payload);
  const view = table.view;
  const phase = view.phase.kind;
  const publicSpeaker = speakingNow(payload, phase === 'introductions' || phase === 'discussion' || phase === 'postBanishment' ? view.speaker : null);
  const record = traitorsRecord(table);
  const publicEvents = record.filter((entry) => entry.kind === 'elimination' || !isNightBallot(entry.ballot.ballot));
  const list: Conversation[] = [
    {
      id: 'public',
      title: 'Round table',
      secret: false,
      lines: [...moderatorLines(view), ...withEvents(view, lines(view.statements, 'p'), view.statements, publicEvents)],
      speaker: publicSpeaker,
    },
  ];
  if (view.traitorChat) {
    const nightEvents = record.filter((entry) => entry.kind === 'ballot' && isNightBallot(entry.ballot.ballot));
    const chat = [...withEvents(view, lines(view.traitorChat, 't'), view.traitorChat, nightEvents), ...offerEventLines(view)];
    list.push({ id: 'traitors', title: "Traitors' chat", secret: true, lines: chat, speaker: speakingNow(payload, phase === 'nightChat' ? view.speaker : null) });
  }
  return list;
}

/** The offers' answers as event lines of the traitors' chat (after the night's talk and ballot they answer). */
function offerEventLines(view: TraitorsView): ChatLine[] {
  return (view.recruitments ?? []).map((offer, index) => ({ key: `e-offer-${index}-${String(offer.accepted)}`, seat: offer.seat, text: offerWords(view, offer), tag: null, skipped: false, event: true, eventKind: 'votes' }));
}

/** The moderator's introductions (`introductions: "biographies"`), read before round 1. */
function moderatorLines(view: TraitorsView): ChatLine[] {
  const read = view.biographies;
  if (!read) return [];
  const out: ChatLine[] = read.biographies.map((b) => ({ key: `bio-${b.seat}`, seat: b.seat, text: `Moderator: ${b.text}`, tag: null, skipped: false, event: true }));
  if (read.unknown.length > 0) {
    const who = read.unknown.map((s) => view.names[s]).join(', ');
    out.push({ key: 'bio-unknown', seat: read.unknown[0], text: `Moderator: I have no background information about ${who}.`, tag: null, skipped: false, event: true });
  }
  return out;
}

/** Which conversation to bring forward in this phase. */
export function focusedConversation(payload: StatePayload): string {
  const view = traitorsView(payload);
  return view.phase.kind === 'nightChat' && view.traitorChat ? 'traitors' : 'public';
}

const SPEAK_PROMPTS: Record<string, string> = {
  introduction: 'Introduce yourself to the table.',
  discussion: 'Your turn at the round table: who do you suspect, and why?',
  traitorChat: 'Whisper to your fellow traitors: who should die tonight?',
  postBanishment: 'The banished player’s role is out. Your thoughts on it?',
};

/** The offer's two answers, in the words the offered player reads. */
function offerChoices(refusal: 'none' | 'murdered'): Record<string, { button: string; meaning: string; danger?: boolean }> {
  return {
    accept: { button: 'Accept — join the traitors', meaning: 'You become a traitor from now on: you learn who the traitors are, join their night chat and votes, and win with them.' },
    refuse: {
      button: 'Refuse — stay faithful',
      meaning: refusal === 'murdered' ? 'You stay faithful, but the traitors murder you tonight.' : 'You stay faithful; the game goes on as before.',
      danger: refusal === 'murdered',
    },
  };
}

function controls(payload: StatePayload, store: Store): HTMLElement {
  const view = traitorsView(payload);
  const pending = payload.pending!;
  const names = [...view.names];
  switch (pending.kind) {
    case 'speak': {
      let prompt = ownValue(SPEAK_PROMPTS, pending.purpose) ?? 'Your turn to speak.';
      if (pending.purpose === 'traitorChat' && view.phase.kind === 'nightChat' && view.phase.ballot === 'recruit') prompt = 'A traitor was banished: tonight there is no murder. Whisper to your fellow traitors: whom should we offer to join us?';
      if (pending.purpose === 'discussion' && view.phase.kind === 'discussion' && view.phase.pass > 1) prompt = 'Your turn again: answer what was said.';
      if (pending.purpose === 'traitorChat' && view.phase.kind === 'nightChat' && view.phase.passes > 1 && view.phase.pass === view.phase.passes) prompt = 'Time to agree: whom do the traitors murder tonight?';
      const placeholder = pending.channel === 'traitors' ? 'Only traitors read this…' : 'Speak to the table…';
      return speakControl(store, pending, prompt, placeholder);
    }
    case 'vote': {
      const prompt =
        pending.purpose === 'murder'
          ? 'Choose tonight’s victim.'
          : pending.purpose === 'recruit'
            ? 'Choose whom to offer a place among the traitors.'
          : pending.purpose === 'revote'
            ? 'A tie! Revote between the tied players.'
            : 'Round table: who should be banished?';
      return voteControl(store, pending, names, prompt, pending.purpose === 'murder', (seat) => hex(seatColour(seat)));
    }
    case 'beliefs':
      return beliefsControl(store, pending, names);
    case 'choose': {
      // the offer names no traitor: the player learns who they are only by accepting
      const refusal = view.phase.kind === 'offer' ? view.phase.refusal : 'none';
      return chooseControl(store, pending, 'The traitors offer you a place among them. Only you and they know of this offer.', offerChoices(refusal), true);
    }
    default:
      return h('p', { class: 'muted', text: `Asked: ${pending.kind}.` });
  }
}

function waitingText(payload: StatePayload): string {
  const gate = startGateText(payload);
  if (gate) return gate;
  const view = traitorsView(payload);
  const name = (seat: SeatId) => view.names[seat];
  const out = view.seat !== null && !view.alive[view.seat];
  const prefix = out ? 'You are out. ' : '';
  switch (view.phase.kind) {
    case 'introductions':
    case 'discussion':
    case 'postBanishment':
      return `${prefix}${awayText(payload, view.phase.speaker) ?? `${name(view.phase.speaker)} is speaking…`}`;
    case 'nightChat':
      return `${prefix}${awayText(payload, view.phase.speaker) ?? `${name(view.phase.speaker)} is whispering…`}`;
    case 'beliefs':
      return `${prefix}Everyone is privately weighing their suspicions…`;
    case 'roundTable': {
      const mine = view.myVote?.target;
      const left = view.phase.waitingFor.length;
      if (mine !== undefined && mine !== null) return `You voted for ${name(mine)}. Waiting for ${left} more vote${left === 1 ? '' : 's'}…`;
      return `${prefix}The round table is voting (${left} still to vote)…`;
    }
    case 'nightVote': {
      const mine = view.myVote?.target;
      if (mine !== undefined && mine !== null) return `You chose ${name(mine)}. Waiting for your fellow traitors…`;
      return `${prefix}${view.phase.ballot === 'recruit' ? 'The traitors are choosing whom to recruit…' : 'The traitors are choosing a victim…'}`;
    }
    case 'offer':
      return view.phase.seat === view.seat ? 'The traitors await your answer…' : `${prefix}${name(view.phase.seat)} is considering the traitors’ offer…`;
    case 'night':
      return `${prefix}Night falls. The traitors are choosing a victim…`;
    case 'resolving':
      return 'The votes are counted…';
    case 'between':
      return 'Dawn breaks…';
    case 'over':
      return 'The game is over.';
  }
}

function ballotSummary(view: TraitorsView, ballot: BallotRecord): HTMLElement {
  const tally = ballot.tally.map((t) => `${view.names[t.seat]} ${t.votes}`).join(', ') || 'no votes';
  const kind = ballot.ballot === 'revote' ? 'Revote' : ballot.ballot === 'murder' ? 'Night vote' : ballot.ballot === 'recruit' ? 'Night offer' : 'Round table';
  return h('li', {}, h('span', { class: 'tag', text: kind }), ` ${tally}`);
}

function results(payload: StatePayload): HTMLElement {
  const table = traitorsTable(payload);
  const { view, outcome } = table;
  const roles = outcome?.roles ?? [];
  const winner = outcome?.winner ?? null;
  const verdict = winner === 'faithful' ? 'The faithful win!' : winner === 'traitors' ? 'The traitors win!' : 'The session has ended.';
  const why =
    outcome?.reason === 'noTraitorsLeft'
      ? 'Every traitor was banished.'
      : outcome?.reason === 'traitorsReachedParity'
        ? 'The traitors became as many as the faithful.'
        : outcome?.reason === 'maxRounds'
          ? 'The rounds ran out with traitors still hidden.'
          : '';
  let personal: string | null = null;
  if (view.seat !== null && outcome) {
    const mine = roles[view.seat] === 'traitor' ? 'a traitor' : 'faithful';
    personal = `You were ${mine} — you ${isWinner(table, view.seat) ? 'won' : 'lost'}.`;
  }
  const players = h(
    'ul',
    { class: 'reveal-list', 'aria-label': 'Every role revealed' },
    ...view.names.map((_, seat) => {
      const role = roles[seat];
      const out = eliminationOf(table, seat);
      const fate = out ? (out.cause === 'banished' ? `banished in round ${out.round}` : `murdered in night ${out.round}`) : view.alive[seat] ? 'survived' : 'murdered';
      const recruited = (outcome?.recruitments ?? []).find((r) => r.seat === seat && r.accepted);
      return h(
        'li',
        { class: `${role ?? ''} ${out ? 'out' : ''}` },
        nameChip(view, seat),
        role ? h('span', { class: `role-tag ${role}`, text: roleWord(role) }) : null,
        recruited ? h('span', { class: 'fate-tag recruited', text: `recruited in night ${recruited.round}` }) : null,
        h('span', { class: 'fate-tag', text: fate }),
      );
    }),
  );
  const rounds: HTMLElement[] = [];
  const lastRound = Math.max(view.round, ...knownEliminations(table).map((e) => e.round), 0);
  for (let r = 1; r <= lastRound; r++) {
    const ballots = view.ballots.filter((b) => b.round === r);
    const night = (view.nightBallots ?? []).filter((b) => b.round === r);
    const events = knownEliminations(table).filter((e) => e.round === r);
    if (!ballots.length && !events.length && !night.length) continue;
    rounds.push(
      h(
        'li',
        {},
        h('h4', { text: `Round ${r}` }),
        h(
          'ul',
          { class: 'round-events' },
          ...ballots.map((b) => ballotSummary(view, b)),
          ...night.map((b) => ballotSummary(view, b)),
          ...events.map((e) =>
            h(
              'li',
              { class: e.cause },
              nameChip(view, e.seat),
              ` ${e.cause === 'banished' ? 'was banished' : 'was murdered'} — ${roles[e.seat] ? roleWord(roles[e.seat]).toLowerCase() : 'role unknown'}`,
            ),
          ),
        ),
      ),
    );
  }
  return h(
    'section',
    { class: `results winner-${winner ?? 'none'}`, 'aria-labelledby': 'results-heading' },
    h('h2', { id: 'results-heading', text: 'Game over' }),
    h('p', { class: 'verdict', text: verdict }),
    why ? h('p', { class: 'muted', text: why }) : null,
    personal ? h('p', { class: 'personal', text: personal }) : null,
    h('h3', { text: 'Everyone revealed' }),
    players,
    rounds.length ? h('h3', { text: 'Round by round' }) : null,
    rounds.length ? h('ol', { class: 'round-summary' }, ...rounds) : null,
  );
}

/** The table's panels (its title, lobby card and quick-play preset are in the catalogue, client/games/index.ts). */
export const traitorsClient: GameClient = {
  stage: () => import('./traitors-stage.ts').then((module) => module.traitorsStage),
  phaseLabel,
  infoCard,
  conversations,
  focusedConversation,
  controls,
  waitingText,
  announcements,
  results,
};
