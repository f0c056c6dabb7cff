/**
 * Light or dark from the system: the app page says which in `body[data-jp-theme-light]`, as
 * JupyterLab does, so the renderer's and the launcher's colour-scheme logic works unchanged;
 * the stylesheet picks the matching --jp-* variables with `prefers-color-scheme`.
 */

/** Follow the system's light/dark preference; returns what stops following it. */
export function followSystemTheme(): () => void {
  const dark = window.matchMedia('(prefers-color-scheme: dark)');
  const apply = (): void => {
    document.body.dataset.jpThemeLight = String(!dark.matches);
  };
  apply();
  dark.addEventListener('change', apply);
  return () => dark.removeEventListener('change', apply);
}
