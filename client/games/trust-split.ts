// Trust-and-Split in the browser: a seat's or the spectator's view read into one model, and its DOM panels.
import type { SeatId } from '../../shared/engine/actions.ts';
import type { PerSeat } from '../../shared/games/trust-split/events.ts';
import type { Hand, Position } from '../../shared/games/trust-split/hands.ts';
import type { TrustSplitView } from '../../shared/games/trust-split/view.ts';
import type { StatePayload } from '../../shared/protocol/index.ts';
import { handIcon } from '../art/hand-icons.ts';
import { formatPoints, h } from '../dom.ts';
import type { Store } from '../store.ts';
import { proposeControl, speakControl } from '../ui/controls.ts';
import type { ChatLine, Conversation, GameClient } from './types.ts';
import { liveMetricsPanel } from './live-metrics.ts';
import { seatKindsLine } from './seat-kinds.ts';
import { awayText, speakingNow, startGateText } from './presence.ts';

/** One finished round as far as the viewer may know it. */
export interface RoundSummary {
  round: number;
  hands: PerSeat<Hand | null>;
  positions: PerSeat<Position | null>;
  proposals: PerSeat<number>;
  coins: PerSeat<number | null>;
  points: PerSeat<number | null>;
}

export interface TrustSplitModel {
  /** the viewer's seat; null for the spectator */
  me: SeatId | null;
  names: string[];
  round: number;
  rounds: number;
  coins: number;
  upperValue: number;
  lowerValue: number;
  phase: TrustSplitView['phase'];
  speaker: SeatId | null;
  /** hands the viewer may see this round */
  hands: PerSeat<Hand | null>;
  /** this round's upper seat, when the viewer may know it (spectator) */
  upper: SeatId | null;
  /** this round's proposals the viewer may see (own, or both for the spectator) */
  proposals: PerSeat<number | null>;
  history: RoundSummary[];
  /** running points when the feedback mode shows them */
  totals: PerSeat<number> | null;
  finalPoints: PerSeat<number> | null;
  winners: SeatId[] | null;
  feedback: 'reference' | 'full';
  messages: TrustSplitView['messages'];
  messagesPerRound: number;
  /** the configuration asks the end screen to name a winner (off by default, and in studies) */
  showWinner: boolean;
}

export function other(seat: SeatId): SeatId {
  return seat === 0 ? 1 : 0;
}

export function readTrustSplit(payload: StatePayload): TrustSplitModel {
  const view = payload.view as TrustSplitView;
  const base = {
    names: view.names,
    round: view.round,
    rounds: view.config.rounds,
    coins: view.config.coins,
    upperValue: view.config.upperValue,
    lowerValue: view.config.lowerValue,
    phase: view.phase,
    speaker: view.speaker,
    finalPoints: view.finalPoints,
    winners: view.winners,
    feedback: view.config.feedback,
    messages: view.messages,
    messagesPerRound: view.config.messagesPerRound,
    showWinner: view.config.showWinner === true,
  };
  if (view.kind === 'spectator') {
    return {
      ...base,
      me: null,
      hands: view.hands,
      upper: view.upper,
      proposals: view.proposals,
      totals: view.totals,
      history: view.history.map((r) => ({
        round: r.round,
        hands: r.hands,
        positions: [r.upper === 0 ? 'upper' : 'lower', r.upper === 1 ? 'upper' : 'lower'],
        proposals: r.proposals,
        coins: r.coinsReceived,
        points: r.points,
      })),
    };
  }
  const me = view.seat;
  const hands: PerSeat<Hand | null> = [null, null];
  hands[me] = view.hand;
  const proposals: PerSeat<number | null> = [null, null];
  proposals[me] = view.proposal;
  const history = view.history.map((record): RoundSummary => {
    const pair = <T,>(mine: T, theirs: T): PerSeat<T> => (me === 0 ? [mine, theirs] : [theirs, mine]);
    const myPosition: Position = record.otherPosition === 'upper' ? 'lower' : 'upper';
    return {
      round: record.round,
      hands: pair<Hand | null>(record.hand, record.full?.otherHand ?? null),
      positions: pair<Position | null>(myPosition, record.otherPosition),
      proposals: pair(record.proposal, record.otherProposal),
      coins: pair<number | null>(record.full?.coins ?? null, record.full?.otherCoins ?? null),
      points: pair<number | null>(record.full?.points ?? null, record.full?.otherPoints ?? null),
    };
  });
  return { ...base, me, hands, upper: null, proposals, totals: view.totals, history };
}

function phaseLabel(payload: StatePayload): string {
  const m = readTrustSplit(payload);
  if (m.phase === 'over') return `Game over · ${m.rounds} round${m.rounds === 1 ? '' : 's'}`;
  const stage = m.phase === 'talk' ? 'Talk' : 'Secret proposals';
  return `Round ${m.round} of ${m.rounds} · ${stage}`;
}

function handWord(hand: Hand): string {
  return hand.charAt(0).toUpperCase() + hand.slice(1);
}

