/**
 * A run's state kept current from the API, shaped like the anywidget model the RunView
 * renderer (`interval_nb/static/runview.js`) draws in notebooks.
 *
 * The renderer reads traits with `get()`, listens to `change` and `msg:custom`, and sends
 * `answer` / `cancel` / `query` / `search` / `draft` messages with `send()`. Here the traits
 * come from `GET runs/{id}` and the run's WebSocket stream, and the messages become REST calls,
 * so the same renderer draws the run in a JupyterLab tab or the app page, with no kernel of its own.
 */
import { Emitter, IEvent } from '../common/emitter';
import { ApiError, IMe, IntervalApi, IRun, TERMINAL } from './api';

type Listener = (...args: unknown[]) => void;

/** Longest wait between two attempts to reconnect a dropped stream. */
const MAX_RECONNECT_MS = 10000;

/** How often a run shown elsewhere (a notebook, a dashboard) is re-read from the history. */
const ELSEWHERE_POLL_MS = 5000;

/** Fields of a stream update that replace the state, and those that append to it. */
const REPLACED = ['status', 'prompt', 'loading', 'result', 'error', 'redirect', 'hibernated'] as const;
const APPENDED = ['logs', 'notifications', 'transcript'] as const;

/** The state of one run as the renderer expects its traits. */
interface ITraits {
  run_id: string;
  title: string;
  status: string;
  prompt: Record<string, unknown> | null;
  transcript: unknown[];
  loading: Record<string, unknown> | null;
  logs: string[];
  notifications: unknown[];
  result: unknown;
  error: Record<string, unknown> | null;
  cancel_reason: string;
  waiting_for: string[] | null;
}

/**
 * One run, followed live while it can change.
 *
 * Runs that live in a notebook or dashboard kernel are shown read-only: their prompt must be
 * answered where it is displayed (the API answers 409 `not_here`), so `prompt` is withheld.
 */
export class RunModel {
  constructor(
    readonly api: IntervalApi,
    readonly runId: string
  ) {}

  /** The last run object the API gave (undefined until the first load). */
  get run(): IRun | undefined {
    return this._run;
  }

  /**
   * Whom the waiting prompt is handed to, when the person looking is not among them (their
   * user name or `group:<name>`); null when the prompt is theirs, unassigned, or who is
   * looking is unknown. The renderer then shows the prompt read-only.
   */
  get waitingFor(): string[] | null {
    return waitingFor(this._run?.prompt ?? null, this._viewer);
  }

  /**
   * Whether the run can only be answered where it is shown: a notebook or Voilà page whose
   * kernel this server does not run (the server answers the others through their kernel).
   */
  get isElsewhere(): boolean {
    const run = this._run;
    return !!run && run.source !== 'api' && !TERMINAL.has(run.status) && !run.answerable;
  }

  /** Emitted after every change of the run (status, prompt, progress, logs…). */
  get changed(): IEvent<RunModel, IRun> {
    return this._changed;
  }

  /** Emitted when a request of the page failed (the message says what to do). */
  get failed(): IEvent<RunModel, string> {
    return this._failed;
  }

  /** Load the run and, while it can change, follow its stream. */
  async connect(): Promise<void> {
    const [run, viewer] = await Promise.all([this.api.run(this.runId), this.api.viewer()]);
    this._viewer = viewer;
    this.apply(run);
    this.follow();
  }

  /**
   * Start the queued run as the person, then follow it live. A refusal (403 `not_assignee`,
   * 409 `not_queued`) is reported on `failed` with the server's message, and the run re-read.
   */
  async start(): Promise<void> {
    let run: IRun;
    try {
      run = await this.api.startQueued(this.runId);
    } catch (err) {
      this.fail(err, 'The run could not be started');
      await this.reload();
      return;
    }
    // The queued run's stream (sent its state, then closed) or its retry are of no use now.
    clearTimeout(this._retry);
    const socket = this._socket;
    this._socket = null;
    socket?.close();
    this._attempts = 0;
    this.apply(run);
    this.follow();
  }

  // -- the anywidget model interface the renderer uses -----------------------------------------

  get(name: string): unknown {
    return (this.traits() as unknown as Record<string, unknown>)[name];
  }

  on(event: string, fn: Listener): void {
    const set = this._listeners.get(event) ?? new Set<Listener>();
    set.add(fn);
    this._listeners.set(event, set);
  }

