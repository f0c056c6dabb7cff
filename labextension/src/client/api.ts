/**
 * The client of the server extension's API under `{base_url}interval/api/`.
 *
 * It needs only the DOM: how requests reach the server (base URL, authentication) is an
 * `IConnection`, which JupyterLab builds from its `ServerConnection` settings (`../labconnection`)
 * and pages outside Lab from the login cookie (`./cookieconnection`). So the Lab
 * sidebar, the run tabs and the app page share one client and one run model.
 */
import { RunStatus, TERMINAL_STATUSES } from '../common/protocol';

export type { RunStatus };

/** How the client reaches one Jupyter server: its URLs and its authenticated transport. */
export interface IConnection {
  /** The server's base URL, ending in `/` (e.g. `/user/ana/`). */
  readonly baseUrl: string;
  /** Send an HTTP request, authenticated as the page is (token, cookie, XSRF header). */
  fetch(url: string, init: RequestInit): Promise<Response>;
  /** Open an authenticated WebSocket to `path` (relative to the base URL). */
  socket(path: string): WebSocket;
}

/** `base` and URL path parts joined with single slashes (parts are not encoded here). */
export function joinUrl(base: string, ...parts: string[]): string {
  let url = base;
  for (const part of parts) {
    url = url.replace(/\/+$/, '') + '/' + part.replace(/^\/+/, '');
  }
  return url;
}

/** An action the server serves (`GET actions`). */
export interface IActionInfo {
  slug: string;
  name: string;
  description: string;
  registry: string;
}

/** A registry the server could not load (`GET actions` → `errors`). */
export interface IRegistryError {
  registry: string;
  message: string;
}

/** Statuses after which nothing changes any more. */
export const TERMINAL: ReadonlySet<string> = new Set(TERMINAL_STATUSES);

/** A run as the API shows it; `transcript`/`logs`/`notifications` only on a single run. */
export interface IRun {
  id: string;
  action: string;
  title: string;
  status: RunStatus;
  user: string;
  params: Record<string, unknown>;
  created: string | null;
  updated: string | null;
  prompt: Record<string, unknown> | null;
  loading: Record<string, unknown> | null;
  result: unknown;
  error: Record<string, unknown> | null;
  source: 'api' | 'notebook' | 'voila' | string;
  redirect: { action: string; run_id: string } | null;
  /** Waiting with no kernel holding it (its journal does): the next answer wakes it by replay. */
  hibernated?: boolean;
  /** Whether this server can take an answer to it now (a notebook's run: when it runs its kernel). */
  answerable?: boolean;
  /** Who may start a `queued` run (user names, `group:NAME`); null: whoever queued it. */
  assignee?: string[] | null;
  transcript?: unknown[];
  logs?: string[];
  notifications?: unknown[];
}

/** One entry of a run's journal (`GET runs/{id}/events`). */
export interface IRunEvent {
  seq: number;
  time: string | number;
  event: string;
  [key: string]: unknown;
}

/** A page of the history (`GET runs`). */
export interface IRunPage {
  runs: IRun[];
  total: number;
  limit: number;
  offset: number;
}

/** A message a run sent the person or a group of theirs (`ctx.notify(..., to=...)`). */
export interface INotice {
  run_id: string;
  seq: number;
  time: string;
  message: string;
  title: string | null;
  to: string[];
  action: string | null;
  run_title: string | null;
  /** Who started the run that sent it. */
  user: string | null;
}

/** Who the API takes the person for (`GET me`): access and hand-offs are checked against it. */
export interface IMe {
  username: string;
  display_name: string | null;
  groups: string[];
}

/** An error answered by the API: `{"error": {"code", "message"}}` with its HTTP status. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly body: Record<string, unknown> = {}
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** Talks to one Jupyter server's interval API. */
export class IntervalApi {
  constructor(readonly connection: IConnection) {}

  /** The API root, e.g. `/user/ana/interval/api/`. */
  url(...parts: string[]): string {
    return joinUrl(this.connection.baseUrl, 'interval/api', ...parts.map(encodeURIComponent));
  }

  /** Where the server extension serves the page-side renderer and its styles. */
  staticUrl(file: string): string {
    return joinUrl(this.connection.baseUrl, 'static/interval_nb', file);
  }

  /** The kernel-free app page (`{base_url}interval/`), optionally on one action or one run. */
  appUrl(open: { action?: string; run?: string } = {}): string {
    const query = open.action ? `?action=${encodeURIComponent(open.action)}` : '';
    const hash = open.run ? `#run=${encodeURIComponent(open.run)}` : '';
    return joinUrl(this.connection.baseUrl, 'interval/') + query + hash;
  }

  async actions(): Promise<{ actions: IActionInfo[]; errors: IRegistryError[] }> {
    return this.request('GET', this.url('actions'));
  }

