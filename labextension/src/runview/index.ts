/**
 * RunView: the page side of one action run (interval_nb; docs/architecture.md).
 *
 * anywidget loads the bundle of this module (`interval_nb/static/runview.js`) as a RunView
 * widget's `_esm`; JupyterLab run tabs import the same file from the server. It draws the
 * run's state and sends back `{type: "answer", prompt_id, values, choice}`, drafts, data
 * requests or `{type: "cancel"}`. The kernel parses and validates every answer; checks here are
 * comfort only. CSS is global in anywidget, so every class is `inb-rv…`.
 */
import { RunModel } from './messages';
import { RunView } from './view';

/** What anywidget hands `render()`. */
export interface RenderProps {
  model: RunModel;
  el: HTMLElement;
}

/** Draw the run of `model` in `el`; returns what removes the view's listeners. */
function render({ model, el }: RenderProps): () => void {
  return new RunView(model, el).start();
}

export default { render };
