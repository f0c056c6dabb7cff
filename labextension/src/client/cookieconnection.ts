/**
 * The API client's connection on the app page: same-origin requests with the person's Jupyter
 * login cookie, and the XSRF header Jupyter asks of cookie-authenticated writes.
 */
import { IConnection, joinUrl } from '../client/api';
import { IAppConfig } from './config';

/** The `_xsrf` cookie (Jupyter may renew it), else the token the page was served with. */
function xsrfToken(config: IAppConfig): string {
  const match = document.cookie.match(/(?:^|;\s*)_xsrf=([^;]*)/);
  return match ? decodeURIComponent(match[1]) : config.xsrfToken;
}

/** An `IConnection` for the page served with `config`. */
export function appConnection(config: IAppConfig): IConnection {
  return {
    baseUrl: config.baseUrl,
    fetch: (url, init) => {
      const headers = new Headers(init.headers);
      headers.set('X-XSRFToken', xsrfToken(config));
      return window.fetch(url, { ...init, headers, credentials: 'same-origin' });
    },
    socket: path => {
      const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
      return new WebSocket(`${scheme}//${location.host}${joinUrl(config.baseUrl, path)}`);
    }
  };
}
