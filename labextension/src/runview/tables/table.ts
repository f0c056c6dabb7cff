/**
 * `select.table` and `display.table`: a page of rows held by the kernel, sortable, searchable,
 * and (select.table) with a selection kept across pages (see `selection.ts`).
 */
import { appendChildren, h } from '../../common/dom';
import { fmtInt, isPlainObject, text } from '../../common/text';
import { FieldContext } from '../context';
import { smallButton } from '../controls';
import { DraftEntry } from '../drafts';
import { setDisabled, setHidden } from '../focus';
import { ColumnSpec, MenuItem, PagedProps, propsOf } from '../props';
import { ComponentSpec } from '../../common/protocol';
import { cellContent, cellText } from './cells';
import { PagedData } from './paged';
import { rowMenu } from './rowmenu';
import { TableSelection } from './selection';

/** One row as the kernel sends it: its key, one cell per column and its "⋯" menu. */
export interface TableRow {
  key: unknown;
  cells?: unknown;
  menu?: unknown;
}

interface Head {
  th: HTMLTableCellElement;
  col: ColumnSpec;
}

interface SelectionBar {
  bar: HTMLDivElement;
  count: HTMLSpanElement;
  selectAll: HTMLButtonElement;
  clear: HTMLButtonElement;
}

function hasMenu(row: TableRow): boolean {
  return Array.isArray(row.menu) && row.menu.length > 0;
}

function sortButton(col: ColumnSpec, name: string, onClick: () => void): HTMLButtonElement {
  const b = h(
    'button',
    { type: 'button', class: 'inb-rv-sort', data: { sort: text(col.key) } },
    h('span', { text: name }),
    h('span', { class: 'inb-rv-sort-arrow', 'aria-hidden': 'true' })
  );
  b.addEventListener('click', onClick);
  return b;
}

function selectionBar(): SelectionBar {
  const count = h('span', { class: 'inb-rv-dt-count', 'aria-live': 'polite' });
  const selectAll = h('button', {
    type: 'button',
    class: 'inb-rv-linkbtn',
    data: { role: 'select-all-matching' },
    hidden: true
  });
  const clear = smallButton('Clear', { data: { role: 'clear-selection' }, hidden: true });
  const bar = h('div', { class: 'inb-rv-dt-bar' }, count, selectAll, clear);
  return { bar, count, selectAll, clear };
}

/** A table; `box` is what goes on the page. */
export class DataTable {
  readonly box = h('div', { class: 'inb-rv-data' });
  readonly data: PagedData<TableRow>;
  readonly focus: HTMLElement | null;
  private readonly selectable: boolean;
  private readonly canSelectAll: boolean;
  private readonly sortable: boolean;
  private readonly cols: ColumnSpec[];
  private readonly selection: TableSelection;
  private readonly headRow = h('tr', {});
  private readonly tbody = h('tbody', {});
  private readonly scroller: HTMLDivElement;
  private readonly headCheck: HTMLInputElement | null = null;
  private readonly bar: SelectionBar | null = null;
  private readonly heads: Head[];
  private readonly rowKeys = new WeakMap<HTMLTableRowElement, unknown>();
  private withMenu = false;

  constructor(comp: ComponentSpec, ctx: FieldContext | null) {
    const p = propsOf<PagedProps>(comp);
    this.canSelectAll = !!p.can_select_all;
    this.selectable = comp.kind === 'select.table' && p.selectable !== false;
    this.cols = Array.isArray(p.columns) ? p.columns : [];
    this.selection = new TableSelection(p.min_selections, p.max_selections);
    if (this.selectable) {
      this.selection.load(comp.value !== null && comp.value !== undefined ? comp.value : p.initially_selected);
    }
    const table = h(
      'table',
      { class: 'inb-rv-dtable', data: { kind: comp.kind } },
      h('thead', {}, this.headRow),
      this.tbody
    );
    this.scroller = h('div', { class: 'inb-rv-dt-scroll', tabindex: '-1' }, table);
    this.data = new PagedData<TableRow>(comp, ctx, {
      noun: 'rows',
      box: this.box,
      draw: fromKernel => this.drawRows(fromKernel),
      changed: () => this.refresh(),
      home: () => (this.headCheck && !this.headCheck.disabled ? this.headCheck : this.scroller)
    });
    this.sortable = this.data.live && !!p.sortable;
    if (this.selectable) {
      this.headCheck = this.pageCheck();
      this.bar = selectionBar();
      this.wireBar(this.bar);
    }
    this.heads = this.cols.map(col => this.headCell(col));
    const search = this.data.search;
    const top = search || this.bar ? h('div', { class: 'inb-rv-dt-top' }, search, this.bar && this.bar.bar) : null;
    appendChildren(this.box, [top, this.scroller, this.data.error, this.data.pager]);
    this.focus = search || this.headCheck;
  }

