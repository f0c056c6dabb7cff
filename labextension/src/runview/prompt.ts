/**
 * One prompt = one `<form>`: its fields, its submit buttons, the answer round trip.
 *
 * Built once per prompt id; a validation error updates it in place (`update`), keeping every
 * typed value. The kernel parses and validates every answer; checks here are comfort only.
 */
import { h } from '../common/dom';
import { isPlainObject, text } from '../common/text';
import { Keeper, fieldContext, runCleanups } from './context';
import { button, showAlert } from './controls';
import { DraftEntry } from './drafts';
import { Field, buildField } from './field';
import { AnswerMessage, ChoiceSpec, PromptSpec } from '../common/protocol';
import { DataRequest, Reply, ReplyHandler, RunModel } from './messages';
import { WaitingFor } from './waiting';

/** No update from the kernel this long after an answer: it was dropped, give the form back. */
const LOST_ANSWER_WAIT_MS = 20000;

/** What a prompt needs from its view. */
export interface PromptEnv {
  /** Sends the answer (with the files' contents as binary buffers). */
  send(msg: AnswerMessage, buffers: ArrayBuffer[]): void;
  /** Sends a table query or search (no focus change). */
  query(msg: DataRequest): void;
  /** Element id prefix, unique on the page. */
  uid: string;
  model: RunModel;
  keep: Keeper;
  /** Called first on every submit (the view saves the draft). */
  beforeSubmit?: () => void;
}

/** The submit buttons: Yes/No for a confirmation, one per choice, or Submit. */
function submitButtons(spec: PromptSpec): HTMLButtonElement[] {
  const choices: ChoiceSpec[] = spec.choices || [];
  if (spec.exclusive) {
    return [
      button('Yes', 'primary', { type: 'submit', data: { confirm: 'yes' } }),
      button('No', 'secondary', { type: 'submit', data: { confirm: 'no' } })
    ];
  }
  if (choices.length) {
    // Without a theme, the first choice is the primary action, as a lone Submit would be.
    return choices.map((c, i) =>
      button(c.label, c.theme || (i === 0 ? 'primary' : 'default'), { type: 'submit', data: { choice: text(c.value) } })
    );
  }
  return [button('Submit', 'primary', { type: 'submit', class: 'inb-rv-btn inb-rv-btn-primary inb-rv-submit' })];
}

function errorText(err: unknown): string {
  return err && (err as Error).message ? (err as Error).message : String(err);
}

/** A drawn prompt and its answer round trip. */
export class PromptForm {
  readonly form: HTMLFormElement;
  readonly id: string;
  private readonly fields: Field[];
  private readonly buttons: HTMLButtonElement[];
  private readonly promptError = h('div', { class: 'inb-rv-prompt-error', hidden: true });
  private readonly checking = h('span', { class: 'inb-rv-checking', 'aria-live': 'polite' });
  private readonly listeners: ReplyHandler[] = []; // per component: the kernel's query/search replies
  private readonly cleanups: (() => void)[] = [];
  private readonly waiting: WaitingFor;
  private _busy = false;
  private timer: number | undefined = undefined;
  private disposed = false;

  constructor(
    private readonly spec: PromptSpec,
    private readonly env: PromptEnv
  ) {
    const { model, query, keep, uid } = env;
    const { listeners, cleanups } = this;
    this.id = spec.id;
    this.fields = (spec.components || []).map((c, index) =>
      buildField(c, index, uid, fieldContext({ model, promptId: spec.id, index, query, listeners, cleanups, keep }))
    );
    this.buttons = submitButtons(spec);
    const controls = h(
      'fieldset',
      { class: 'inb-rv-controls' },
      this.fields.map(f => f.wrapper),
      this.promptError,
      h('div', { class: 'inb-rv-actions' }, this.buttons, this.checking)
    );
    this.waiting = new WaitingFor(controls);
    this.form = h(
      'form',
      { class: 'inb-rv-form', novalidate: true, tabindex: '-1', data: { promptId: spec.id } },
      this.waiting.banner,
      controls
    );
    this.form.addEventListener('submit', ev => {
      ev.preventDefault();
      this.submit(ev.submitter);
    });
  }

  /** An answer is on its way. */
  get busy(): boolean {
    return this._busy;
  }

  /** Whether the prompt waits for other people (shown read-only; see `waiting.ts`). */
  get readOnly(): boolean {
    return this.waiting.active;
  }

  /** Show the prompt read-only while it waits for `assignees` (`null`: editable). */
  setWaitingFor(assignees: unknown): void {
    this.waiting.set(assignees);
  }

  setBusy(on: boolean, note = 'Checking…'): void {
    this._busy = on;
    clearTimeout(this.timer);
    this.form.classList.toggle('inb-rv-busy', on);
    this.form.setAttribute('aria-busy', String(on));
    for (const b of this.buttons) {
      b.disabled = on;
    }
    this.checking.textContent = on ? note : '';
  }

  private setErrors(s: PromptSpec): void {
    s.components.forEach((c, i) => this.fields[i] && this.fields[i].setError(c.error));
    showAlert(this.promptError, s.error);
  }

