/**
 * The run view: the page side of one action run.
 *
 * The kernel owns the run and syncs its state as traits (status, prompt, transcript, loading,
 * logs, notifications, result, error, cancel_reason); the view only draws that state with
 * native controls and sends back answers, drafts, cancels and data requests.
 */
import { h } from '../common/dom';
import { isPlainObject } from '../common/text';
import { applyColorScheme, watchColorScheme } from '../common/theme';
import { ComponentMemory } from './context';
import { promptCore } from './drafts';
import { DraftSaver } from './draftsaver';
import { Header, isTerminal } from './header';
import { newViewId } from './ids';
import { guardKeys } from './keys';
import { LogsView } from './logs';
import { RunModel, RunTraits } from './messages';
import { renderLoading, renderNotifications, renderOutcome } from './outcome';
import { PromptForm } from './prompt';
import { PromptSpec } from '../common/protocol';
import { TranscriptView } from './transcript';

/** One view of one run model. */
export class RunView {
  readonly root: HTMLDivElement;
  private readonly uid = newViewId();
  private readonly header: Header;
  private readonly transcript: TranscriptView;
  private readonly promptBox = h('div', { class: 'inb-rv-prompt' });
  private readonly loadingBox = h('div', {});
  private readonly outcomeBox = h('div', {});
  private readonly notesBox = h('div', {});
  private readonly logs = new LogsView();
  private readonly drafts: DraftSaver;
  private form: PromptForm | null = null; // the controller of the prompt on screen
  private formSpec = ''; // JSON of the prompt on screen without its draft (see promptCore)
  private wantFocus = false; // a submit happened: the next prompt may take focus
  private readonly last = new Map<string, { ref: unknown; str: string }>(); // last value drawn per trait
  // Memory of components that must survive a rebuild of the same prompt in this view (the
  // labels of picked search results): prompt id → component index → object.
  private readonly memory = new Map<string, Map<number, ComponentMemory>>();

  constructor(
    private readonly model: RunModel,
    el: HTMLElement
  ) {
    this.header = new Header(model);
    this.transcript = new TranscriptView(model);
    this.root = h(
      'div',
      { class: 'inb-rv', tabindex: '-1' },
      this.header.box,
      this.transcript.box,
      this.promptBox,
      this.loadingBox,
      this.outcomeBox,
      this.notesBox,
      this.logs.box
    );
    el.append(this.root);
    this.drafts = new DraftSaver(model, this.root);
    guardKeys(this.root, () => this.form);
  }

  private readonly keep = (promptId: string, index: number): ComponentMemory => {
    let byIndex = this.memory.get(promptId);
    if (!byIndex) {
      byIndex = new Map();
      this.memory.set(promptId, byIndex);
    }
    let kept = byIndex.get(index);
    if (!kept) {
      kept = {};
      byIndex.set(index, kept);
    }
    return kept;
  };

  private focusInside(): boolean {
    return this.root.contains(document.activeElement);
  }

  private focusFree(): boolean {
    return !document.activeElement || document.activeElement === document.body;
  }

  /** Has this trait changed since it was last drawn? (Same object: no; equal JSON: no.) */
  private changed(name: keyof RunTraits): boolean {
    const value = this.model.get(name);
    const before = this.last.get(name);
    if (before && before.ref === value) {
      return false;
    }
    const str = JSON.stringify(value ?? null);
    this.last.set(name, { ref: value, str });
    return !(before && before.str === str);
  }

  /** Draw whatever changed since the last draw. */
  readonly draw = (): void => {
    const model = this.model;
    const status = model.get('status') || 'pending';
    const statusChanged = this.changed('status'); // changed() remembers: ask once per draw
    this.header.draw(this.root, status, statusChanged);
    if (this.changed('transcript')) {
      this.transcript.draw(model.get('transcript') || []);
    }
    const promptChanged = this.changed('prompt');
    if (promptChanged || statusChanged) {
      this.drawPrompt(status, promptChanged);
    }
    if (this.changed('waiting_for') && this.form) {
      this.showWaiting(this.form);
    }
    const loading = status === 'running' ? model.get('loading') : null;
    if (this.changed('loading') || statusChanged) {
      this.loadingBox.replaceChildren(...(loading ? [renderLoading(loading)] : []));
    }
    if (this.changed('logs')) {
      this.logs.draw(model.get('logs') || []);
    }
    if (this.changed('notifications')) {
      const notes = model.get('notifications') || [];
      this.notesBox.replaceChildren(...(notes.length ? [renderNotifications(notes)] : []));
    }
    const outcomeChanged = (['result', 'error', 'cancel_reason'] as const).map(n => this.changed(n)).some(Boolean); // map: ask each
    if (statusChanged || outcomeChanged) {
      const outcome = renderOutcome(status, model.get('result'), model.get('error'), model.get('cancel_reason'));
      this.outcomeBox.replaceChildren(...(outcome ? [outcome] : []));
    }
    applyColorScheme(this.root);
  };

