// Runs the linking page on Node: settings from the environment (one line and exit 2 when one is wrong), then an HTTP server.
import { readFile } from 'node:fs/promises';
import { serve } from '@hono/node-server';
import { createLinkPage } from './app.ts';
import { SettingsError } from './errors.ts';
import { readSettings, type Settings } from './settings.ts';

export async function loadAssets(): Promise<{ css: string; script: string }> {
  const [css, script] = await Promise.all(['styles.css', 'auto-submit.js'].map((name) => readFile(new URL(`./static/${name}`, import.meta.url), 'utf8')));
  return { css: css!, script: script! };
}

export async function startLinkPage(settings: Settings, options: { fetch?: typeof fetch; log?: (line: string) => void } = {}) {
  const app = await createLinkPage(settings, { assets: await loadAssets(), ...options });
  return new Promise<{ url: string; close: () => Promise<void> }>((resolve) => {
    const server = serve({ fetch: app.fetch, port: settings.port, hostname: settings.host }, (info) => {
      resolve({
        url: `http://${settings.host}:${info.port}`,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            // Browsers keep connections open (keep-alive): without this, close waits for them to time out.
            if ('closeAllConnections' in server) server.closeAllConnections();
          }),
      });
    });
  });
}

async function main(): Promise<void> {
  let settings: Settings;
  try {
    settings = readSettings(process.env);
  } catch (error) {
    if (!(error instanceof SettingsError)) throw error;
    console.error(`link-page: ${error.message} (see docs/linking-page.md)`);
    process.exit(2);
  }
  const running = await startLinkPage(settings);
  console.log(`link-page: listening on ${running.url}; confirm view ${settings.baseUrl}/link, connected accounts ${settings.baseUrl}/accounts`);
  const stop = () => void running.close().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
