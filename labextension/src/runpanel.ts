/**
 * A main-area tab showing one run: its live view (the shared RunView renderer, answered through
 * the API) and its details (parameters, each prompt and answer, logs, outcome).
 *
 * The tab is identified by the run id alone, so the layout restorer reopens it after a reload
 * and it comes back on the run's pending prompt: the run lives in the actions kernel, not here.
 */
import { Notification } from '@jupyterlab/apputils';
import { Message } from '@lumino/messaging';
import { ISignal, Signal } from '@lumino/signaling';
import { Widget } from '@lumino/widgets';

import { IntervalApi, IRun, TERMINAL } from './api';
import { el, fullTime, relativeTime, SOURCE_LABEL } from './format';
import { Cleanup, renderRun } from './renderer';
import { RunModel } from './runmodel';
import { renderDetails } from './timeline';

/** Wait this long after a change before re-reading the journal for the details. */
const DETAILS_DEBOUNCE_MS = 400;

/** The content of a run tab. */
export class RunPanel extends Widget {
  constructor(options: RunPanel.IOptions) {
    super();
    this.runId = options.runId;
    this._api = options.api;
    this.id = `inb-run-${options.runId}`;
    this.addClass('inb-panel');
    this.title.label = options.label ?? 'Run';
    this.title.caption = `Run ${options.runId}`;
    this.title.closable = true;
    this.title.iconClass = 'inb-tab-icon';

    this._summary = el('div', { class: 'inb-panel-summary' });
    this._notice = el('div', { class: 'inb-panel-notice', role: 'status' });
    this._notice.hidden = true;
    this._queued = this.queuedBar();
    this._view = el('div', { class: 'inb-panel-view' });
    this._details = el('details', { class: 'inb-panel-details' });
    this._detailsBody = el('div', { class: 'inb-panel-details-body' });
    this._details.append(el('summary', { text: 'Run details' }), this._detailsBody);
    this._details.addEventListener('toggle', () => {
      if (this._details.open) {
        void this.refreshDetails();
      }
    });
    const page = el(
      'div',
      { class: 'inb-panel-page' },
      this._summary,
      this._notice,
      this._queued,
      this._view,
      this._details
    );
    this.node.append(page);

    this._model = new RunModel(options.api, options.runId);
    this._model.changed.connect(this.onRunChanged, this);
    this._model.failed.connect((_, message) => Notification.error(message, { autoClose: 8000 }));
  }

  /** The run this tab shows. */
  readonly runId: string;

  /** The run as last seen (undefined until loaded). */
  get run(): IRun | undefined {
    return this._model.run;
  }

  /** Emitted when the run's status changes (the sidebar refreshes its history). */
  get statusChanged(): ISignal<this, IRun> {
    return this._statusChanged;
  }

  /** Load the run, draw it and follow it (once: later calls wait for the first). */
  load(): Promise<void> {
    this._loaded ??= this.loadNow();
    return this._loaded;
  }

  /**
   * Start the queued run as the person, once the tab has loaded. The server decides: a refusal
   * (not theirs, started already) is notified with its message and the tab shows the run as it is.
   */
  async start(): Promise<void> {
    await this.load();
    const button = this._startButton;
    if (button.disabled) {
      return; // a start is under way
    }
    button.disabled = true;
    button.textContent = 'Starting…';
    try {
      await this._model.start();
    } finally {
      button.disabled = false;
      button.textContent = 'Start';
    }
  }

  private async loadNow(): Promise<void> {
    try {
      await this._model.connect();
    } catch (err) {
      this.showNotice(`This run cannot be shown: ${err instanceof Error ? err.message : err}`, 'error');
      this._view.replaceChildren();
      return;
    }
    try {
      this._cleanup = await renderRun(this._api, this._model, this._view);
    } catch (err) {
      this.showNotice(String(err instanceof Error ? err.message : err), 'error');
    }
    const run = this._model.run;
    if (run && (TERMINAL.has(run.status) || this._model.isElsewhere)) {
      // a finished run, or one answered elsewhere: its details are what a person came for
      this._details.open = true;
    }
  }

  dispose(): void {
    if (this.isDisposed) {
      return;
    }
    clearTimeout(this._detailsTimer);
    this._cleanup?.();
    this._model.dispose();
    Signal.clearData(this);
    super.dispose();
  }

