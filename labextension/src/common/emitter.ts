/**
 * A typed event with listeners: the DOM-only stand-in for Lumino's `Signal`, so modules shared
 * by JupyterLab and the standalone app page need no Lumino. The listener signature is the
 * same as a Lumino slot (`(sender, args)`), so Lab code connects to either alike.
 */

/** A listener of an `Emitter<S, T>`. */
export type Slot<S, T> = (sender: S, args: T) => void;

/** The listening side of an event. */
export interface IEvent<S, T> {
  /** Call `slot` (bound to `thisArg`) on every emission until it is disconnected. */
  connect(slot: Slot<S, T>, thisArg?: unknown): void;
  /** Stop calling `slot`. */
  disconnect(slot: Slot<S, T>): void;
}

/** An event `sender` emits; a listener that throws is logged and the others still run. */
export class Emitter<S, T> implements IEvent<S, T> {
  constructor(readonly sender: S) {}

  connect(slot: Slot<S, T>, thisArg?: unknown): void {
    this.slots.set(slot, thisArg);
  }

  disconnect(slot: Slot<S, T>): void {
    this.slots.delete(slot);
  }

  /** Call every listener with `args`. */
  emit(args: T): void {
    for (const [slot, thisArg] of [...this.slots]) {
      try {
        slot.call(thisArg, this.sender, args);
      } catch (err) {
        console.error('interval_nb: a listener failed', err);
      }
    }
  }

  /** Disconnect every listener. */
  clear(): void {
    this.slots.clear();
  }

  private readonly slots = new Map<Slot<S, T>, unknown>();
}
