// A "Copy" button for a link the experimenter hands out (join links, a study's public link).
import { h } from '../dom.ts';

async function copyText(text: string, source: HTMLElement): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    // no clipboard API (plain http on a LAN address): select the text and copy it the old way
    const range = document.createRange();
    range.selectNodeContents(source);
    const selection = window.getSelection();
    selection?.removeAllRanges();
    selection?.addRange(range);
    return document.execCommand('copy');
  }
}

/** The button (accessible name `label`) and the polite status that says whether it worked. */
export function copyButton(url: string, link: HTMLElement, label: string): [HTMLButtonElement, HTMLElement] {
  const copy = h('button', { type: 'button', class: 'copy-button', 'aria-label': label, text: 'Copy' });
  const done = h('span', { class: 'copy-done', 'aria-live': 'polite' });
  copy.addEventListener('click', async () => {
    done.textContent = (await copyText(url, link)) ? 'Copied' : 'Select and copy by hand';
  });
  return [copy, done];
}
