/**
 * The run view's small building blocks: buttons, outside links, inline alerts.
 *
 * CSS is global in anywidget, so every class is `inb-rv…`.
 */
import { Attrs, h } from '../common/dom';
import { text } from '../common/text';

const BUTTON_THEMES = new Set(['primary', 'secondary', 'danger', 'default']);

/** A button theme the stylesheet knows, else "default". */
export function themeOf(theme: unknown): string {
  return typeof theme === 'string' && BUTTON_THEMES.has(theme) ? theme : 'default';
}

/** A themed `<button type=button>`; `attrs` may override the type and class. */
export function button(label: string, theme: unknown, attrs: Attrs = {}): HTMLButtonElement {
  return h('button', { type: 'button', class: `inb-rv-btn inb-rv-btn-${themeOf(theme)}`, text: label, ...attrs });
}

/** A small secondary button (pagers, Clear, Cancel). */
export function smallButton(label: string, attrs: Attrs = {}): HTMLButtonElement {
  return button(label, 'secondary', { class: 'inb-rv-btn inb-rv-btn-secondary inb-rv-btn-small', ...attrs });
}

/** A link that opens in a new tab: links inside widget output must never replace the JupyterLab page. */
export function externalLink(url: unknown, label: unknown, cls: string): HTMLAnchorElement {
  return h('a', { href: url as string, target: '_blank', rel: 'noopener noreferrer', class: cls, text: label as string });
}

/** Show or hide an error message; only a shown one is an alert (so `[role=alert]` finds real errors). */
export function showAlert(node: HTMLElement, message: unknown): void {
  node.textContent = text(message);
  node.hidden = !message;
  if (message) {
    node.setAttribute('role', 'alert');
  } else {
    node.removeAttribute('role');
  }
}

/** The caption above a display (`display.object`, tables, widgets), or nothing. */
export function displayLabel(label: unknown): HTMLDivElement | null {
  return label ? h('div', { class: 'inb-rv-display-label', text: label as string }) : null;
}
