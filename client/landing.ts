// The lobby at `/`: what Parley is, two quick-play buttons, and how to host a session.
import { handIcon } from './art/hand-icons.ts';
import { h, replaceChildren } from './dom.ts';
import { quickplay } from './quickplay.ts';

const SVG_NS = 'http://www.w3.org/2000/svg';

function svg(tag: string, attrs: Record<string, string | number>, ...children: SVGElement[]): SVGElement {
  const element = document.createElementNS(SVG_NS, tag);
  for (const [name, value] of Object.entries(attrs)) element.setAttribute(name, String(value));
  for (const child of children) element.appendChild(child);
  return element;
}

/** A candle-lit round table with one crimson seat: The Traitors. */
function traitorsArt(): SVGElement {
  const seats: SVGElement[] = [];
  for (let i = 0; i < 8; i++) {
    const angle = (i / 8) * Math.PI * 2 + Math.PI / 8;
    const traitor = i === 2 || i === 5;
    seats.push(svg('circle', { cx: 100 + Math.cos(angle) * 70, cy: 62 + Math.sin(angle) * 40, r: 11, fill: traitor ? '#d2435b' : '#46c2ad', stroke: '#14111c', 'stroke-width': 3 }));
  }
  return svg(
    'svg',
    { viewBox: '0 0 200 124', class: 'card-art', 'aria-hidden': 'true' },
    svg('ellipse', { cx: 100, cy: 64, rx: 60, ry: 30, fill: '#3a2619' }),
    svg('ellipse', { cx: 100, cy: 61, rx: 55, ry: 26, fill: '#5a3b28' }),
    svg('rect', { x: 96, y: 44, width: 8, height: 16, rx: 2, fill: '#f3ead8' }),
    svg('path', { d: 'M100 32 C 104 38, 104 42, 100 44 C 96 42, 96 38, 100 32 Z', fill: '#f08a4b', class: 'flame' }),
    ...seats,
  );
}

function trustSplitArt(): HTMLElement {
  const coins = Array.from({ length: 5 }, () => h('span', { class: 'coin', 'aria-hidden': 'true' }));
  return h('div', { class: 'card-art rps', 'aria-hidden': 'true' }, h('div', { class: 'hands' }, handIcon('rock', 44), handIcon('paper', 44), handIcon('scissors', 44)), h('div', { class: 'coins' }, ...coins));
}

function gameCard(game: string, title: string, blurb: string, meta: string, art: Element, error: HTMLElement): HTMLElement {
  const button = h('button', { type: 'button', class: 'primary big', text: `Play ${title}` });
  button.addEventListener('click', async () => {
    button.disabled = true;
    button.textContent = 'Setting the table…';
    error.textContent = '';
    try {
      await quickplay(game);
    } catch (err) {
      error.textContent = err instanceof Error ? err.message : String(err);
      button.disabled = false;
      button.textContent = `Play ${title}`;
    }
  });
  return h('article', { class: `game-card game-${game}` }, art, h('h2', { text: title }), h('p', { text: blurb }), h('p', { class: 'meta', text: meta }), button);
}

export function mountLanding(root: HTMLElement): void {
  document.title = 'Parley — play social-dilemma games with people and AI';
  const error = h('p', { class: 'landing-error', role: 'alert' });
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
      h(
        'main',
        { class: 'games' },
        gameCard(
          'traitors',
          'The Traitors',
          'Eight at the round table; two are secret traitors who murder by night. Talk, suspect, vote — banish them before they outnumber the faithful.',
          'You and 7 agents · about 15 minutes',
          traitorsArt(),
          error,
        ),
        gameCard(
          'trust-split',
          'Trust-and-Split',
          'Two players, hidden rock-paper-scissors hands and ten coins a round. Talk, then secretly say how many coins you keep. Trust pays — if it is returned.',
          'You and 1 agent · 5 rounds',
          trustSplitArt(),
          error,
        ),
      ),
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
