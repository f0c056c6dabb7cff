/**
 * Every message that crosses a channel, as TypeScript types: the mirror of
 * `interval_nb/protocol.py`.
 *
 * One interface per TypedDict there, with the same keys and optional-ness, and one type per
 * `Literal`; `tests/channels/test_protocol_types.py` fails when the two sides drift apart.
 * Python's `Any` is `unknown` here. Messages only the page and the kernel's widget exchange
 * (table queries, searches) are in `messages.ts`.
 */

/** Changes whenever a shape changes incompatibly. */
export const PROTOCOL_VERSION = '1';

/** The states of a run: `pending → running ⇄ awaiting_input → terminal`. */
export type RunStatus =
  | 'queued'
  | 'pending'
  | 'running'
  | 'awaiting_input'
  | 'completed'
  | 'failed'
  | 'cancelled'
  | 'interrupted';

/** The states a run never leaves. */
export const TERMINAL_STATUSES: readonly RunStatus[] = ['completed', 'failed', 'cancelled', 'interrupted'];

/** What journals and the run history keep instead of a value marked `sensitive`. */
export const REDACTED = '[redacted]';

/** One component of a prompt as the page renders it (`kind`: `"input.email"`, `"confirm"`…). */
export interface ComponentSpec {
  kind: string;
  label: string;
  props: Record<string, unknown>;
  optional: boolean;
  value: unknown;
  error: string | null;
}

/** A custom submit button (`.with_choices()`). */
export interface ChoiceSpec {
  label: string;
  value: string;
  theme: string | null;
}

/** A prompt: the components shown together and the buttons that submit them. */
export interface PromptSpec {
  id: string;
  components: ComponentSpec[];
  choices: ChoiceSpec[];
  error: string | null;
  exclusive: boolean;
  attempt: number;
  draft?: Record<string, unknown>;
  assignees?: string[];
}

/** What the page sends back: one raw value per component, and the choice clicked. */
export interface AnswerMessage {
  type?: 'answer';
  prompt_id?: string;
  values?: unknown[];
  choice?: string | null;
}

/** The page's draft of the waiting prompt: `draft` is `{rev, components: [entry | null, …]}`. */
export interface DraftMessage {
  type: 'draft';
  prompt_id: string;
  draft: Record<string, unknown>;
}

/** The person asked to cancel the run. */
export interface CancelMessage {
  type: 'cancel';
}

/** Progress of long work (`ctx.loading`). */
export interface LoadingState {
  label: string | null;
  description: string | null;
  items_in_queue: number | null;
  items_completed: number;
}

/** A message from `ctx.notify` (`time`: seconds since the epoch). */
export interface Notification {
  message: string;
  title: string | null;
  time: number;
  to?: string[];
}

/** How a failed run is shown: the exception type, its message and the traceback. */
export interface ErrorInfo {
  type: string;
  message: string;
  traceback: string;
}

/** Something the run showed that stays visible: a display, or a summary of an answer. */
export interface TranscriptEntry {
  kind: 'display' | 'answer';
  id: string;
  components: ComponentSpec[];
}

/** Everything a view shows about one run. */
export interface RunState {
  run_id: string;
  action: string;
  title: string;
  status: RunStatus;
  prompt: PromptSpec | null;
  transcript: TranscriptEntry[];
  loading: LoadingState | null;
  logs: string[];
  notifications: Notification[];
  result: unknown;
  error: ErrorInfo | null;
}

// -- the remote channel: JSON over the `interval_nb` comm target --------------------------------

/** The comm target name registered at kernel start. */
export const REMOTE_TARGET = 'interval_nb';

/** What a request to the kernel over the remote channel asks for. */
export type RemoteRequestType =
  | 'start'
  | 'answer'
  | 'cancel'
  | 'state'
  | 'query'
  | 'search'
  | 'draft'
  | 'list'
  | 'ping'
  | 'resume'
  | 'hibernate'
  | 'follow';

/** The `comm_open` data: which action registries the kernel should load. */
export interface RemoteOpen {
  type?: 'open';
  protocol?: string;
  registries?: string[];
  entry_points?: boolean;
}

/** When a scheduled action fires (`tz` null: the server's zone; `assignee` null: it starts). */
export interface ScheduleInfo {
  cron: string;
  tz: string | null;
  assignee: string[] | null;
  catch_up: boolean;
}

/** One action as listed to clients. */
export interface ActionInfo {
  slug: string;
  name: string;
  description: string | null;
  access: string[] | null;
  registry: string;
  unlisted: boolean;
  schedule: ScheduleInfo | null;
}

/** A registry that could not be loaded, and why. */
export interface RegistryError {
  registry: string;
  message: string;
}

/** Where the kernel runs. */
export interface KernelInfo {
  pid: number;
  host: string;
  python: string;
  interval_nb: string;
}

/** The kernel's first message on a new comm. */
export interface RemoteHello {
  type: 'hello';
  protocol: string;
  actions: ActionInfo[];
  errors: RegistryError[];
  kernel: KernelInfo;
}

/** The server-verified person a run is started or answered for. */
export interface RemoteUser {
  username?: string;
  display_name?: string | null;
}

/** A request to the kernel; which keys matter depends on `type`. */
export interface RemoteRequest {
  type?: RemoteRequestType;
  request_id?: string;
  action?: string;
  params?: Record<string, unknown>;
  user?: RemoteUser;
  run_id?: string;
  prompt_id?: string;
  values?: unknown[];
  choice?: string | null;
  by?: string;
  draft?: Record<string, unknown>;
}

/** A run as the kernel reports it: its state and origin. */
export interface RemoteRun extends RunState {
  user: string;
  params: Record<string, unknown>;
  created: number;
}

/** The one reply to a request. `ok` false carries `code` and `message`. */
export interface RemoteReply {
  type?: 'reply';
  request_id?: string;
  ok?: boolean;
  code?: string;
  message?: string;
  run?: RemoteRun;
  accepted?: boolean;
  prompt?: PromptSpec | null;
  cancelled?: boolean;
  actions?: ActionInfo[];
  errors?: RegistryError[];
  runs?: Record<string, unknown>[];
  result?: Record<string, unknown>;
  saved?: boolean;
}

/** A change of a run started through the comm: only the fields that changed. */
export interface RemoteUpdate {
  type?: 'update';
  run_id?: string;
  status?: RunStatus;
  prompt?: PromptSpec | null;
  loading?: LoadingState | null;
  logs?: string[];
  notifications?: Notification[];
  transcript?: TranscriptEntry[];
  result?: unknown;
  error?: ErrorInfo | null;
  redirect?: Record<string, unknown>;
  run?: RemoteRun;
}