  off(event: string, fn?: Listener): void {
    if (fn) {
      this._listeners.get(event)?.delete(fn);
    } else {
      this._listeners.delete(event);
    }
  }

  /** A message from the renderer: answers, cancels, table queries, searches and drafts. */
  send(msg: unknown, _callbacks?: unknown, buffers?: ArrayBuffer[]): void {
    if (!msg || typeof msg !== 'object') {
      return;
    }
    const { type, ...body } = msg as Record<string, unknown>;
    if (type === 'answer') {
      void this.answer(body, buffers ?? []);
    } else if (type === 'cancel') {
      void this.cancel();
    } else if (type === 'query' || type === 'search') {
      void this.ask(type, body);
    } else if (type === 'draft') {
      void this.saveDraft(body);
    }
  }

  /** Stop following the run. */
  dispose(): void {
    this._disposed = true;
    clearTimeout(this._retry);
    this._socket?.close();
    this._socket = null;
    this._listeners.clear();
    this._changed.clear();
    this._failed.clear();
  }

  // -- requests -------------------------------------------------------------------------------

  private async answer(body: Record<string, unknown>, buffers: ArrayBuffer[]): Promise<void> {
    const values = Array.isArray(body.values) ? body.values.map(v => withFiles(v, buffers)) : body.values;
    try {
      await this.api.answer(this.runId, { ...body, values });
    } catch (err) {
      // 422: the stream re-shows the prompt with its errors. Anything else: say so and
      // reload the state, so the form is not left waiting for an answer that went nowhere.
      if (err instanceof ApiError && err.status === 422) {
        return;
      }
      this.fail(err, 'Your answer was not sent');
      await this.reload();
    }
  }

  private async cancel(): Promise<void> {
    try {
      this.apply(await this.api.cancel(this.runId));
    } catch (err) {
      this.fail(err, 'The run could not be cancelled');
      await this.reload();
    }
  }

  private async ask(kind: 'query' | 'search', body: Record<string, unknown>): Promise<void> {
    try {
      const reply = await this.api.ask(this.runId, kind, body);
      this.emit('msg:custom', reply);
    } catch (err) {
      // The renderer waits for a reply with this request id: give it the error to show.
      const message = err instanceof Error ? err.message : String(err);
      this.emit('msg:custom', {
        type: kind === 'query' ? 'query_error' : 'search_error',
        prompt_id: body.prompt_id,
        component: body.component,
        request_id: body.request_id,
        message
      });
    }
  }

  /** The page's draft of the waiting prompt; the kernel's copy comes back on the stream. */
  private async saveDraft(body: Record<string, unknown>): Promise<void> {
    try {
      await this.api.draft(this.runId, body);
    } catch (err) {
      // A draft is a convenience: the form keeps working, the next change tries again.
      console.warn('interval_nb: the draft was not saved', err);
    }
  }

  // -- state ----------------------------------------------------------------------------------

  private follow(): void {
    if (this._disposed || !this._run || TERMINAL.has(this._run.status) || this._socket) {
      return;
    }
    if (this.isElsewhere) {
      // The server only streams runs it started; a notebook's run is re-read from the history.
      this._retry = window.setTimeout(() => void this.reload(), ELSEWHERE_POLL_MS);
      return;
    }
    const socket = this.api.stream(this.runId);
    this._socket = socket;
    socket.onmessage = event => {
      let data: Record<string, unknown>;
      try {
        data = JSON.parse(String(event.data));
      } catch {
        return;
      }
      if (data.type === 'state' && data.run) {
        this.apply(data.run as IRun);
      } else if (data.type === 'update') {
        this._attempts = 0; // a stream that delivers changes is healthy
        this.merge(data);
      }
    };
    socket.onclose = () => {
      if (this._socket !== socket) {
        return;
      }
      this._socket = null;
      if (this._disposed || (this._run && TERMINAL.has(this._run.status))) {
        return;
      }
      // The server closes the stream when the run ends; otherwise it dropped (a restart,
      // a network blip): reload the state and follow again, backing off.
      const delay = Math.min(MAX_RECONNECT_MS, 500 * 2 ** this._attempts++);
      this._retry = window.setTimeout(() => void this.reload(), delay);
    };
  }

  private async reload(): Promise<void> {
    if (this._disposed) {
      return;
    }
    try {
      this.apply(await this.api.run(this.runId));
    } catch (err) {
      if (err instanceof ApiError && err.status === 404) {
        this.fail(err, 'This run is no longer in the history');
        return;
      }
    }
    this.follow();
  }

