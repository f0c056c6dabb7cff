/**
 * The API client's connection inside JupyterLab: Lab's own `ServerConnection` settings, so
 * requests carry Lab's authentication (token header, XSRF cookie) and work under a JupyterHub
 * `base_url`.
 */
import { URLExt } from '@jupyterlab/coreutils';
import { ServerConnection } from '@jupyterlab/services';

import { IConnection } from './client/api';

/** An `IConnection` over `settings` (by default, the page's). */
export function labConnection(
  settings: ServerConnection.ISettings = ServerConnection.makeSettings()
): IConnection {
  return {
    baseUrl: settings.baseUrl,
    fetch: (url, init) => ServerConnection.makeRequest(url, init, settings),
    socket: path => {
      const url = URLExt.join(settings.wsUrl, path);
      // Same authentication as Lab's own kernel websockets: the token as a query parameter
      // when the page was opened with one (cookies cover the rest).
      const token = settings.token;
      const authed = token && settings.appendToken ? `${url}?token=${encodeURIComponent(token)}` : url;
      return new settings.WebSocket(authed);
    }
  };
}
