/**
 * What a run shows besides its prompt: progress, notifications, and how it ended.
 */
import { h } from '../common/dom';
import { renderResultValue } from '../common/result';
import { text } from '../common/text';
import { ErrorInfo, LoadingState, Notification } from '../common/protocol';

/** Progress of long work (`ctx.loading`): a label, a count and a bar. */
export function renderLoading(loading: LoadingState): HTMLDivElement {
  const total = loading.items_in_queue;
  const done = loading.items_completed || 0;
  const determinate = typeof total === 'number' && total > 0;
  const fill = h('div', { class: 'inb-rv-progress-bar' });
  const bar = h(
    'div',
    {
      class: `inb-rv-progress${determinate ? '' : ' inb-rv-progress-indeterminate'}`,
      role: 'progressbar',
      'aria-label': loading.label || 'Progress'
    },
    fill
  );
  if (determinate) {
    const pct = Math.max(0, Math.min(100, (100 * done) / total));
    fill.style.width = `${pct}%`;
    bar.setAttribute('aria-valuemin', '0');
    bar.setAttribute('aria-valuemax', String(total));
    bar.setAttribute('aria-valuenow', String(done));
  }
  const count = determinate || done ? h('span', { class: 'inb-rv-loading-count', text: determinate ? `${done} / ${total}` : `${done} done` }) : null;
  return h(
    'div',
    { class: 'inb-rv-loading' },
    h('div', { class: 'inb-rv-loading-head' }, h('span', { class: 'inb-rv-loading-label', text: loading.label || 'Working…' }), count),
    loading.description ? h('div', { class: 'inb-rv-hint', text: loading.description }) : null,
    bar
  );
}

/** Messages from `ctx.notify`, with their time. */
export function renderNotifications(notes: Notification[]): HTMLUListElement {
  return h(
    'ul',
    { class: 'inb-rv-notes', 'aria-live': 'polite' },
    notes.map(n =>
      h(
        'li',
        { class: 'inb-rv-note' },
        n.title ? h('strong', { text: n.title }) : null,
        h('span', { text: text(n.message) }),
        n.time ? h('time', { class: 'inb-rv-note-time', text: new Date(n.time * 1000).toLocaleTimeString() }) : null
      )
    )
  );
}

/** A completed run's result: "Done.", or the result as a person reads it (common/result). */
export function renderResult(result: unknown): HTMLDivElement {
  const box = h('div', { class: 'inb-rv-result' });
  if (result === null || result === undefined) {
    box.append(h('div', { class: 'inb-rv-done', text: 'Done.' }));
  } else {
    box.append(h('div', { class: 'inb-rv-result-title', text: 'Result' }), renderResultValue(result));
  }
  return box;
}

function renderError(err: Partial<ErrorInfo>): HTMLDivElement {
  return h(
    'div',
    { class: 'inb-rv-error', role: 'alert' },
    h('div', {}, h('strong', { text: err.type || 'Error' }), err.message ? `: ${err.message}` : ''),
    err.traceback
      ? h(
          'details',
          { class: 'inb-rv-traceback' },
          h('summary', { text: 'Traceback' }),
          h('pre', { class: 'inb-rv-pre', text: err.traceback })
        )
      : null
  );
}

/** How the run ended (null while it has not). */
export function renderOutcome(status: string, result: unknown, error: ErrorInfo | null | undefined, reason: unknown): HTMLElement | null {
  if (status === 'completed') {
    return renderResult(result);
  }
  if (status === 'failed') {
    return renderError(error || {});
  }
  if (status === 'cancelled' || status === 'interrupted') {
    const fallback = status === 'cancelled' ? 'The run was cancelled.' : 'The run was interrupted.';
    return h('div', { class: 'inb-rv-stopped' }, (reason as string) || fallback);
  }
  return null;
}