  private pageCheck(): HTMLInputElement {
    const check = h('input', {
      type: 'checkbox',
      class: 'inb-rv-checkbox',
      'aria-label': 'Select every row on this page',
      data: { role: 'page-check' }
    });
    check.addEventListener('change', () => this.togglePage(check.checked));
    this.headRow.append(h('th', { class: 'inb-rv-dt-check', scope: 'col' }, check));
    return check;
  }

  private headCell(col: ColumnSpec): Head {
    const name = text(col.label ?? col.key);
    const th = h('th', {
      scope: 'col',
      class: col.align === 'right' ? 'inb-rv-dt-right' : null,
      data: { column: text(col.key) }
    });
    if (this.sortable && col.sortable !== false) {
      th.append(sortButton(col, name, () => this.sortBy(col.key)));
    } else {
      th.textContent = name;
    }
    this.headRow.append(th);
    return { th, col };
  }

  private wireBar({ selectAll, clear }: SelectionBar): void {
    selectAll.addEventListener('click', () => {
      const shown = this.data.shown;
      this.selection.all = { search: shown.search, except: new Set(), total: shown.total };
      this.selection.note = '';
      this.refresh();
      if (!clear.hidden) {
        clear.focus({ preventScroll: true });
      }
    });
    clear.addEventListener('click', () => {
      this.selection.clear();
      this.refresh(); // Clear hides itself: focus moves to the page checkbox
    });
  }

  private togglePage(on: boolean): void {
    const sel = this.selection;
    const keys = this.data.shown.rows.map(r => r.key);
    if (on && sel.wouldOverflow(keys.filter(k => !sel.sel.has(k)).length)) {
      this.refresh();
      return;
    }
    keys.forEach(k => sel.set(k, on));
    this.refresh();
  }

  private sortBy(key: string): void {
    const cur = this.data.want.sort;
    let next: { column: string; direction: 'asc' | 'desc' } | null = null;
    if (!cur || cur.column !== key) {
      next = { column: key, direction: 'asc' };
    } else if (cur.direction === 'asc') {
      next = { column: key, direction: 'desc' };
    }
    this.data.request({ sort: next, offset: 0 });
  }

  private rowEl(row: TableRow): HTMLTableRowElement {
    const key = row.key;
    const cells = Array.isArray(row.cells) ? row.cells : [];
    const name = cellText(cells[0]) || text(key);
    const tr = h('tr', { data: { key: text(key) } });
    this.rowKeys.set(tr, key);
    if (this.selectable) {
      tr.append(this.rowCheck(tr, key, name));
    }
    this.cols.forEach((col, i) =>
      tr.append(
        h(
          'td',
          { class: col.align === 'right' ? 'inb-rv-dt-right' : null, data: col.format ? { format: col.format } : null },
          cellContent(cells[i])
        )
      )
    );
    if (this.withMenu) {
      const menu = hasMenu(row) ? rowMenu(row.menu as MenuItem[], name) : null;
      tr.append(h('td', { class: 'inb-rv-dt-menu' }, menu));
    }
    return tr;
  }

  private rowCheck(tr: HTMLTableRowElement, key: unknown, name: string): HTMLTableCellElement {
    const cb = h('input', {
      type: 'checkbox',
      class: 'inb-rv-checkbox',
      'aria-label': `Select ${name}`,
      data: { role: 'row-check' }
    });
    cb.addEventListener('change', () => {
      this.selection.set(key, cb.checked);
      this.refresh();
    });
    // A click anywhere on the row (not on a link, button or while selecting text) ticks it.
    tr.addEventListener('click', ev => {
      const target = ev.target as Element;
      if (target.closest('a, button, input, select, label, [popover]') || String(document.getSelection() || '')) {
        return;
      }
      if (cb.disabled) {
        return;
      }
      cb.checked = !cb.checked;
      this.selection.set(key, cb.checked);
      this.refresh();
    });
    return h('td', { class: 'inb-rv-dt-check' }, cb);
  }

  private drawRows(fromKernel: boolean): void {
    const { data, selection } = this;
    const rows = data.shown.rows;
    if (!this.withMenu && rows.some(hasMenu)) {
      this.withMenu = true;
      this.headRow.append(h('th', { class: 'inb-rv-dt-menu', scope: 'col' }, h('span', { class: 'inb-rv-sr-only', text: 'Actions' })));
    }
    if (fromKernel && selection.all) {
      if (data.shown.search !== selection.all.search) {
        // "all matching" meant the old search: start again
        selection.clear('Selection cleared: the search changed.');
      } else {
        selection.all.total = data.shown.total;
      }
    }
    const active = document.activeElement as HTMLElement | null;
    const keep =
      active && this.tbody.contains(active)
        ? { key: this.rowKeys.get(active.closest('tr') as HTMLTableRowElement), role: active.dataset.role }
        : null;
    this.tbody.replaceChildren(...(rows.length ? rows.map(r => this.rowEl(r)) : [this.emptyRow()]));
    this.refresh();
    if (keep) {
      this.refocus(keep.key, keep.role);
    }
  }

