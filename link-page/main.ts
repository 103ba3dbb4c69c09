// Runs the linking page on Node, with the scripts' convention: --help, --json, unknown flags refused (exit 2), settings from
// the environment or a .env file in the working directory (a missing or malformed one, or an address it cannot listen on,
// is one line and exit 1), then an HTTP server. Self-contained: the page deploys without scripts/ (see its Dockerfile).
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { createAdaptorServer } from '@hono/node-server';
import { createLinkPage } from './app.ts';
import { SettingsError } from './errors.ts';
import { ENV_VARIABLES, readSettings, type Settings } from './settings.ts';

export async function loadAssets(): Promise<{ css: string; script: string }> {
  const [css, script] = await Promise.all(['styles.css', 'auto-submit.js'].map((name) => readFile(new URL(`./static/${name}`, import.meta.url), 'utf8')));
  return { css: css!, script: script! };
}

/** Why the page cannot listen where its settings say, as one line naming the setting; undefined for any other error. */
export function listenProblem(error: unknown, settings: Pick<Settings, 'host' | 'port'>): string | undefined {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const where = `${settings.host}:${settings.port}`;
  if (code === 'EADDRINUSE') return `port ${settings.port} on ${settings.host} is in use: stop that process, or set PORT to another port`;
  if (code === 'EACCES') return `listening on ${where} is not permitted (ports below 1024 need privileges): set PORT to a port above 1023`;
  if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND' || code === 'EAI_AGAIN' || code === 'EAFNOSUPPORT')
    return `HOST ${settings.host} is not an address of this machine (${code}): set HOST to one, e.g. 127.0.0.1 or 0.0.0.0`;
  return undefined;
}

/** The page's server, listening before the page is built: its port is known first, so its URL (and callback) can name it. */
export interface PageServer {
  /** The port it listens on: the one asked for, or the free one it got for 0. */
  port: number;
  /** Serves the page built from `settings` from now on; until then every request is answered 503. */
  serve(settings: Settings, options?: { fetch?: typeof fetch; log?: (line: string) => void }): Promise<void>;
  close(): Promise<void>;
}

/** Listens on `host`:`port` (0: a free one); rejects with the listen error (listenProblem names it) instead of crashing. */
export async function listenForPage(host: string, port: number): Promise<PageServer> {
  let page: { fetch: (request: Request) => Response | Promise<Response> } | undefined;
  const server = createAdaptorServer({
    fetch: (request: Request) => (page ? page.fetch(request) : new Response('The linking page is starting.', { status: 503 })),
    hostname: host,
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  const close = () =>
    new Promise<void>((done) => {
      server.close(() => done());
      // Browsers keep connections open (keep-alive): without this, close waits for them to time out.
      if ('closeAllConnections' in server) server.closeAllConnections();
    });
  if (typeof address !== 'object' || address === null) {
    await close();
    throw new Error(`no port on ${host}`);
  }
  return {
    port: address.port,
    serve: async (settings, options = {}) => {
      page = await createLinkPage(settings, { assets: await loadAssets(), ...options });
    },
    close,
  };
}

async function startLinkPage(settings: Settings, options: { fetch?: typeof fetch; log?: (line: string) => void } = {}) {
  const server = await listenForPage(settings.host, settings.port);
  try {
    await server.serve(settings, options);
  } catch (error) {
    await server.close();
    throw error;
  }
  return { url: `http://${settings.host}:${server.port}`, close: server.close };
}

const USAGE = `Usage: npm run link-page -- [--json]

Serves the linking page: the confirm view the Action sends people to (LINK_PAGE_URL, ending in /link) and the
connected-accounts view (/accounts). Runs until Ctrl-C. See docs/linking-page.md.

Options:
  --json       print one line of JSON when listening ({ok, url, confirmUrl, accountsUrl}), or {ok: false, error}
  --help, -h   show this help

Environment (or a .env file in the working directory; the environment wins):
  ${ENV_VARIABLES.join(', ')}

Exit codes: 0 ok, 1 failure (a missing or malformed setting, an address it cannot listen on), 2 usage error.`;

/** The environment over the working directory's .env file, as the scripts read it (the environment wins). */
function environment(): NodeJS.ProcessEnv {
  if (existsSync('.env')) process.loadEnvFile('.env');
  return process.env;
}

async function main(argv: string[]): Promise<number> {
  let json = false;
  try {
    const { values } = parseArgs({
      args: argv,
      options: { help: { type: 'boolean', short: 'h' }, json: { type: 'boolean' } },
      strict: true,
      allowPositionals: false,
    });
    if (values.help) {
      process.stdout.write(`${USAGE}\n`);
      return 0;
    }
    json = values.json ?? false;
  } catch (error) {
    process.stderr.write(`error: ${(error as Error).message.replace(/\. To specify a positional argument.*$/s, '')}\n\n${USAGE}\n`);
    return 2;
  }
  const fail = (message: string): number => {
    if (json) process.stdout.write(`${JSON.stringify({ ok: false, error: message })}\n`);
    process.stderr.write(`error: ${message}\n`);
    return 1;
  };
  let settings: Settings;
  try {
    settings = readSettings(environment());
  } catch (error) {
    if (error instanceof SettingsError) return fail(`${error.message} (set in the environment or .env; see docs/linking-page.md)`);
    if (error instanceof Error && /\.env/.test(error.message)) return fail(`.env cannot be read: ${error.message.split('\n')[0]}`);
    throw error;
  }
  let running: Awaited<ReturnType<typeof startLinkPage>>;
  try {
    running = await startLinkPage(settings);
  } catch (error) {
    const problem = listenProblem(error, settings);
    if (problem === undefined) throw error;
    return fail(problem);
  }
  const views = { confirmUrl: `${settings.baseUrl}/link`, accountsUrl: `${settings.baseUrl}/accounts` };
  if (json) process.stdout.write(`${JSON.stringify({ ok: true, url: running.url, ...views })}\n`);
  else
    process.stdout.write(
      `link-page: listening on ${running.url}; confirm view ${views.confirmUrl}, connected accounts ${views.accountsUrl} (Ctrl-C stops it)\n`,
    );
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await running.close();
  return 0;
}

if (import.meta.url === `file://${process.argv[1]}`) process.exitCode = await main(process.argv.slice(2));
