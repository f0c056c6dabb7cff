/**
 * Ids that must be unique across every view on the page.
 *
 * Element ids must differ even when one model is shown twice; request ids are module-wide so
 * twin views of one model never mistake each other's replies for their own.
 */

let lastView = 0;
let lastRequest = 0;

/** A fresh id prefix for one view's elements (`inb-rv-1`, `inb-rv-2`, …). */
export function newViewId(): string {
  lastView += 1;
  return `inb-rv-${lastView}`;
}

/** A fresh `request_id` for a query or search. */
export function newRequestId(): number {
  lastRequest += 1;
  return lastRequest;
}