  private emptyRow(): HTMLTableRowElement {
    const span = this.cols.length + (this.selectable ? 1 : 0) + (this.withMenu ? 1 : 0);
    const message = this.data.shown.search ? 'No matching rows.' : 'No rows.';
    return h('tr', { class: 'inb-rv-dt-empty' }, h('td', { colspan: String(span), text: message }));
  }

  /** The focused control was replaced: the same one in the same row, else a stable place. */
  private refocus(key: unknown, role: string | undefined): void {
    const tr = [...this.tbody.rows].find(r => this.rowKeys.get(r) === key);
    const again = tr && role ? tr.querySelector<HTMLInputElement>(`[data-role="${role}"]`) : null;
    const headCheck = this.headCheck;
    let to: HTMLElement;
    if (again && !again.disabled) {
      to = again;
    } else if (headCheck && !headCheck.disabled) {
      to = headCheck;
    } else {
      to = this.data.search || this.scroller;
    }
    to.focus({ preventScroll: true });
  }

  private refresh(): void {
    this.refreshSort();
    if (this.selectable && this.headCheck && this.bar) {
      this.refreshSelection(this.headCheck, this.bar);
    }
  }

  private refreshSort(): void {
    const s = this.data.want.sort;
    for (const { th, col } of this.heads) {
      if (!this.sortable || col.sortable === false) {
        continue;
      }
      const on = !!s && s.column === col.key;
      const up = !!s && s.direction === 'asc';
      th.setAttribute('aria-sort', on ? (up ? 'ascending' : 'descending') : 'none');
      (th.querySelector('.inb-rv-sort-arrow') as HTMLElement).textContent = on ? (up ? '▲' : '▼') : '';
    }
  }

  private refreshSelection(headCheck: HTMLInputElement, bar: SelectionBar): void {
    const { selection, scroller } = this;
    let n = 0;
    let nOn = 0;
    const atMax = selection.atMax(); // comfort only: the kernel judges the bounds
    for (const tr of this.tbody.rows) {
      const cb = tr.querySelector<HTMLInputElement>('input[data-role=row-check]');
      if (!cb) {
        continue;
      }
      const on = selection.has(this.rowKeys.get(tr));
      n += 1;
      nOn += on ? 1 : 0;
      cb.checked = on;
      setDisabled(cb, !on && atMax, headCheck, scroller);
      tr.classList.toggle('inb-rv-dt-selected', on);
    }
    headCheck.checked = n > 0 && nOn === n;
    headCheck.indeterminate = nOn > 0 && nOn < n;
    const overflow = nOn < n && selection.wouldOverflow(n - nOn);
    setDisabled(headCheck, n === 0 || overflow, scroller);
    bar.count.textContent = selection.note || selection.summary(this.data.shown.search);
    this.refreshBarButtons(bar, n, nOn);
  }

  private refreshBarButtons({ selectAll, clear }: SelectionBar, n: number, nOn: number): void {
    const { selection, data, headCheck, scroller } = this;
    const total = data.shown.total;
    const hi = selection.hi;
    const canAll =
      this.canSelectAll && !selection.all && !data.loading && n > 0 && nOn === n && total > n && (hi === null || total <= hi);
    selectAll.textContent = `Select all ${fmtInt(total)} ${data.shown.search ? 'matching' : 'rows'}`;
    setHidden(selectAll, !canAll, clear, headCheck, scroller);
    setHidden(clear, !selection.all && selection.sel.size === 0, headCheck, scroller);
  }

  /** Draw the first page; connect to the kernel's replies. */
  start(ctx: FieldContext | null): this {
    this.drawRows(false);
    this.data.start();
    const all = this.selection.all;
    if (all && all.search && this.data.search) {
      // restore "all matching <search>": show that search
      this.data.search.value = all.search;
      this.data.request({ search: all.search, offset: 0 });
    }
    if (ctx && ctx.listen) {
      ctx.listen(this.data.receive);
    }
    if (ctx && ctx.onDispose) {
      ctx.onDispose(this.data.dispose);
    }
    return this;
  }

  /** What the answer sends: null for a display table. */
  read(): unknown {
    return this.selectable ? this.selection.read() : null;
  }

  /** The selection and the paging, for a draft. */
  draft(): DraftEntry {
    return { selected: this.read(), ...this.data.draft() };
  }

  /** Put back the selection and the page a draft kept. */
  restore(entry: DraftEntry): void {
    const chosen = entry.selected;
    if (this.selectable && isPlainObject(chosen) && typeof chosen.all_matching === 'string') {
      this.selection.load(chosen);
    } else if (this.selectable && Array.isArray(chosen)) {
      this.selection.load(chosen);
    }
    this.selection.note = '';
    this.data.restore(entry);
    this.refresh();
  }
}

/** A table drawn and connected; see `DataTable`. */
export function dataTable(comp: ComponentSpec, ctx: FieldContext | null): DataTable {
  return new DataTable(comp, ctx).start(ctx);
}
