/**
 * Small text helpers shared by the page-side renderers.
 */

/** A value as text: `null` and `undefined` as "". */
export function text(value: unknown): string {
  return value === null || value === undefined ? '' : String(value);
}

/** A value as JSON (`undefined` as "null"), indented by `indent` spaces (0: one line). */
export function json(value: unknown, indent = 2): string {
  return value === undefined ? 'null' : JSON.stringify(value, null, indent);
}

/** A JSON object (not `null`, not an array). */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** A count with the page's digit grouping ("12,345"); anything else as text. */
export function fmtInt(n: unknown): string {
  return typeof n === 'number' && Number.isFinite(n) ? n.toLocaleString() : text(n);
}

/** "rows" → "Rows". */
export function capitalise(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
