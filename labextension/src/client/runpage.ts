/**
 * One run as a page: who started it and when, its live view (the shared RunView renderer,
 * answered through the API), a queued run's Start bar, and its details (parameters, each
 * prompt and answer, logs, outcome) from the run's journal.
 *
 * DOM only: a JupyterLab run tab (`../runpanel`) and the standalone app page (`../app`) both
 * show a run with it, so a run looks and behaves the same in both.
 */
import { Emitter, IEvent } from '../common/emitter';
import { IntervalApi, IRun, TERMINAL } from './api';
import { el, fullTime, relativeTime, SOURCE_LABEL } from './format';
import { Cleanup, renderRun } from './renderer';
import { RunModel } from './runmodel';
import { renderDetails } from './timeline';

/** Wait this long after a change before re-reading the journal for the details. */
const DETAILS_DEBOUNCE_MS = 400;

/** Fields of the pending prompt a keyboard user lands in (a prompt for others is disabled). */
const FIRST_FIELD =
  '.inb-rv-form input:enabled, .inb-rv-form select:enabled, .inb-rv-form textarea:enabled, .inb-rv-form button:enabled';

/** A run's page, followed live. */
export class RunPage {
  constructor(
    private readonly api: IntervalApi,
    readonly runId: string
  ) {
    this.details.append(el('summary', { text: 'Run details' }), this.detailsBody);
    this.details.addEventListener('toggle', () => {
      if (this.details.open) {
        void this.refreshDetails();
      }
    });
    this.node = el(
      'div',
      { class: 'inb-panel-page' },
      this.summary,
      this.notice,
      this.queuedBar(),
      this.view,
      this.details
    );
    this.model = new RunModel(api, runId);
    this.model.changed.connect(this.onRunChanged, this);
  }

  /** The page's element; the host puts it where the run is shown. */
  readonly node: HTMLDivElement;

  /** The run as last seen (undefined until loaded). */
  get run(): IRun | undefined {
    return this.model.run;
  }

  /** Whether the run waits in a notebook or dashboard, to be answered there (shown read-only). */
  get isElsewhere(): boolean {
    return this.model.isElsewhere;
  }

  /** Emitted after every change of the run. */
  get changed(): IEvent<RunPage, IRun> {
    return this._changed;
  }

  /** Emitted when the run's status changes. */
  get statusChanged(): IEvent<RunPage, IRun> {
    return this._statusChanged;
  }

  /** Emitted when a request of the page failed, with a message saying what happened. */
  get failed(): IEvent<RunModel, string> {
    return this.model.failed;
  }

  /** Load the run, draw it and follow it (once: later calls wait for the first). */
  load(): Promise<void> {
    this.loaded ??= this.loadNow();
    return this.loaded;
  }

  /**
   * Start the queued run as the person, once loaded. The server decides: a refusal (not
   * theirs, started already) comes on `failed` with its message and the page shows the run.
   */
  async start(): Promise<void> {
    await this.load();
    const button = this.startButton;
    if (button.disabled) {
      return; // a start is under way
    }
    button.disabled = true;
    button.textContent = 'Starting…';
    try {
      await this.model.start();
    } finally {
      button.disabled = false;
      button.textContent = 'Start';
    }
  }

  /**
   * Put the keyboard in the pending prompt's first field. With no prompt yet (the run is still
   * starting), on `fallback` until the first prompt arrives, which then takes it (unless the
   * person has moved the focus elsewhere meanwhile).
   */
  focusForm(fallback: HTMLElement): void {
    const target = this.node.querySelector<HTMLElement>(FIRST_FIELD);
    (target ?? fallback).focus({ preventScroll: true });
    this.focusWanted = target ? null : fallback;
  }

  /** Stop following the run and remove its view. */
  dispose(): void {
    clearTimeout(this.detailsTimer);
    this.cleanup?.();
    this.cleanup = null;
    this.model.dispose();
    this._changed.clear();
    this._statusChanged.clear();
  }

  private async loadNow(): Promise<void> {
    try {
      await this.model.connect();
    } catch (err) {
      this.showNotice(`This run cannot be shown: ${err instanceof Error ? err.message : err}`, 'error');
      this.view.replaceChildren();
      return;
    }
    try {
      this.cleanup = await renderRun(this.api, this.model, this.view);
    } catch (err) {
      this.showNotice(String(err instanceof Error ? err.message : err), 'error');
    }
    const run = this.model.run;
    if (run && (TERMINAL.has(run.status) || this.model.isElsewhere)) {
      // a finished run, or one answered elsewhere: its details are what a person came for
      this.details.open = true;
    }
  }