  private apply(run: IRun): void {
    this._run = { ...run };
    this._state = {
      transcript: run.transcript ?? this._state.transcript,
      logs: run.logs ?? this._state.logs,
      notifications: run.notifications ?? this._state.notifications
    };
    this.changedNow();
  }

  private merge(update: Record<string, unknown>): void {
    if (!this._run) {
      return;
    }
    const run = this._run as unknown as Record<string, unknown>;
    for (const key of REPLACED) {
      if (key in update) {
        run[key] = update[key];
      }
    }
    if (run.status === 'pending') {
      run.status = 'running';
    }
    if (TERMINAL.has(String(run.status))) {
      run.prompt = null;
    }
    for (const key of APPENDED) {
      const added = update[key];
      if (Array.isArray(added) && added.length) {
        this._state = { ...this._state, [key]: [...(this._state[key] as unknown[]), ...added] };
      }
    }
    run.updated = new Date().toISOString();
    this.changedNow();
  }

  private traits(): ITraits {
    const run = this._run;
    return {
      run_id: this.runId,
      title: run?.title ?? '',
      status: run?.status ?? 'pending',
      prompt: run && !this.isElsewhere ? run.prompt : null,
      transcript: this._state.transcript,
      loading: run?.loading ?? null,
      logs: this._state.logs,
      notifications: this._state.notifications,
      result: run?.result ?? null,
      error: run?.error ?? null,
      // An interrupted run says why (its kernel died, the server stopped…); a cancelled one
      // gets the renderer's own wording.
      cancel_reason: run?.status === 'interrupted' ? String(run.error?.message ?? '') : '',
      waiting_for: this.waitingFor
    };
  }

  private changedNow(): void {
    this.emit('change');
    if (this._run) {
      this._changed.emit(this._run);
    }
  }

  private emit(event: string, ...args: unknown[]): void {
    for (const fn of [...(this._listeners.get(event) ?? [])]) {
      try {
        fn(...args);
      } catch (err) {
        console.error('interval_nb: a run view listener failed', err);
      }
    }
  }

  private fail(err: unknown, what: string): void {
    const why = err instanceof Error ? err.message : String(err);
    this._failed.emit(`${what}: ${why}`);
  }

  private _run: IRun | undefined;
  private _viewer: IMe | null = null;
  private _state: { transcript: unknown[]; logs: string[]; notifications: unknown[] } = {
    transcript: [],
    logs: [],
    notifications: []
  };
  private _listeners = new Map<string, Set<Listener>>();
  private _socket: WebSocket | null = null;
  private _attempts = 0;
  private _retry = 0;
  private _disposed = false;
  private _changed = new Emitter<RunModel, IRun>(this);
  private _failed = new Emitter<RunModel, string>(this);
}

/** The assignees of `prompt` if `viewer` is known and none of them (see `RunModel.waitingFor`). */
export function waitingFor(prompt: Record<string, unknown> | null, viewer: IMe | null): string[] | null {
  const assignees = prompt?.assignees;
  if (!viewer || !Array.isArray(assignees) || !assignees.length) {
    return null;
  }
  const principals = new Set([viewer.username, ...viewer.groups.map(g => `group:${g}`)]);
  return assignees.some(a => principals.has(String(a))) ? null : assignees.map(String);
}

/**
 * Files picked in the page travel as binary buffers in a widget message
 * (`{name, type, size, buffer: i}`); over REST they go inline as base64.
 */
function withFiles(value: unknown, buffers: ArrayBuffer[]): unknown {
  if (!Array.isArray(value) || !value.every(v => v && typeof v === 'object' && 'buffer' in v)) {
    return value;
  }
  return value.map(ref => {
    const { buffer, ...file } = ref as Record<string, unknown>;
    const data = typeof buffer === 'number' ? buffers[buffer] : undefined;
    return data ? { ...file, base64: toBase64(data) } : file;
  });
}

function toBase64(buffer: ArrayBuffer): string {
  const bytes = new Uint8Array(buffer);
  let binary = '';
  const chunk = 0x8000;
  for (let i = 0; i < bytes.length; i += chunk) {
    binary += String.fromCharCode(...bytes.subarray(i, i + chunk));
  }
  return btoa(binary);
}
