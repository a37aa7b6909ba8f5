import { esc, fmt } from './html.ts';

/** Inline SVG plots generated as strings: no scripts, no fonts or images from elsewhere. */

export const PALETTE = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2', '#17becf', '#7f7f7f', '#bcbd22', '#393b79', '#637939'];

/** White → dark red for 0..1; grey for missing. */
function heat(value: number | null): string {
  if (value === null) return '#eeeeee';
  const v = Math.max(0, Math.min(1, value));
  const r = Math.round(255 - v * 80);
  const g = Math.round(250 - v * 210);
  const b = Math.round(245 - v * 215);
  return `rgb(${r},${g},${b})`;
}

export interface HeatmapInput {
  title: string;
  rowLabels: readonly string[];
  colLabels: readonly string[];
  /** values[row][col], coloured on [min, max] */
  values: readonly (readonly (number | null)[])[];
  min?: number;
  max?: number;
  /** print each cell's value (default: when the grid is small) */
  showValues?: boolean;
  digits?: number;
  rowAxis?: string;
  colAxis?: string;
}

export function heatmap(input: HeatmapInput): string {
  const { rowLabels, colLabels, values } = input;
  const min = input.min ?? 0;
  const max = input.max ?? 1;
  const cell = colLabels.length > 8 ? 24 : 34;
  const left = 8 + 7 * Math.max(4, ...rowLabels.map((l) => l.length));
  const top = 34 + 6.2 * Math.max(4, ...colLabels.map((l) => l.length));
  const show = input.showValues ?? colLabels.length <= 6;
  const axes = [input.rowAxis ? `rows: ${input.rowAxis}` : '', input.colAxis ? `columns: ${input.colAxis}` : ''].filter(Boolean).join(' · ');
  const width = Math.max(left + cell * colLabels.length + 10, 16 + axes.length * 5.6, 20 + input.title.length * 7);
  const height = top + cell * rowLabels.length + 22;
  const parts: string[] = [`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" role="img" aria-label="${esc(input.title)}">`];
  parts.push(`<text x="${left}" y="14" font-size="12" font-weight="600">${esc(input.title)}</text>`);
  colLabels.forEach((label, c) => {
    const x = left + c * cell + cell / 2;
    parts.push(`<text x="${x}" y="${top - 4}" font-size="10" transform="rotate(-55 ${x} ${top - 4})">${esc(label)}</text>`);
  });
  rowLabels.forEach((label, r) => {
    parts.push(`<text x="${left - 4}" y="${top + r * cell + cell / 2 + 3}" font-size="10" text-anchor="end">${esc(label)}</text>`);
    colLabels.forEach((_, c) => {
      const v = values[r]?.[c] ?? null;
      const scaled = v === null ? null : max === min ? 0 : (v - min) / (max - min);
      parts.push(
        `<rect x="${left + c * cell}" y="${top + r * cell}" width="${cell - 1}" height="${cell - 1}" fill="${heat(scaled)}"><title>${esc(`${label} → ${colLabels[c]}: ${fmt(v, input.digits ?? 2)}`)}</title></rect>`,
      );
      if (show && v !== null) {
        parts.push(
          `<text x="${left + c * cell + cell / 2}" y="${top + r * cell + cell / 2 + 3}" font-size="9" text-anchor="middle" fill="${scaled !== null && scaled > 0.6 ? '#fff' : '#222'}">${fmt(v, input.digits ?? 2)}</text>`,
        );
      }
    });
  });
  if (axes) parts.push(`<text x="8" y="${height - 6}" font-size="10" fill="#555">${esc(axes)}</text>`);
  parts.push('</svg>');
  return parts.join('');
}

export interface Series {
  name: string;
  values: readonly (number | null)[];
  color?: string;
  dashed?: boolean;
  /** optional [lo, hi] band per point (confidence intervals) */
  band?: readonly ([number, number] | null)[];
}

export interface LineChartInput {
  title: string;
  xLabels: readonly (string | number)[];
  series: readonly Series[];
  yMin?: number;
  yMax?: number;
  yLabel?: string;
  xLabel?: string;
  width?: number;
  height?: number;
}

