/**
 * What a component may use of its prompt and view: queries to the kernel, the kernel's
 * replies, clean-ups, and memory that survives a rebuild of the same prompt.
 *
 * In the transcript `promptId` is the entry's id; an entry without one (an older kernel) gives
 * `null`: its tables and grids then show their first page only.
 */
import { DataRequest, ReplyHandler, RunModel } from './messages';

/** Memory of one component that survives a rebuild of its prompt in this view. */
export interface ComponentMemory {
  /** `search`: every result shown so far, by key (the labels of picked results). */
  seen?: Map<unknown, Record<string, unknown>>;
}

/** A component's link to its prompt and view. */
export interface FieldContext {
  model: RunModel;
  promptId: string | null;
  index: number;
  /** Sends a query or search (null: this component cannot ask the kernel anything). */
  send: ((msg: DataRequest) => void) | null;
  /** Sets the handler of the kernel's replies to this component. */
  listen(fn: ReplyHandler): void;
  /** Adds a clean-up, run when the prompt or transcript entry goes. */
  onDispose(fn: () => void): void;
  /** This component's memory (see `ComponentMemory`). */
  keep(): ComponentMemory;
}

/** Finds (or makes) the memory of component `index` of prompt `promptId`. */
export type Keeper = (promptId: string, index: number) => ComponentMemory;

/** What `fieldContext` needs from the prompt being built. */
export interface PromptLinks {
  model: RunModel;
  promptId: string;
  index: number;
  query: (msg: DataRequest) => void;
  listeners: ReplyHandler[];
  cleanups: (() => void)[];
  keep: Keeper;
}

/** The context of component `index` of a prompt. */
export function fieldContext({ model, promptId, index, query, listeners, cleanups, keep }: PromptLinks): FieldContext {
  return {
    model,
    promptId,
    index,
    send: query,
    listen: fn => {
      listeners[index] = fn;
    },
    onDispose: fn => {
      cleanups.push(fn);
    },
    keep: () => keep(promptId, index)
  };
}

/** Runs every clean-up once (a failing one is logged and does not stop the others). */
export function runCleanups(cleanups: (() => void)[]): void {
  for (const fn of cleanups.splice(0)) {
    try {
      fn();
    } catch (err) {
      console.error('[interval_nb] clean-up failed', err);
    }
  }
}
