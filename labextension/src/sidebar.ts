/**
 * The Interval sidebar: what waits for the person (their inbox, see `inbox.ts`), the actions
 * this server serves (searchable; click to run one) and the history of runs with their live
 * status (click to open one, or re-attach to a waiting run).
 */
import { Poll } from '@lumino/polling';
import { CommandRegistry } from '@lumino/commands';
import { ISignal, Signal } from '@lumino/signaling';
import { SidePanel, refreshIcon } from '@jupyterlab/ui-components';
import { PanelLayout, Widget } from '@lumino/widgets';

import { IActionInfo, IntervalApi, IRegistryError, IRun, TERMINAL } from './client/api';
import { el, fullTime, relativeTime, SOURCE_LABEL, STATUS_LABEL, statusBadge } from './client/format';
import { intervalIcon } from './icons';
import { noticeNews } from './client/inbox';
import { InboxNews, InboxSection, notifyHandOff, notifyNotice, OpenRun } from './inbox';

/** Command ids the sidebar runs (registered by the plugin). */
export const CommandIDs = {
  runAction: 'interval-nb:run-action',
  openRun: 'interval-nb:open-run',
  startRun: 'interval-nb:start-queued-run',
  refresh: 'interval-nb:refresh',
  showSidebar: 'interval-nb:show-sidebar',
  openApp: 'interval-nb:open-app',
  about: 'interval-nb:open-docs'
} as const;

/** How many of the latest messages (`ctx.notify(to=...)`) the inbox lists. */
const NOTICES_SHOWN = 5;

/** How often the history is re-read while the sidebar is visible (ms). */
const HISTORY_INTERVAL_MS = 3000;

/** Runs listed in the sidebar. */
const HISTORY_LIMIT = 50;

/** The searchable list of actions. */
class ActionsSection extends Widget {
  constructor(private readonly commands: CommandRegistry) {
    super();
    this.addClass('inb-sb-section');
    this.addClass('inb-sb-actions-section');
    this.title.label = 'Actions';
    this._search = el('input', {
      type: 'search',
      class: 'inb-sb-search',
      placeholder: 'Search actions…',
      'aria-label': 'Search actions'
    });
    this._search.addEventListener('input', () => this.draw());
    this._search.addEventListener('keydown', event => {
      if (event.key === 'Enter') {
        const first = this._list.querySelector<HTMLButtonElement>('.inb-sb-action');
        first?.click();
      }
    });
    this._list = el('ul', { class: 'inb-sb-list', 'aria-label': 'Actions' });
    this._message = el('div', { class: 'inb-sb-message' });
    this.node.append(el('div', { class: 'inb-sb-searchbox' }, this._search), this._list, this._message);
  }

  /** Show these actions (and the registries that failed to load). */
  setActions(actions: IActionInfo[], errors: IRegistryError[]): void {
    this._actions = actions;
    this._errors = errors;
    this._loaded = true;
    this.draw();
  }

  /** Show why the actions could not be listed. */
  setError(message: string): void {
    this._loaded = true;
    this._actions = [];
    this._errors = [{ registry: 'the Jupyter server', message }];
    this.draw();
  }

  private draw(): void {
    const needle = this._search.value.trim().toLowerCase();
    const shown = this._actions.filter(
      a => !needle || `${a.name} ${a.slug} ${a.description}`.toLowerCase().includes(needle)
    );
    this._list.replaceChildren(
      ...shown.map(action => {
        const button = el(
          'button',
          { type: 'button', class: 'inb-sb-action', title: `Run ${action.name}` },
          el('span', { class: 'inb-sb-action-name', text: action.name }),
          action.description ? el('span', { class: 'inb-sb-action-desc', text: action.description }) : null
        );
        button.dataset.slug = action.slug;
        button.addEventListener('click', () => {
          void this.commands.execute(CommandIDs.runAction, { slug: action.slug, name: action.name });
        });
        return el('li', {}, button);
      })
    );
    const notes: (Node | string)[] = [];
    if (!this._loaded) {
      notes.push(el('p', { class: 'inb-muted', text: 'Loading actions…' }));
    } else if (!this._actions.length) {
      notes.push(
        el('p', { class: 'inb-sb-empty-title', text: 'No actions yet' }),
        el(
          'p',
          { class: 'inb-muted' },
          'Tell the server which actions to serve, e.g. in jupyter_server_config.py: ',
          el('code', { text: 'c.IntervalNB.actions = ["my_actions.py"]' }),
          ', then restart JupyterLab.'
        )
      );
    } else if (!shown.length) {
      notes.push(el('p', { class: 'inb-muted', text: `No action matches “${this._search.value}”.` }));
    }
    for (const error of this._errors) {
      notes.push(
        el('p', { class: 'inb-sb-error', role: 'alert' }, `Could not load ${error.registry}: `, el('span', { text: error.message }))
      );
    }
    this._message.replaceChildren(...notes);
  }

