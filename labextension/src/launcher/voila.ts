/**
 * Voilà: end the page's kernel when the page goes away (Voilà 0.5 leaks it).
 *
 * Voilà's own `beforeunload` beacon, `POST voila/api/shutdown/<kernel>`, carries the `_xsrf`
 * cookie as a form field; but Voilà streams its page, so the cookie it sets while rendering
 * never reaches the browser, the field is empty and the server answers 403. Tornado's XSRF check
 * only compares that field with that cookie, so a random token of ours in the cookie (path = the
 * server's base URL, where jupyter_server puts its own) makes Voilà's beacon pass; an existing
 * cookie is kept. When the browser skips `beforeunload` (it may, e.g. on mobile), we send the
 * same shutdown on `pagehide` with the token as `X-XSRFToken`. Once per page however many
 * launchers it shows, and only in Voilà pages (`<body data-voila>` and a `kernelId` in the page
 * config): in JupyterLab and Notebook, kernels outlive their tabs on purpose.
 */

const VOILA_HOOK: unique symbol = Symbol.for('interval_nb.voilaKernelShutdown');

/** The page's Voilà configuration: which kernel, under which base URL. */
interface VoilaConfig {
  kernelId: string;
  baseUrl: string;
}

/** Where the hook notes that it is installed (the kernel id), shared by every launcher. */
const page = window as Window & { [VOILA_HOOK]?: string };

function voilaPageConfig(): VoilaConfig | null {
  if (!document.body || document.body.dataset.voila !== 'voila') {
    return null;
  }
  try {
    const config: unknown = JSON.parse(document.getElementById('jupyter-config-data')?.textContent ?? '');
    const c = (config ?? {}) as Partial<VoilaConfig>;
    return typeof c.kernelId === 'string' && c.kernelId && typeof c.baseUrl === 'string' ? (c as VoilaConfig) : null;
  } catch {
    return null;
  }
}

function ensureXsrfCookie(baseUrl: string): string {
  const found = document.cookie.match(/(?:^|;\s*)_xsrf=([^;]+)/);
  if (found) {
    return decodeURIComponent(found[1]);
  }
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  const token = Array.from(bytes, b => b.toString(16).padStart(2, '0')).join('');
  document.cookie = `_xsrf=${token}; path=${baseUrl}; SameSite=Lax`;
  return token;
}

/** Install the page-close hook (once per page, Voilà pages only). */
export function shutdownVoilaKernelOnClose(): void {
  if (page[VOILA_HOOK]) {
    return;
  }
  const config = voilaPageConfig();
  if (!config) {
    return;
  }
  page[VOILA_HOOK] = config.kernelId;
  ensureXsrfCookie(config.baseUrl);
  let voilaSent = false; // Voilà's beacon goes on `beforeunload`: then ours would be a second one
  window.addEventListener('beforeunload', () => {
    voilaSent = true;
  });
  window.addEventListener('pagehide', ev => {
    if (voilaSent || ev.persisted) {
      return; // persisted: kept in the back/forward cache, may return
    }
    const url = `${config.baseUrl}voila/api/shutdown/${encodeURIComponent(config.kernelId)}`;
    const headers = { 'X-XSRFToken': ensureXsrfCookie(config.baseUrl) };
    fetch(url, { method: 'POST', keepalive: true, credentials: 'same-origin', headers }).catch(() => undefined);
  });
}
