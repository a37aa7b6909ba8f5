// /console: the experimenter console. Signed out: the admin-token form. Signed in (an HttpOnly
// cookie the server sets): a top bar and the Sessions or Studies section. Any 401 returns here.
// /console/watch/<id> looks up a session's spectator link and goes there (rows link to it).
import type { ConsoleMe } from '../../shared/protocol/console.ts';
import { h, replaceChildren } from '../dom.ts';
import { call, ConsoleHttpError, signedOut } from './api.ts';
import { mountCreateForm } from './create.ts';
import { mountSessions } from './sessions.ts';
import { mountStudies } from './studies.ts';

export type ConsoleSection = 'sessions' | 'studies';

const SECTION_PATHS: Record<ConsoleSection, string> = { sessions: '/console', studies: '/console/studies' };

function brand(): HTMLElement {
  return h('a', { class: 'brand', href: '/', 'aria-label': 'Parley home' }, h('span', { class: 'seal', 'aria-hidden': 'true', text: 'P' }), 'Parley');
}

export function mountConsole(root: HTMLElement, first: ConsoleSection | { watch: string }): void {
  let unmount: (() => void) | null = null;
  let signedIn = false;
  let section: ConsoleSection = typeof first === 'string' ? first : 'sessions';
  const watch = typeof first === 'string' ? null : first.watch;

  const show = (dispose: () => void) => {
    unmount?.();
    unmount = dispose;
  };

  signedOut.addEventListener('signedout', () => showSignIn('', signedIn ? 'Your console sign-in has expired or was ended. Sign in again.' : ''));
  window.addEventListener('popstate', () => {
    const next: ConsoleSection = location.pathname.replace(/\/+$/, '') === SECTION_PATHS.studies ? 'studies' : 'sessions';
    if (next !== section && signedIn) {
      section = next;
      void showConsole();
    }
  });

  /** The sign-in form; `message` is an error to show, `note` a neutral line ("Signed out."). */
  function showSignIn(message = '', note = ''): void {
    document.title = 'Sign in · Parley console';
    const token = h('input', { type: 'password', id: 'admin-token', name: 'token', autocomplete: 'off', required: true, spellcheck: 'false' });
    const button = h('button', { type: 'submit', class: 'primary', text: 'Sign in' });
    const alert = h('p', { class: 'form-error', role: 'alert', text: message });
    const form = h(
      'form',
      { class: 'signin-form' },
      h('label', { for: 'admin-token', text: 'Admin token' }),
      token,
      h('p', { class: 'muted field-hint', text: 'npm start prints it; it is also PARLEY_ADMIN_TOKEN or the file admin-token in the data folder.' }),
      button,
      alert,
      note ? h('p', { class: 'muted', role: 'status', text: note }) : null,
    );
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      if (!token.value.trim()) {
        alert.textContent = 'Enter the admin token, then press Sign in.';
        token.focus();
        return;
      }
      button.disabled = true;
      alert.textContent = '';
      try {
        await call('POST', '/api/console/login', { token: token.value.trim() });
        token.value = '';
        await afterSignIn();
      } catch (err) {
        alert.textContent = signInMessage(err);
        token.select();
      } finally {
        button.disabled = false;
      }
    });
    const page = h(
      'div',
      { class: 'console-signin' },
      h('main', { class: 'card signin-card' }, h('div', { class: 'signin-brand' }, brand()), h('h1', { text: 'Experimenter console' }), h('p', { class: 'muted', text: 'Create and watch sessions, end them, download their data, and run studies.' }), form),
    );
    replaceChildren(root, page);
    signedIn = false;
    show(() => {});
    token.focus();
  }

  async function afterSignIn(): Promise<void> {
    if (watch) await goWatch(watch);
    else await showConsole();
  }

  async function goWatch(id: string): Promise<void> {
    replaceChildren(root, h('p', { class: 'boot-note', text: 'Opening the spectator view…' }));
    try {
      const detail = await call<{ spectatorUrl: string }>('GET', `/api/sessions/${encodeURIComponent(id)}`);
      location.replace(detail.spectatorUrl);
    } catch (err) {
      if (err instanceof ConsoleHttpError && err.status === 401) return; // the sign-in form is up
      replaceChildren(root, h('div', { class: 'not-found' }, h('h1', { text: 'No spectator view' }), h('p', { role: 'alert', text: err instanceof Error ? err.message : String(err) }), h('a', { class: 'button-link', href: '/console', text: 'Back to the console' })));
    }
  }

  async function showConsole(): Promise<void> {
    document.title = `${section === 'sessions' ? 'Sessions' : 'Studies'} · Parley console`;
    const navLink = (which: ConsoleSection, text: string) => {
      const link = h('a', { href: SECTION_PATHS[which], 'aria-current': which === section ? 'page' : null, text });
      link.addEventListener('click', (event) => {
        if (event.metaKey || event.ctrlKey || event.shiftKey || event.button !== 0) return;
        event.preventDefault();
        if (which === section) return;
        section = which;
        history.pushState(null, '', SECTION_PATHS[which]);
        void showConsole();
      });
      return link;
    };
    const signOut = h('button', { type: 'button', class: 'sign-out', text: 'Sign out' });
    signOut.addEventListener('click', async () => {
      signOut.disabled = true;
      try {
        await call('POST', '/api/console/logout');
      } catch {
        // signed out already, or the server is gone: the form is the right place either way
      }
      showSignIn('', 'Signed out.');
    });
    signedIn = true;
    const main = h('main', { class: 'console-main' });
    const page = h(
      'div',
      { class: 'console-page' },
      h('header', { class: 'topbar console-topbar' }, brand(), h('span', { class: 'game-title', text: 'Console' }), h('nav', { class: 'console-nav', 'aria-label': 'Console' }, navLink('sessions', 'Sessions'), navLink('studies', 'Studies')), h('span', { class: 'spacer' }), signOut),
      main,
    );
    replaceChildren(root, page);
    if (section === 'sessions') {
      const disposeCreate = mountCreateForm(main);
      const disposeSessions = mountSessions(main);
      show(() => {
        disposeCreate();
        disposeSessions();
      });
    } else {
      show(mountStudies(main));
    }
  }

  // signed in already (the cookie)? a 401 shows the form through the signedOut event
  replaceChildren(root, h('p', { class: 'boot-note', text: 'Opening the console…' }));
  call<ConsoleMe>('GET', '/api/console/me').then(
    () => afterSignIn(),
    (err: unknown) => {
      if (!(err instanceof ConsoleHttpError) || err.status !== 401) showSignIn(err instanceof Error ? err.message : String(err));
    },
  );
}

function signInMessage(err: unknown): string {
  if (!(err instanceof ConsoleHttpError)) return err instanceof Error ? err.message : String(err);
  if (err.status === 401 || err.status === 403) return /token/i.test(err.message) ? err.message : 'Wrong admin token. Check it and try again.';
  if (err.status === 429) return /again/i.test(err.message) ? err.message : 'Too many sign-in attempts. Wait a minute, then try again.';
  return err.message;
}
