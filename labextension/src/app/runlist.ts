/**
 * A list of runs as the app page shows them (the inbox and "My runs"): each a link to the run,
 * with its status in words, who and when; a queued run in the inbox also gets Start.
 */
import { IRun } from '../client/api';
import { el, fullTime, relativeTime, statusBadge } from '../client/format';

/** What a list item may offer beside opening the run. */
export interface IRunListOptions {
  /** The line under the title (default: who started it). */
  describe?: (run: IRun) => string;
  /** Open the run in place (default: the link goes to `#run=<id>`). */
  open?: (run: IRun) => void;
  /** Start a queued run (only queued runs get the button). */
  start?: (run: IRun, button: HTMLButtonElement) => void;
}

/** The `<li>` of one run. */
export function runItem(run: IRun, options: IRunListOptions = {}): HTMLLIElement {
  const when = run.updated ?? run.created;
  const describe = options.describe ?? ((r: IRun) => (r.user ? `started by ${r.user}` : ''));
  const link = el(
    'a',
    { class: 'inb-app-run-link', href: `#run=${encodeURIComponent(run.id)}` },
    el('span', { class: 'inb-app-run-title', text: run.title || run.action }),
    el(
      'span',
      { class: 'inb-app-run-meta' },
      statusBadge(run.status),
      el('span', { text: describe(run) }),
      el('time', { text: relativeTime(when), title: fullTime(when) })
    )
  );
  const open = options.open;
  if (open) {
    link.addEventListener('click', event => {
      event.preventDefault();
      open(run);
    });
  }
  const item = el('li', { class: 'inb-app-run' }, link);
  item.dataset.runId = run.id;
  item.dataset.status = run.status;
  if (run.status === 'queued' && options.start) {
    const start = options.start;
    const button = el('button', {
      type: 'button',
      class: 'inb-app-button inb-app-start',
      text: 'Start',
      'aria-label': `Start ${run.title || run.action}`
    });
    button.addEventListener('click', () => start(run, button));
    item.append(button);
  }
  return item;
}

/** Fill `list` with `runs`, or show `empty` when there are none. */
export function showRuns(
  list: HTMLUListElement,
  empty: HTMLElement,
  runs: IRun[],
  options: IRunListOptions = {}
): void {
  list.replaceChildren(...runs.map(run => runItem(run, options)));
  empty.hidden = runs.length > 0;
}
