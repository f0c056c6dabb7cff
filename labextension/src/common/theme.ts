/**
 * Light or dark: which `color-scheme` the page-side renderers ask native controls for.
 *
 * Native controls (date pickers, checkboxes, scrollbars) follow CSS `color-scheme`, which the
 * --jp-* variables cannot express. JupyterLab and Voilà say which theme is on in
 * `body[data-jp-theme-light]`; elsewhere (VS Code…) judge the lightness of our own background.
 * The result goes to `root.dataset.scheme` ("dark" or "light"), which the stylesheets read.
 */

/** Body attributes whose change means the theme may have changed. */
const THEME_ATTRIBUTES = ['data-jp-theme-light', 'data-vscode-theme-kind'];

/** Set `root.dataset.scheme` from the host's theme (or `root`'s background). */
export function applyColorScheme(root: HTMLElement): void {
  const lab = document.body && document.body.dataset.jpThemeLight;
  let dark = lab === 'false';
  if (lab === undefined) {
    const m = getComputedStyle(root).backgroundColor.match(/\d+(\.\d+)?/g);
    dark = !!m && 0.2126 * Number(m[0]) + 0.7152 * Number(m[1]) + 0.0722 * Number(m[2]) < 128;
  }
  root.dataset.scheme = dark ? 'dark' : 'light';
}

/** Re-apply the scheme to `root` whenever the host switches theme; returns what stops it. */
export function watchColorScheme(root: HTMLElement): () => void {
  const watch = new MutationObserver(() => requestAnimationFrame(() => applyColorScheme(root)));
  if (document.body) {
    watch.observe(document.body, { attributes: true, attributeFilter: THEME_ATTRIBUTES });
  }
  return () => watch.disconnect();
}
