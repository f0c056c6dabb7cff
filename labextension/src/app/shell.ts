/**
 * The app page: a header with the three places (Actions, Waiting for me with its count, My
 * runs), one section shown at a time, and the run screen. The URL says where the person is
 * (`./router`), so links, reloads and the back button work.
 */
import { ApiError, IMe, IntervalApi, IRun } from '../client/api';
import { el } from '../client/format';
import { InboxNews, noticeNews, noticeText } from '../client/inbox';
import { NoticeList } from '../client/notices';
import { ActionsView } from './actions';
import { IAppConfig } from './config';
import { InboxList, MyRuns } from './lists';
import { deepLinkedAction, forgetToken, navigate, parseHash, Route } from './router';
import { RunScreen } from './runscreen';
import { Toasts } from './toasts';

/** How many of the latest messages (`ctx.notify(to=...)`) "Waiting for me" lists. */
const NOTICES_SHOWN = 10;

/** How often the inbox count and the list shown are re-read (ms), while the page is visible. */
const POLL_MS = 5000;

type Place = 'actions' | 'inbox' | 'runs';

/** The places of the header, in its order, by name. */
const PLACES: Record<Place, string> = { actions: 'Actions', inbox: 'Waiting for me', runs: 'My runs' };

/** The whole page. */
export class App {
  constructor(
    private readonly api: IntervalApi,
    private readonly config: IAppConfig,
    root: HTMLElement
  ) {
    const fail = (message: string): void => this.toasts.show(message);
    this.actions = new ActionsView(api, run => this.openRun(run), fail);
    this.inbox = new InboxList(api, (run, button) => void this.startQueued(run, button));
    this.runs = new MyRuns(api, () => this.me);
    this.runScreen = new RunScreen(
      api,
      fail,
      run => this.runChanged(run),
      () => void this.pollInbox() // its prompt was answered, or it ended: the count changes
    );
    this.inbox.node.append(this.notices.node);
    this.main.append(this.actions.node, this.inbox.node, this.runs.node, this.runScreen.node);
    root.append(skipLink(this.main), this.header(), this.signedOut, this.main, this.toasts.node);
  }

  /** Load who is looking and the actions, follow the URL, and start re-reading the lists. */
  async start(): Promise<void> {
    forgetToken();
    window.addEventListener('hashchange', () => void this.show(parseHash(location.hash), true));
    const slug = deepLinkedAction();
    const [me] = await Promise.all([
      this.api.viewer(),
      this.reportFailure(this.actions.refresh()),
      this.pollInbox()
    ]);
    this.me = me;
    this.user.textContent = me ? me.display_name || me.username : '';
    if (slug) {
      await this.actions.start(slug); // opens the run (or says why not)
      if (!this.runScreen.runId) {
        navigate({ view: 'actions' }, true);
      }
    } else {
      await this.show(parseHash(location.hash), false);
    }
    this.schedulePoll();
  }

  private header(): HTMLElement {
    const nav = el('nav', { class: 'inb-app-nav', 'aria-label': 'Sections' });
    for (const [place, label] of Object.entries(PLACES) as [Place, string][]) {
      const link = el('a', { class: 'inb-app-tab', href: `#${place}`, text: label });
      link.dataset.place = place;
      if (place === 'inbox') {
        link.append(this.count);
      }
      this.tabs.set(place, link);
      nav.append(link);
    }
    return el(
      'header',
      { class: 'inb-app-header' },
      el('h1', { class: 'inb-app-title', text: this.config.title }),
      nav,
      this.user
    );
  }

  /** Show `route`; `moved`: the person navigated, so the keyboard follows. */
  private async show(route: Route, moved: boolean): Promise<void> {
    const place: Place | 'run' = route.view;
    this.actions.node.hidden = place !== 'actions';
    this.inbox.node.hidden = place !== 'inbox';
    this.runs.node.hidden = place !== 'runs';
    this.runScreen.node.hidden = place !== 'run';
    for (const [name, tab] of this.tabs) {
      if (name === place) {
        tab.setAttribute('aria-current', 'page');
      } else {
        tab.removeAttribute('aria-current');
      }
    }
    if (route.view === 'run') {
      await this.runScreen.open(route.runId);
      return;
    }
    this.runScreen.setBack(`#${route.view}`, PLACES[route.view]);
    this.runScreen.close();
    document.title = this.config.title;
    if (route.view === 'runs') {
      await this.reportFailure(this.runs.refresh());
    } else if (route.view === 'inbox') {
      await this.pollInbox();
    }
    if (moved) {
      this.main.focus({ preventScroll: true });
    }
  }

