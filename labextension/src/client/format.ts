/**
 * Small DOM and text helpers shared by the sidebar, the run tabs and the run details.
 */
import { h } from '../common/dom';

/** How a status reads to a person. */
export const STATUS_LABEL: Record<string, string> = {
  queued: 'Queued',
  pending: 'Starting',
  running: 'Running',
  awaiting_input: 'Waiting for input',
  completed: 'Completed',
  failed: 'Failed',
  cancelled: 'Cancelled',
  interrupted: 'Interrupted'
};

/** Where a run was started, as a person would say it. */
export const SOURCE_LABEL: Record<string, string> = {
  api: 'JupyterLab / API',
  notebook: 'a notebook',
  voila: 'a dashboard'
};

/**
 * `el("div", {class: "x", text: "y"}, child…)`: an element with text set, never HTML. It is
 * the renderer's `h()` (`common/dom`), under the name the Lab and client modules use.
 */
export const el = h;

/** A status badge: `<span class="inb-status" data-status="…">Waiting for input</span>`. */
export function statusBadge(status: string): HTMLSpanElement {
  const badge = el('span', { class: 'inb-status', text: STATUS_LABEL[status] ?? status });
  badge.dataset.status = status;
  return badge;
}

/** A time from the API (ISO string or Unix seconds) as a Date. */
export function toDate(time: string | number | null | undefined): Date | null {
  if (time === null || time === undefined || time === '') {
    return null;
  }
  const date = typeof time === 'number' ? new Date(time * 1000) : new Date(time);
  return isNaN(date.getTime()) ? null : date;
}

/** "just now", "5 min ago", "3 h ago", else the date. */
export function relativeTime(time: string | number | null | undefined, now = Date.now()): string {
  const date = toDate(time);
  if (!date) {
    return '';
  }
  const seconds = Math.round((now - date.getTime()) / 1000);
  if (seconds < 45) {
    return 'just now';
  }
  if (seconds < 3600) {
    return `${Math.round(seconds / 60)} min ago`;
  }
  if (seconds < 86400) {
    return `${Math.round(seconds / 3600)} h ago`;
  }
  return date.toLocaleDateString();
}

/** A full local date and time, for tooltips and the details. */
export function fullTime(time: string | number | null | undefined): string {
  const date = toDate(time);
  return date ? date.toLocaleString() : '';
}

/** A value as readable text: strings as they are, yes/no, lists of plain values joined,
 *  anything else as indented JSON. */
export function show(value: unknown): string {
  if (typeof value === 'string') {
    return value;
  }
  if (value === undefined || value === null) {
    return '—';
  }
  if (typeof value === 'boolean') {
    return value ? 'Yes' : 'No';
  }
  if (Array.isArray(value) && value.every(v => v === null || typeof v !== 'object')) {
    return value.length ? value.map(v => String(v)).join(', ') : '(none)';
  }
  return JSON.stringify(value, null, 2);
}
