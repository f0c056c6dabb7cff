/**
 * The app page's two lists of runs: "Waiting for me" (the inbox: prompts that are the
 * person's to answer and runs queued for them) and "My runs" (the person's history, newest
 * first). Both are re-read while shown, so statuses stay live.
 */
import { IMe, IntervalApi, IRun, IRunPage } from '../client/api';
import { el } from '../client/format';
import { inboxReason } from '../client/inbox';
import { IRunListOptions, showRuns } from './runlist';

/** How many runs a list shows. */
const LIST_LIMIT = 50;

/** A titled list of runs with a line for when it is empty. */
abstract class RunsSection {
  constructor(label: string, emptyText: string) {
    this.empty = el('p', { class: 'inb-app-empty', text: emptyText, hidden: true });
    this.node = el('section', { class: 'inb-app-list', 'aria-label': label }, el('h2', { text: label }), this.list, this.empty);
  }

  readonly node: HTMLElement;

  /** Read the runs again and redraw; returns what the server answered (runs and total). */
  async refresh(): Promise<IRunPage> {
    const page = await this.read();
    showRuns(this.list, this.empty, page.runs, this.options());
    return page;
  }

  protected abstract read(): Promise<IRunPage>;

  protected abstract options(): IRunListOptions;

  protected readonly list = el('ul', { class: 'inb-app-runs' });
  protected readonly empty: HTMLElement;
}

/** "Waiting for me". */
export class InboxList extends RunsSection {
  constructor(
    private readonly api: IntervalApi,
    private readonly start: (run: IRun, button: HTMLButtonElement) => void,
    private readonly open?: (run: IRun) => void,
    title = 'Waiting for me'
  ) {
    super(title, 'Nothing is waiting for you.');
  }

  protected read(): Promise<IRunPage> {
    return this.api.runs({ waitingFor: 'me', limit: LIST_LIMIT });
  }

  protected options(): IRunListOptions {
    return { describe: inboxReason, start: this.start, open: this.open };
  }
}

/** The most runs "My runs" lists (the API's largest page). */
const MAX_SHOWN = 500;

/** "My runs": the latest 50, and more on demand. */
export class MyRuns extends RunsSection {
  constructor(
    private readonly api: IntervalApi,
    private readonly me: () => IMe | null
  ) {
    super('My runs', 'You have not run anything yet. Pick an action to start.');
    this.more.addEventListener('click', () => {
      this.limit = Math.min(MAX_SHOWN, this.limit + LIST_LIMIT);
      void this.refresh();
    });
    this.node.append(this.more);
  }

  /** Read the runs again and redraw, with "Show more" while older runs are left out. */
  async refresh(): Promise<IRunPage> {
    const page = await super.refresh();
    const left = page.total - page.runs.length;
    this.more.hidden = left <= 0 || this.limit >= MAX_SHOWN;
    this.more.textContent = `Show ${Math.min(left, LIST_LIMIT)} more (${page.total} in all)`;
    return page;
  }

  protected read(): Promise<IRunPage> {
    const user = this.me()?.username;
    return this.api.runs({ limit: this.limit, ...(user ? { user } : {}) });
  }

  private limit = LIST_LIMIT;
  private readonly more = el('button', { type: 'button', class: 'inb-app-button inb-app-more', hidden: true });

  protected options(): IRunListOptions {
    return { describe: run => (run.status === 'awaiting_input' ? 'waiting for an answer' : '') };
  }
}
