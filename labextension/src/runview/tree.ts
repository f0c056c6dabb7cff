/**
 * `display.object`: a collapsible tree of a JSON value. Children are only built when a node is
 * first opened, so big objects stay cheap.
 */
import { h } from '../common/dom';

function primitive(v: unknown): HTMLSpanElement {
  const type = v === null ? 'null' : typeof v;
  return h('span', { class: `inb-rv-tree-${type}`, text: type === 'string' ? JSON.stringify(v) : String(v) });
}

function countText(isArray: boolean, n: number): string {
  return isArray ? `[ ${n} item${n === 1 ? '' : 's'} ]` : `{ ${n} key${n === 1 ? '' : 's'} }`;
}

/** The tree of `value` (under `key`, if any); the top level starts open. */
export function tree(value: unknown, key?: string, depth = 0): HTMLElement {
  const keyNode = key === undefined ? null : h('span', { class: 'inb-rv-tree-key', text: `${key}: ` });
  if (value === null || typeof value !== 'object') {
    return h('div', { class: 'inb-rv-tree-leaf' }, keyNode, primitive(value));
  }
  const isArray = Array.isArray(value);
  const entries: [string, unknown][] = isArray
    ? (value as unknown[]).map((v, i) => [String(i), v])
    : Object.entries(value as Record<string, unknown>);
  if (!entries.length) {
    return h('div', { class: 'inb-rv-tree-leaf' }, keyNode, h('span', { class: 'inb-rv-tree-meta', text: isArray ? '[]' : '{}' }));
  }
  const children = h('div', { class: 'inb-rv-tree-children' });
  const summary = h('summary', {}, keyNode, h('span', { class: 'inb-rv-tree-meta', text: countText(isArray, entries.length) }));
  const node = h('details', { class: 'inb-rv-tree-node' }, summary, children);
  const build = (): void => {
    if (!children.childElementCount) {
      children.append(...entries.map(([k, v]) => tree(v, k, depth + 1)));
    }
  };
  node.addEventListener('toggle', () => node.open && build());
  if (depth === 0) {
    build();
    node.open = true;
  }
  return node;
}
