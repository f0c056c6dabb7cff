/**
 * What a page Jupyter served says about its server: the base URL in `jupyter-config-data`
 * (JupyterLab, Notebook 7 and Voilà pages have it).
 */

/** The server's base URL, ending in `/`, if the page says; else null. */
export function pageBaseUrl(doc: Document = document): string | null {
  try {
    const base: unknown = JSON.parse(doc.getElementById('jupyter-config-data')?.textContent ?? 'null')?.baseUrl;
    return typeof base === 'string' ? base.replace(/\/?$/, '/') : null;
  } catch {
    return null;
  }
}
