// Small pieces the console's study views share: a link with a Copy button, money, and an error line.
import { h } from '../dom.ts';
import { copyButton } from './copy.ts';
import { ConsoleHttpError } from './api.ts';

/** The study's public link with a "Copy" button (accessible name "Copy link of <what>"). */
export function copyableLink(url: string, what: string): HTMLElement {
  const link = h('a', { class: 'study-link', href: url, target: '_blank', rel: 'noopener', text: url });
  const [copy, done] = copyButton(url, link, `Copy link of ${what}`);
  return h('span', { class: 'study-link-row' }, link, copy, done);
}

/** 1.5 GBP → "£1.50" (the currency's own sign where the browser knows it). */
export function formatMoney(amount: number, currency: string): string {
  try {
    return new Intl.NumberFormat(undefined, { style: 'currency', currency }).format(amount);
  } catch {
    return `${amount.toFixed(2)} ${currency}`;
  }
}

/** What to tell the experimenter when a call fails (a 401 has already brought the sign-in form back). */
export function failureText(err: unknown): string {
  if (err instanceof ConsoleHttpError) return err.message;
  return err instanceof Error ? err.message : String(err);
}

/** A status badge in the session table's colours. */
export function badge(text: string, kind: string): HTMLElement {
  return h('span', { class: `badge ${kind}`, text });
}
