// Routes: `/` lobby, `/play/<token>` a seat, `/watch/<token>` the spectator, `/docs/<name>` the guides,
// `/s/<slug>` a study's participant pages (consent → … → completion code), `/console` the experimenter console.
// The table (and Phaser with it) loads only on the pages that need it.
import './style.css';
import { sessionHint } from '../shared/protocol/links.ts';
import { h, replaceChildren } from './dom.ts';

const root = document.getElementById('app')!;
const path = location.pathname.replace(/\/+$/, '') || '/';
const table = /^\/(play|watch)\/([^/]+)$/.exec(path);
const docs = /^\/docs(?:\/([a-z]+))?$/.exec(path);
const study = /^\/s\/([^/]+)$/.exec(path);
const replay = /^\/replay\/([0-9a-f]{6,32})$/.exec(path);
const consolePage = /^\/console(?:\/(studies)|\/watch\/([^/]+))?$/.exec(path);

if (path === '/') {
  const { mountLanding } = await import('./landing.ts');
  mountLanding(root);
} else if (table) {
  const { mountTable } = await import('./table.ts');
  mountTable(root, decodeURIComponent(table[2]), table[1] as 'play' | 'watch', { sessionHint: sessionHint(location.search) });
} else if (replay) {
  // `/replay/<session>`: the admin's replay (console cookie), or `?token=` a player's or spectator's own
  const { mountReplay } = await import('./replay/page.ts');
  mountReplay(root, replay[1], new URLSearchParams(location.search).get('token'));
} else if (study) {
  const { mountStudy } = await import('./study/flow.ts');
  mountStudy(root, study[1]);
} else if (consolePage) {
  const { mountConsole } = await import('./console/page.ts');
  mountConsole(root, consolePage[2] ? { watch: decodeURIComponent(consolePage[2]) } : consolePage[1] === 'studies' ? 'studies' : 'sessions');
} else if (docs) {
  const { mountDocs } = await import('./docs.ts');
  await mountDocs(root, docs[1] ?? 'readme');
} else {
  document.title = 'Not found · Parley';
  replaceChildren(
    root,
    h('div', { class: 'not-found' }, h('h1', { text: 'No table here' }), h('p', { text: 'This address does not lead to a game.' }), h('a', { href: '/', class: 'button-link', text: 'Back to the lobby' })),
  );
}
