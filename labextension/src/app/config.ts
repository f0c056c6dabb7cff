/**
 * The app page's config: what the server put in `<script id="inb-app-config">` (JSON).
 */

/** What the server tells the page. */
export interface IAppConfig {
  /** The Jupyter server's base URL, ending in `/`. */
  baseUrl: string;
  /** The XSRF token for API requests (also in the `_xsrf` cookie). */
  xsrfToken: string;
  /** The app's title (`c.IntervalNB.app_title`). */
  title: string;
}

/** Read the page config; throws with a clear message when the page was not served by the server. */
export function readConfig(doc: Document = document): IAppConfig {
  const node = doc.getElementById('inb-app-config');
  let raw: unknown = null;
  try {
    raw = JSON.parse(node?.textContent ?? '');
  } catch {
    raw = null;
  }
  const data = (raw && typeof raw === 'object' ? raw : {}) as Record<string, unknown>;
  if (typeof data.baseUrl !== 'string') {
    throw new Error('This page has no config: open it from the Jupyter server, at {base_url}interval/.');
  }
  return {
    baseUrl: data.baseUrl,
    xsrfToken: typeof data.xsrfToken === 'string' ? data.xsrfToken : '',
    title: typeof data.title === 'string' && data.title ? data.title : 'Internal tools'
  };
}
