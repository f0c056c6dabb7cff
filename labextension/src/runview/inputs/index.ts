/**
 * Every input kind the page draws, by component kind. Each builder gets
 * `(component, id, ctx)` and returns a `BuiltInput` (see `types.ts`).
 */
import { h } from '../../common/dom';
import { FieldContext } from '../context';
import { ComponentSpec } from '../../common/protocol';
import { dataTable } from '../tables/table';
import { fileInput } from './files';
import { richText } from './richtext';
import { searchInput } from './search';
import { selectMultiple, selectSingle } from './selects';
import { TEXT_INPUTS } from './text';
import { BuiltInput, InputBuilder } from './types';

/** `select.table`: a table whose selection is the answer. */
function selectTable(comp: ComponentSpec, id: string, ctx: FieldContext): BuiltInput {
  const t = dataTable(comp, ctx);
  t.box.setAttribute('role', 'group');
  t.box.id = id;
  return {
    control: t.box,
    read: () => t.read(),
    focus: t.focus || t.box,
    group: true,
    draft: () => t.draft(),
    restore: entry => t.restore(entry)
  };
}

const INPUTS: Record<string, InputBuilder> = {
  ...TEXT_INPUTS,
  'select.single': selectSingle,
  'select.multiple': selectMultiple,
  'select.table': selectTable,
  search: searchInput,
  'input.file': fileInput,
  'input.rich_text': richText
};

/** A component kind this page cannot draw: say so, and send back the value we were given. */
function unsupported(comp: ComponentSpec): BuiltInput {
  const note = h('div', { class: 'inb-rv-hint', text: `This page cannot show “${comp.kind}” inputs; update interval_nb.` });
  return { control: note, read: () => comp.value ?? null, focus: null };
}

/** Draw the input component `comp` with element id `id`. */
export function buildInput(comp: ComponentSpec, id: string, ctx: FieldContext): BuiltInput {
  const build = Object.prototype.hasOwnProperty.call(INPUTS, comp.kind) ? INPUTS[comp.kind] : unsupported;
  return build(comp, id, ctx);
}
