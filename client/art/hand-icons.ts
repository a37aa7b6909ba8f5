// Small inline-SVG rock/paper/scissors icons for the DOM panels (built node by node, no innerHTML).
import type { Hand } from '../../shared/games/trust-split/hands.ts';

const SVG_NS = 'http://www.w3.org/2000/svg';

function node(tag: string, attrs: Record<string, string | number>): SVGElement {
  const element = document.createElementNS(SVG_NS, tag);
  for (const [name, value] of Object.entries(attrs)) element.setAttribute(name, String(value));
  return element;
}

const SHAPES: Record<Hand, Array<[string, Record<string, string | number>]>> = {
  rock: [
    ['polygon', { points: '12,3 18,5 21,11 19,18 12,21 5,19 3,12 6,5', fill: '#8e8676', stroke: '#4d463c', 'stroke-width': 1.5 }],
    ['ellipse', { cx: 10, cy: 9, rx: 4, ry: 2.5, fill: '#b3ab99' }],
  ],
  paper: [
    ['polygon', { points: '6,3 15,3 19,7 19,21 6,21', fill: '#fbf6ea', stroke: '#8b7f66', 'stroke-width': 1.5 }],
    ['line', { x1: 8.5, y1: 10, x2: 16.5, y2: 10, stroke: '#9fb4d8', 'stroke-width': 1.2 }],
    ['line', { x1: 8.5, y1: 13.5, x2: 16.5, y2: 13.5, stroke: '#9fb4d8', 'stroke-width': 1.2 }],
    ['line', { x1: 8.5, y1: 17, x2: 13.5, y2: 17, stroke: '#9fb4d8', 'stroke-width': 1.2 }],
  ],
  scissors: [
    ['line', { x1: 9, y1: 15, x2: 17, y2: 3, stroke: '#d8dde6', 'stroke-width': 2.2, 'stroke-linecap': 'round' }],
    ['line', { x1: 15, y1: 15, x2: 7, y2: 3, stroke: '#d8dde6', 'stroke-width': 2.2, 'stroke-linecap': 'round' }],
    ['circle', { cx: 8, cy: 18, r: 3, fill: 'none', stroke: '#d2435b', 'stroke-width': 2 }],
    ['circle', { cx: 16, cy: 18, r: 3, fill: 'none', stroke: '#d2435b', 'stroke-width': 2 }],
  ],
};

/** An icon for `hand`, announced by screen readers as the hand's name. */
export function handIcon(hand: Hand, size = 22): SVGElement {
  const svg = node('svg', { viewBox: '0 0 24 24', width: size, height: size, role: 'img', 'aria-label': hand, class: 'hand-icon' });
  for (const [tag, attrs] of SHAPES[hand]) svg.appendChild(node(tag, attrs));
  return svg;
}
