/**
 * The RunView loader: the small ES module every RunView widget carries as its `_esm`.
 *
 * The renderer itself (about 100 KB) is loaded once per page, not once per view:
 *
 * 1. from the Jupyter server that serves this page, at
 *    `{baseUrl}static/interval_nb/runview.js?v=<version>`, when the kernel was started by a
 *    server running the interval_nb extension (the kernel stamps that into this module); the
 *    base URL comes from the page's `jupyter-config-data` (JupyterLab, Notebook 7 and Voilà
 *    embed it), so proxies, JupyterHub and `base_url` all work. The browser's module map makes
 *    every later view free;
 * 2. else (no such route: standalone Voilà, VS Code, Colab), or if that import fails, from the
 *    kernel, asked once per page with a `{type: "renderer"}` message, and imported from a Blob
 *    URL.
 *
 * Until the renderer is there the view shows the run's title and status as plain text, which
 * is also what a page without server or kernel (an HTML export) keeps showing.
 */
import { pageBaseUrl } from '../common/page';

/** The kernel's answer to `{type: "renderer"}`: the renderer's module and stylesheet. */
export interface IRendererMessage {
  type: 'renderer';
  js: string;
  css: string;
}

/** The part of an anywidget model the loader uses. */
export interface ILoaderModel {
  get(name: string): unknown;
  send(message: unknown): void;
  on(event: string, callback: (message: unknown) => void): void;
  off(event: string, callback: (message: unknown) => void): void;
}

/** What anywidget passes to `render`. */
export interface IRenderProps {
  model: ILoaderModel;
  el: HTMLElement;
}

type Cleanup = () => void;

/** The renderer module's default export. */
export interface IRenderer {
  render(props: IRenderProps): Cleanup | void | Promise<Cleanup | void>;
}

/** Replaced by the kernel with the package version, so a page never mixes versions. */
const VERSION: string = '__INTERVAL_NB_VERSION__';
/** Replaced by the kernel with "served" when its server serves the renderer's static route. */
const ROUTE: string = '__INTERVAL_NB_ROUTE__';
const PAGE_KEY = '__interval_nb_runview__';

function pageCache(): Map<string, Promise<IRenderer>> {
  // Each view imports this module afresh (from its own Blob URL): the cache lives on the page.
  const page = globalThis as unknown as Record<string, Map<string, Promise<IRenderer>> | undefined>;
  return (page[PAGE_KEY] ??= new Map());
}

function serverRoot(): URL | null {
  const base = pageBaseUrl();
  return base === null ? null : new URL(`${base}static/interval_nb/`, location.href);
}

function addStyle(css: { href?: string; text?: string }): void {
  const node = css.href ? document.createElement('link') : document.createElement('style');
  if (node instanceof HTMLLinkElement) {
    node.rel = 'stylesheet';
    node.href = css.href ?? '';
  } else {
    node.textContent = css.text ?? '';
  }
  node.dataset.intervalNb = 'runview';
  document.head.append(node);
}

async function fromServer(): Promise<IRenderer> {
  const root = ROUTE === 'served' ? serverRoot() : null;
  if (!root) {
    throw new Error('no Jupyter server on this page');
  }
  const url = new URL(`runview.js?v=${encodeURIComponent(VERSION)}`, root).href;
  const module = (await import(/* webpackIgnore: true */ url)) as { default: IRenderer };
  addStyle({ href: new URL(`runview.css?v=${encodeURIComponent(VERSION)}`, root).href });
  return module.default;
}

function isRendererMessage(message: unknown): message is IRendererMessage {
  const m = message as Partial<IRendererMessage> | null;
  return !!m && m.type === 'renderer' && typeof m.js === 'string' && typeof m.css === 'string';
}

function fromKernel(model: ILoaderModel): Promise<IRenderer> {
  return new Promise((resolve, reject) => {
    const onMessage = (message: unknown): void => {
      if (!isRendererMessage(message)) {
        return;
      }
      model.off('msg:custom', onMessage);
      addStyle({ text: message.css });
      const url = URL.createObjectURL(new Blob([message.js], { type: 'text/javascript' }));
      import(/* webpackIgnore: true */ url).then(m => resolve((m as { default: IRenderer }).default), reject);
    };
    model.on('msg:custom', onMessage);
    model.send({ type: 'renderer' });
  });
}

function load(model: ILoaderModel): Promise<IRenderer> {
  const cache = pageCache();
  let loading = cache.get(VERSION);
  if (!loading) {
    loading = fromServer().catch(() => fromKernel(model));
    cache.set(VERSION, loading);
  }
  return loading;
}

function placeholder(model: ILoaderModel, el: HTMLElement): void {
  const title = String(model.get('title') ?? '');
  const status = String(model.get('status') ?? '').replace(/_/g, ' ');
  el.textContent = [title, status].filter(Boolean).join(': ');
  el.dataset.intervalNb = 'loading';
}

async function render({ model, el }: IRenderProps): Promise<Cleanup | void> {
  placeholder(model, el);
  const renderer = await load(model);
  el.textContent = '';
  delete el.dataset.intervalNb;
  return renderer.render({ model, el });
}

export default { render };
