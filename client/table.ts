// /play/<token> and /watch/<token>: the page around the Phaser table — top bar, role card,
// conversation, and the controls for whatever the seat is asked now.
import type { StatePayload } from '../shared/protocol/index.ts';
import { formatClock, h, replaceChildren } from './dom.ts';
import { GAME_CATALOGUE, gameEntry } from './games/index.ts';
import type { GameClient, GameEntry } from './games/types.ts';
import { connect } from './net.ts';
import { quickplay } from './quickplay.ts';
import { createTableGame } from './scenes/director.ts';
import { Store, type ClientState } from './store.ts';
import { ChatView } from './ui/chat.ts';
import { handbackNotice, TakeoverLines, takeoverBadges, withTakeoverLines } from './ui/takeovers.ts';

const STATUS_WORDS: Record<ClientState['status'], string> = {
  replay: 'Replay',
  connecting: 'Connecting…',
  connected: 'Connected',
  reconnecting: 'Reconnecting…',
  replaced: 'Opened elsewhere',
  refused: 'Link not valid',
};

/**
 * The games' panels loaded so far, by game id. The catalogue (client/games) loads each game's panels
 * module on demand, but render needs them synchronously; kept for the page's life, so a study's next
 * table of the same game shows at once.
 */
const loadedClients = new Map<string, GameClient>();

/** How a page that embeds the table (a study) changes it. */
export interface TableOptions {
  /** the buttons under the results, instead of "Play again" and "Back to the lobby" */
  endActions?: (payload: StatePayload) => Node[];
  /** where the brand in the top bar leads; null: nowhere (a study keeps its participants) */
  homeHref?: string | null;
  /**
   * A replay (client/replay/page.ts): the table is driven by this store instead of a live
   * connection, offers no controls, and shows `bar` (the replay's timeline) under the top bar.
   */
  replay?: { store: Store; bar: HTMLElement };
  /** the session's id as a routing hint for the connection (shared/protocol/links.ts) */
  sessionHint?: string | null;
}

/**
 * Start fetching every game's panels and stage while the connection opens: which game this link
 * opens is known only from its first state, and waiting for it put a round trip before the first
 * frame. The games are few and small; a failure here is only reported by the real load, which retries.
 */
function preloadGames(): void {
  for (const entry of Object.values(GAME_CATALOGUE)) void entry.load().then((client) => client.stage()).catch(() => undefined);
}

