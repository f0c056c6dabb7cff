/**
 * A table cell as the kernel sends it: `{text, url?, image?}` (text already formatted), or a
 * bare value.
 */
import { h } from '../../common/dom';
import { isPlainObject, text } from '../../common/text';

/** The text a cell shows (also a row's name for screen readers). */
export function cellText(cell: unknown): string {
  return text(isPlainObject(cell) ? cell.text : cell);
}

/** A cell's content: its text, a thumbnail, either inside a link. */
export function cellContent(cell: unknown): Node | string {
  const c = isPlainObject(cell) ? cell : { text: cell };
  const label = text(c.text);
  const inner = c.image
    ? h('img', { class: 'inb-rv-thumb', src: c.image as string, alt: label, loading: 'lazy' })
    : label;
  if (!c.url) {
    return inner;
  }
  return h('a', { href: c.url as string, target: '_blank', rel: 'noopener noreferrer', class: 'inb-rv-link' }, inner);
}
