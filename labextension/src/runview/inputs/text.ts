/**
 * Inputs typed into one field: text, email, url, number, slider, checkbox, date, time,
 * datetime. The kernel parses and judges every value; hints here only say what it expects.
 */
import { Attrs, h } from '../../common/dom';
import { text } from '../../common/text';
import { InputProps, propsOf } from '../props';
import { ComponentSpec } from '../../common/protocol';
import { BuiltInput, InputBuilder } from './types';

/** An `<input class="inb-rv-input">` showing the component's value. */
export function inputEl(id: string, type: string, comp: ComponentSpec, extra: Attrs = {}): HTMLInputElement {
  const p = propsOf<InputProps>(comp);
  return h('input', { id, type, class: 'inb-rv-input', value: text(comp.value), placeholder: p.placeholder, ...extra });
}

/** `control` with a hint line under it (none without a hint). */
export function withHint(control: HTMLElement, hint: string): HTMLElement {
  return hint ? h('div', { class: 'inb-rv-control' }, control, h('div', { class: 'inb-rv-hint', text: hint })) : control;
}

/** `input.date` / `input.time` / `input.datetime`: a native picker and its range in words. */
function temporal(type: string, normalise: (v: unknown) => string): InputBuilder {
  return (comp, id) => {
    const p = propsOf<InputProps>(comp);
    const lo = normalise(p.min) || null;
    const hi = normalise(p.max) || null;
    const field = inputEl(id, type, { ...comp, value: normalise(comp.value) }, { min: lo, max: hi });
    // The range in words, as number bounds are shown: the native picker does not always say.
    const hint = lo && hi ? `Between ${lo} and ${hi}` : lo ? `On or after ${lo}` : hi ? `On or before ${hi}` : '';
    return { control: withHint(field, hint), read: () => field.value, focus: field };
  };
}

/** datetime-local wants "YYYY-MM-DDTHH:MM"; the kernel may hand us "YYYY-MM-DD HH:MM:SS". */
function isoMinutes(v: unknown): string {
  return text(v).replace(' ', 'T').slice(0, 16);
}

function textInput(comp: ComponentSpec, id: string): BuiltInput {
  const p = propsOf<InputProps>(comp);
  const field = p.multiline
    ? h('textarea', {
        id,
        class: 'inb-rv-input inb-rv-textarea',
        rows: p.lines || 4,
        placeholder: p.placeholder,
        value: text(comp.value)
      })
    : inputEl(id, 'text', comp);
  const max = p.max_length;
  if (max) {
    field.maxLength = max;
  }
  let control: HTMLElement = field;
  if (max) {
    const count = h('div', { class: 'inb-rv-hint inb-rv-count' });
    const update = (): void => {
      count.textContent = `${field.value.length} / ${max}`;
    };
    field.addEventListener('input', update);
    update();
    control = h('div', { class: 'inb-rv-control' }, field, count);
  }
  return { control, read: () => field.value, focus: field };
}

/** "Between 1 and 10, up to 2 decimal places", … */
function numberHint(p: Partial<InputProps>): string {
  const parts: string[] = [];
  if (p.min !== undefined && p.max !== undefined) {
    parts.push(`between ${p.min} and ${p.max}`);
  } else if (p.min !== undefined) {
    parts.push(`at least ${p.min}`);
  } else if (p.max !== undefined) {
    parts.push(`at most ${p.max}`);
  }
  if (p.decimals) {
    parts.push(`up to ${p.decimals} decimal place${p.decimals === 1 ? '' : 's'}`);
  }
  return parts.length ? parts.join(', ').replace(/^./, c => c.toUpperCase()) : '';
}

function numberInput(comp: ComponentSpec, id: string): BuiltInput {
  const p = propsOf<InputProps>(comp);
  // type=text: the kernel, not the browser, judges what a number is (the browser would send "" for "1,5").
  const field = inputEl(id, 'text', comp, { inputmode: 'decimal', autocomplete: 'off' });
  const prefix = p.prepend ? h('span', { class: 'inb-rv-prepend', text: p.prepend, 'aria-hidden': 'true' }) : null;
  const box = prefix ? h('div', { class: 'inb-rv-affix' }, prefix, field) : field;
  return { control: withHint(box, numberHint(p)), read: () => field.value, focus: field };
}

function slider(comp: ComponentSpec, id: string): BuiltInput {
  const p = propsOf<InputProps>(comp);
  const field = h('input', {
    id,
    type: 'range',
    class: 'inb-rv-range',
    min: p.min as number,
    max: p.max as number,
    step: p.step ?? 1
  });
  field.value = text(comp.value ?? p.min);
  const out = h('output', { class: 'inb-rv-range-value', for: id, text: field.value });
  field.addEventListener('input', () => {
    out.textContent = field.value;
  });
  const control = h(
    'div',
    { class: 'inb-rv-range-row' },
    h('span', { class: 'inb-rv-hint', text: text(p.min) }),
    field,
    h('span', { class: 'inb-rv-hint', text: text(p.max) }),
    out
  );
  return { control, read: () => Number(field.value), focus: field };
}

/** The builders of this module, by kind. */
export const TEXT_INPUTS: Record<string, InputBuilder> = {
  'input.text': textInput,
  'input.email': (comp, id) => {
    const field = inputEl(id, 'email', comp, { autocomplete: 'email', spellcheck: 'false' });
    return { control: field, read: () => field.value, focus: field };
  },
  'input.url': (comp, id) => {
    const placeholder = propsOf<InputProps>(comp).placeholder ?? 'https://';
    const field = inputEl(id, 'url', comp, { spellcheck: 'false', placeholder });
    return { control: field, read: () => field.value, focus: field };
  },
  'input.number': numberInput,
  'input.slider': slider,
  'input.boolean': (comp, id) => {
    const field = h('input', { id, type: 'checkbox', class: 'inb-rv-checkbox', checked: comp.value === true });
    return { control: field, read: () => field.checked, focus: field, inline: true };
  },
  'input.date': temporal('date', v => text(v).slice(0, 10)),
  'input.time': temporal('time', v => text(v)),
  'input.datetime': temporal('datetime-local', isoMinutes)
};
