// The pictures on the lobby's game cards (decorative: hidden from screen readers).
import { handIcon } from '../art/hand-icons.ts';
import { h } from '../dom.ts';

const SVG_NS = 'http://www.w3.org/2000/svg';

function svg(tag: string, attrs: Record<string, string | number>, ...children: SVGElement[]): SVGElement {
  const element = document.createElementNS(SVG_NS, tag);
  for (const [name, value] of Object.entries(attrs)) element.setAttribute(name, String(value));
  for (const child of children) element.appendChild(child);
  return element;
}

/** A candle-lit round table with one crimson seat: The Traitors. */
export function traitorsArt(): SVGElement {
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

export function trustSplitArt(): HTMLElement {
  const coins = Array.from({ length: 5 }, () => h('span', { class: 'coin', 'aria-hidden': 'true' }));
  return h('div', { class: 'card-art rps', 'aria-hidden': 'true' }, h('div', { class: 'hands' }, handIcon('rock', 44), handIcon('paper', 44), handIcon('scissors', 44)), h('div', { class: 'coins' }, ...coins));
}