  private drawPrompt(status: string, promptChanged: boolean): void {
    const spec = isTerminal(status) ? null : this.model.get('prompt');
    if (!spec) {
      this.clearPrompt(status);
    } else if (this.form && this.form.id === spec.id) {
      this.updatePrompt(this.form, spec, promptChanged);
    } else {
      this.newPrompt(spec);
    }
  }

  private clearPrompt(status: string): void {
    const form = this.form;
    if (form) {
      // Keep focus (and so the key guard) in the widget while the run works: on <body>, a key
      // press would reach JupyterLab's command-mode shortcuts.
      if (form.form.contains(document.activeElement)) {
        this.root.focus({ preventScroll: true });
      }
      form.dispose();
      this.form = null;
      this.promptBox.replaceChildren();
      this.drafts.track(null);
    }
    if (isTerminal(status)) {
      this.wantFocus = false;
    }
  }

  /** Validation error (or a twin view's answer): update in place. */
  private updatePrompt(form: PromptForm, spec: PromptSpec, promptChanged: boolean): void {
    this.drafts.heard(spec);
    if (!promptChanged || promptCore(spec) === this.formSpec) {
      return; // only the draft changed: keep the fields
    }
    this.formSpec = promptCore(spec);
    const hadFocus = form.busy || this.focusInside();
    form.update(spec);
    if (hadFocus && (this.focusInside() || this.focusFree())) {
      form.focusFirst(true);
    }
  }

  private newPrompt(spec: PromptSpec): void {
    const takeFocus = this.focusInside() || (this.wantFocus && this.focusFree());
    if (this.form) {
      this.form.dispose();
    }
    for (const id of this.memory.keys()) {
      if (id !== spec.id) {
        this.memory.delete(id);
      }
    }
    const model = this.model;
    const form = new PromptForm(spec, {
      uid: `${this.uid}-${spec.id}`,
      model,
      keep: this.keep,
      send: (msg, buffers) => {
        this.wantFocus = true;
        if (buffers && buffers.length) {
          model.send(msg, undefined, buffers);
        } else {
          model.send(msg);
        }
      },
      query: msg => model.send(msg), // table pages and search results: no focus change
      beforeSubmit: () => this.drafts.flush()
    });
    this.form = form;
    if (isPlainObject(spec.draft)) {
      form.restore(spec.draft); // first draw of this prompt here only
    }
    this.showWaiting(form);
    this.formSpec = promptCore(spec);
    this.promptBox.replaceChildren(form.form);
    this.wantFocus = false;
    if (takeFocus) {
      form.focusFirst(true); // never on first render: focus was not ours to take
    }
  }

  /** Read-only while the prompt waits for other people; only an editable prompt saves drafts. */
  private showWaiting(form: PromptForm): void {
    form.setWaitingFor(this.model.get('waiting_for'));
    this.drafts.track(form.readOnly ? null : form);
  }

  /** Replies to table queries and searches: for the prompt on screen, or for a table or grid
   *  in the transcript (its entry id is the prompt id). */
  readonly onCustom = (msg: unknown): void => {
    if (!isPlainObject(msg)) {
      return;
    }
    if (this.form && msg.prompt_id === this.form.id) {
      this.form.route(msg);
      return;
    }
    this.transcript.route(msg);
  };

  /** Start drawing and listening; returns what stops it. */
  start(): () => void {
    const model = this.model;
    const unwatch = watchColorScheme(this.root);
    model.on('change', this.draw);
    model.on('msg:custom', this.onCustom);
    this.draw();
    requestAnimationFrame(() => applyColorScheme(this.root)); // `el` may only be attached to the page after render()
    return () => {
      if (this.form) {
        this.form.dispose();
      }
      this.drafts.dispose();
      this.transcript.dispose();
      this.header.dispose();
      unwatch();
      if (typeof model.off === 'function') {
        model.off('msg:custom', this.onCustom);
      }
    };
  }
}