/** Mounts the table; the answer takes it down again (connection, Phaser, timers). */
export function mountTable(root: HTMLElement, token: string, mode: 'play' | 'watch' | 'replay', options: TableOptions = {}): () => void {
  const store = options.replay?.store ?? new Store();
  preloadGames();

  const title = h('span', { class: 'game-title', text: 'Parley' });
  const phase = h('span', { class: 'phase', 'aria-live': 'polite' });
  const countdown = h('span', { class: 'countdown', role: 'timer', 'aria-label': 'Time left for your move' });
  countdown.hidden = true;
  const connection = h('span', { class: 'connection', role: 'status', 'data-status': store.state.status, text: STATUS_WORDS[store.state.status] });
  const topbar = h(
    'header',
    { class: 'topbar' },
    h('a', { class: 'brand', href: options.homeHref === undefined ? '/' : options.homeHref, 'aria-label': options.homeHref === null ? 'Parley' : 'Parley home' }, h('span', { class: 'seal', 'aria-hidden': 'true', text: 'P' }), 'Parley'),
    title,
    phase,
    h('span', { class: 'spacer' }),
    countdown,
    connection,
  );
  const stage = h('div', { class: 'stage', id: 'stage', 'aria-hidden': 'true' });
  const banner = h('div', { class: 'connection-banner', role: 'alert' });
  banner.hidden = true;
  const info = h('div', { class: 'info' });
  const chat = new ChatView();
  const actionsLabel = mode === 'play' ? 'Your move' : 'What is happening';
  const actions = h('section', { class: 'card actions', 'aria-label': actionsLabel });
  // the returning player's notice after a takeover (shown until dismissed)
  const handback = h('div', { class: 'handback-slot' });
  const takeovers = new TakeoverLines();
  const side = h('aside', { class: 'side' }, handback, info, chat.element, actions);
  // what just happened, for screen readers (the canvas is decorative; everything is also in the DOM)
  const announcer = h('div', { class: 'visually-hidden', 'aria-live': 'assertive', 'aria-atomic': 'true' });
  const page = h('div', { class: `table-page mode-${mode}` }, announcer, topbar, options.replay?.bar ?? null, h('main', { class: 'table-main' }, h('section', { class: 'stage-wrap' }, stage, banner), side));
  replaceChildren(root, page);

  // a replay's store is fed by its page; a live table's by the server
  const net = options.replay
    ? null
    : connect(token, {
        onState: (payload) => store.receiveState(payload),
        onPresence: (presence) => store.receivePresence(presence),
        onHandback: (notice) => replaceChildren(handback, handbackNotice(notice, () => replaceChildren(handback))),
        onStatus: (status, detail) => store.setStatus(status, detail),
      }, options.sessionHint ?? null);
  if (net) store.attach(net);
  const tableGame = createTableGame(stage, store);

  let controlsKey = '';
  let infoKey = '';
  let resultsShown = false;
  let shownResults = '';
  let unmounted = false;

  /** the games whose panels are on their way, or failed to come (a deploy in between, the network) */
  const clientLoads = new Map<string, 'loading' | 'failed'>();
  const loadClient = (id: string, entry: GameEntry) => {
    if (clientLoads.has(id)) return;
    clientLoads.set(id, 'loading');
    entry
      .load()
      .then(
        (client) => {
          loadedClients.set(id, client);
          clientLoads.delete(id);
        },
        (err: unknown) => {
          clientLoads.set(id, 'failed');
          console.warn(`could not load the ${id} table`, err);
        },
      )
      .then(() => {
        if (!unmounted) render(store.state);
      });
  };
  /** The actions card while a game's panels load: the waiting line, or what to do when they cannot. */
  const renderLoading = (id: string, entry: GameEntry) => {
    const failed = clientLoads.get(id) === 'failed';
    // whatever was drawn before belongs to another game (or none): draw it all again once this one is here
    infoKey = '';
    shownResults = '';
    const key = `load|${id}|${failed}`;
    if (key === controlsKey) return;
    controlsKey = key;
    if (!failed) {
      replaceChildren(actions, h('p', { class: 'waiting', text: 'Taking your seat…' }));
      return;
    }
    const reload = h('button', { type: 'button', class: 'primary', text: 'Reload the page' });
    reload.addEventListener('click', () => location.reload());
    replaceChildren(actions, h('p', { class: 'act-error', role: 'alert', text: `${entry.title} could not be loaded. Reload the page to try again.` }), reload);
  };

  const renderActions = (state: ClientState, entry: GameEntry, client: GameClient, payload: StatePayload) => {
    if (payload.outcome || payload.status !== 'active') {
      // rebuilt when a replay shows another viewpoint or moment of the ending
      const resultsKey = `${payload.seat}|${payload.version}`;
      if (resultsKey !== shownResults) {
        resultsShown = true;
        shownResults = resultsKey;
        controlsKey = 'results';
        page.classList.add('is-over');
        const again = h('button', { type: 'button', class: 'primary', text: `Play ${entry.title} again` });
        again.addEventListener('click', () => {
          again.disabled = true;
          quickplay(payload.game).catch((err: unknown) => {
            again.disabled = false;
            again.after(h('p', { class: 'act-error', role: 'alert', text: err instanceof Error ? err.message : String(err) }));
          });
        });
        const panel = client.results(payload);
        // a player or spectator replays the game they were at, through their own link
        const replay = mode === 'replay' ? null : h('a', { href: `/replay/${encodeURIComponent(payload.sessionId)}?token=${encodeURIComponent(token)}`, class: 'button-link', text: 'Watch the replay' });
        const ending = options.endActions ? options.endActions(payload) : [mode === 'play' ? again : null, replay, mode === 'replay' ? null : h('a', { href: '/', class: 'button-link', text: 'Back to the lobby' })];
        panel.appendChild(h('div', { class: 'row end-actions' }, ...ending));
        replaceChildren(actions, panel);
        actions.setAttribute('aria-label', 'Results');
      }
      return;
    }
    if (resultsShown) {
      // a replay stepped back from the end: the game is on again
      resultsShown = false;
      shownResults = '';
      controlsKey = '';
      page.classList.remove('is-over');
      actions.setAttribute('aria-label', actionsLabel);
    }
    const canAct = mode === 'play' && store.canAct();
    const key = canAct ? `act|${JSON.stringify(payload.pending)}|${state.answeredEpoch}` : `wait|${client.waitingText(payload)}|${state.sending}`;
    if (key !== controlsKey) {
      controlsKey = key;
      if (canAct) {
        replaceChildren(actions, client.controls(payload, store));
        actions.classList.add('your-turn');
      } else {
        const text = state.sending ? 'Sending…' : client.waitingText(payload);
        const waiting = h('p', { class: 'waiting', text });
        // an absent player's countdown (ticked below): how long the table waits for them
        if (text.includes(' is away') && awayDeadline(payload) !== null) waiting.append(' · ', h('span', { class: 'away-clock' }));
        replaceChildren(actions, waiting);
        actions.classList.remove('your-turn');
      }
    }
    let error = actions.querySelector<HTMLElement>('.act-error');
    if (state.lastError) {
      if (!error) {
        error = h('p', { class: 'act-error', role: 'alert' });
        actions.appendChild(error);
      }
      error.textContent = state.lastError;
    } else error?.remove();
  };

  const render = (state: ClientState) => {
    connection.dataset.status = state.status;
    connection.textContent = STATUS_WORDS[state.status];
    renderBanner(state);
    const payload = state.payload;
    if (!payload) {
      replaceChildren(actions, h('p', { class: 'waiting', text: state.status === 'refused' ? 'No seat.' : 'Taking your seat…' }));
      return;
    }
    const entry = gameEntry(payload.game);
    if (!entry) {
      replaceChildren(actions, h('p', { text: `This client cannot show the game "${payload.game}".` }));
      return;
    }
    page.dataset.game = payload.game;
    title.textContent = entry.title;
    document.title = `${entry.title} · Parley`;
    const client = loadedClients.get(payload.game);
    if (!client) {
      loadClient(payload.game, entry);
      renderLoading(payload.game, entry);
      return;
    }
    const phaseText = client.phaseLabel(payload);
    if (phase.textContent !== phaseText) phase.textContent = phaseText;
    const nextInfoKey = `${payload.sessionId}|${payload.seat}|${payload.version}|${payload.connected.join()}`;
    if (nextInfoKey !== infoKey) {
      infoKey = nextInfoKey;
      // a fresh card per state, keeping what the reader opened and where they scrolled
      const opened = [...info.querySelectorAll('details')].map((d) => d.open);
      const scrolled = info.scrollTop;
      replaceChildren(info, client.infoCard(payload), takeoverBadges(payload));
      info.querySelectorAll('details').forEach((d, i) => (d.open = opened[i] ?? d.open));
      info.scrollTop = scrolled;
      chat.render(withTakeoverLines(client.conversations(payload), takeovers.observe(payload)), payload.names, client.focusedConversation?.(payload) ?? null);
    }
    renderActions(state, entry, client, payload);
    tick();
  };

  let bannerStatus = '';
  const renderBanner = (state: ClientState) => {
    if (state.status === bannerStatus) return;
    bannerStatus = state.status;
    const words: Partial<Record<ClientState['status'], string>> = {
      reconnecting: 'Connection lost — reconnecting… Your seat is kept.',
      replaced: 'This seat is now open in another tab or window.',
      refused: state.statusDetail ?? 'This link does not open any seat.',
    };
    const text = words[state.status];
    banner.hidden = !text;
    if (!text) return;
    let button: HTMLElement | null = null;
    if (state.status === 'replaced') {
      button = h('button', { type: 'button', class: 'primary', text: 'Play here instead' });
      button.addEventListener('click', () => location.reload());
    } else if (state.status === 'refused') {
      button = h('a', { href: '/', class: 'button-link', text: 'Back to the lobby' });
    }
    replaceChildren(banner, h('p', { text }), button);
  };

  const tick = () => {
    const awayClock = actions.querySelector<HTMLElement>('.away-clock');
    const away = store.state.payload ? awayDeadline(store.state.payload) : null;
    if (awayClock && away !== null) {
      const { payload, clockSkewMs, status } = store.state;
      const left = Math.max(0, away - (status === 'replay' ? payload!.serverNow : Date.now() - clockSkewMs));
      awayClock.textContent = `${formatClock(left)} left`;
    }
    const remaining = mode !== 'watch' && !store.state.payload?.outcome ? store.remainingMs() : null;
    countdown.hidden = remaining === null;
    if (remaining !== null) {
      countdown.textContent = formatClock(remaining);
      countdown.classList.toggle('urgent', remaining < 15_000);
    }
  };
  const ticker = setInterval(tick, 250);
  const unsubscribe = store.subscribe((state, previous) => {
    const before = previous.payload;
    const now = state.payload;
    if (before && now && before.sessionId === now.sessionId && now.version > before.version) {
      const said = loadedClients.get(now.game)?.announcements?.(before, now) ?? [];
      if (said.length) announcer.textContent = said.join(' ');
    }
    render(state);
  });
  render(store.state);
  return () => {
    unmounted = true;
    clearInterval(ticker);
    unsubscribe();
    net?.close();
    tableGame.destroy();
  };
}

/** The earliest deadline of the absent players the seat waits on, or null. */
function awayDeadline(payload: StatePayload): number | null {
  const deadlines = (payload.away ?? []).flatMap((entry) => (entry.deadline === null ? [] : [entry.deadline]));
  return deadlines.length ? Math.min(...deadlines) : null;
}
