/**
 * Paging, sorting and searching of rows held by the kernel: the search box, the pager and the
 * query round trip, shared by tables and grids.
 *
 * Paging, sorting and filtering happen in the kernel; the page only ever holds the visible page.
 * The page asks with `{type: "query", prompt_id, component, request_id, …}` and draws the answer
 * only if its request_id is the latest this component sent (older answers and answers to a twin
 * view of the same model are dropped).
 */
import { h } from '../../common/dom';
import { capitalise, fmtInt, isPlainObject, text } from '../../common/text';
import { FieldContext } from '../context';
import { showAlert, smallButton } from '../controls';
import { DraftEntry, PagingChange, pagingFromDraft } from '../drafts';
import { Fallback, setDisabled, setHidden } from '../focus';
import { newRequestId } from '../ids';
import { Reply, SortSpec } from '../messages';
import { PagedProps, propsOf } from '../props';
import { ComponentSpec } from '../../common/protocol';

/** Table/grid page sizes offered (plus the author's own). */
const PAGE_SIZES = [10, 20, 50, 100];
/** Typing in a search box → one query, this long after the last key. */
export const DEBOUNCE_MS = 250;

/** Which page, sorted and searched how. */
export interface PageState {
  offset: number;
  pageSize: number;
  sort: SortSpec | null;
  search: string;
}

/** What is on screen: a page state and its rows. */
export interface ShownPage<R> extends PageState {
  rows: R[];
  total: number;
}

/** How the table or grid using a `PagedData` takes part. */
export interface PagedOptions {
  noun: 'rows' | 'items';
  /** Dims while loading. */
  box: HTMLElement;
  /** Draws `shown.rows` (`fromKernel`: a reply just arrived). */
  draw(fromKernel: boolean): void;
  /** Called after every state change. */
  changed(): void;
  /** Where focus goes when its element vanishes. */
  home(): Fallback;
}

interface PagerControls {
  prev: HTMLButtonElement;
  next: HTMLButtonElement;
  size: HTMLSelectElement;
  box: HTMLDivElement;
  smallest: number;
}

function pagerControls(size0: number, data: PagedData<unknown>): PagerControls {
  const prev = smallButton('Previous', { data: { page: 'prev' } });
  const next = smallButton('Next', { data: { page: 'next' } });
  const sizes = [...new Set([...PAGE_SIZES, size0])].sort((a, b) => a - b);
  const size = h(
    'select',
    { class: 'inb-rv-input inb-rv-select inb-rv-page-size' },
    sizes.map(n => h('option', { value: String(n), text: String(n) }))
  );
  size.value = String(size0);
  prev.addEventListener('click', () => data.go(Math.max(0, data.want.offset - data.want.pageSize)));
  next.addEventListener('click', () => data.go(data.want.offset + data.want.pageSize));
  size.addEventListener('change', () => {
    const n = Number(size.value);
    data.request({ pageSize: n, offset: Math.floor(data.want.offset / n) * n });
  });
  const box = h(
    'div',
    { class: 'inb-rv-pager-controls' },
    h('label', { class: 'inb-rv-page-size-label' }, h('span', { text: 'Per page' }), size),
    prev,
    next
  );
  return { prev, next, size, box, smallest: sizes[0] };
}

/** The rows of a table or grid the kernel holds, and the controls that page through them.
 *  Call `start()` once the caller is set up. */
export class PagedData<R> {
  /** Can ask the kernel (false: the first page only). */
  readonly live: boolean;
  readonly shown: ShownPage<R>;
  readonly search: HTMLInputElement | null;
  readonly error: HTMLDivElement;
  readonly pager: HTMLDivElement;
  private _want: PageState;
  private pending: number | null = null; // request_id of the query in flight
  private debounce: number | undefined = undefined;
  private readonly info: HTMLSpanElement;
  private readonly loadingNote: HTMLSpanElement;
  private readonly controls: PagerControls | null;
  private readonly init: Record<string, unknown>;

