/**
 * A run view's header: the status badge, the title and the Cancel button.
 */
import { h } from '../common/dom';
import { button } from './controls';
import { RunModel } from './messages';
import { RunStatus, TERMINAL_STATUSES } from '../common/protocol';

const STATUS_TEXT: Record<RunStatus, string> = {
  queued: 'Queued',
  pending: 'Starting…',
  running: 'Running…',
  awaiting_input: 'Waiting for input',
  completed: 'Completed',
  failed: 'Failed',
  cancelled: 'Cancelled',
  interrupted: 'Interrupted'
};

/** If nothing happens this long after Cancel, the person may try again. */
const CANCEL_RETRY_MS = 5000;

/** A status the run never leaves. */
export function isTerminal(status: string): boolean {
  return (TERMINAL_STATUSES as readonly string[]).includes(status);
}

/** The header of one view. */
export class Header {
  private readonly badge = h('span', { class: 'inb-rv-badge' });
  private readonly title = h('span', { class: 'inb-rv-title' });
  private readonly cancel = button('Cancel', 'secondary', {
    class: 'inb-rv-btn inb-rv-btn-secondary inb-rv-btn-small',
    data: { action: 'cancel' }
  });
  readonly box = h('div', { class: 'inb-rv-header' }, this.badge, this.title, this.cancel);
  private cancelTimer: number | undefined = undefined;

  constructor(private readonly model: RunModel) {
    this.cancel.addEventListener('click', () => {
      this.cancel.disabled = true;
      this.cancel.textContent = 'Cancelling…';
      model.send({ type: 'cancel' });
      this.cancelTimer = window.setTimeout(() => this.resetCancel(), CANCEL_RETRY_MS);
    });
  }

  private resetCancel(): void {
    clearTimeout(this.cancelTimer);
    this.cancel.disabled = false;
    this.cancel.textContent = 'Cancel';
  }

  /** Draw the status and title (`root` carries the run id and status for styles and tests). */
  draw(root: HTMLElement, status: string, statusChanged: boolean): void {
    const model = this.model;
    root.dataset.runId = model.get('run_id') || '';
    root.dataset.status = status;
    this.badge.className = `inb-rv-badge inb-rv-badge-${status}`;
    this.badge.textContent = STATUS_TEXT[status as RunStatus] || status;
    this.title.textContent = model.get('title') || '';
    const live = !isTerminal(status);
    this.cancel.hidden = !live;
    if (!live || statusChanged) {
      this.resetCancel();
    }
  }

  dispose(): void {
    clearTimeout(this.cancelTimer);
  }
}