  /** The choice a submit sends: null for none, undefined when this submit is not an answer. */
  private choiceOf(submitter: HTMLElement | null, values: unknown[]): string | null | undefined {
    const spec = this.spec;
    const choices = spec.choices || [];
    if (spec.exclusive) {
      if (!submitter || !submitter.dataset.confirm) {
        return undefined;
      }
      const yes = submitter.dataset.confirm === 'yes';
      (spec.components || []).forEach((c, i) => {
        if (c.kind === 'confirm') {
          values[i] = yes;
        }
      });
      return null;
    }
    if (!choices.length) {
      return null;
    }
    if (submitter && submitter.dataset.choice !== undefined) {
      return submitter.dataset.choice;
    }
    return choices.length === 1 ? text(choices[0].value) : undefined;
  }

  private submit(submitter: HTMLElement | null): void {
    if (this._busy || this.readOnly) {
      return;
    }
    if (this.env.beforeSubmit) {
      this.env.beforeSubmit(); // the draft first: a rejected answer keeps what was typed
    }
    const values = this.fields.map(f => (f.collect ? null : f.read()));
    const choice = this.choiceOf(submitter, values);
    if (choice === undefined) {
      return;
    }
    // Keep keyboard focus inside the widget: a focused button that gets disabled drops focus to
    // <body>, and then Lab's shortcuts (Shift+Enter runs the cell) would see the next key press.
    if (this.buttons.includes(document.activeElement as HTMLButtonElement)) {
      this.form.focus({ preventScroll: true });
    }
    const msg: AnswerMessage = { type: 'answer', prompt_id: this.spec.id, values, choice };
    if (!this.fields.some(f => f.collect)) {
      this.setBusy(true);
      this.dispatch(msg, []);
      return;
    }
    // Files: read them first; their contents travel as the message's binary buffers.
    this.setBusy(true, 'Reading files…');
    void this.submitFiles(msg, values);
  }

  private async submitFiles(msg: AnswerMessage, values: unknown[]): Promise<void> {
    const buffers: ArrayBuffer[] = [];
    for (const [i, f] of this.fields.entries()) {
      if (!f.collect) {
        continue;
      }
      try {
        values[i] = await f.collect(buffers);
      } catch (err) {
        if (this.disposed) {
          return;
        }
        this.setBusy(false);
        f.setError(errorText(err));
        this.focusFirst(true);
        return;
      }
    }
    if (this.disposed) {
      return;
    }
    this.setBusy(true, buffers.length ? 'Uploading…' : 'Checking…');
    this.dispatch(msg, buffers);
  }

  private dispatch(msg: AnswerMessage, buffers: ArrayBuffer[]): void {
    this.env.send(msg, buffers);
    // Every judged answer changes the prompt (a new prompt, or the same id with attempt + 1),
    // so an update always follows. This timer only guards against an answer the kernel
    // dropped unjudged (a stale or racing answer): then the form comes back usable.
    this.timer = window.setTimeout(() => {
      this.setBusy(false);
      this.flashErrors();
      if (this.form.contains(document.activeElement)) {
        this.focusFirst(true);
      }
    }, LOST_ANSWER_WAIT_MS);
  }

  private flashErrors(): void {
    const shown = this.form.querySelectorAll<HTMLElement>(
      '.inb-rv-field-error:not([hidden]), .inb-rv-prompt-error:not([hidden])'
    );
    for (const el of shown) {
      el.classList.remove('inb-rv-flash');
      void el.offsetWidth; // restart the animation
      el.classList.add('inb-rv-flash');
    }
  }

  /** Focus the first field with an error (or the first field); the form itself if none can. */
  focusFirst(preferError = false): void {
    const withError = preferError ? this.fields.find(f => f.wrapper.classList.contains('inb-rv-invalid') && f.focus) : null;
    const field = this.readOnly ? null : withError || this.fields.find(f => f.focus); // read-only: nothing to type in
    const target = (field || { focus: null }).focus || this.form;
    target.focus();
  }

  /** What the person did so far, one entry per component (see `drafts.ts`). */
  draft(): (DraftEntry | null)[] {
    return this.fields.map(f => f.draft());
  }

  /** Draw a draft the kernel kept (only when the prompt is first drawn in this view). */
  restore(draft: unknown): void {
    const entries = isPlainObject(draft) && Array.isArray(draft.components) ? draft.components : [];
    entries.forEach((entry: unknown, i: number) => {
      if (this.fields[i] && isPlainObject(entry)) {
        this.fields[i].restore(entry);
      }
    });
  }

  /** The kernel re-sent this prompt: show its errors, keep every typed value. */
  update(s: PromptSpec): void {
    this.setErrors(s);
    this.setBusy(false);
  }

  /** Enter in a field: submit, unless the buttons are ambiguous (several choices, yes/no). */
  keyboardSubmit(): void {
    if (this._busy || this.readOnly || this.spec.exclusive) {
      return;
    }
    if ((this.spec.choices || []).length > 1) {
      return;
    }
    this.form.requestSubmit(this.buttons[0]);
  }

  /** A query_result / search_result (or error) from the kernel for this prompt. */
  route(msg: Reply): void {
    const fn = this.listeners[msg.component as number];
    if (fn) {
      fn(msg);
    }
  }

  dispose(): void {
    this.disposed = true;
    clearTimeout(this.timer);
    runCleanups(this.cleanups);
  }
}