  protected onActivateRequest(msg: Message): void {
    // Keyboard users land in the form: the first field of the pending prompt, else the page
    // (`:enabled`: a prompt waiting for other people is disabled as a whole).
    const target = this.node.querySelector<HTMLElement>(
      '.inb-rv-form input:enabled, .inb-rv-form select:enabled, .inb-rv-form textarea:enabled, .inb-rv-form button:enabled'
    );
    (target ?? this.node).focus({ preventScroll: true });
  }

  private onRunChanged(_: RunModel, run: IRun): void {
    this.title.label = run.title || run.action;
    this.title.caption = `${run.title} — ${run.status.replace('_', ' ')} (run ${run.id})`;
    this.title.className = `inb-tab inb-tab-${run.status}`;
    this.drawSummary(run);
    this.drawQueued(run);
    this.toggleClass('inb-panel-elsewhere', this._model.isElsewhere);
    if (this._model.isElsewhere) {
      const where = SOURCE_LABEL[run.source] ?? run.source;
      this.showNotice(
        `This run was started in ${where} and waits there: answer it where it is shown. ` +
          'Here you can follow it.',
        'info'
      );
    } else if (this._notice.dataset.kind === 'info') {
      this._notice.hidden = true; // it has ended: nothing waits there any more
    }
    if (run.status !== this._lastStatus) {
      this._lastStatus = run.status;
      this._statusChanged.emit(run);
    }
    if (this._details.open) {
      clearTimeout(this._detailsTimer);
      this._detailsTimer = window.setTimeout(() => void this.refreshDetails(), DETAILS_DEBOUNCE_MS);
    }
  }

  private drawSummary(run: IRun): void {
    const started = el('span', {
      class: 'inb-panel-when',
      text: relativeTime(run.created),
      title: fullTime(run.created)
    });
    // The status itself is in the run view's header, just below.
    const asleep = run.hibernated
      ? [
          el('span', {
            class: 'inb-panel-asleep',
            text: 'Saved, no kernel running',
            title: 'Everything answered so far is in the run history; answering wakes the run in a kernel.'
          })
        ]
      : [];
    this._summary.replaceChildren(
      el('span', { class: 'inb-panel-who', text: run.user ? `Started by ${run.user}` : 'Started' }),
      started,
      ...asleep,
      el('span', { class: 'inb-panel-id', text: run.id, title: 'Run id' })
    );
    this.node.dataset.hibernated = String(!!run.hibernated);
  }

  /** The bar of a queued run: who may start it, and Start. */
  private queuedBar(): HTMLElement {
    this._startButton.addEventListener('click', () => void this.start());
    const bar = el('div', { class: 'inb-panel-queued' }, this._queuedText, this._startButton);
    bar.hidden = true;
    return bar;
  }

  private drawQueued(run: IRun): void {
    this._queued.hidden = run.status !== 'queued';
    const who = run.assignee?.length ? run.assignee.join(', ') : run.user || 'whoever queued it';
    this._queuedText.textContent = `Queued for ${who}: it runs when it is started.`;
  }

  private async refreshDetails(): Promise<void> {
    const run = this._model.run;
    if (!run) {
      return;
    }
    try {
      const events = await this._api.events(run.id);
      this._detailsBody.replaceChildren(renderDetails(run, events));
    } catch (err) {
      this._detailsBody.replaceChildren(
        el('p', { class: 'inb-muted', text: `The details cannot be read: ${err instanceof Error ? err.message : err}` })
      );
    }
  }

  private showNotice(text: string, kind: 'info' | 'error'): void {
    this._notice.textContent = text;
    this._notice.dataset.kind = kind;
    this._notice.hidden = false;
  }

  private _api: IntervalApi;
  private _model: RunModel;
  private _summary: HTMLElement;
  private _notice: HTMLElement;
  private _queued: HTMLElement;
  private _queuedText = el('span', { class: 'inb-panel-queued-text' });
  private _startButton = el('button', {
    type: 'button',
    class: 'jp-Button jp-mod-styled jp-mod-accept inb-panel-start',
    text: 'Start',
    title: 'Start this run now, as you'
  });
  private _view: HTMLElement;
  private _loaded: Promise<void> | null = null;
  private _details: HTMLDetailsElement;
  private _detailsBody: HTMLElement;
  private _detailsTimer = 0;
  private _cleanup: Cleanup | null = null;
  private _lastStatus = '';
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
