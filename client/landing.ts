// The lobby at `/`: what Parley is, a quick-play card per game (client/games), and how to host a session.
import type { GameId } from '../shared/engine/game.ts';
import { h, replaceChildren } from './dom.ts';
import { GAME_CATALOGUE } from './games/index.ts';
import type { GameEntry } from './games/types.ts';
import { readJsonBody } from './http.ts';
import { quickplay } from './quickplay.ts';

/** GET /api/games, as far as the lobby reads it: each game's presets and their seat counts. */
interface Catalogue {
  games: { id: string; presets: { name: string; seats: number }[] }[];
}

/** "You and 7 agents": who plays a quick-play game, from the server's seat count of the preset. */
function whoPlays(entry: GameEntry, catalogue: Catalogue, id: string): string | null {
  const seats = catalogue.games.find((game) => game.id === id)?.presets.find((preset) => preset.name === entry.quickplayPreset)?.seats;
  return seats === undefined ? null : `You and ${seats - 1} agent${seats === 2 ? '' : 's'}`;
}

function gameCard(id: GameId, entry: GameEntry, error: HTMLElement): { card: HTMLElement; meta: HTMLElement } {
  const { title, lobby } = entry;
  const button = h('button', { type: 'button', class: 'primary big', text: `Play ${title}` });
  button.addEventListener('click', async () => {
    button.disabled = true;
    button.textContent = 'Setting the table…';
    error.textContent = '';
    try {
      await quickplay(id);
    } catch (err) {
      error.textContent = err instanceof Error ? err.message : String(err);
      // on a phone the message sits below the last card, out of sight of the first card's button
      error.scrollIntoView({ block: 'nearest', behavior: 'smooth' });
      button.disabled = false;
      button.textContent = `Play ${title}`;
    }
  });
  const meta = h('p', { class: 'meta', text: lobby.length });
  return { card: h('article', { class: `game-card game-${id}` }, lobby.art(), h('h2', { text: title }), h('p', { text: lobby.blurb }), meta, button), meta };
}

export function mountLanding(root: HTMLElement): void {
  document.title = 'Parley — play social-dilemma games with people and AI';
  const error = h('p', { class: 'landing-error', role: 'alert' });
  const ids = Object.keys(GAME_CATALOGUE) as GameId[];
  const cards = ids.map((id) => gameCard(id, GAME_CATALOGUE[id], error));
  // who plays comes from the server's presets (the cards show without it if it cannot answer)
  fetch('/api/games')
    .then(async (response) => (response.ok ? ((await readJsonBody(response)) as Catalogue | null) : null))
    .then((catalogue) => {
      if (!catalogue?.games) return;
      ids.forEach((id, i) => {
        const who = whoPlays(GAME_CATALOGUE[id], catalogue, id);
        if (who) cards[i].meta.textContent = `${who} · ${GAME_CATALOGUE[id].lobby.length}`;
      });
    })
    .catch(() => {});
  const code = (text: string) => h('pre', {}, h('code', { text }));
  replaceChildren(
    root,
    h(
      'div',
      { class: 'landing' },
      h(
        'header',
        { class: 'hero' },
        h('div', { class: 'hero-title' }, h('div', { class: 'seal big', 'aria-hidden': 'true', text: 'P' }), h('h1', { text: 'Parley' })),
        h('p', { class: 'tagline', text: 'A table where people, scripted bots and language models play games of trust and deception together.' }),
        h('p', { class: 'tagline second', text: 'Every word, vote and private suspicion is recorded for research. Take a seat — the others are already waiting.' }),
      ),
      h('main', { class: 'games' }, ...cards.map(({ card }) => card)),
      error,
      h(
        'section',
        { class: 'host', 'aria-labelledby': 'host-heading' },
        h('h2', { id: 'host-heading', text: 'Host a session' }),
        h(
          'ol',
          {},
          h('li', {}, 'Start the server; it prints the URL and the admin token.', code('npm start')),
          h(
            'li',
            {},
            'Create a table with human, agent and external seats in the ',
            h('a', { href: '/console', text: 'experimenter console' }),
            ' (sign in with the admin token), or from a script; everyone gets a join link, and you get a spectator link.',
            // the origin this page was served from, so the example runs as it is
            code(`curl -X POST ${location.origin}/api/sessions \\
  -H "Authorization: Bearer $ADMIN_TOKEN" -H 'content-type: application/json' \\
  -d '{"game":"traitors","preset":"table","seats":[{"kind":"human"},{"kind":"agent","agent":"scripted"}, …]}'`),
          ),
          h('li', {}, 'Share the /play/… links with participants, open the /watch/… link to see the whole truth live, and export the log when the game is over.'),
        ),
        h(
          'p',
          { class: 'muted' },
          'The full guides: ',
          h('a', { href: '/docs/readme', text: 'README' }),
          ' (quick start, simulator, experimenter API) and ', h('a', { href: '/docs/protocol', text: 'the protocol' }), ' (Socket.io, for your own programs and agents).',
        ),
      ),
      h('footer', { class: 'footer', text: 'Parley · The Traitors after Curvo et al. 2025 · Trust-and-Split after Piche et al.' }),
    ),
  );
}
