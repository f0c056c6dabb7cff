/**
 * What every input builder returns, and the builder's signature.
 */
import { FieldContext } from '../context';
import { DraftEntry } from '../drafts';
import { ComponentSpec } from '../../common/protocol';

/** One drawn input control. */
export interface BuiltInput {
  /** What goes under the label (null: nothing, e.g. `confirm`). */
  control: HTMLElement | null;
  /** The raw value to send (the kernel parses and validates it). */
  read(): unknown;
  /** The element that takes focus and carries aria-invalid / aria-describedby. */
  focus: HTMLElement | null;
  /** A set of radios/checkboxes or a compound control: the label has no `for`. */
  group?: boolean;
  /** Drawn on the label's line (a checkbox). */
  inline?: boolean;
  /** Not a labelable element: aria-labelledby, and a click on the label focuses it. */
  labelled?: boolean;
  /** Async: gives the value and pushes binary buffers (files). */
  collect?(buffers: ArrayBuffer[]): Promise<unknown>;
  /** What a draft keeps of this control (when the generic way does not fit). */
  draft?(): DraftEntry | null;
  /** Puts a draft entry back (when the generic way does not fit). */
  restore?(entry: DraftEntry): void;
}

/** Draws one input component with element id `id`. */
export type InputBuilder = (comp: ComponentSpec, id: string, ctx: FieldContext) => BuiltInput;