  constructor(
    comp: ComponentSpec,
    private readonly ctx: FieldContext | null,
    private readonly opts: PagedOptions
  ) {
    const p = propsOf<PagedProps>(comp);
    this.live = !!(ctx && ctx.promptId && ctx.send);
    this.init = isPlainObject(p.initial) ? p.initial : {};
    const rows0 = (Array.isArray(this.init.rows) ? this.init.rows : []) as R[];
    const size0 = Number(p.page_size) > 0 ? Math.floor(Number(p.page_size)) : 20;
    // `shown`: what is on screen. `want`: what was last asked for (several clicks on Next add up).
    const total = typeof this.init.total === 'number' ? this.init.total : rows0.length;
    this.shown = { offset: Number(this.init.offset) || 0, pageSize: size0, sort: null, search: '', rows: rows0, total };
    this._want = { offset: this.shown.offset, pageSize: size0, sort: null, search: '' };
    this.error = h('div', { class: 'inb-rv-inline-error', hidden: true });
    this.search = this.live && p.filterable ? this.searchBox(comp.label) : null;
    this.info = h('span', { class: 'inb-rv-pager-info' });
    this.loadingNote = h('span', { class: 'inb-rv-pager-loading', text: 'Loading…', hidden: true });
    const status = h('div', { class: 'inb-rv-pager-status', 'aria-live': 'polite' }, this.info, this.loadingNote);
    this.controls = this.live ? pagerControls(size0, this as PagedData<unknown>) : null;
    this.pager = h('div', { class: 'inb-rv-pager' }, status, this.controls && this.controls.box);
  }

  /** What was last asked for. */
  get want(): PageState {
    return this._want;
  }

  /** A query is on its way. */
  get loading(): boolean {
    return this.pending !== null;
  }

  private searchBox(label: string): HTMLInputElement {
    const noun = this.opts.noun;
    const search = h('input', {
      type: 'search',
      class: 'inb-rv-input inb-rv-data-search',
      placeholder: `Search ${noun}…`,
      autocomplete: 'off',
      spellcheck: 'false',
      'aria-label': `Search ${label || noun}`,
      data: { role: 'table-search' }
    });
    search.addEventListener('input', () => {
      clearTimeout(this.debounce);
      this.debounce = window.setTimeout(() => {
        this.debounce = undefined;
        if (this.searchChanged()) {
          this.runSearch();
        }
      }, DEBOUNCE_MS);
    });
    // Enter searches now (and retries after an error); it never submits the prompt.
    search.addEventListener('keydown', ev => {
      if (ev.key === 'Enter' && !ev.isComposing) {
        ev.preventDefault();
        this.runSearch();
      }
    });
    return search;
  }

  private searchChanged(): boolean {
    return !!this.search && this.search.value.trim() !== this._want.search;
  }

  private runSearch(): void {
    this.request({ search: this.search ? this.search.value.trim() : '', offset: 0 });
  }

  /** Go to the page at `offset` (a search typed but not run yet comes first). */
  go(offset: number): void {
    if (this.searchChanged()) {
      this.runSearch();
    } else {
      this.request({ offset });
    }
  }

  /** Ask the kernel for the page `change` describes (on top of what was last asked for). */
  request(change: PagingChange): void {
    this._want = { ...this._want, ...change };
    clearTimeout(this.debounce);
    this.debounce = undefined;
    if (!this.live || !this.ctx || !this.ctx.send || this.ctx.promptId === null) {
      return;
    }
    this.pending = newRequestId();
    const want = this._want;
    this.ctx.send({
      type: 'query',
      prompt_id: this.ctx.promptId,
      component: this.ctx.index,
      request_id: this.pending,
      offset: want.offset,
      page_size: want.pageSize,
      sort: want.sort,
      search: want.search
    });
    this.refresh();
    this.opts.changed();
  }

