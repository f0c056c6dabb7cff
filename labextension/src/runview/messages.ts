/**
 * What the run view and its model say to each other beyond `protocol.ts`.
 *
 * The kernel syncs a run's state as the model's traits (`RunTraits`); the page sends the
 * protocol's answer, draft and cancel messages and asks for table pages (`QueryMessage`) and
 * search results (`SearchMessage`). The kernel replies with `query_result` / `query_error` /
 * `search_result` / `search_error` messages carrying the same `request_id`, `prompt_id` and
 * `component`; they reach the view as `msg:custom` events and are checked field by field.
 */
import { AnswerMessage, CancelMessage, DraftMessage, RunState } from '../common/protocol';

/** A table's sort: a column key and a direction. */
export interface SortSpec {
  column: string;
  direction: 'asc' | 'desc';
}

/** The page asks for one page of a table or grid held by the kernel. */
export interface QueryMessage {
  type: 'query';
  prompt_id: string;
  component: number;
  request_id: number;
  offset: number;
  page_size: number;
  sort: SortSpec | null;
  search: string;
}

/** The page asks an `io.search` component for results. */
export interface SearchMessage {
  type: 'search';
  prompt_id: string;
  component: number;
  request_id: number;
  query: string;
}

/** A request for data held by the kernel (tables, grids, search results). */
export type DataRequest = QueryMessage | SearchMessage;

/** Everything the page sends. */
export type PageMessage = AnswerMessage | DraftMessage | CancelMessage | DataRequest;

/** A reply of the kernel to a `DataRequest`, not yet checked: every field is looked at first. */
export type Reply = Record<string, unknown>;

/** A handler of the kernel's replies to one component's requests. */
export type ReplyHandler = (msg: Reply) => void;

/** The traits of a RunView model: the run's state plus why it was cancelled. */
export interface RunTraits extends RunState {
  cancel_reason: string | null;
  /**
   * Whom the waiting prompt is handed to, when the person looking is not among them: the
   * prompt is then shown read-only (`waiting.ts`). Set only by hosts that know the viewer
   * (JupyterLab run tabs); absent or `null` elsewhere.
   */
  waiting_for?: string[] | null;
}

/** The anywidget-like model `render()` gets (anywidget's proxy, or the Lab tabs' RunModel). */
export interface RunModel {
  get<K extends keyof RunTraits>(name: K): RunTraits[K] | undefined;
  send(msg: PageMessage, callbacks?: unknown, buffers?: ArrayBuffer[]): void;
  on(event: string, fn: (...args: unknown[]) => void): void;
  off?(event: string, fn: (...args: unknown[]) => void): void;
  /** anywidget: the ipywidgets manager (embedded widgets need it). */
  widget_manager?: unknown;
}
