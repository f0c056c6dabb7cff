/**
 * Short messages for the person (a failed request, a refused start), in a polite live region
 * so screen readers read them too. Each goes after a while or when dismissed.
 */
import { el } from '../client/format';

/** How long a message stays. */
const SHOW_MS = 8000;

/** The page's message area. */
export class Toasts {
  readonly node = el('div', { class: 'inb-app-toasts', role: 'status', 'aria-live': 'polite' });

  /** Show `text`; `error` messages are styled as such. */
  show(text: string, kind: 'info' | 'error' = 'error'): void {
    const close = el('button', { type: 'button', class: 'inb-app-toast-close', text: '×', 'aria-label': 'Dismiss' });
    const toast = el('div', { class: 'inb-app-toast' }, el('span', { text }), close);
    toast.dataset.kind = kind;
    const remove = (): void => toast.remove();
    close.addEventListener('click', remove);
    window.setTimeout(remove, SHOW_MS);
    this.node.append(toast);
  }
}
