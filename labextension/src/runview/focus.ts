/**
 * Keeping keyboard focus inside the view when the focused control hides, disables or goes.
 *
 * With focus on `<body>`, key presses would reach JupyterLab's shortcuts.
 */

/** Something that may take focus instead. */
export type Fallback = HTMLElement | null | undefined;

/** Move focus to the first usable fallback if focus is inside `node` (about to be hidden,
 *  disabled or replaced). */
export function rescueFocus(node: HTMLElement | null, ...fallbacks: Fallback[]): void {
  if (!node || !node.contains(document.activeElement)) {
    return;
  }
  const to = fallbacks.find(
    f => f && f.isConnected && !(f as HTMLButtonElement).disabled && !f.hidden && f.getClientRects().length
  );
  if (to) {
    to.focus({ preventScroll: true });
  }
}

/** Disable or enable `el`, first moving focus out of it to a fallback. */
export function setDisabled(
  el: HTMLButtonElement | HTMLInputElement | HTMLSelectElement,
  on: boolean,
  ...fallbacks: Fallback[]
): void {
  if (on && !el.disabled) {
    rescueFocus(el, ...fallbacks);
  }
  el.disabled = on;
}

/** Hide or show `el`, first moving focus out of it to a fallback. */
export function setHidden(el: HTMLElement, on: boolean, ...fallbacks: Fallback[]): void {
  if (on && !el.hidden) {
    rescueFocus(el, ...fallbacks);
  }
  el.hidden = on;
}
