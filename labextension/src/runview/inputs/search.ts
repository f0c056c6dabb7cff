/**
 * `search`: a combobox whose results come from the kernel (`{type: "search"}` →
 * `search_result`). Typing waits DEBOUNCE_MS, then asks; only the reply to the latest request
 * is drawn. The labels of picked results are remembered across rebuilds of the same prompt.
 */
import { h } from '../../common/dom';
import { isPlainObject, text } from '../../common/text';
import { FieldContext } from '../context';
import { showAlert, smallButton } from '../controls';
import { DraftEntry, draftResult } from '../drafts';
import { newRequestId } from '../ids';
import { Reply } from '../messages';
import { SearchProps, propsOf } from '../props';
import { ComponentSpec } from '../../common/protocol';
import { DEBOUNCE_MS } from '../tables/paged';
import { BuiltInput } from './types';

/** One search result: `key`, and what it shows (`label`, `description`, `image`). */
type Result = Record<string, unknown>;

function resultBody(r: Result): (HTMLElement | null)[] {
  return [
    r.image ? h('img', { class: 'inb-rv-sr-img', src: r.image as string, alt: '', loading: 'lazy' }) : null,
    h(
      'span',
      { class: 'inb-rv-option-text' },
      h('span', { class: 'inb-rv-sr-label', text: text(r.label ?? r.key) }),
      r.description ? h('span', { class: 'inb-rv-option-desc', text: text(r.description) }) : null
    )
  ];
}

/** The elements of a search box. */
interface SearchParts {
  input: HTMLInputElement;
  list: HTMLUListElement;
  status: HTMLDivElement;
  error: HTMLDivElement;
  chosen: HTMLDivElement;
  box: HTMLDivElement;
}

function searchParts(comp: ComponentSpec, id: string, placeholder: string | undefined): SearchParts {
  const listId = `${id}-list`;
  const input = h('input', {
    id,
    type: 'text',
    class: 'inb-rv-input inb-rv-sr-input',
    role: 'combobox',
    'aria-autocomplete': 'list',
    'aria-expanded': 'false',
    'aria-controls': listId,
    placeholder: placeholder || 'Search…',
    autocomplete: 'off',
    spellcheck: 'false'
  });
  const list = h('ul', {
    id: listId,
    class: 'inb-rv-sr-list',
    role: 'listbox',
    'aria-label': `${text(comp.label)} results`,
    hidden: true
  });
  const status = h('div', { class: 'inb-rv-hint inb-rv-sr-status', 'aria-live': 'polite' });
  const error = h('div', { class: 'inb-rv-inline-error', hidden: true });
  const chosen = h('div', { class: 'inb-rv-sr-chosen-box' });
  const box = h('div', { class: 'inb-rv-control inb-rv-sr' }, chosen, input, list, status, error);
  return { input, list, status, error, chosen, box };
}

/** The state and behaviour of one search box. */
class SearchBox {
  readonly parts: SearchParts;
  private readonly multiple: boolean;
  private readonly seen: Map<unknown, Result>; // key → result, everything shown so far
  private readonly initial: Result[];
  picked: unknown[];
  private results: Result[];
  private active = -1;
  private pending: number | null = null;
  timer: number | undefined = undefined;

  constructor(
    private readonly comp: ComponentSpec,
    private readonly id: string,
    private readonly ctx: FieldContext
  ) {
    const p = propsOf<SearchProps>(comp);
    this.multiple = !!p.multiple;
    const memory = ctx.keep(); // survives a rebuild of this prompt in this view
    this.seen = memory.seen || (memory.seen = new Map());
    this.initial = Array.isArray(p.initial) ? (p.initial as Result[]) : [];
    this.initial.forEach(this.remember);
    const value = comp.value;
    if (this.multiple) {
      this.picked = Array.isArray(value) ? value.slice() : [];
    } else {
      this.picked = value === null || value === undefined ? [] : [value];
    }
    this.results = this.initial;
    this.parts = searchParts(comp, id, p.placeholder);
  }

  readonly remember = (r: unknown): void => {
    if (isPlainObject(r) && r.key !== undefined) {
      this.seen.set(r.key, r);
    }
  };

  /** The result shown earlier for `key`, if any. */
  remembered(key: unknown): Result | undefined {
    return this.seen.get(key);
  }

  isOpen(): boolean {
    return !this.parts.list.hidden;
  }

