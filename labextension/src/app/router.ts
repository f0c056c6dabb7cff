/**
 * Where the app page is, in its URL: `#actions` (the launcher, the default), `#inbox`,
 * `#runs`, `#run=<id>`; and `?action=<slug>` on first open, a link that starts one action.
 */

/** A place in the app. */
export type Route =
  | { view: 'actions' }
  | { view: 'inbox' }
  | { view: 'runs' }
  | { view: 'run'; runId: string };

/** The route a location hash names (an unknown hash is the launcher). */
export function parseHash(hash: string): Route {
  const text = hash.replace(/^#/, '');
  if (text.startsWith('run=')) {
    const runId = decodeURIComponent(text.slice(4));
    return runId ? { view: 'run', runId } : { view: 'actions' };
  }
  if (text === 'inbox' || text === 'runs') {
    return { view: text };
  }
  return { view: 'actions' };
}

/** The hash of `route`. */
export function routeHash(route: Route): string {
  return route.view === 'run' ? `#run=${encodeURIComponent(route.runId)}` : `#${route.view}`;
}

/** The action a first open asks to start (`?action=<slug>`), when the URL names no place. */
export function deepLinkedAction(where: Location = location): string | null {
  if (where.hash && where.hash !== '#') {
    return null;
  }
  return new URLSearchParams(where.search).get('action') || null;
}

/** Go to `route`; `replace` rewrites the current history entry (and drops `?action=`). */
export function navigate(route: Route, replace = false): void {
  const url = location.pathname + routeHash(route);
  if (replace) {
    history.replaceState(null, '', url);
    window.dispatchEvent(new HashChangeEvent('hashchange'));
  } else {
    location.hash = routeHash(route);
  }
}

/**
 * Take a `?token=` out of the address bar once the page is open (the server has set its login
 * cookie by then), as JupyterLab does: a copied link or a screenshot does not carry it.
 */
export function forgetToken(): void {
  const url = new URL(location.href);
  if (url.searchParams.has('token')) {
    url.searchParams.delete('token');
    history.replaceState(null, '', url.pathname + url.search + url.hash);
  }
}
