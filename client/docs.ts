// /docs/readme and /docs/protocol: the project's own guides, shown in the browser so the lobby can
// link to them. A small Markdown reader that builds DOM nodes (text stays text, never HTML).
import { h, replaceChildren } from './dom.ts';
import { ownValue } from '../shared/own.ts';

const PAGES: Record<string, { title: string; load: () => Promise<string> }> = {
  readme: { title: 'README', load: async () => (await import('../README.md?raw')).default },
  protocol: { title: 'Protocol', load: async () => (await import('../docs/protocol.md?raw')).default },
};

/** Inline Markdown: `code`, **bold**, [links](url); everything else is text. */
function inline(text: string): Node[] {
  const nodes: Node[] = [];
  const pattern = /`([^`]+)`|\*\*([^*]+)\*\*|\[([^\]]+)\]\(([^)\s]+)\)/g;
  let last = 0;
  for (let m = pattern.exec(text); m; m = pattern.exec(text)) {
    if (m.index > last) nodes.push(document.createTextNode(text.slice(last, m.index)));
    if (m[1] !== undefined) nodes.push(h('code', { text: m[1] }));
    else if (m[2] !== undefined) nodes.push(h('strong', { text: m[2] }));
    else {
      const target = m[4];
      const href = target.endsWith('protocol.md') ? '/docs/protocol' : target.endsWith('README.md') ? '/docs/readme' : /^https?:/.test(target) ? target : null;
      nodes.push(href ? h('a', { href, text: m[3] }) : h('span', { text: m[3] }));
    }
    last = m.index + m[0].length;
  }
  if (last < text.length) nodes.push(document.createTextNode(text.slice(last)));
  return nodes;
}

function withInline<T extends HTMLElement>(element: T, text: string): T {
  element.append(...inline(text));
  return element;
}

export function renderMarkdown(source: string): HTMLElement {
  const article = h('article', { class: 'markdown' });
  const lines = source.replace(/\r\n/g, '\n').split('\n');
  let i = 0;
  while (i < lines.length) {
    const line = lines[i];
    if (line.startsWith('```')) {
      const body: string[] = [];
      for (i++; i < lines.length && !lines[i].startsWith('```'); i++) body.push(lines[i]);
      i++;
      article.appendChild(h('pre', {}, h('code', { text: body.join('\n') })));
      continue;
    }
    const heading = /^(#{1,4})\s+(.*)$/.exec(line);
    if (heading) {
      const level = Math.min(4, heading[1].length + 1) as 2 | 3 | 4;
      article.appendChild(withInline(h(`h${level}`), heading[2]));
      i++;
      continue;
    }
    if (/^\s*([-*]|\d+\.)\s+/.test(line)) {
      const ordered = /^\s*\d+\./.test(line);
      const list = h(ordered ? 'ol' : 'ul');
      while (i < lines.length && /^\s*([-*]|\d+\.)\s+/.test(lines[i])) {
        let item = lines[i].replace(/^\s*([-*]|\d+\.)\s+/, '');
        for (i++; i < lines.length && /^\s{2,}\S/.test(lines[i]) && !/^\s*([-*]|\d+\.)\s+/.test(lines[i]); i++) item += ' ' + lines[i].trim();
        list.appendChild(withInline(h('li'), item));
      }
      article.appendChild(list);
      continue;
    }
    if (line.startsWith('|')) {
      const rows: string[][] = [];
      for (; i < lines.length && lines[i].startsWith('|'); i++) {
        if (/^\|[\s:|-]+\|$/.test(lines[i])) continue;
        rows.push(lines[i].slice(1, -1).split('|').map((c) => c.trim()));
      }
      const [head, ...body] = rows;
      article.appendChild(
        h(
          'table',
          {},
          h('thead', {}, h('tr', {}, ...(head ?? []).map((c) => withInline(h('th'), c)))),
          h('tbody', {}, ...body.map((r) => h('tr', {}, ...r.map((c) => withInline(h('td'), c))))),
        ),
      );
      continue;
    }
    if (line.startsWith('>')) {
      article.appendChild(withInline(h('blockquote'), line.replace(/^>\s?/, '')));
      i++;
      continue;
    }
    if (!line.trim()) {
      i++;
      continue;
    }
    const paragraph: string[] = [];
    for (; i < lines.length && lines[i].trim() && !/^(#|```|\||>|\s*([-*]|\d+\.)\s)/.test(lines[i]); i++) paragraph.push(lines[i].trim());
    if (paragraph.length === 0) {
      article.appendChild(withInline(h('p'), line));
      i++;
    } else if (paragraph.length) article.appendChild(withInline(h('p'), paragraph.join(' ')));
  }
  return article;
}

export async function mountDocs(root: HTMLElement, name: string): Promise<void> {
  const page = ownValue(PAGES, name) ?? PAGES.readme;
  document.title = `${page.title} · Parley`;
  const nav = h(
    'nav',
    { class: 'docs-nav', 'aria-label': 'Guides' },
    h('a', { href: '/', class: 'brand' }, h('span', { class: 'seal', 'aria-hidden': 'true', text: 'P' }), 'Parley'),
    h('a', { href: '/docs/readme', 'aria-current': name === 'readme' ? 'page' : null, text: 'README' }),
    h('a', { href: '/docs/protocol', 'aria-current': name === 'protocol' ? 'page' : null, text: 'Protocol' }),
  );
  const body = h('div', { class: 'docs-body' }, h('p', { class: 'muted', text: 'Loading…' }));
  replaceChildren(root, h('div', { class: 'docs-page' }, nav, body));
  replaceChildren(body, renderMarkdown(await page.load()));
}
