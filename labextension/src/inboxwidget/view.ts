/**
 * "Waiting for me" on a dashboard (`actions.inbox()` in a Voilà page): the runs whose prompt is
 * the person's to answer, re-read while shown; clicking one opens its form below the list,
 * drawn by the shared run page and answered through the server's API as the person logged in.
 *
 * It needs the interval_nb server extension (a Voilà page under a Jupyter server, Lab, Notebook
 * 7): the kernel says whether its server has it (`served`), and the view says so when not.
 */
import { IntervalApi, IRun } from '../client/api';
import { cookieConnection, pageBaseUrl } from '../client/cookieconnection';
import { el } from '../client/format';
import { RunPage } from '../client/runpage';
import { InboxList } from '../app/lists';
import { applyColorScheme, watchColorScheme } from '../common/theme';

/** How often the list is re-read while the page is visible (ms). */
const POLL_MS = 5000;

/** The widget's anywidget model. */
export interface InboxModel {
  get(name: 'title'): string | null | undefined;
  get(name: 'served'): boolean | null | undefined;
}

/** Why the inbox cannot be shown here. */
const NOT_SERVED =
  '“Waiting for me” needs the Jupyter server that runs interval_nb’s extension: open this ' +
  'dashboard under that server (…/voila/render/<notebook>), or its app page at …/interval/#inbox.';

/** One inbox widget. */
export class InboxWidgetView {
  constructor(
    private readonly model: InboxModel,
    el_: HTMLElement
  ) {
    el_.append(this.root);
  }

  /** Start showing and re-reading the inbox; returns what stops it. */
  mount(): () => void {
    applyColorScheme(this.root);
    const unwatch = watchColorScheme(this.root);
    const base = pageBaseUrl();
    if (!this.model.get('served') || base === null) {
      this.root.append(el('p', { class: 'inb-app-empty', text: NOT_SERVED }));
      return unwatch;
    }
    const api = new IntervalApi(cookieConnection(base));
    const list = new InboxList(
      api,
      (run, button) => void this.start(api, run, button),
      run => this.open(api, run.id),
      this.model.get('title') || 'Waiting for me'
    );
    this.root.append(list.node, this.notice, this.runBox);
    // `me` first: it also sets Jupyter's _xsrf cookie, which this page may not have yet and
    // the answers (POSTs) need.
    const ready = api.me().catch(() => null);
    const poll = async (): Promise<void> => {
      await ready;
      if (!document.hidden) {
        try {
          await list.refresh();
          this.notice.hidden = true;
        } catch (err) {
          this.say(`The inbox cannot be read: ${err instanceof Error ? err.message : err}`);
        }
      }
      if (!this.stopped) {
        this.timer = window.setTimeout(() => void poll(), POLL_MS); // a view removed mid-read stays stopped
      }
    };
    void poll();
    return () => {
      this.stopped = true;
      clearTimeout(this.timer);
      this.page?.dispose();
      unwatch();
    };
  }

  private async start(api: IntervalApi, run: IRun, button: HTMLButtonElement): Promise<void> {
    button.disabled = true;
    try {
      this.open(api, (await api.startQueued(run.id)).id);
    } catch (err) {
      this.say(`The run could not be started: ${err instanceof Error ? err.message : err}`);
    } finally {
      button.disabled = false;
    }
  }

  /** Show run `runId` below the list (instead of the one shown before). */
  private open(api: IntervalApi, runId: string): void {
    this.page?.dispose();
    const page = new RunPage(api, runId);
    this.page = page;
    page.failed.connect((_, message) => this.say(message));
    this.runBox.replaceChildren(page.node);
    this.runBox.hidden = false;
    void page.load().then(() => page.focusForm(this.runBox));
  }

  private say(text: string): void {
    this.notice.textContent = text;
    this.notice.hidden = false;
  }

  private readonly root = el('div', { class: 'inb-inbox-widget' });
  private readonly notice = el('p', { class: 'inb-panel-notice', role: 'status', hidden: true });
  private readonly runBox = el('div', { class: 'inb-inbox-widget-run inb-panel', tabindex: '-1', hidden: true });
  private page: RunPage | null = null;
  private timer = 0;
  private stopped = false;
}
