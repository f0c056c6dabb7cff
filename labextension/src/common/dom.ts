/**
 * `h()`: the one way the page-side renderers (run view, launcher) build DOM.
 *
 * Text is always set as text (`textContent`), never parsed as HTML; attributes are set with
 * `setAttribute` and a few live properties (`value`, `checked`, …) as properties.
 */

/** What an attribute may be given as: `null`, `undefined` and `false` leave it out. */
export type AttrValue = string | number | boolean | null | undefined;

/** Event handlers by event type, added with `addEventListener`. */
export type Handlers = Record<string, (event: Event) => void>;

/** `h()`'s attributes: `class`, `text`, `data` (dataset), `on` (listeners) and plain attributes. */
export interface Attrs {
  class?: string | null;
  text?: string | null;
  data?: Record<string, unknown> | null;
  on?: Handlers;
  [name: string]: AttrValue | Record<string, unknown> | Handlers | undefined;
}

/** A child of `h()`: a node, a string, nothing, or (nested) lists of them. */
export type Child = Node | string | null | undefined | false | readonly Child[];

/** Attributes that are live properties: set as properties, not as attributes. */
const PROPERTIES = new Set(['value', 'checked', 'open', 'disabled', 'hidden']);

function setAttr(node: HTMLElement, key: string, value: Attrs[string]): void {
  if (key === 'class') {
    node.className = String(value);
  } else if (key === 'text') {
    node.textContent = String(value);
  } else if (key === 'data') {
    Object.assign(node.dataset, value);
  } else if (key === 'on') {
    for (const [type, fn] of Object.entries(value as Handlers)) {
      node.addEventListener(type, fn);
    }
  } else if (PROPERTIES.has(key)) {
    (node as unknown as Record<string, unknown>)[key] = value;
  } else {
    node.setAttribute(key, value === true ? '' : String(value));
  }
}

/** Append `children` (flattened, skipping `null`, `undefined` and `false`) to `node`. */
export function appendChildren(node: Element, children: readonly Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) {
      continue;
    }
    if (Array.isArray(child)) {
      appendChildren(node, child as readonly Child[]);
    } else {
      node.append(child as Node | string);
    }
  }
}

/** `h('div', {class, text, data: {...}, on: {...}, ...attributes}, ...children)` → element. */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Attrs = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) {
      continue;
    }
    setAttr(node, key, value);
  }
  appendChildren(node, children);
  return node;
}