  private openRun(run: IRun): void {
    navigate({ view: 'run', runId: run.id }, !!deepLinkedAction());
  }

  private async startQueued(run: IRun, button: HTMLButtonElement): Promise<void> {
    button.disabled = true;
    try {
      this.openRun(await this.api.startQueued(run.id));
    } catch (err) {
      this.toasts.show(`The run could not be started: ${err instanceof Error ? err.message : err}`);
      await this.pollInbox();
    } finally {
      button.disabled = false;
    }
  }

  private runChanged(run: IRun): void {
    document.title = `${run.title || run.action} · ${this.config.title}`;
  }

  /** Re-read the inbox (its count in the header), and tell of prompts newly handed over. */
  private async pollInbox(): Promise<void> {
    try {
      const page = await this.inbox.refresh();
      this.count.textContent = String(page.total);
      this.count.hidden = page.total === 0;
      this.count.setAttribute('aria-label', `${page.total} waiting for you`);
      for (const run of this.news.arrivals(page.runs)) {
        this.toasts.show(`“${run.title || run.action}” waits for you (started by ${run.user || 'someone'}).`, 'info');
      }
      const notes = await this.api.notifications(NOTICES_SHOWN);
      this.notices.show(notes);
      for (const note of this.noticeNews.arrivals(notes)) {
        this.toasts.show(noticeText(note), 'info');
      }
    } catch (err) {
      console.warn('interval_nb: the inbox cannot be read', err);
      if (err instanceof ApiError && (err.status === 401 || err.status === 403)) {
        this.signedOut.hidden = false; // the login ended (or was never good for this page)
      }
    }
  }

  private schedulePoll(): void {
    window.setTimeout(async () => {
      if (!document.hidden) {
        await this.pollInbox();
        if (!this.runs.node.hidden) {
          await this.reportFailure(this.runs.refresh());
        }
      }
      this.schedulePoll();
    }, POLL_MS);
  }

  private async reportFailure(work: Promise<unknown>): Promise<void> {
    try {
      await work;
    } catch (err) {
      this.toasts.show(err instanceof Error ? err.message : String(err));
    }
  }

  private readonly actions: ActionsView;
  private readonly inbox: InboxList;
  private readonly runs: MyRuns;
  private readonly runScreen: RunScreen;
  private readonly toasts = new Toasts();
  private readonly signedOut = signedOutBanner();
  private readonly news = new InboxNews();
  private readonly noticeNews = noticeNews();
  private readonly notices = new NoticeList(note => navigate({ view: 'run', runId: note.run_id }));
  private readonly main = el('main', { class: 'inb-app-main', tabindex: '-1' });
  private readonly tabs = new Map<Place, HTMLAnchorElement>();
  private readonly count = el('span', { class: 'inb-app-count', hidden: true });
  private readonly user = el('span', { class: 'inb-app-user' });
  private me: IMe | null = null;
}

/** The banner shown when the server stops taking the person's requests (a login that ended). */
function signedOutBanner(): HTMLElement {
  const reload = el('button', { type: 'button', class: 'inb-app-button', text: 'Reload to sign in again' });
  reload.addEventListener('click', () => location.reload());
  return el(
    'div',
    { class: 'inb-app-signed-out', role: 'alert', hidden: true },
    el('span', { text: 'The server no longer takes your requests: your login may have ended. ' }),
    reload
  );
}

/** The first stop of the keyboard: past the header, into the place shown (a button, since the
 *  URL's hash is the app's route). */
function skipLink(main: HTMLElement): HTMLElement {
  const skip = el('button', { type: 'button', class: 'inb-app-skip', text: 'Skip to content' });
  skip.addEventListener('click', () => {
    const shown = [...main.children].find(child => !(child as HTMLElement).hidden);
    const field = shown?.querySelector<HTMLElement>(
      '.inb-launcher-search, .inb-rv-form input:enabled, .inb-rv-form select:enabled, .inb-rv-form textarea:enabled'
    );
    (field ?? main).focus();
  });
  return skip;
}
