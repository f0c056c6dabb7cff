/**
 * `display.grid`: cards, paged like a table (no sorting).
 */
import { appendChildren, h } from '../../common/dom';
import { text } from '../../common/text';
import { FieldContext } from '../context';
import { ComponentSpec } from '../../common/protocol';
import { PagedData } from './paged';

/** One card as the kernel sends it. */
export interface GridItem {
  key: unknown;
  label?: unknown;
  description?: unknown;
  image?: string;
  url?: string;
}

function card(item: GridItem): HTMLLIElement {
  const body = [
    item.image ? h('img', { class: 'inb-rv-card-img', src: item.image, alt: '', loading: 'lazy' }) : null,
    h(
      'div',
      { class: 'inb-rv-card-body' },
      h('div', { class: 'inb-rv-card-label', text: text(item.label) }),
      item.description ? h('div', { class: 'inb-rv-card-desc', text: text(item.description) }) : null
    )
  ];
  const inner = item.url
    ? h('a', { class: 'inb-rv-card inb-rv-card-link', href: item.url, target: '_blank', rel: 'noopener noreferrer' }, body)
    : h('div', { class: 'inb-rv-card' }, body);
  return h('li', { class: 'inb-rv-grid-item', data: { key: text(item.key) } }, inner);
}

/** A grid of cards, drawn and connected to the kernel's replies. */
export function dataGrid(comp: ComponentSpec, ctx: FieldContext | null): HTMLDivElement {
  const list = h('ul', { class: 'inb-rv-grid', data: { kind: comp.kind } });
  const box = h('div', { class: 'inb-rv-data', tabindex: '-1' });
  const draw = (): void => {
    const hadFocus = list.contains(document.activeElement);
    const items = data.shown.rows;
    const empty = data.shown.search ? 'No matching items.' : 'No items.';
    list.replaceChildren(...(items.length ? items.map(card) : [h('li', { class: 'inb-rv-grid-empty', text: empty })]));
    if (hadFocus) {
      (data.search || box).focus({ preventScroll: true });
    }
  };
  const data: PagedData<GridItem> = new PagedData<GridItem>(comp, ctx, {
    noun: 'items',
    box,
    draw,
    changed: () => undefined,
    home: () => box
  });
  const top = data.search ? h('div', { class: 'inb-rv-dt-top' }, data.search) : null;
  appendChildren(box, [top, list, data.error, data.pager]);
  draw();
  data.start();
  if (ctx && ctx.listen) {
    ctx.listen(data.receive);
  }
  if (ctx && ctx.onDispose) {
    ctx.onDispose(data.dispose);
  }
  return box;
}
