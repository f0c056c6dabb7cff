/**
 * The `props` of each component kind, as the kernel's io components write them
 * (`interval_nb/io/`). Every field is optional: the page draws what it is given and the kernel
 * judges every answer, so a missing or odd prop must never break a view.
 */
import { ComponentSpec } from '../common/protocol';

/** A component's props as the shape its kind uses (`{}` when it has none). */
export function propsOf<T extends object>(comp: ComponentSpec): Partial<T> {
  return (comp.props || {}) as Partial<T>;
}

/** A link in a heading's menu or a table row's "⋯" menu. */
export interface MenuItem {
  label: string;
  url: string;
}

/** `display.heading`. */
export interface HeadingProps {
  level: number;
  menu_items: MenuItem[];
  description: string;
}

/** `display.markdown` and `display.html` (HTML rendered and sanitised in the kernel). */
export interface HtmlProps {
  html: string;
}

/** `display.code`. */
export interface CodeProps {
  code: string;
  language: string;
}

/** `display.link`. */
export interface LinkProps {
  url: string;
  theme: string;
}

/** `display.object`. */
export interface ObjectProps {
  data: unknown;
}

/** One item of `display.metadata`. */
export interface MetadataItem {
  label: unknown;
  value: unknown;
  url?: string;
}

/** `display.metadata`. */
export interface MetadataProps {
  layout: string;
  data: MetadataItem[];
}

/** `display.image` and `display.video`. */
export interface MediaProps {
  url: string;
  alt: string;
  size: string;
  width: number | string | null;
  height: number | string | null;
  loop: boolean;
  muted: boolean;
}

/** `display.widget`: an ipywidget shown inside the run. */
export interface WidgetProps {
  model_id: string;
}

/** A column of a table. */
export interface ColumnSpec {
  key: string;
  label?: string;
  align?: string;
  sortable?: boolean;
  format?: string;
}

/** Tables and grids whose rows the kernel holds (`display.table`, `select.table`, `display.grid`). */
export interface PagedProps {
  initial: unknown;
  page_size: unknown;
  filterable: boolean;
  sortable: boolean;
  columns: ColumnSpec[];
  selectable: boolean;
  min_selections: unknown;
  max_selections: unknown;
  initially_selected: unknown;
  can_select_all: boolean;
}

/** An option of `select.single` / `select.multiple`. */
export interface OptionSpec {
  label: string;
  value: unknown;
  description?: string | null;
}

/** The props every input may have, and those of the text-like inputs. */
export interface InputProps {
  placeholder: string;
  help_text: string;
  sensitive: boolean;
  disabled: boolean;
  multiline: boolean;
  lines: number;
  max_length: number;
  min: unknown;
  max: unknown;
  step: number;
  decimals: number;
  prepend: string;
}

/** `select.single` and `select.multiple`. */
export interface SelectProps {
  options: OptionSpec[];
  searchable: boolean;
  min_selections: number | null;
  max_selections: number | null;
}

/** `search`. */
export interface SearchProps {
  multiple: boolean;
  initial: unknown;
  placeholder: string;
}

/** `input.file`. */
export interface FileProps {
  multiple: boolean;
  allowed_extensions: unknown;
  max_size: unknown;
}

/** `input.rich_text`. */
export interface RichTextProps {
  placeholder: string;
  default_value: string;
}