  drawList(): void {
    const { list, input } = this.parts;
    const id = this.id;
    list.replaceChildren(...this.results.map((r, i) => this.option(r, i)));
    if (this.active >= 0) {
      input.setAttribute('aria-activedescendant', `${id}-opt-${this.active}`);
    } else {
      input.removeAttribute('aria-activedescendant');
    }
    const item = list.children[this.active];
    if (item) {
      item.scrollIntoView({ block: 'nearest' });
    }
  }

  private option(r: Result, i: number): HTMLLIElement {
    const isPicked = this.picked.includes(r.key);
    const li = h(
      'li',
      {
        id: `${this.id}-opt-${i}`,
        role: 'option',
        class: 'inb-rv-sr-option',
        'aria-selected': String(i === this.active),
        data: { key: text(r.key) }
      },
      resultBody(r),
      isPicked ? h('span', { class: 'inb-rv-sr-check', text: '✓', 'aria-label': 'chosen' }) : null
    );
    li.addEventListener('mousedown', ev => ev.preventDefault()); // keep focus in the input
    li.addEventListener('click', () => this.pick(i));
    return li;
  }

  setOpen(open: boolean): void {
    const { list, input } = this.parts;
    list.hidden = !open || !this.results.length;
    input.setAttribute('aria-expanded', String(!list.hidden));
    if (list.hidden) {
      this.active = -1;
      input.removeAttribute('aria-activedescendant');
    }
  }

  /** Show the initial results (no query). */
  showInitial(): void {
    this.results = this.initial;
    this.active = -1;
    this.drawList();
    this.setOpen(true);
  }

  move(delta: number): void {
    const n = this.results.length;
    if (!n) {
      return;
    }
    if (!this.isOpen()) {
      this.setOpen(true);
    }
    this.active = this.active < 0 ? (delta > 0 ? 0 : n - 1) : (this.active + delta + n) % n;
    this.drawList();
  }

  drawChosen(): void {
    const items = this.picked.map(k => this.seen.get(k) || { key: k, label: text(k) });
    const chosen = this.parts.chosen;
    if (this.multiple) {
      chosen.replaceChildren(...(items.length ? [this.chips(items)] : []));
      return;
    }
    const r = items[0];
    if (!r) {
      chosen.replaceChildren();
      return;
    }
    const x = smallButton('Clear', { 'aria-label': `Clear ${text(r.label ?? r.key)}` });
    x.addEventListener('click', () => this.unpick(r.key));
    chosen.replaceChildren(h('div', { class: 'inb-rv-sr-chosen', data: { key: text(r.key) } }, resultBody(r), x));
  }

  private chips(items: Result[]): HTMLUListElement {
    const chip = (r: Result): HTMLLIElement => {
      const label = text(r.label ?? r.key);
      const x = h('button', { type: 'button', class: 'inb-rv-chip-x', 'aria-label': `Remove ${label}`, text: '×' });
      x.addEventListener('click', () => this.unpick(r.key));
      const img = r.image ? h('img', { class: 'inb-rv-chip-img', src: r.image as string, alt: '' }) : null;
      return h('li', { class: 'inb-rv-chip', data: { key: text(r.key) } }, img, h('span', { text: label }), x);
    };
    return h('ul', { class: 'inb-rv-chips', 'aria-label': `Chosen ${text(this.comp.label)}` }, items.map(chip));
  }

  pick(i: number): void {
    const r = this.results[i];
    if (!r) {
      return;
    }
    this.remember(r);
    if (!this.multiple) {
      this.picked = [r.key];
    } else if (!this.picked.includes(r.key)) {
      this.picked.push(r.key);
    }
    this.parts.input.value = '';
    clearTimeout(this.timer);
    this.timer = undefined;
    this.pending = null;
    this.results = this.initial;
    this.parts.status.textContent = '';
    this.setOpen(false);
    this.drawChosen();
    this.parts.input.focus({ preventScroll: true });
  }

  unpick(key: unknown): void {
    this.picked = this.picked.filter(k => k !== key);
    this.parts.input.focus({ preventScroll: true }); // the button that was clicked is gone
    this.drawChosen();
    if (this.isOpen()) {
      this.drawList();
    }
  }

  readonly send = (): void => {
    const ctx = this.ctx;
    this.timer = undefined;
    this.pending = newRequestId();
    this.parts.status.textContent = 'Searching…';
    if (ctx.send && ctx.promptId !== null) {
      const query = this.parts.input.value.trim();
      ctx.send({ type: 'search', prompt_id: ctx.promptId, component: ctx.index, request_id: this.pending, query });
    }
  };

