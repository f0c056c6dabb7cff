/**
 * The API client's connection on a page outside JupyterLab that the Jupyter server served (the
 * app page, a Voilà dashboard under `/voila/render/`): same-origin requests with the person's
 * Jupyter login cookie, and the XSRF header Jupyter asks of cookie-authenticated writes.
 */
import { IConnection, joinUrl } from './api';

export { pageBaseUrl } from '../common/page';

/** The `_xsrf` cookie (Jupyter may renew it), else `fallback`. */
function xsrfToken(fallback: string): string {
  const match = document.cookie.match(/(?:^|;\s*)_xsrf=([^;]*)/);
  return match ? decodeURIComponent(match[1]) : fallback;
}

/** An `IConnection` to the server at `baseUrl`; `xsrfToken`: the page's, if it was given one. */
export function cookieConnection(baseUrl: string, xsrfFallback = ''): IConnection {
  return {
    baseUrl,
    fetch: (url, init) => {
      const headers = new Headers(init.headers);
      headers.set('X-XSRFToken', xsrfToken(xsrfFallback));
      return window.fetch(url, { ...init, headers, credentials: 'same-origin' });
    },
    socket: path => {
      const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
      return new WebSocket(`${scheme}//${location.host}${joinUrl(baseUrl, path)}`);
    }
  };
}