export function lineChart(input: LineChartInput): string {
  const width = input.width ?? 460;
  const height = input.height ?? 260;
  const left = 46;
  const right = 130;
  const top = 26;
  const bottom = 36;
  const all = input.series.flatMap((s) => [...s.values, ...(s.band ?? []).flatMap((b) => (b ? b : []))]).filter((v): v is number => v !== null && Number.isFinite(v));
  let yMin = input.yMin ?? Math.min(0, ...all);
  let yMax = input.yMax ?? (all.length ? Math.max(...all) : 1);
  if (yMax === yMin) yMax = yMin + 1;
  const n = Math.max(1, input.xLabels.length);
  const plotW = width - left - right;
  const plotH = height - top - bottom;
  const x = (i: number) => left + (n === 1 ? plotW / 2 : (i * plotW) / (n - 1));
  const y = (v: number) => top + plotH - ((v - yMin) / (yMax - yMin)) * plotH;
  const parts: string[] = [`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" role="img" aria-label="${esc(input.title)}">`];
  parts.push(`<text x="${left}" y="15" font-size="12" font-weight="600">${esc(input.title)}</text>`);
  for (let t = 0; t <= 4; t++) {
    const v = yMin + ((yMax - yMin) * t) / 4;
    parts.push(`<line x1="${left}" x2="${left + plotW}" y1="${y(v)}" y2="${y(v)}" stroke="#e5e5e5"/>`);
    parts.push(`<text x="${left - 5}" y="${y(v) + 3}" font-size="10" text-anchor="end">${fmt(Math.round(v * 100) / 100, 2)}</text>`);
  }
  const step = Math.ceil(n / 12);
  input.xLabels.forEach((label, i) => {
    if (i % step === 0) parts.push(`<text x="${x(i)}" y="${top + plotH + 14}" font-size="10" text-anchor="middle">${esc(label)}</text>`);
  });
  parts.push(`<line x1="${left}" x2="${left}" y1="${top}" y2="${top + plotH}" stroke="#999"/><line x1="${left}" x2="${left + plotW}" y1="${top + plotH}" y2="${top + plotH}" stroke="#999"/>`);
  if (input.xLabel) parts.push(`<text x="${left + plotW / 2}" y="${height - 4}" font-size="10" text-anchor="middle" fill="#555">${esc(input.xLabel)}</text>`);
  if (input.yLabel) parts.push(`<text x="11" y="${top + plotH / 2}" font-size="10" text-anchor="middle" fill="#555" transform="rotate(-90 11 ${top + plotH / 2})">${esc(input.yLabel)}</text>`);
  input.series.forEach((s, k) => {
    const color = s.color ?? PALETTE[k % PALETTE.length];
    if (s.band) {
      const upper: string[] = [];
      const lower: string[] = [];
      s.band.forEach((b, i) => {
        if (!b) return;
        upper.push(`${x(i)},${y(b[1])}`);
        lower.unshift(`${x(i)},${y(b[0])}`);
      });
      if (upper.length > 1) parts.push(`<polygon points="${[...upper, ...lower].join(' ')}" fill="${color}" opacity="0.15"/>`);
    }
    // a gap (null) breaks the line
    let run: string[] = [];
    const flush = () => {
      if (run.length > 1) parts.push(`<polyline points="${run.join(' ')}" fill="none" stroke="${color}" stroke-width="2"${s.dashed ? ' stroke-dasharray="5 3"' : ''}/>`);
      run = [];
    };
    s.values.forEach((v, i) => {
      if (v === null || !Number.isFinite(v)) return flush();
      run.push(`${x(i)},${y(v)}`);
      parts.push(`<circle cx="${x(i)}" cy="${y(v)}" r="2.6" fill="${color}"><title>${esc(`${s.name}, ${input.xLabels[i]}: ${fmt(v)}`)}</title></circle>`);
    });
    flush();
    const ly = top + 4 + k * 15;
    parts.push(`<line x1="${left + plotW + 10}" x2="${left + plotW + 26}" y1="${ly}" y2="${ly}" stroke="${color}" stroke-width="2"${s.dashed ? ' stroke-dasharray="5 3"' : ''}/>`);
    parts.push(`<text x="${left + plotW + 30}" y="${ly + 3}" font-size="10">${esc(s.name.length > 16 ? s.name.slice(0, 15) + '…' : s.name)}</text>`);
  });
  parts.push('</svg>');
  return parts.join('');
}

export interface FlowInput {
  title: string;
  /** every seat label, drawn on both sides */
  labels: readonly string[];
  /** colour per seat (e.g. by role) */
  colors: readonly string[];
  votes: readonly { from: number; to: number | null }[];
  /** the seat this ballot removed, highlighted on the right */
  eliminated?: number | null;
}

/** A ballot as a flow from voters (left) to their targets (right). */
export function voteFlow(input: FlowInput): string {
  const seats = input.labels.length;
  const row = 17;
  const width = 300;
  const top = 26;
  const height = top + seats * row + 8;
  const lx = 100;
  const rx = 200;
  const yOf = (seat: number) => top + seat * row + row / 2;
  const voters = new Set(input.votes.map((v) => v.from));
  const targeted = new Map<number, number>();
  for (const v of input.votes) if (v.to !== null) targeted.set(v.to, (targeted.get(v.to) ?? 0) + 1);
  const parts: string[] = [`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" role="img" aria-label="${esc(input.title)}">`];
  parts.push(`<text x="4" y="14" font-size="12" font-weight="600">${esc(input.title)}</text>`);
  for (const v of input.votes) {
    if (v.to === null) continue;
    const y1 = yOf(v.from);
    const y2 = yOf(v.to);
    parts.push(`<path d="M${lx} ${y1} C${(lx + rx) / 2} ${y1} ${(lx + rx) / 2} ${y2} ${rx} ${y2}" fill="none" stroke="${input.colors[v.from]}" stroke-width="1.8" opacity="0.75"/>`);
  }
  input.labels.forEach((label, seat) => {
    const y = yOf(seat);
    const short = label.length > 14 ? label.slice(0, 13) + '…' : label;
    if (voters.has(seat)) {
      parts.push(`<text x="${lx - 6}" y="${y + 3}" font-size="10" text-anchor="end" fill="${input.colors[seat]}">${esc(short)}</text>`);
      parts.push(`<circle cx="${lx}" cy="${y}" r="3" fill="${input.colors[seat]}"/>`);
    }
    const count = targeted.get(seat);
    if (count) {
      const out = input.eliminated === seat;
      parts.push(`<circle cx="${rx}" cy="${y}" r="${3 + count}" fill="${out ? '#000' : input.colors[seat]}"/>`);
      parts.push(`<text x="${rx + 10 + count}" y="${y + 3}" font-size="10"${out ? ' font-weight="700"' : ''}>${esc(short)} (${count})${out ? ' ✗' : ''}</text>`);
    }
  });
  parts.push('</svg>');
  return parts.join('');
}
