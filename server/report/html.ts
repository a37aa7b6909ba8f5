/** Small HTML building blocks for the self-contained reports (no scripts, no external URLs). */

export function esc(text: unknown): string {
  return String(text).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

export function fmt(value: unknown, digits = 3): string {
  if (value === null || value === undefined) return '—';
  if (typeof value === 'number') {
    if (Number.isInteger(value)) return String(value);
    // no "-0.000" for values that round to zero
    const text = value.toFixed(digits);
    return Number(text) === 0 ? (0).toFixed(digits) : text;
  }
  return String(value);
}

export function table(headers: readonly string[], rows: readonly (readonly unknown[])[], className = ''): string {
  return (
    `<table${className ? ` class="${className}"` : ''}><thead><tr>${headers.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead><tbody>` +
    rows.map((r) => `<tr>${r.map((c) => `<td>${typeof c === 'number' || c === null ? fmt(c) : esc(c)}</td>`).join('')}</tr>`).join('') +
    '</tbody></table>'
  );
}

export interface Section {
  title: string;
  /** HTML (already escaped) */
  body: string;
  note?: string;
}

const STYLE = `
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:0;background:#f6f5f1;color:#222}
header{background:#1f2a44;color:#fff;padding:18px 28px}header h1{margin:0 0 4px;font-size:22px}header p{margin:0;opacity:.85}
main{padding:12px 28px 40px;display:flex;flex-wrap:wrap;gap:0 16px;align-items:flex-start}
section{background:#fff;border:1px solid #ddd;border-radius:8px;padding:14px 18px;margin:16px 0 0;flex:1 1 520px;max-width:100%;overflow-x:auto;box-sizing:border-box}
section h2{margin:0 0 8px;font-size:17px}.note{color:#666;font-size:12.5px;margin:4px 0 10px}
table{border-collapse:collapse;font-size:13px}th,td{border-bottom:1px solid #e4e4e4;padding:4px 10px;text-align:left}
th{background:#f0efe9}td{font-variant-numeric:tabular-nums}
.plots{display:flex;flex-wrap:wrap;gap:14px;align-items:flex-start}
.plots figure{margin:0}.plots figcaption{font-size:12px;color:#555;text-align:center}
svg text{font-family:system-ui,sans-serif}
`;

/** A whole report page: inline CSS and SVG only, readable offline. */
/** `link`: one line under the subtitle, e.g. the session's replay (an absolute URL or a bare path). */
export function page(title: string, subtitle: string, sections: readonly Section[], link?: { label: string; href: string }): string {
  return (
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">` +
    `<title>${esc(title)}</title><style>${STYLE}</style></head><body>` +
    `<header><h1>${esc(title)}</h1><p>${esc(subtitle)}</p>` +
    (link ? `<p>${esc(link.label)}: <a href="${esc(link.href)}">${esc(link.href)}</a></p>` : '') +
    `</header><main>` +
    sections
      .map((s) => `<section><h2>${esc(s.title)}</h2>${s.note ? `<p class="note">${esc(s.note)}</p>` : ''}${s.body}</section>`)
      .join('') +
    `</main></body></html>\n`
  );
}

export function figure(svg: string, caption?: string): string {
  return `<figure>${svg}${caption ? `<figcaption>${esc(caption)}</figcaption>` : ''}</figure>`;
}

export function plots(figures: readonly string[]): string {
  return `<div class="plots">${figures.join('')}</div>`;
}
