/**
 * A main-area tab showing one run: the shared run page (`client/runpage`) in a Lumino widget,
 * with the tab's title following the run and failures as Lab notifications.
 *
 * The tab is identified by the run id alone, so the layout restorer reopens it after a reload
 * and it comes back on the run's pending prompt: the run lives in the actions kernel, not here.
 */
import { Notification } from '@jupyterlab/apputils';
import { Message } from '@lumino/messaging';
import { ISignal, Signal } from '@lumino/signaling';
import { Widget } from '@lumino/widgets';

import { IntervalApi, IRun } from './client/api';
import { RunPage } from './client/runpage';

/** The content of a run tab. */
export class RunPanel extends Widget {
  constructor(options: RunPanel.IOptions) {
    super();
    this.runId = options.runId;
    this.id = `inb-run-${options.runId}`;
    this.addClass('inb-panel');
    this.title.label = options.label ?? 'Run';
    this.title.caption = `Run ${options.runId}`;
    this.title.closable = true;
    this.title.iconClass = 'inb-tab-icon';
    this._page = new RunPage(options.api, options.runId);
    this.node.append(this._page.node);
    this._page.changed.connect(this.onRunChanged, this);
    this._page.statusChanged.connect((_, run) => this._statusChanged.emit(run));
    this._page.failed.connect((_, message) => Notification.error(message, { autoClose: 8000 }));
  }

  /** The run this tab shows. */
  readonly runId: string;

  /** The run as last seen (undefined until loaded). */
  get run(): IRun | undefined {
    return this._page.run;
  }

  /** Emitted when the run's status changes (the sidebar refreshes its history). */
  get statusChanged(): ISignal<this, IRun> {
    return this._statusChanged;
  }

  /** Load the run, draw it and follow it (once: later calls wait for the first). */
  load(): Promise<void> {
    return this._page.load();
  }

  /** Start the queued run as the person (see `RunPage.start`). */
  start(): Promise<void> {
    return this._page.start();
  }

  dispose(): void {
    if (this.isDisposed) {
      return;
    }
    this._page.dispose();
    Signal.clearData(this);
    super.dispose();
  }

  protected onActivateRequest(msg: Message): void {
    // Keyboard users land in the form: the first field of the pending prompt, else the page.
    this._page.focusForm(this.node);
  }

  private onRunChanged(_: RunPage, run: IRun): void {
    this.title.label = run.title || run.action;
    this.title.caption = `${run.title} — ${run.status.replace('_', ' ')} (run ${run.id})`;
    this.title.className = `inb-tab inb-tab-${run.status}`;
  }

  private _page: RunPage;
  private _statusChanged = new Signal<this, IRun>(this);
}

/** The RunPanel's statics. */
export namespace RunPanel {
  /** What a run tab needs. */
  export interface IOptions {
    api: IntervalApi;
    runId: string;
    /** The tab label until the run is loaded. */
    label?: string;
  }
}
