/**
 * The messages runs sent the person (`ctx.notify(..., to=...)`), as a list: what, who started
 * the run, when; each opens its run. Shared by Lab's "Waiting for me" and the app page.
 */
import { INotice } from './api';
import { el, fullTime, relativeTime } from './format';
import { noticeText } from './inbox';

/** Opens the run a message came from. */
export type OpenNotice = (note: INotice) => void;

/** The `<li>` of one message. */
export function noticeItem(note: INotice, open: OpenNotice): HTMLLIElement {
  const from = note.user ? `from ${note.user}'s run` : 'from a run';
  const button = el(
    'button',
    { type: 'button', class: 'inb-notice', title: 'Open the run that sent this' },
    el('span', { class: 'inb-notice-text', text: noticeText(note) }),
    el('span', { class: 'inb-notice-meta', text: `${from} · ${relativeTime(note.time)}`, title: fullTime(note.time) })
  );
  button.dataset.runId = note.run_id;
  button.addEventListener('click', () => open(note));
  return el('li', {}, button);
}

/** A titled list of messages, hidden while there are none. */
export class NoticeList {
  constructor(private readonly open: OpenNotice) {
    this.node.hidden = true;
  }

  readonly node = el('div', { class: 'inb-notices' });

  /** Show `notes` (newest first). */
  show(notes: INotice[]): void {
    this.node.hidden = notes.length === 0;
    this.node.replaceChildren(
      el('h3', { class: 'inb-notices-title', text: 'Messages for you' }),
      el('ul', { class: 'inb-notices-list' }, ...notes.map(note => noticeItem(note, this.open)))
    );
  }
}
