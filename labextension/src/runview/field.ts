/**
 * One field of a prompt: label, control, help text, error.
 */
import { Attrs, h } from '../common/dom';
import { FieldContext } from './context';
import { showAlert } from './controls';
import { renderDisplay } from './displays';
import { DraftEntry, fieldDraft, restoreField } from './drafts';
import { buildInput } from './inputs';
import { BuiltInput } from './inputs/types';
import { InputProps, propsOf } from './props';
import { ComponentSpec } from '../common/protocol';

/** A drawn field, as its prompt uses it. */
export interface Field {
  wrapper: HTMLDivElement;
  /** The raw value to send. */
  read(): unknown;
  /** Files: reads them, pushing their contents to `buffers`. */
  collect?: (buffers: ArrayBuffer[]) => Promise<unknown>;
  focus: HTMLElement | null;
  /** Show (or clear, with a falsy message) this field's error. */
  setError(message: unknown): void;
  draft(): DraftEntry | null;
  restore(entry: DraftEntry): void;
}

function displayField(comp: ComponentSpec, data: Record<string, string>, ctx: FieldContext): Field {
  const wrapper = h('div', { class: 'inb-rv-field inb-rv-field-display', data }, renderDisplay(comp, ctx));
  return {
    wrapper,
    read: () => null,
    focus: null,
    setError: () => undefined,
    draft: () => null,
    restore: () => undefined
  };
}

function fieldLabel(comp: ComponentSpec, id: string, built: BuiltInput, isConfirm: boolean): HTMLLabelElement {
  const attrs: Attrs = { class: isConfirm ? 'inb-rv-label inb-rv-question' : 'inb-rv-label', id: `${id}-label` };
  if (!built.group && !built.labelled && !isConfirm && built.focus) {
    attrs.for = id;
  }
  const label = h('label', attrs, comp.label);
  const focus = built.focus;
  if (built.labelled && focus) {
    label.addEventListener('click', () => focus.focus());
  }
  return label;
}

/** Point the control at its label, help and error for screen readers. */
function describe(describer: HTMLElement, comp: ComponentSpec, built: BuiltInput, ids: (string | null)[]): void {
  const [labelId, helpId, errorId] = ids;
  describer.setAttribute('aria-describedby', [helpId, errorId].filter(Boolean).join(' '));
  if ((built.group || built.labelled) && labelId) {
    describer.setAttribute('aria-labelledby', labelId);
  }
  if (!comp.optional && comp.kind !== 'input.boolean') {
    describer.setAttribute('aria-required', 'true');
  }
}

/** Draw component `index` of a prompt (`uid`: the prompt's element id prefix). */
export function buildField(comp: ComponentSpec, index: number, uid: string, ctx: FieldContext): Field {
  const data = { kind: comp.kind, index: String(index) };
  if (comp.kind.startsWith('display.')) {
    return displayField(comp, data, ctx);
  }
  const p = propsOf<InputProps>(comp);
  const id = `${uid}-f${index}`;
  const isConfirm = comp.kind === 'confirm';
  const built: BuiltInput = isConfirm ? { control: null, read: () => null, focus: null } : buildInput(comp, id, ctx);
  const help = p.help_text ? h('div', { class: 'inb-rv-help', id: `${id}-help`, text: p.help_text }) : null;
  const error = h('div', { class: 'inb-rv-field-error', id: `${id}-error`, hidden: true });
  const label = fieldLabel(comp, id, built, isConfirm);
  const optional = comp.optional ? h('span', { class: 'inb-rv-optional', text: '(optional)' }) : null;
  const head = built.inline
    ? h('div', { class: 'inb-rv-inline' }, built.control, label, optional)
    : h('div', { class: 'inb-rv-label-row' }, label, optional);
  const wrapper = h('div', { class: 'inb-rv-field', data }, head, built.inline ? null : built.control, help, error);
  const describer = built.group ? wrapper.querySelector<HTMLElement>('[role=radiogroup],[role=group]') : built.focus;
  if (describer) {
    describe(describer, comp, built, [label.id, help && help.id, error.id]);
  }
  const collect = built.collect;
  const field: Field = {
    wrapper,
    read: () => built.read(),
    collect: collect ? buffers => collect(buffers) : undefined,
    focus: isConfirm ? label : built.focus,
    draft: () => fieldDraft(comp, built),
    restore: entry => restoreField(comp, built, entry),
    setError(message: unknown): void {
      showAlert(error, message);
      wrapper.classList.toggle('inb-rv-invalid', !!message);
      if (describer && message) {
        describer.setAttribute('aria-invalid', 'true');
      } else if (describer) {
        describer.removeAttribute('aria-invalid');
      }
    }
  };
  if (isConfirm) {
    label.tabIndex = -1; // focusable for a screen reader, but Enter never says "Yes" by accident
  }
  field.setError(comp.error);
  return field;
}
