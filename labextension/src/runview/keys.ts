/**
 * Keys inside a run view.
 *
 * JupyterLab listens for keydown on document (bubbling). Plain keys must not reach it
 * (Shift+Enter would re-run the cell, a/b/dd/m would edit the notebook); Ctrl/Cmd/Alt combos
 * pass (Ctrl+S must still save). Lab also cancels the browser's implicit submit on Enter in a
 * cell, so Enter submits here. A control that handles Enter itself (search boxes, the combobox,
 * the link address) calls preventDefault(); then nothing is submitted here.
 */
import { onlyMatchPickers } from './inputs/selects';
import { PromptForm } from './prompt';

/** Guard `root`'s keys; Enter submits the prompt `current()` returns (if any). */
export function guardKeys(root: HTMLElement, current: () => PromptForm | null): void {
  root.addEventListener('keydown', ev => {
    if (ev.ctrlKey || ev.metaKey || ev.altKey) {
      return;
    }
    ev.stopPropagation();
    const form = current();
    if (ev.key !== 'Enter' || ev.isComposing || ev.defaultPrevented || !form) {
      return;
    }
    const t = ev.target as HTMLElement;
    if (t.tagName === 'TEXTAREA' || t.isContentEditable) {
      if (ev.shiftKey) {
        ev.preventDefault();
        form.keyboardSubmit();
      }
      return; // plain Enter: a new line
    }
    if (t.tagName !== 'INPUT' || (t as HTMLInputElement).type === 'file') {
      return; // buttons, selects, summaries keep their own Enter
    }
    ev.preventDefault();
    const pickOnlyMatch = onlyMatchPickers.get(t);
    if (pickOnlyMatch) {
      pickOnlyMatch();
    } else {
      form.keyboardSubmit();
    }
  });
}
