/**
 * A run's log lines, in a `<details>` that starts open while the log is short.
 */
import { h } from '../common/dom';

/** The log starts open while it is this short. */
const LOGS_OPEN_LIMIT = 5;

/** The log of one view. */
export class LogsView {
  private readonly count = h('summary', {});
  private readonly lines = h('div', { class: 'inb-rv-log-lines' });
  readonly box = h('details', { class: 'inb-rv-logs', hidden: true }, this.count, this.lines);
  private touched = false; // the person opened/closed the log: stop choosing for them

  constructor() {
    this.count.addEventListener('click', () => {
      this.touched = true;
    });
  }

  draw(lines: string[]): void {
    const { box, count, lines: list } = this;
    box.hidden = !lines.length;
    count.textContent = `Log (${lines.length} line${lines.length === 1 ? '' : 's'})`;
    const atBottom = list.scrollTop + list.clientHeight >= list.scrollHeight - 4;
    list.replaceChildren(...lines.map(l => h('div', { class: 'inb-rv-log-line', text: l })));
    if (atBottom) {
      list.scrollTop = list.scrollHeight; // follow the tail unless scrolled up
    }
    if (!this.touched) {
      box.open = lines.length <= LOGS_OPEN_LIMIT;
    }
  }
}
