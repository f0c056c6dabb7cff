/**
 * Drafts: what the person did on the waiting prompt, kept in the kernel.
 *
 * A reload, another tab or another browser must find the prompt as it was left: typed values,
 * ticked boxes, a table's selection, page, sort and search text. A view sends
 * `{type: "draft", prompt_id, draft: {rev, components: [entry | null, …]}}` (see `draftsaver.ts`);
 * the run keeps it inside the prompt it shows, so every view gets it back. A view applies a
 * draft only when it first draws a prompt id: an echo of the person's own typing must never
 * overwrite the field they are editing. Rich text comes back as the kernel sanitised it (the
 * same sanitiser as answers), never as this page sent it.
 *
 * This module turns one component into its draft entry and back.
 */
import { BuiltInput } from './inputs/types';
import { SortSpec } from './messages';
import { propsOf, InputProps } from './props';
import { ComponentSpec, PromptSpec } from '../common/protocol';
import { isPlainObject, text } from '../common/text';

/** One component's draft: plain JSON values. */
export type DraftEntry = Record<string, unknown>;

/** Kinds whose draft is the text of their field. */
const TYPED = new Set([
  'input.text',
  'input.email',
  'input.url',
  'input.number',
  'input.date',
  'input.time',
  'input.datetime',
  'input.slider'
]);

/** A search result as a draft keeps it: what the chosen chip shows, as text. */
export function draftResult(r: Record<string, unknown>): Record<string, unknown> {
  return {
    key: r.key,
    label: r.label === undefined ? undefined : text(r.label),
    description: r.description ? text(r.description) : undefined
  };
}

/** Paging a draft asks for (only what is valid). */
export interface PagingChange {
  offset?: number;
  pageSize?: number;
  sort?: SortSpec | null;
  search?: string;
}

/** The paging a draft asks for, checked against the page sizes `size` offers. */
export function pagingFromDraft(entry: DraftEntry, size: HTMLSelectElement | null): PagingChange {
  const change: PagingChange = {};
  if (Number.isInteger(entry.offset) && (entry.offset as number) >= 0) {
    change.offset = entry.offset as number;
  }
  const sizes = size ? [...size.options].map(o => Number(o.value)) : [];
  if (sizes.includes(entry.page_size as number)) {
    change.pageSize = entry.page_size as number;
  }
  const sort = entry.sort;
  if (sort === null) {
    change.sort = null;
  } else if (
    isPlainObject(sort) &&
    typeof sort.column === 'string' &&
    (sort.direction === 'asc' || sort.direction === 'desc')
  ) {
    change.sort = { column: sort.column, direction: sort.direction };
  }
  if (typeof entry.search === 'string') {
    change.search = entry.search;
  }
  return change;
}

type ValueField = HTMLInputElement | HTMLTextAreaElement;

function isValueField(el: HTMLElement | null): el is ValueField {
  return el instanceof HTMLInputElement || el instanceof HTMLTextAreaElement;
}

/** One component's draft entry, or null (secrets, files and confirmations are never kept). */
export function fieldDraft(comp: ComponentSpec, built: BuiltInput): DraftEntry | null {
  const p = propsOf<InputProps>(comp);
  if (p.sensitive || p.disabled) {
    return null;
  }
  if (built.draft) {
    return built.draft();
  }
  const el = built.focus;
  if (!el) {
    return null;
  }
  if (TYPED.has(comp.kind) && isValueField(el)) {
    return { value: el.value };
  }
  if (comp.kind === 'input.boolean' && el instanceof HTMLInputElement) {
    return { checked: el.checked };
  }
  if (comp.kind === 'input.rich_text') {
    return { value: built.read() };
  }
  if (comp.kind === 'select.single' && built.control) {
    return { index: chosenIndexes(built.control)[0] ?? null };
  }
  if (comp.kind === 'select.multiple' && built.control) {
    return { indexes: chosenIndexes(built.control) };
  }
  return null;
}

/** Indexes of the options chosen in a select.single / select.multiple control. */
function chosenIndexes(control: HTMLElement): number[] {
  const select = control.querySelector('select');
  if (select) {
    return select.value === '' ? [] : [Number(select.value)];
  }
  const boxes = control.querySelectorAll<HTMLInputElement>('input[type=radio]:checked, input[type=checkbox]:checked');
  return [...boxes].map(b => Number(b.value));
}

/** Dispatch a bubbling event (counters and hints listen for them). */
function fire(node: HTMLElement, type: string): void {
  node.dispatchEvent(new Event(type, { bubbles: true }));
}

/** Put a draft entry back into a component drawn for the first time. */
export function restoreField(comp: ComponentSpec, built: BuiltInput, entry: DraftEntry): void {
  if (propsOf<InputProps>(comp).sensitive) {
    return;
  }
  if (built.restore) {
    built.restore(entry);
    return;
  }
  const el = built.focus;
  if (!el) {
    return;
  }
  const kind = comp.kind;
  if (TYPED.has(kind) && typeof entry.value === 'string' && isValueField(el)) {
    el.value = entry.value;
    fire(el, 'input');
  } else if (kind === 'input.boolean' && typeof entry.checked === 'boolean' && el instanceof HTMLInputElement) {
    el.checked = entry.checked;
  } else if (kind === 'input.rich_text' && typeof entry.value === 'string') {
    el.innerHTML = entry.value; // sanitised in the kernel
  } else if (kind === 'select.single' && Number.isInteger(entry.index) && built.control) {
    pickIndexes(built.control, [entry.index as number]);
  } else if (kind === 'select.multiple' && Array.isArray(entry.indexes) && built.control) {
    pickIndexes(built.control, entry.indexes as unknown[]);
  }
}

function pickIndexes(control: HTMLElement, indexes: unknown[]): void {
  const select = control.querySelector('select');
  if (select) {
    const i = indexes[0] as number;
    if (select.options[i + 1]) {
      select.value = String(i);
      fire(select, 'change');
    }
    return;
  }
  const all = control.querySelectorAll<HTMLInputElement>('input[type=radio], input[type=checkbox]');
  const boxes = [...all].filter(b => /^\d+$/.test(b.value));
  for (const b of boxes) {
    b.checked = indexes.includes(Number(b.value));
  }
  if (boxes.length) {
    fire(boxes[0], 'change');
  }
}

/** A prompt without its draft, as JSON: a change of the draft alone redraws nothing. */
export function promptCore(spec: PromptSpec): string {
  return JSON.stringify({ ...spec, draft: undefined });
}
