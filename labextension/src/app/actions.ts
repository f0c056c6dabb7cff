/**
 * The launcher of the app page: the actions the person may run (`GET actions`), with search,
 * drawn by the same launcher view as `actions.show()` in a notebook. Run starts the action
 * through the API and opens the run.
 */
import { IActionInfo, IntervalApi, IRegistryError, IRun } from '../client/api';
import { el } from '../client/format';
import { LauncherAction, LauncherModel, LauncherView } from '../launcher/view';

type Listener = (...args: unknown[]) => void;

/** The launcher view's model, fed from the API instead of a kernel. */
class ApiLauncherModel implements LauncherModel {
  constructor(private readonly startRun: (slug: string) => Promise<void>) {}

  actions: LauncherAction[] = [];

  get(name: 'title'): string;
  get(name: 'actions'): LauncherAction[];
  get(name: 'title' | 'actions'): string | LauncherAction[] {
    return name === 'title' ? 'Actions' : this.actions;
  }

  /** Start the run; then give the launcher's button back (`started`), whatever happened. */
  send(msg: { type: 'start'; slug: string }): void {
    void this.startRun(msg.slug).finally(() => this.emit('msg:custom', { type: 'started', slug: msg.slug }));
  }

  on(event: string, fn: Listener): void {
    this.listeners.set(event, [...(this.listeners.get(event) ?? []), fn]);
  }

  off(event: string, fn: Listener): void {
    this.listeners.set(event, (this.listeners.get(event) ?? []).filter(f => f !== fn));
  }

  emit(event: string, ...args: unknown[]): void {
    for (const fn of this.listeners.get(event) ?? []) {
      fn(...args);
    }
  }

  private readonly listeners = new Map<string, Listener[]>();
}

/** The launcher section. */
export class ActionsView {
  constructor(
    private readonly api: IntervalApi,
    private readonly opened: (run: IRun) => void,
    private readonly failed: (message: string) => void
  ) {
    this.model = new ApiLauncherModel(slug => this.start(slug));
    new LauncherView(this.model, this.node).mount();
    this.node.append(this.errors);
  }

  readonly node = el('section', { class: 'inb-app-actions', 'aria-label': 'Actions' });

  /** The actions, once loaded (for a deep link's name). */
  get actions(): IActionInfo[] {
    return this.loadedActions;
  }

  /** Read the actions again and redraw the cards. */
  async refresh(): Promise<void> {
    const { actions, errors } = await this.api.actions();
    this.loadedActions = actions;
    this.model.actions = actions;
    this.model.emit('change');
    this.showErrors(errors);
  }

  /** Start `slug` and open its run; a refusal is reported, never thrown. */
  async start(slug: string): Promise<void> {
    try {
      this.opened(await this.api.start(slug));
    } catch (err) {
      this.failed(`“${slug}” could not be started: ${err instanceof Error ? err.message : err}`);
    }
  }

  private showErrors(errors: IRegistryError[]): void {
    this.errors.hidden = errors.length === 0;
    this.errors.replaceChildren(
      el('p', { text: 'Some actions could not be loaded:' }),
      el('ul', {}, ...errors.map(e => el('li', { text: `${e.registry}: ${e.message}` })))
    );
  }

  private readonly model: ApiLauncherModel;
  private readonly errors = el('div', { class: 'inb-app-errors', role: 'alert', hidden: true });
  private loadedActions: IActionInfo[] = [];
}
