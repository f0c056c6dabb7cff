/**
 * A prompt handed to other people (`.assign_to()`), seen by someone who is not among them: it
 * is shown read-only, under a banner saying whom it waits for.
 *
 * Only a host that knows who is looking sets the model's `waiting_for` trait (JupyterLab run
 * tabs, from the server's `GET me`); notebooks never do, so their prompts stay as they are.
 */
import { h } from '../common/dom';

/** The people a prompt waits for, if `value` names any (anything else: none). */
export function assigneesOf(value: unknown): string[] | null {
  if (!Array.isArray(value)) {
    return null;
  }
  const names = value.filter((v): v is string => typeof v === 'string' && v !== '');
  return names.length ? names : null;
}

/** The banner's words: "Waiting for group:managers" (the assignees joined by ", "). */
export function waitingText(assignees: readonly string[]): string {
  return `Waiting for ${assignees.join(', ')}`;
}

/** The read-only state of one prompt's form: its banner and its disabled controls. */
export class WaitingFor {
  /** Shown above the form's fields while the prompt waits for others. */
  readonly banner = h('div', { class: 'inb-rv-waiting', role: 'status', hidden: true });
  private names: string[] | null = null;

  /** `controls`: the fieldset around every field and button of the form. */
  constructor(private readonly controls: HTMLFieldSetElement) {}

  /** Whether the prompt is someone else's to answer (nothing may be sent from here). */
  get active(): boolean {
    return this.names !== null;
  }

  /** Wait for `value`'s assignees (read-only), or for nobody else (`null`: editable). */
  set(value: unknown): void {
    this.names = assigneesOf(value);
    const on = this.names !== null;
    this.banner.hidden = !on;
    this.banner.textContent = on ? waitingText(this.names as string[]) : '';
    // `disabled` greys every native control; `inert` also stops custom ones (pickers, editors).
    this.controls.disabled = on;
    this.controls.inert = on;
    this.controls.closest('form')?.classList.toggle('inb-rv-readonly', on);
  }
}