  /** Start a run; with `wait` 0 the reply comes at once and the stream brings the rest. */
  async start(slug: string, params: Record<string, unknown> = {}, wait = 0): Promise<IRun> {
    const reply = await this.request<{ run: IRun }>(
      'POST',
      this.url('actions', slug, 'runs') + `?wait=${wait}`,
      { params }
    );
    return reply.run;
  }

  /**
   * Start a queued run as the person (`POST runs/{id}/start`); the reply comes at once and the
   * stream brings the rest. 403 `not_assignee`, 409 `not_queued` (started already) as ApiError.
   */
  async startQueued(id: string): Promise<IRun> {
    const reply = await this.request<{ run: IRun }>('POST', this.url('runs', id, 'start') + '?wait=0');
    return reply.run;
  }

  /** The history (one person's with `user`); with `waitingFor: 'me'`, the person's inbox. */
  async runs(
    query: { status?: string; limit?: number; waitingFor?: 'me'; user?: string } = {}
  ): Promise<IRunPage> {
    const search = new URLSearchParams();
    if (query.status) {
      search.set('status', query.status);
    }
    if (query.user) {
      search.set('user', query.user);
    }
    if (query.waitingFor) {
      search.set('waiting_for', query.waitingFor);
    }
    search.set('limit', String(query.limit ?? 50));
    return this.request('GET', this.url('runs') + '?' + search.toString());
  }

  /** The messages runs sent the person (newest first). */
  async notifications(limit = 20): Promise<INotice[]> {
    const reply = await this.request<{ notifications: INotice[] }>(
      'GET',
      this.url('notifications') + `?limit=${limit}`
    );
    return reply.notifications;
  }

  /** Who the API takes the person for. */
  async me(): Promise<IMe> {
    return this.request('GET', this.url('me'));
  }

  /** `me()`, asked once per page; null (and asked again next time) when the server cannot say. */
  viewer(): Promise<IMe | null> {
    if (!this._viewer) {
      const asking = this.me().catch(err => {
        console.warn('interval_nb: cannot tell who is looking', err);
        this._viewer = null;
        return null;
      });
      this._viewer = asking;
    }
    return this._viewer;
  }

  async run(id: string): Promise<IRun> {
    return (await this.request<{ run: IRun }>('GET', this.url('runs', id))).run;
  }

  async events(id: string): Promise<IRunEvent[]> {
    return (await this.request<{ events: IRunEvent[] }>('GET', this.url('runs', id, 'events')))
      .events;
  }

  /** Send an answer; the run's next state arrives on its stream (`wait=0`). */
  async answer(id: string, answer: Record<string, unknown>): Promise<IRun> {
    const reply = await this.request<{ run: IRun }>(
      'POST',
      this.url('runs', id, 'answer') + '?wait=0',
      answer
    );
    return reply.run;
  }

  async cancel(id: string): Promise<IRun> {
    return (await this.request<{ run: IRun }>('POST', this.url('runs', id, 'cancel') + '?wait=0'))
      .run;
  }

  /** A table page or search results for a prompt's component; the reply the page routes. */
  async ask(id: string, kind: 'query' | 'search', body: Record<string, unknown>): Promise<unknown> {
    return (await this.request<{ reply: unknown }>('POST', this.url('runs', id, kind), body)).reply;
  }

  /**
   * Keep the page's draft of the waiting prompt in the kernel (`{prompt_id, draft}`).
   * `saved` is false when that prompt is no longer waiting. `keepalive`: a draft sent as the
   * page goes away (a reload) still arrives.
   */
  async draft(id: string, body: Record<string, unknown>): Promise<{ saved: boolean }> {
    return this.request('POST', this.url('runs', id, 'draft'), body, { keepalive: true });
  }

  /** Open the run's WebSocket stream (`{"type": "state"}` first, then updates). */
  stream(id: string): WebSocket {
    return this.connection.socket(joinUrl('interval/api/runs', encodeURIComponent(id), 'stream'));
  }

  private _viewer: Promise<IMe | null> | null = null;

  private async request<T>(
    method: string,
    url: string,
    body?: unknown,
    extra: RequestInit = {}
  ): Promise<T> {
    const init: RequestInit = { ...extra, method };
    if (body !== undefined) {
      init.body = JSON.stringify(body);
      init.headers = { 'Content-Type': 'application/json' };
    }
    let response: Response;
    try {
      response = await this.connection.fetch(url, init);
    } catch (err) {
      throw new ApiError(0, 'network', `Cannot reach the Jupyter server: ${String(err)}`);
    }
    const text = await response.text();
    let data: Record<string, unknown> = {};
    if (text) {
      try {
        data = JSON.parse(text);
      } catch {
        data = {};
      }
    }
    if (!response.ok) {
      const error = (data.error ?? {}) as { code?: string; message?: string };
      throw new ApiError(
        response.status,
        error.code ?? 'http_' + response.status,
        error.message ?? `${response.status} ${response.statusText}`,
        data
      );
    }
    return data as T;
  }
}