  private _search: HTMLInputElement;
  private _list: HTMLUListElement;
  private _message: HTMLElement;
  private _actions: IActionInfo[] = [];
  private _errors: IRegistryError[] = [];
  private _loaded = false;
}

/** The history of runs with live status. */
class RunsSection extends Widget {
  constructor(private readonly commands: CommandRegistry) {
    super();
    this.addClass('inb-sb-section');
    this.addClass('inb-sb-runs-section');
    this.title.label = 'Runs';
    this._filter = el('select', { class: 'inb-sb-filter', 'aria-label': 'Show runs' });
    this._filter.append(el('option', { value: '', text: 'All runs' }));
    for (const [status, label] of Object.entries(STATUS_LABEL)) {
      if (status !== 'pending') {
        this._filter.append(el('option', { value: status, text: label }));
      }
    }
    this._filter.addEventListener('change', () => this._filterChanged.emit(this._filter.value));
    this._list = el('ul', { class: 'inb-sb-list', 'aria-label': 'Runs' });
    this._message = el('div', { class: 'inb-sb-message' });
    this.node.append(el('div', { class: 'inb-sb-searchbox' }, this._filter), this._list, this._message);
  }

  /** The status the person filters on ('' for all). */
  get status(): string {
    return this._filter.value;
  }

  /** Emitted when the person picks another filter. */
  get filterChanged(): ISignal<this, string> {
    return this._filterChanged;
  }

  setRuns(runs: IRun[], total: number): void {
    this._list.replaceChildren(...runs.map(run => this.item(run)));
    const notes: Node[] = [];
    if (!runs.length) {
      notes.push(el('p', { class: 'inb-muted', text: this.status ? 'No runs with this status.' : 'No runs yet. Run an action above.' }));
    } else if (total > runs.length) {
      notes.push(el('p', { class: 'inb-muted', text: `The ${runs.length} most recent of ${total} runs.` }));
    }
    this._message.replaceChildren(...notes);
  }

  setError(message: string): void {
    this._message.replaceChildren(el('p', { class: 'inb-sb-error', role: 'alert', text: `The history cannot be read: ${message}` }));
  }

  private item(run: IRun): HTMLElement {
    const where = run.source === 'api' ? '' : ` · in ${SOURCE_LABEL[run.source] ?? run.source}`;
    const meta = el('span', {
      class: 'inb-sb-run-meta',
      text: `${run.user || 'someone'} · ${relativeTime(run.created)}${where}`,
      title: `Started ${fullTime(run.created)}; last change ${fullTime(run.updated)}`
    });
    const button = el(
      'button',
      {
        type: 'button',
        class: 'inb-sb-run',
        title: TERMINAL.has(run.status) ? 'Show this run and its details' : 'Open this run'
      },
      el('span', { class: 'inb-sb-run-title', text: run.title || run.action }),
      el('span', { class: 'inb-sb-run-line' }, statusBadge(run.status), meta)
    );
    button.dataset.runId = run.id;
    button.dataset.status = run.status;
    button.addEventListener('click', () => {
      void this.commands.execute(CommandIDs.openRun, { id: run.id, label: run.title });
    });
    return el('li', {}, button);
  }

  private _filter: HTMLSelectElement;
  private _list: HTMLUListElement;
  private _message: HTMLElement;
  private _filterChanged = new Signal<this, string>(this);
}

