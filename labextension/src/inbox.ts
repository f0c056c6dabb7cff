/**
 * "Waiting for me": the runs whose waiting prompt is the person's to answer (`GET
 * runs?waiting_for=me`), at the top of the Interval sidebar with a count, and a notification
 * when a prompt handed to them (`.assign_to()`) arrives while JupyterLab is open.
 */
import { Notification } from '@jupyterlab/apputils';
import { Widget } from '@lumino/widgets';

import { INotice, IRun } from './client/api';
import { el, fullTime, relativeTime } from './client/format';
import { inboxReason, noticeText } from './client/inbox';
import { NoticeList } from './client/notices';

export { InboxNews } from './client/inbox';

/** How long a hand-off notification stays on screen (ms); it stays in Lab's notification list. */
const NOTIFY_MS = 15000;

/** Opens a run's tab (or starts a queued run in it). */
export type OpenRun = (run: Pick<IRun, 'id' | 'title'>) => void;

/** The section: a header with the count, the runs, or a quiet line when nothing waits. */
export class InboxSection extends Widget {
  constructor(
    private readonly open: OpenRun,
    private readonly start: OpenRun
  ) {
    super();
    this.addClass('inb-sb-inbox');
    this._count = el('span', { class: 'inb-sb-count', 'aria-label': 'runs waiting for you' });
    this._list = el('ul', { class: 'inb-sb-list', 'aria-label': 'Waiting for me' });
    this._message = el('p', { class: 'inb-muted inb-sb-inbox-empty', text: 'Nothing waits for you.' });
    this._notices = new NoticeList(note => this.open(noticeRun(note)));
    this.node.append(
      el('h3', { class: 'inb-sb-inbox-title' }, el('span', { text: 'Waiting for me' }), this._count),
      this._list,
      this._message,
      this._notices.node
    );
    this.setRuns([], 0);
  }

  /** How many runs wait for the person (the badge). */
  get count(): number {
    return this._total;
  }

  /** Show the inbox (`total` may exceed the runs listed). */
  setRuns(runs: IRun[], total: number): void {
    this._total = total;
    this._count.textContent = String(total);
    this._count.hidden = total === 0;
    this.node.dataset.count = String(total);
    this._list.replaceChildren(...runs.map(run => this.item(run)));
    this._message.hidden = runs.length > 0;
  }

  /** Show the latest messages runs sent the person (`ctx.notify(to=...)`). */
  setNotices(notes: INotice[]): void {
    this._notices.show(notes);
  }

  /** The inbox cannot be read (an older server, no history): say nothing rather than alarm. */
  setUnavailable(): void {
    this.setRuns([], 0);
    this._message.hidden = true;
  }

  private item(run: IRun): HTMLElement {
    const queued = run.status === 'queued';
    const button = el(
      'button',
      { type: 'button', class: 'inb-sb-inbox-run', title: queued ? 'Open this queued run' : 'Open this run and answer it' },
      el('span', { class: 'inb-sb-run-title', text: run.title || run.action }),
      el('span', {
        class: 'inb-sb-run-meta',
        text: `${inboxReason(run)} · ${relativeTime(run.updated ?? run.created)}`,
        title: `Waiting since ${fullTime(run.updated ?? run.created)}`
      })
    );
    button.dataset.inboxRunId = run.id; // not data-run-id: the history's items own that
    button.addEventListener('click', () => this.open(run));
    if (!queued) {
      return el('li', {}, button);
    }
    const start = el('button', {
      type: 'button',
      class: 'jp-Button jp-mod-styled jp-mod-accept inb-sb-inbox-start',
      text: 'Start',
      title: 'Start this run now, as you, in its tab'
    });
    start.addEventListener('click', () => this.start(run));
    return el('li', { class: 'inb-sb-inbox-queued' }, button, start);
  }

  private _count: HTMLElement;
  private _list: HTMLUListElement;
  private _message: HTMLElement;
  private _total = 0;
  private _notices: NoticeList;
}

/** The run a message came from, as `OpenRun` takes it. */
function noticeRun(note: INotice): Pick<IRun, 'id' | 'title'> {
  return { id: note.run_id, title: note.run_title ?? '' };
}

/** A notification of a message a run sent the person, with a button that opens the run. */
export function notifyNotice(note: INotice, open: OpenRun): void {
  Notification.info(noticeText(note), {
    autoClose: NOTIFY_MS,
    actions: [
      {
        label: 'Open run',
        caption: 'Open the run that sent this',
        callback: () => open(noticeRun(note))
      }
    ]
  });
}

/** A notification that `run` waits for the person, with a button that opens it. */
export function notifyHandOff(run: IRun, open: OpenRun): void {
  const title = run.title || run.action;
  Notification.info(`“${title}” waits for you (started by ${run.user || 'someone'}).`, {
    autoClose: NOTIFY_MS,
    actions: [
      {
        label: 'Open',
        caption: 'Open the run and answer it',
        callback: () => open(run)
      }
    ]
  });
}