  readonly receive = (msg: Reply): void => {
    if (!msg || (msg.type !== 'search_result' && msg.type !== 'search_error')) {
      return;
    }
    if (this.pending === null || msg.request_id !== this.pending) {
      return; // a stale answer: a newer query is out
    }
    this.pending = null;
    const { error, status, box } = this.parts;
    if (msg.type === 'search_error') {
      showAlert(error, text(msg.message) || 'The search failed.');
      status.textContent = '';
      this.results = [];
      this.setOpen(false);
      return;
    }
    showAlert(error, null);
    this.results = Array.isArray(msg.results) ? msg.results.filter(isPlainObject) : [];
    this.results.forEach(this.remember);
    const n = this.results.length;
    status.textContent = n ? `${n} result${n === 1 ? '' : 's'}` : 'No results.';
    this.active = n ? 0 : -1; // Enter picks the best match
    this.drawList();
    this.setOpen(box.contains(document.activeElement));
  };

  /** The person typed: back to the initial results when empty, else search soon. */
  onInput(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (!this.parts.input.value.trim()) {
      this.pending = null;
      this.parts.status.textContent = '';
      this.showInitial();
      return;
    }
    this.timer = window.setTimeout(this.send, DEBOUNCE_MS);
  }

  onFocus(): void {
    if (!this.isOpen() && !this.parts.input.value.trim() && !this.pending) {
      this.showInitial();
    }
  }

  /** A search is on its way (typed, or asked and not answered). */
  searching(): boolean {
    return !!this.timer || this.pending !== null;
  }

  get count(): number {
    return this.results.length;
  }

  get activeIndex(): number {
    return this.active;
  }

  get isMultiple(): boolean {
    return this.multiple;
  }
}

/** Enter submits the prompt only when something is picked and the list is closed. */
function onEnter(s: SearchBox, ev: KeyboardEvent): void {
  if (s.isOpen()) {
    ev.preventDefault();
    if (s.activeIndex >= 0) {
      s.pick(s.activeIndex);
    } else if (s.count === 1) {
      s.pick(0);
    } else {
      s.setOpen(false);
    }
  } else if (s.searching() || !s.picked.length) {
    ev.preventDefault(); // a search is on its way, or nothing is chosen yet
  }
}

function onKeydown(s: SearchBox, ev: KeyboardEvent): void {
  if (ev.isComposing) {
    return;
  }
  if (ev.key === 'ArrowDown' || ev.key === 'ArrowUp') {
    ev.preventDefault();
    if (!s.isOpen()) {
      s.drawList();
      s.setOpen(true);
    }
    s.move(ev.key === 'ArrowDown' ? 1 : -1);
  } else if (ev.key === 'Escape' && s.isOpen()) {
    ev.preventDefault();
    s.setOpen(false);
  } else if (ev.key === 'Enter') {
    onEnter(s, ev);
  } else if (ev.key === 'Backspace' && s.isMultiple && !s.parts.input.value && s.picked.length) {
    s.unpick(s.picked[s.picked.length - 1]);
  }
}

function wire(s: SearchBox): void {
  const { input, box } = s.parts;
  input.addEventListener('input', () => s.onInput());
  input.addEventListener('focus', () => s.onFocus());
  input.addEventListener('click', () => {
    if (!s.isOpen()) {
      s.drawList();
      s.setOpen(true);
    }
  });
  box.addEventListener('focusout', ev => {
    if (!box.contains(ev.relatedTarget as Node | null)) {
      s.setOpen(false);
    }
  });
  input.addEventListener('keydown', ev => onKeydown(s, ev));
}

/** `search`. */
export function searchInput(comp: ComponentSpec, id: string, ctx: FieldContext): BuiltInput {
  const s = new SearchBox(comp, id, ctx);
  wire(s);
  s.drawChosen();
  ctx.listen(s.receive);
  ctx.onDispose(() => clearTimeout(s.timer));
  return {
    control: s.parts.box,
    focus: s.parts.input,
    read: () => (s.isMultiple ? s.picked.slice() : s.picked.length ? s.picked[0] : null),
    // The picked results with their labels, so a view drawn later shows them as they were.
    draft: (): DraftEntry => ({
      picked: s.picked.slice(),
      results: s.picked
        .map(k => s.remembered(k))
        .filter(isPlainObject)
        .map(draftResult)
    }),
    restore(entry: DraftEntry): void {
      if (!Array.isArray(entry.picked)) {
        return;
      }
      const results = Array.isArray(entry.results) ? entry.results : [];
      results.filter(isPlainObject).map(draftResult).forEach(s.remember);
      s.picked = s.isMultiple ? entry.picked.slice() : entry.picked.slice(0, 1);
      s.drawChosen();
    }
  };
}
