/**
 * The app page's module (`interval_nb/static/app.js` once bundled): reads the page config,
 * follows the system's light/dark preference and starts the app in `#inb-app`.
 */
import { IntervalApi } from '../client/api';
import { cookieConnection } from '../client/cookieconnection';
import { readConfig } from './config';
import { App } from './shell';
import { followSystemTheme } from './theme';

/** Start the app on this page. */
export async function main(): Promise<void> {
  followSystemTheme();
  const root = document.getElementById('inb-app') ?? document.body;
  try {
    const config = readConfig();
    await new App(new IntervalApi(cookieConnection(config.baseUrl, config.xsrfToken)), config, root).start();
  } catch (err) {
    const message = document.createElement('p');
    message.className = 'inb-app-fatal';
    message.textContent = `The app cannot start: ${err instanceof Error ? err.message : err}`;
    root.append(message);
  }
}

void main();
