/**
 * The launcher widget's module (`interval_nb/static/launcher.js` once bundled): anywidget's
 * `render()` for `actions.show()`, and the Voilà page-close hook.
 */
import { shutdownVoilaKernelOnClose } from './voila';
import { LauncherModel, LauncherView } from './view';

export { shutdownVoilaKernelOnClose };

/** Draw the launcher of `model` in `el`; returns what removes its listeners and timers. */
function render({ model, el }: { model: LauncherModel; el: HTMLElement }): () => void {
  shutdownVoilaKernelOnClose();
  return new LauncherView(model, el).mount();
}

export default { render };
