/**
 * The inbox widget's module (`interval_nb/static/inbox.js` once bundled): anywidget's `render()`
 * for `actions.inbox()`.
 */
import { InboxModel, InboxWidgetView } from './view';

/** Draw the inbox of `model` in `el`; returns what stops its polling and its run view. */
function render({ model, el }: { model: InboxModel; el: HTMLElement }): () => void {
  return new InboxWidgetView(model, el).mount();
}

export default { render };