/** Last round's feedback in one sentence per seat, as the feedback mode allows. */
export function lastRoundLines(m: TrustSplitModel): string[] {
  const last = m.history[m.history.length - 1];
  if (!last) return [];
  return ([0, 1] as const).map((seat) => {
    const who = m.me === seat ? 'You' : m.names[seat];
    const hand = last.hands[seat] ? ` ${last.hands[seat]}` : '';
    const position = last.positions[seat] ? ` (${last.positions[seat]})` : '';
    const points = last.points[seat] !== null ? ` → ${formatPoints(last.points[seat]!)} points` : '';
    return `${who}${hand}${position} asked ${last.proposals[seat]}${points}`;
  });
}

function announcements(previous: StatePayload, next: StatePayload): string[] {
  const before = readTrustSplit(previous);
  const now = readTrustSplit(next);
  const said: string[] = [];
  if (now.history.length > before.history.length) said.push(`Round ${now.history[now.history.length - 1].round} resolved. ${lastRoundLines(now).join('. ')}.`);
  if (!previous.pending && next.pending) said.push(next.pending.kind === 'propose' ? 'Your turn to propose.' : 'Your turn to talk.');
  return said;
}

function infoCard(payload: StatePayload): HTMLElement {
  const m = readTrustSplit(payload);
  const last = lastRoundLines(m);
  const feedback = last.length
    ? h('div', { class: 'last-round' }, h('h3', { text: `Last round (${m.history[m.history.length - 1].round})` }), h('ul', {}, ...last.map((line) => h('li', { text: line }))))
    : null;
  const rules = h(
    'details',
    { class: 'rules' },
    h('summary', { text: 'How scoring works' }),
    `Each round you share ${m.coins} coins. The winning hand (rock beats scissors beats paper beats rock) earns ${m.upperValue} points a coin, the losing hand ${m.lowerValue}. `,
    'Propose secretly how many coins you keep: if the proposals fit, each gets theirs; if they ask for too many, coins are split in proportion — which is where points with decimals come from.',
  );
  // opened at the foot of a scrolling card: bring the whole explanation into view
  rules.addEventListener('toggle', () => {
    if (rules.open) rules.scrollIntoView({ block: 'nearest' });
  });
  const scores = m.totals
    ? h(
        'dl',
        { class: 'scores' },
        ...[0, 1].flatMap((seat) => [
          h('dt', { text: m.me === seat ? `${m.names[seat]} (you)` : m.names[seat] }),
          h('dd', { text: `${formatPoints(m.totals![seat])} pts` }),
        ]),
      )
    : null;
  if (m.me === null) {
    return h(
      'section',
      { class: 'card info-card', 'aria-label': 'Table' },
      h('h2', { text: 'Spectator' }),
      h('p', { text: 'You see both hands, both proposals and the points as they happen.' }),
      seatKindsLine(payload),
      scores,
      feedback,
      liveMetricsPanel(payload),
    );
  }
  const hand = m.hands[m.me]!;
  return h(
    'section',
    { class: 'card info-card', 'aria-label': 'Your hand' },
    h('div', { class: 'hand-line' }, handIcon(hand, 36), h('h2', { text: `Your hand: ${handWord(hand)}` })),
    h('p', { class: 'muted', text: `Against ${m.names[other(m.me)]}, whose hand is hidden: talk to find out whose hand wins.` }),
    scores,
    feedback,
    rules,
  );
}

function conversations(payload: StatePayload): Conversation[] {
  const m = readTrustSplit(payload);
  const lines: ChatLine[] = m.messages.map((message, index) => ({
    key: String(index),
    seat: message.seat,
    text: message.text,
    tag: `Round ${message.round}`,
    skipped: message.timedOut || message.text === '',
  }));
  return [{ id: 'public', title: 'Table talk', secret: false, lines, speaker: speakingNow(payload, m.phase === 'talk' ? m.speaker : null) }];
}

function controls(payload: StatePayload, store: Store): HTMLElement {
  const m = readTrustSplit(payload);
  const pending = payload.pending!;
  const opponent = m.me === null ? 'the other player' : m.names[other(m.me)];
  if (pending.kind === 'speak') {
    const sent = m.messages.filter((msg) => msg.round === m.round && msg.seat === m.me).length;
    const left = m.messagesPerRound - sent;
    return speakControl(
      store,
      pending,
      `Your turn to talk (${left === 1 ? 'your last message' : `${left} messages left`} this round).`,
      `Tell ${opponent} something…`,
    );
  }
  if (pending.kind === 'propose') {
    const fair = Math.floor(m.coins / 2);
    return proposeControl(store, pending, `How many of the ${m.coins} coins do you keep? ${opponent} is deciding too.`, fair);
  }
  return h('p', { class: 'muted', text: `Asked: ${pending.kind}.` });
}