  /** A reply from the kernel (only the answer to the latest query counts). */
  readonly receive = (msg: Reply): void => {
    if (!msg || (msg.type !== 'query_result' && msg.type !== 'query_error')) {
      return;
    }
    if (this.pending === null || msg.request_id !== this.pending) {
      return; // older, or another view's
    }
    this.pending = null;
    if (msg.type === 'query_result') {
      this.accept(msg);
    } else {
      // Back to what is on screen; the component stays usable (Enter in the search box retries).
      const shown = this.shown;
      this._want = { offset: shown.offset, pageSize: shown.pageSize, sort: shown.sort, search: shown.search };
      if (this.controls) {
        this.controls.size.value = String(shown.pageSize);
      }
      showAlert(this.error, text(msg.message) || `Could not load these ${this.opts.noun}.`);
    }
    this.refresh();
    this.opts.changed();
  };

  private accept(msg: Reply): void {
    const shown = this.shown;
    shown.rows = (Array.isArray(msg.rows) ? msg.rows : []) as R[];
    shown.total = typeof msg.total === 'number' ? msg.total : shown.rows.length;
    shown.offset = typeof msg.offset === 'number' ? msg.offset : this._want.offset;
    Object.assign(shown, { pageSize: this._want.pageSize, sort: this._want.sort, search: this._want.search });
    this._want.offset = shown.offset;
    showAlert(this.error, null);
    this.opts.draw(true);
  }

  private refresh(): void {
    const { shown, opts } = this;
    const n = shown.rows.length;
    const total = shown.total;
    const noun = opts.noun;
    if (total === 0) {
      this.info.textContent = shown.search ? `No matching ${noun}` : `No ${noun}`;
    } else if (!n) {
      this.info.textContent = `No ${noun} on this page (${fmtInt(total)} in all)`;
    } else {
      this.info.textContent = `${capitalise(noun)} ${fmtInt(shown.offset + 1)}–${fmtInt(shown.offset + n)} of ${fmtInt(total)}`;
    }
    const busy = this.pending !== null;
    this.loadingNote.hidden = !busy;
    opts.box.classList.toggle('inb-rv-data-loading', busy);
    opts.box.setAttribute('aria-busy', String(busy));
    if (this.controls) {
      this.refreshControls(this.controls, total);
    }
  }

  private refreshControls(c: PagerControls, total: number): void {
    const { shown, search, opts } = this;
    const want = this._want;
    setDisabled(c.prev, want.offset <= 0, c.next, search, opts.home());
    setDisabled(c.next, want.offset + want.pageSize >= total, c.prev, search, opts.home());
    // Everything fits on the smallest page and nothing is filtered: no paging to offer.
    const nothingToPage =
      total <= c.smallest && !shown.search && !want.search && shown.offset === 0 && this.pending === null;
    setHidden(c.box, nothingToPage, search, opts.home());
  }

  /** Draw the first page state; ask for the first page if the kernel gave none. */
  start(): void {
    this.refresh();
    if (this.init.error) {
      showAlert(this.error, text(this.init.error)); // the first page failed in the kernel
    }
    if (this.live && !Array.isArray(this.init.rows)) {
      this.request({}); // no first page given: ask for it
    }
  }

  /** What a draft keeps of the paging: the page asked for, its size, sort and search text. */
  draft(): DraftEntry {
    const want = this._want;
    return {
      offset: want.offset,
      page_size: want.pageSize,
      sort: want.sort,
      search: this.search ? this.search.value.trim() : want.search
    };
  }

  /** Ask the kernel for the page a draft kept (see `pagingFromDraft`). */
  restore(entry: DraftEntry): void {
    if (!this.live) {
      return;
    }
    const size = this.controls ? this.controls.size : null;
    const change = pagingFromDraft(entry, size);
    if (this.search && change.search !== undefined) {
      this.search.value = change.search;
    }
    if (size && change.pageSize !== undefined) {
      size.value = String(change.pageSize);
    }
    this.request(change);
  }

  /** Stop the pending search timer. */
  readonly dispose = (): void => {
    clearTimeout(this.debounce);
  };
}
