/**
 * The launcher: a searchable grid of action cards (interval_nb `actions.show()`).
 *
 * Traits: `title` (str) and `actions` ([{slug, name, description}]). Clicking Run sends
 * `{type: "start", slug}`; the kernel starts the run, shows its RunView below the cards and
 * answers `{type: "started", slug}`, which gives the button back (so a double click cannot
 * start two runs, and the button never stays "Starting…" longer than the start takes).
 * CSS is global in anywidget, so every class is `inb-launcher…`.
 */
import { h } from '../common/dom';
import { isPlainObject } from '../common/text';
import { applyColorScheme, watchColorScheme } from '../common/theme';

/** No "started" from the kernel by then: let the person retry. */
const START_TIMEOUT_MS = 5000;

/** An action as the launcher lists it. */
export interface LauncherAction {
  slug: string;
  name?: string | null;
  description?: string | null;
}

/** The launcher's anywidget model. */
export interface LauncherModel {
  get(name: 'title'): string | null | undefined;
  get(name: 'actions'): LauncherAction[] | null | undefined;
  send(msg: { type: 'start'; slug: string }): void;
  on(event: string, fn: (...args: unknown[]) => void): void;
  off?(event: string, fn: (...args: unknown[]) => void): void;
}

interface Card {
  node: HTMLDivElement;
  slug: string;
  search: string;
  run: HTMLButtonElement;
}

/** One launcher view. */
export class LauncherView {
  private readonly heading = h('h2', { class: 'inb-launcher-title' });
  private readonly count = h('span', { class: 'inb-launcher-count' });
  private readonly search = h('input', {
    type: 'search',
    class: 'inb-launcher-search',
    placeholder: 'Search actions…',
    'aria-label': 'Search actions',
    autocomplete: 'off',
    spellcheck: 'false'
  });
  private readonly grid = h('div', { class: 'inb-launcher-grid', role: 'list' });
  private readonly empty = h('div', { class: 'inb-launcher-empty', hidden: true });
  readonly root: HTMLDivElement;
  private cards: Card[] = [];
  private readonly timers = new Set<number>();

  constructor(
    private readonly model: LauncherModel,
    el: HTMLElement
  ) {
    const head = h('div', { class: 'inb-launcher-heading' }, this.heading, this.count);
    this.root = h('div', { class: 'inb-launcher' }, h('div', { class: 'inb-launcher-header' }, head, this.search), this.grid, this.empty);
    el.append(this.root);
  }

  private ready(btn: HTMLButtonElement): void {
    btn.disabled = false;
    btn.textContent = 'Run';
  }

  private start(slug: string, btn: HTMLButtonElement): void {
    btn.disabled = true;
    btn.textContent = 'Starting…';
    this.model.send({ type: 'start', slug });
    const t = window.setTimeout(() => {
      this.timers.delete(t);
      this.ready(btn);
    }, START_TIMEOUT_MS);
    this.timers.add(t);
  }

  /** The kernel started a run: give its button back. */
  readonly onCustom = (msg: unknown): void => {
    if (!isPlainObject(msg) || msg.type !== 'started') {
      return;
    }
    for (const c of this.cards) {
      if (c.slug === msg.slug) {
        this.ready(c.run);
      }
    }
  };

  private card(action: LauncherAction): Card {
    const name = String(action.name ?? action.slug ?? '');
    const description = String(action.description ?? '');
    const run = h('button', {
      type: 'button',
      class: 'inb-launcher-run',
      text: 'Run',
      data: { slug: action.slug, action: 'start' },
      'aria-label': `Run ${name}`
    });
    run.addEventListener('click', () => this.start(action.slug, run));
    const node = h(
      'div',
      { class: 'inb-launcher-card', role: 'listitem', data: { slug: action.slug } },
      h('div', { class: 'inb-launcher-name', text: name }),
      description ? h('div', { class: 'inb-launcher-desc', text: description }) : null,
      h('div', { class: 'inb-launcher-foot' }, run)
    );
    return { node, slug: action.slug, search: `${name} ${description} ${action.slug ?? ''}`.toLowerCase(), run };
  }

  /** Show the cards matching every word typed. */
  readonly filter = (): void => {
    const { cards, search, empty } = this;
    const words = search.value.trim().toLowerCase().split(/\s+/).filter(Boolean);
    let shown = 0;
    for (const c of cards) {
      c.node.hidden = !words.every(w => c.search.includes(w));
      if (!c.node.hidden) {
        shown += 1;
      }
    }
    empty.hidden = shown > 0;
    empty.textContent = cards.length ? `No actions match “${search.value.trim()}”.` : 'No actions yet.';
    this.count.textContent = words.length ? `${shown} of ${cards.length}` : `${cards.length} action${cards.length === 1 ? '' : 's'}`;
    search.hidden = cards.length === 0;
  };

  readonly draw = (): void => {
    this.heading.textContent = this.model.get('title') || 'Actions';
    this.cards = (this.model.get('actions') || []).map(a => this.card(a));
    this.grid.replaceChildren(...this.cards.map(c => c.node));
    this.filter();
  };

  /** Plain keys must not reach JupyterLab (Shift+Enter would re-run the cell, a/b/dd edit the
   *  notebook); Ctrl/Cmd/Alt combos pass. Enter in the search box moves to the first match's Run. */
  private guardKeys(): void {
    this.root.addEventListener('keydown', ev => {
      if (ev.ctrlKey || ev.metaKey || ev.altKey) {
        return;
      }
      ev.stopPropagation();
      if (ev.key === 'Enter' && ev.target === this.search && !ev.isComposing) {
        ev.preventDefault();
        const first = this.cards.find(c => !c.node.hidden);
        if (first) {
          first.run.focus();
        }
      }
    });
  }

  /** Start drawing and listening; returns what stops it. */
  mount(): () => void {
    const model = this.model;
    this.search.addEventListener('input', this.filter);
    this.guardKeys();
    const unwatch = watchColorScheme(this.root);
    model.on('change', this.draw);
    model.on('msg:custom', this.onCustom);
    this.draw();
    requestAnimationFrame(() => applyColorScheme(this.root));
    return () => {
      for (const t of this.timers) {
        clearTimeout(t);
      }
      unwatch();
      if (typeof model.off === 'function') {
        model.off('msg:custom', this.onCustom);
      }
    };
  }
}
