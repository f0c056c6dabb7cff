/**
 * The RunView renderer, loaded once from the server extension.
 *
 * Notebooks get `interval_nb/static/runview.js` inside each RunView widget (anywidget); the Lab
 * tabs load the very same module from `{base_url}static/interval_nb/runview.js`, so a run looks
 * and behaves the same in a notebook, a Voilà page and a JupyterLab tab, and the renderer always
 * matches the installed Python package.
 */
import { IntervalApi } from './api';

/** What the module's `render()` gets: an anywidget-like model and the element to draw in. */
export interface IRenderProps {
  model: unknown;
  el: HTMLElement;
}

/** Cleans up a rendered view. */
export type Cleanup = () => void;

interface IRunViewModule {
  default: { render(props: IRenderProps): Cleanup | void | Promise<Cleanup | void> };
}

let loading: Promise<IRunViewModule> | null = null;

/** Load the renderer and its stylesheet (once per page). */
export function loadRenderer(api: IntervalApi): Promise<IRunViewModule> {
  // No version stamp: without one the server answers `Cache-Control: no-cache` (revalidate
  // by ETag), so the page always gets the renderer of the package installed now.
  if (!loading) {
    const css = document.createElement('link');
    css.rel = 'stylesheet';
    css.href = api.staticUrl('runview.css');
    css.dataset.intervalNb = 'runview';
    document.head.appendChild(css);
    // Absolute: a module loaded from a Blob URL (an anywidget's _esm) cannot resolve '/static/…'.
    const url = new URL(api.staticUrl('runview.js'), location.href).href;
    loading = (import(/* webpackIgnore: true */ url) as Promise<IRunViewModule>).catch(err => {
      loading = null; // let a later tab try again (the server may have been restarting)
      css.remove();
      throw new Error(`Cannot load the run view from ${url}: ${err}`);
    });
  }
  return loading;
}

/** Draw a run with the shared renderer; returns what removes it. */
export async function renderRun(api: IntervalApi, model: unknown, el: HTMLElement): Promise<Cleanup> {
  const module = await loadRenderer(api);
  const cleanup = await module.default.render({ model, el });
  return typeof cleanup === 'function' ? cleanup : () => undefined;
}
