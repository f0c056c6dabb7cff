/**
 * Saves the draft of the prompt on screen, debounced; one per view (see `drafts.ts`).
 *
 * The view sends `{type: "draft", prompt_id, draft: {rev, components}}` DRAFT_SAVE_MS after
 * the last change (and when the page is hidden). `root.dataset.draft` tells where the latest
 * change is: pending → saving → saved.
 */
import { isPlainObject } from '../common/text';
import { RunModel } from './messages';
import { PromptForm } from './prompt';
import { PromptSpec } from '../common/protocol';

const DRAFT_SAVE_MS = 400;
const CHANGE_EVENTS = ['input', 'change', 'click'];

/** The draft saver of one view. */
export class DraftSaver {
  private readonly token = Math.random().toString(36).slice(2, 10); // tells this view's echoes from others'
  private form: PromptForm | null = null;
  private timer: number | undefined = undefined;
  private count = 0;
  private rev: string | null = null;
  private sent: string | null = null;
  private acked = true;
  private readonly onChange = (): void => this.schedule();
  private readonly onHidden = (): void => {
    if (document.visibilityState === 'hidden') {
      this.flush();
    }
  };

  constructor(
    private readonly model: RunModel,
    private readonly root: HTMLElement
  ) {
    window.addEventListener('pagehide', this.flush);
    document.addEventListener('visibilitychange', this.onHidden);
  }

  private show(state: string): void {
    this.root.dataset.draft = state;
  }

  private schedule(): void {
    if (!this.form) {
      return;
    }
    this.show('pending');
    clearTimeout(this.timer);
    this.timer = window.setTimeout(this.flush, DRAFT_SAVE_MS);
  }

  /** Send the draft now if it changed (not while an answer is on its way). */
  readonly flush = (): void => {
    clearTimeout(this.timer);
    this.timer = undefined;
    const form = this.form;
    if (!form || form.busy) {
      return; // an answer on its way says more than a draft
    }
    const components = form.draft();
    const str = JSON.stringify(components);
    if (str === this.sent) {
      if (this.root.dataset.draft) {
        this.show(this.acked ? 'saved' : 'saving');
      }
      return;
    }
    this.count += 1;
    this.rev = `${this.token}-${this.count}`;
    this.sent = str;
    this.acked = false;
    this.show('saving');
    this.model.send({ type: 'draft', prompt_id: form.id, draft: { rev: this.rev, components } });
  };

  /** Follow a newly drawn prompt (null: none); what it shows now counts as saved. */
  track(next: PromptForm | null): void {
    if (this.form) {
      for (const type of CHANGE_EVENTS) {
        this.form.form.removeEventListener(type, this.onChange);
      }
    }
    clearTimeout(this.timer);
    this.timer = undefined;
    this.form = next;
    this.rev = null;
    this.acked = true;
    this.sent = next ? JSON.stringify(next.draft()) : null;
    delete this.root.dataset.draft;
    if (next) {
      for (const type of CHANGE_EVENTS) {
        next.form.addEventListener(type, this.onChange);
      }
    }
  }

  /** The kernel kept a draft of this prompt: if it is our latest, it is saved. */
  heard(spec: PromptSpec): void {
    const form = this.form;
    if (!form || !spec || spec.id !== form.id || !isPlainObject(spec.draft) || this.rev === null) {
      return;
    }
    if (spec.draft.rev !== this.rev) {
      return;
    }
    this.acked = true;
    if (!this.timer) {
      this.show('saved');
    }
  }

  dispose(): void {
    clearTimeout(this.timer);
    window.removeEventListener('pagehide', this.flush);
    document.removeEventListener('visibilitychange', this.onHidden);
  }
}