function waitingText(payload: StatePayload): string {
  const gate = startGateText(payload);
  if (gate) return gate;
  const m = readTrustSplit(payload);
  if (m.phase === 'over') return 'The game is over.';
  if (m.me === null) {
    if (m.phase === 'talk' && m.speaker !== null) return awayText(payload, m.speaker) ?? `${m.names[m.speaker]} is writing…`;
    return 'Both players are choosing their split…';
  }
  const them = m.names[other(m.me)];
  if (m.phase === 'talk') return awayText(payload, other(m.me)) ?? `${them} is writing…`;
  if (m.proposals[m.me] !== null) return `You keep ${m.proposals[m.me]}. Waiting for ${them}'s proposal…`;
  return `Waiting for ${them}…`;
}

function roundTable(m: TrustSplitModel): HTMLElement {
  const [a, b] = m.names;
  const head = h(
    'tr',
    {},
    h('th', { scope: 'col', text: 'Round' }),
    h('th', { scope: 'col', text: a }),
    h('th', { scope: 'col', text: b }),
  );
  const cell = (r: RoundSummary, seat: SeatId) => {
    const hand = r.hands[seat];
    const position = r.positions[seat];
    return h(
      'td',
      {},
      h(
        'span',
        { class: 'cell-line' },
        hand ? handIcon(hand, 18) : null,
        position ? h('span', { class: `badge ${position}`, text: position }) : null,
      ),
      h('span', { class: 'cell-line', text: `asked ${r.proposals[seat]}${r.points[seat] !== null ? ` · ${formatPoints(r.points[seat]!)} pts` : ''}` }),
    );
  };
  return h(
    'table',
    { class: 'rounds' },
    h('caption', { text: 'Round by round' }),
    h('thead', {}, head),
    h('tbody', {}, ...m.history.map((r) => h('tr', {}, h('th', { scope: 'row', text: String(r.round) }), cell(r, 0), cell(r, 1)))),
  );
}

/** How a finished game reads: each seat's points, what the two made together, and a winner only when configured. */
export interface TrustSplitEnding {
  points: PerSeat<number>;
  /** joint welfare: both seats' points together */
  together: number;
  /** the most two players can make together: every coin at the upper value, every round */
  possible: number;
  /** the seats to name as winners: empty unless the configuration shows a winner */
  winners: SeatId[];
  /** some points are fractions (a proportional split happened) */
  fractional: boolean;
}

export function trustSplitEnding(m: TrustSplitModel, payload: StatePayload): TrustSplitEnding | null {
  const points = m.finalPoints ?? (payload.outcome?.points as PerSeat<number> | undefined) ?? null;
  if (!points) return null;
  const winners = m.showWinner ? (m.winners ?? payload.outcome?.winners ?? []) : [];
  return {
    points,
    together: points[0] + points[1],
    possible: m.rounds * m.coins * m.upperValue,
    winners,
    fractional: !Number.isInteger(points[0]) || !Number.isInteger(points[1]),
  };
}

/** Why "90.91 pts": the proportional split, in words, with the rule's own numbers. */
export function fractionNote(m: TrustSplitModel): string {
  const share = formatPoints((m.coins * m.coins) / (m.coins + 1));
  return `Decimals come from proportional splits: when the two asks add up to more than ${m.coins} coins, the coins are shared in proportion to what each asked (asking ${m.coins} against 1 gives ${m.coins} × ${m.coins}/${m.coins + 1} = ${share} coins).`;
}

function results(payload: StatePayload): HTMLElement {
  const m = readTrustSplit(payload);
  const ending = trustSplitEnding(m, payload);
  const winners = ending?.winners ?? [];
  const verdict = !ending
    ? 'The session was ended.'
    : winners.length === 2
      ? 'A tie.'
      : winners.length === 1
        ? winners[0] === m.me
          ? 'You win!'
          : `${m.names[winners[0]]} wins.`
        : `${formatPoints(ending.together)} points made together.`;
  return h(
    'section',
    { class: 'results', 'aria-labelledby': 'results-heading' },
    h('h2', { id: 'results-heading', text: 'Game over' }),
    h('p', { class: 'verdict', text: verdict }),
    ending
      ? h(
          'ol',
          { class: 'final-points', 'aria-label': 'Points' },
          ...[0, 1].map((seat) =>
            h(
              'li',
              { class: winners.includes(seat) ? 'winner' : '' },
              h('span', { class: 'name', text: m.me === seat ? `${m.names[seat]} (you)` : m.names[seat] }),
              h('span', { class: 'points', text: `${formatPoints(ending.points[seat])} points` }),
            ),
          ),
        )
      : null,
    ending
      ? h('p', { class: 'welfare', text: `Together ${formatPoints(ending.together)} of a possible ${formatPoints(ending.possible)} points (${Math.round((100 * ending.together) / ending.possible)}%).` })
      : null,
    ending?.fractional ? h('p', { class: 'muted fraction-note', text: fractionNote(m) }) : null,
    roundTable(m),
  );
}

/** The table's panels (its title, lobby card and quick-play preset are in the catalogue, client/games/index.ts). */
export const trustSplitClient: GameClient = {
  stage: () => import('./trust-split-stage.ts').then((module) => module.trustSplitStage),
  phaseLabel,
  infoCard,
  conversations,
  controls,
  waitingText,
  announcements,
  results,
};
