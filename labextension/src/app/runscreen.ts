/**
 * One run on the app page: the shared run page (`client/runpage`, the same the Lab run tab
 * shows) under a way back. The run lives in the server, so a reload or another browser of the
 * same person comes back to the same pending prompt.
 */
import { IntervalApi, IRun } from '../client/api';
import { el } from '../client/format';
import { RunPage } from '../client/runpage';

/** The run section: shows one run at a time. */
export class RunScreen {
  constructor(
    private readonly api: IntervalApi,
    private readonly failed: (message: string) => void,
    private readonly changed: (run: IRun) => void,
    private readonly statusChanged: (run: IRun) => void
  ) {}

  private readonly back = el('a', { class: 'inb-app-back', href: '#runs', text: '← My runs' });

  readonly node = el(
    'section',
    { class: 'inb-app-runscreen inb-panel', 'aria-label': 'Run', tabindex: '-1' },
    this.back
  );

  /** Where the way back leads: the list the person came from (`#inbox`, `#runs`…). */
  setBack(hash: string, label: string): void {
    this.back.href = hash;
    this.back.textContent = `← ${label}`;
  }

  /** The run shown, if any. */
  get runId(): string | null {
    return this.page?.runId ?? null;
  }

  /** Show run `runId` (the same run again: nothing to do) and put the keyboard in its form. */
  async open(runId: string): Promise<void> {
    if (this.page?.runId === runId) {
      return;
    }
    this.close();
    const page = new RunPage(this.api, runId);
    this.page = page;
    page.failed.connect((_, message) => this.failed(message));
    page.changed.connect((_, run) => this.changed(run));
    page.statusChanged.connect((_, run) => this.statusChanged(run));
    this.node.append(page.node);
    await page.load();
    if (this.page === page) {
      page.focusForm(this.node);
    }
  }

  /** Stop following the run shown. */
  close(): void {
    this.page?.node.remove();
    this.page?.dispose();
    this.page = null;
  }

  private page: RunPage | null = null;
}