  private onRunChanged(_: RunModel, run: IRun): void {
    this.drawSummary(run);
    this.drawQueued(run);
    this.node.classList.toggle('inb-panel-elsewhere', this.model.isElsewhere);
    if (this.model.isElsewhere) {
      const where = SOURCE_LABEL[run.source] ?? run.source;
      this.showNotice(
        `This run was started in ${where} and waits there: answer it where it is shown. ` +
          'Here you can follow it.',
        'info'
      );
    } else if (this.notice.dataset.kind === 'info') {
      this.notice.hidden = true; // it has ended: nothing waits there any more
    }
    this._changed.emit(run);
    this.focusArrivedPrompt(run);
    if (run.status !== this.lastStatus) {
      this.lastStatus = run.status;
      this._statusChanged.emit(run);
    }
    if (this.details.open) {
      clearTimeout(this.detailsTimer);
      this.detailsTimer = window.setTimeout(() => void this.refreshDetails(), DETAILS_DEBOUNCE_MS);
    }
  }

  /** A focus asked for before the first prompt: give it to that prompt once it is drawn. */
  private focusArrivedPrompt(run: IRun): void {
    const wanted = this.focusWanted;
    if (!wanted || TERMINAL.has(run.status)) {
      this.focusWanted = null;
      return;
    }
    const active = document.activeElement;
    if (active !== wanted && active !== document.body && active !== null) {
      this.focusWanted = null; // the person went elsewhere: leave the keyboard there
      return;
    }
    // The renderer may draw the prompt on its next frame: look now, and then.
    const place = (): void => {
      const target = this.node.querySelector<HTMLElement>(FIRST_FIELD);
      if (target && this.focusWanted === wanted) {
        target.focus({ preventScroll: true });
        this.focusWanted = null;
      }
    };
    place();
    requestAnimationFrame(place);
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
    this.summary.replaceChildren(
      el('span', { class: 'inb-panel-who', text: run.user ? `Started by ${run.user}` : 'Started' }),
      started,
      ...asleep,
      el('span', { class: 'inb-panel-id', text: run.id, title: 'Run id' })
    );
    this.node.dataset.hibernated = String(!!run.hibernated);
  }

  /** The bar of a queued run: who may start it, and Start. */
  private queuedBar(): HTMLElement {
    this.startButton.addEventListener('click', () => void this.start());
    this.queued.append(this.queuedText, this.startButton);
    this.queued.hidden = true;
    return this.queued;
  }

  private drawQueued(run: IRun): void {
    this.queued.hidden = run.status !== 'queued';
    const who = run.assignee?.length ? run.assignee.join(', ') : run.user || 'whoever queued it';
    this.queuedText.textContent = `Queued for ${who}: it runs when it is started.`;
  }

  private async refreshDetails(): Promise<void> {
    const run = this.model.run;
    if (!run) {
      return;
    }
    try {
      const events = await this.api.events(run.id);
      this.detailsBody.replaceChildren(renderDetails(run, events));
    } catch (err) {
      this.detailsBody.replaceChildren(
        el('p', { class: 'inb-muted', text: `The details cannot be read: ${err instanceof Error ? err.message : err}` })
      );
    }
  }

  private showNotice(text: string, kind: 'info' | 'error'): void {
    this.notice.textContent = text;
    this.notice.dataset.kind = kind;
    this.notice.hidden = false;
  }

  private readonly model: RunModel;
  private readonly summary = el('div', { class: 'inb-panel-summary' });
  private readonly notice = el('div', { class: 'inb-panel-notice', role: 'status', hidden: true });
  private readonly queued = el('div', { class: 'inb-panel-queued' });
  private readonly queuedText = el('span', { class: 'inb-panel-queued-text' });
  private readonly startButton = el('button', {
    type: 'button',
    class: 'jp-Button jp-mod-styled jp-mod-accept inb-panel-start',
    text: 'Start',
    title: 'Start this run now, as you'
  });
  private readonly view = el('div', { class: 'inb-panel-view' });
  private readonly details = el('details', { class: 'inb-panel-details' });
  private readonly detailsBody = el('div', { class: 'inb-panel-details-body' });
  private loaded: Promise<void> | null = null;
  private detailsTimer = 0;
  private cleanup: Cleanup | null = null;
  private lastStatus = '';
  private focusWanted: HTMLElement | null = null;
  private readonly _changed = new Emitter<RunPage, IRun>(this);
  private readonly _statusChanged = new Emitter<RunPage, IRun>(this);
}
