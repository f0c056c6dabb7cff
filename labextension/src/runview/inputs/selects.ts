/**
 * `select.single` (radio buttons, or a `<select>` beyond RADIO_LIMIT options) and
 * `select.multiple` (checkboxes), with a filter box for long or searchable lists.
 *
 * Option values keep their JSON type (1, "1", true): the page sends the value itself, found by
 * the option's index.
 */
import { h } from '../../common/dom';
import { text } from '../../common/text';
import { OptionSpec, SelectProps, propsOf } from '../props';
import { ComponentSpec } from '../../common/protocol';
import { BuiltInput } from './types';

/** More options than this: a `<select>` instead of radio buttons. */
const RADIO_LIMIT = 6;

/** Filter boxes whose Enter picks the only option left (read by the view's key handler). */
export const onlyMatchPickers = new WeakMap<HTMLElement, () => void>();

/** An option's element (hidden when filtered out) and how to choose it. */
interface OptionRow {
  el: HTMLElement;
  pick(): void;
}

function optionSearchText(o: OptionSpec): string {
  return `${o.label} ${text(o.description)}`.toLowerCase();
}

/** A filter box that hides options whose text does not match (searchable selects, long lists). */
function filterBox(label: string, rows: OptionRow[]): { box: HTMLInputElement; empty: HTMLDivElement } {
  const empty = h('div', { class: 'inb-rv-hint', text: 'No matching options.', hidden: true });
  const box = h('input', {
    type: 'search',
    class: 'inb-rv-input inb-rv-filter',
    placeholder: 'Filter options…',
    'aria-label': `Filter ${label}`,
    autocomplete: 'off'
  });
  box.addEventListener('input', () => {
    const q = box.value.trim().toLowerCase();
    let shown = 0;
    for (const row of rows) {
      row.el.hidden = !!q && !(row.el.dataset.search || '').includes(q);
      shown += row.el.hidden ? 0 : 1;
    }
    empty.hidden = shown > 0;
  });
  // Enter in the filter picks the only remaining match instead of submitting the prompt.
  onlyMatchPickers.set(box, () => {
    const visible = rows.filter(r => !r.el.hidden);
    if (visible.length === 1) {
      visible[0].pick();
    }
  });
  return { box, empty };
}

/** `control` under a filter box. */
function withFilter(control: HTMLElement, label: string, rows: OptionRow[]): HTMLElement {
  const { box, empty } = filterBox(label, rows);
  return h('div', { class: 'inb-rv-control' }, box, control, empty);
}

/** A `<label>` row: the radio or checkbox, the option's label and description. */
function optionLabel(o: OptionSpec, forId: string, input: HTMLInputElement): HTMLLabelElement {
  return h(
    'label',
    { class: 'inb-rv-option', for: forId, data: { search: optionSearchText(o) } },
    input,
    h(
      'span',
      { class: 'inb-rv-option-text' },
      h('span', { text: o.label }),
      o.description ? h('span', { class: 'inb-rv-option-desc', text: o.description }) : null
    )
  );
}

function radios(options: OptionSpec[], id: string, initial: number): BuiltInput & { rows: OptionRow[] } {
  const inputs = options.map((_o, i) =>
    h('input', { type: 'radio', id: `${id}-o${i}`, name: id, value: String(i), checked: i === initial })
  );
  const rows = options.map((o, i) => ({
    el: optionLabel(o, `${id}-o${i}`, inputs[i]),
    pick: () => {
      inputs[i].checked = true;
    }
  }));
  const control = h('div', { class: 'inb-rv-options', role: 'radiogroup', id }, rows.map(r => r.el));
  const read = (): unknown => {
    const r = inputs.find(x => x.checked);
    return r ? options[Number(r.value)].value : null;
  };
  return { control, read, focus: inputs.find(r => r.checked) || inputs[0] || control, group: true, rows };
}

function dropdown(options: OptionSpec[], id: string, initial: number): BuiltInput & { rows: OptionRow[] } {
  const desc = h('div', { class: 'inb-rv-hint' });
  const select = h(
    'select',
    { id, class: 'inb-rv-input inb-rv-select' },
    h('option', { value: '', text: 'Choose…' }),
    options.map((o, i) => h('option', { value: String(i), text: o.label, title: o.description }))
  );
  const showDesc = (): void => {
    desc.textContent = select.value === '' ? '' : text(options[Number(select.value)].description);
  };
  select.value = initial >= 0 ? String(initial) : '';
  select.addEventListener('change', showDesc);
  showDesc();
  const rows = [...select.options].slice(1).map((el, i) => {
    el.dataset.search = optionSearchText(options[i]);
    return {
      el,
      pick: () => {
        select.value = String(i);
        showDesc();
      }
    };
  });
  const control = h('div', { class: 'inb-rv-control' }, select, desc);
  const read = (): unknown => (select.value === '' ? null : options[Number(select.value)].value);
  return { control, read, focus: select, group: false, rows };
}

/** `select.single`. */
export function selectSingle(comp: ComponentSpec, id: string): BuiltInput {
  const p = propsOf<SelectProps>(comp);
  const options = p.options || [];
  const initial = options.findIndex(o => o.value === comp.value);
  const built = options.length <= RADIO_LIMIT ? radios(options, id, initial) : dropdown(options, id, initial);
  const { rows, control, ...rest } = built;
  return { ...rest, control: p.searchable && control ? withFilter(control, comp.label, rows) : control };
}

/** "choose 2", "choose 1–3", "choose at least 1", … (empty without bounds). */
function boundsText(lo: number | null | undefined, hi: number | null | undefined): string {
  if (lo && hi) {
    return lo === hi ? `choose ${lo}` : `choose ${lo}–${hi}`;
  }
  if (lo) {
    return `choose at least ${lo}`;
  }
  return hi ? `choose at most ${hi}` : '';
}

/** `select.multiple`. */
export function selectMultiple(comp: ComponentSpec, id: string): BuiltInput {
  const p = propsOf<SelectProps>(comp);
  const options = p.options || [];
  const chosen = Array.isArray(comp.value) ? comp.value : [];
  const boxes = options.map((o, i) =>
    h('input', { type: 'checkbox', id: `${id}-o${i}`, value: String(i), checked: chosen.some(v => v === o.value) })
  );
  const bounds = boundsText(p.min_selections, p.max_selections);
  const hi = p.max_selections;
  const counter = h('div', { class: 'inb-rv-hint', 'aria-live': 'polite' });
  const refresh = (): void => {
    const n = boxes.filter(b => b.checked).length;
    counter.textContent = `${n} selected${bounds ? ` · ${bounds}` : ''}`;
    // Comfort only (the kernel checks the bounds): no more ticking once the maximum is reached.
    for (const b of boxes) {
      b.disabled = !b.checked && hi !== undefined && hi !== null && n >= hi;
    }
  };
  const rows = options.map((o, i) => ({
    el: optionLabel(o, `${id}-o${i}`, boxes[i]),
    pick: () => {
      boxes[i].checked = true;
      refresh();
    }
  }));
  boxes.forEach(b => b.addEventListener('change', refresh));
  refresh();
  let control: HTMLElement = h('div', { class: 'inb-rv-options', role: 'group', id }, rows.map(r => r.el));
  if (options.length > 10) {
    control = withFilter(control, comp.label, rows);
  }
  return {
    control: h('div', { class: 'inb-rv-control' }, control, counter),
    group: true,
    read: () => options.filter((_o, i) => boxes[i].checked).map(o => o.value),
    focus: boxes[0] || control
  };
}