/** The whole sidebar: header, inbox, toolbar, the two sections, and their polls. */
export class IntervalSidebar extends SidePanel {
  constructor(options: IntervalSidebar.IOptions) {
    super();
    this.id = 'interval-nb-sidebar';
    this.addClass('inb-sidebar');
    this.title.icon = intervalIcon;
    this.title.caption = 'Interval actions and runs';
    this._api = options.api;
    const refresh = el('button', {
      type: 'button',
      class: 'inb-sb-refresh jp-ToolbarButtonComponent jp-mod-minimal jp-Button',
      title: 'Refresh actions and runs',
      'aria-label': 'Refresh actions and runs'
    });
    refreshIcon.element({ container: refresh, tag: 'span', elementPosition: 'center' });
    refresh.addEventListener('click', () => void options.commands.execute(CommandIDs.refresh));
    // The same actions, inbox and runs for people who never open Lab: a link to send them.
    const openApp = el('a', {
      class: 'inb-sb-open-app',
      href: options.api.appUrl(),
      target: '_blank',
      rel: 'noopener',
      text: 'Open as app',
      title: 'The kernel-free app page of these actions, for people who never see code'
    });
    const header = el(
      'div',
      { class: 'inb-sb-headerbar' },
      el('h2', { class: 'inb-sb-header', text: 'Interval' }),
      el('span', { class: 'inb-sb-headerbar-tools' }, openApp, refresh)
    );
    this.header.addWidget(new Widget({ node: header }));
    this.toolbar.hide();
    const open: OpenRun = run => void options.commands.execute(CommandIDs.openRun, { id: run.id, label: run.title });
    this._open = open;
    const start: OpenRun = run =>
      void options.commands.execute(CommandIDs.startRun, { id: run.id, label: run.title });
    this._inbox = new InboxSection(open, start);
    // Between the header and the sections, always in view (SidePanel's layout is a PanelLayout).
    const layout = this.layout as PanelLayout;
    layout.insertWidget(layout.widgets.indexOf(this.content), this._inbox);

    this._actions = new ActionsSection(options.commands);
    this._runs = new RunsSection(options.commands);
    this.addWidget(this._actions);
    this.addWidget(this._runs);
    this._runs.filterChanged.connect(() => void this._poll.refresh());

    this._poll = new Poll({
      factory: () => this.loadRuns(),
      frequency: { interval: HISTORY_INTERVAL_MS, backoff: true, max: 60_000 },
      standby: () => !this.isVisible || 'when-hidden',
      name: 'interval-nb:history'
    });
    // The inbox is read even while the sidebar is closed: a prompt handed over is announced.
    this._inboxPoll = new Poll({
      factory: () => this.loadInbox(),
      frequency: { interval: HISTORY_INTERVAL_MS, backoff: true, max: 60_000 },
      standby: 'when-hidden',
      name: 'interval-nb:inbox'
    });
  }

  /** Emitted with the actions whenever they are (re)loaded (the palette lists them). */
  get actionsLoaded(): ISignal<this, IActionInfo[]> {
    return this._actionsLoaded;
  }

  /** Re-read the actions and the history now. */
  async refresh(): Promise<void> {
    await Promise.all([this.loadActions(), this._poll.refresh(), this._inboxPoll.refresh()]);
  }

  /** Re-read the history and the inbox now (after a run started or changed status). */
  refreshRuns(): void {
    void this._poll.refresh();
    void this._inboxPoll.refresh();
  }

  async loadActions(): Promise<void> {
    try {
      const { actions, errors } = await this._api.actions();
      this._actions.setActions(actions, errors);
      this._actionsLoaded.emit(actions);
    } catch (err) {
      this._actions.setError(err instanceof Error ? err.message : String(err));
    }
  }

  dispose(): void {
    this._poll.dispose();
    this._inboxPoll.dispose();
    Signal.clearData(this);
    super.dispose();
  }

  private async loadRuns(): Promise<void> {
    try {
      const page = await this._api.runs({ status: this._runs.status || undefined, limit: HISTORY_LIMIT });
      this._runs.setRuns(page.runs, page.total);
    } catch (err) {
      this._runs.setError(err instanceof Error ? err.message : String(err));
      throw err; // let the poll back off
    }
  }

  private async loadInbox(): Promise<void> {
    let page;
    try {
      page = await this._api.runs({ waitingFor: 'me', limit: HISTORY_LIMIT });
    } catch (err) {
      this._inbox.setUnavailable();
      throw err; // let the poll back off
    }
    this._inbox.setRuns(page.runs, page.total);
    this.title.caption = page.total
      ? `Interval actions and runs — ${page.total} waiting for you`
      : 'Interval actions and runs';
    for (const run of this._news.arrivals(page.runs)) {
      notifyHandOff(run, this._open);
    }
    await this.loadNotices();
  }

  /** The messages runs sent the person: the latest in the inbox, new ones notified. */
  private async loadNotices(): Promise<void> {
    let notes;
    try {
      notes = await this._api.notifications(NOTICES_SHOWN);
    } catch (err) {
      console.warn('interval_nb: the messages cannot be read', err);
      return;
    }
    this._inbox.setNotices(notes);
    for (const note of this._noticeNews.arrivals(notes)) {
      notifyNotice(note, this._open);
    }
  }

  private _api: IntervalApi;
  private _open: OpenRun;
  private _inbox: InboxSection;
  private _inboxPoll: Poll;
  private _news = new InboxNews();
  private _noticeNews = noticeNews();
  private _actions: ActionsSection;
  private _runs: RunsSection;
  private _poll: Poll;
  private _actionsLoaded = new Signal<this, IActionInfo[]>(this);
}

/** The sidebar's statics. */
export namespace IntervalSidebar {
  /** What the sidebar needs. */
  export interface IOptions {
    api: IntervalApi;
    commands: CommandRegistry;
  }
}
