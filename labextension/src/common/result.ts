/**
 * A run's result as a person reads it, shared by the run view and the run's details.
 *
 * A text result reads as text; a flat object as a small list of names and values; a list of
 * objects as a table. The exact JSON stays one click away behind a "JSON" toggle. Anything
 * else (nested lists, empty objects) shows as indented JSON. Everything is set as text,
 * never as HTML.
 */

/** How a result is drawn. */
export type ResultShape = 'text' | 'fields' | 'rows' | 'json';

/** Rows a result table shows; the rest are counted below it. */
export const RESULT_ROW_LIMIT = 100;

type Row = Record<string, unknown>;

function isRow(value: unknown): value is Row {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Which drawing fits `value`. */
export function resultShape(value: unknown): ResultShape {
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') {
    return 'text';
  }
  if (isRow(value) && Object.keys(value).length > 0) {
    return 'fields';
  }
  if (Array.isArray(value) && value.length > 0 && value.every(isRow)) {
    return 'rows';
  }
  return 'json';
}

function node<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  className: string,
  text?: string
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  if (className) {
    el.className = className;
  }
  if (text !== undefined) {
    el.textContent = text;
  }
  return el;
}

/** One value inside fields or a table cell: plain values as text, structures as compact JSON. */
export function cellText(value: unknown): string {
  if (value === null || value === undefined) {
    return '—';
  }
  if (typeof value === 'boolean') {
    return value ? 'Yes' : 'No';
  }
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}

function fields(value: Row): HTMLElement {
  const list = node('dl', 'inb-result-fields');
  for (const [key, item] of Object.entries(value)) {
    const entry = node('div', 'inb-result-field');
    entry.append(node('dt', '', key), node('dd', '', cellText(item)));
    list.append(entry);
  }
  return list;
}

function columnsOf(rows: Row[]): string[] {
  const names = new Set<string>();
  rows.forEach(row => Object.keys(row).forEach(key => names.add(key)));
  return [...names];
}

function rowsTable(rows: Row[]): HTMLElement {
  const shown = rows.slice(0, RESULT_ROW_LIMIT);
  const columns = columnsOf(shown);
  const head = node('tr', '');
  columns.forEach(name => head.append(node('th', '', name)));
  const body = node('tbody', '');
  for (const row of shown) {
    const tr = node('tr', '');
    columns.forEach(name => tr.append(node('td', '', cellText(row[name]))));
    body.append(tr);
  }
  const table = node('table', 'inb-result-table');
  table.append(node('thead', ''), body);
  table.tHead?.append(head);
  const wrap = node('div', 'inb-result-rows');
  wrap.append(table);
  if (rows.length > shown.length) {
    const more = rows.length - shown.length;
    wrap.append(node('p', 'inb-result-more', `… and ${more.toLocaleString()} more rows (see JSON)`));
  }
  return wrap;
}

function jsonToggle(value: unknown): HTMLElement {
  const toggle = node('details', 'inb-result-json');
  toggle.append(node('summary', '', 'JSON'), node('pre', '', JSON.stringify(value, null, 2)));
  return toggle;
}

/** Draw `value` (a run's JSON result) as described above. */
export function renderResultValue(value: unknown): HTMLElement {
  const box = node('div', 'inb-result');
  const shape = resultShape(value);
  box.dataset.shape = shape;
  if (shape === 'json') {
    box.append(node('pre', 'inb-result-pre', JSON.stringify(value ?? null, null, 2)));
    return box;
  }
  if (shape === 'text') {
    box.append(node('p', 'inb-result-text', cellText(value)));
  } else if (shape === 'fields') {
    box.append(fields(value as Row));
  } else {
    box.append(rowsTable(value as Row[]));
  }
  box.append(jsonToggle(value));
  return box;
}
