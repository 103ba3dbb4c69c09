// `npm start`'s linking page: served on loopback beside the local tenant, signed in as the application the deploy made for it.
import { listenForPage, type PageServer } from '../../../link-page/main.ts';
import { readSettings } from '../../../link-page/settings.ts';
import { CliError } from '../cli.ts';
import type { Client } from '../../../local-tenant/index.ts';

export interface DemoLinkPage {
  /** LINK_PAGE_URL: the confirm view the Action sends people to. */
  confirmUrl: string;
  /** The connected-accounts view, where a signed-in person links and unlinks their own accounts. */
  accountsUrl: string;
  /** The page's request lines (never a token or an email), for --json. */
  logs: string[];
  close(): Promise<void>;
}

/** The page's server, listening before the deploy names its URL in the Action's LINK_PAGE_URL and the page's callback. */
export interface DemoPageServer {
  /** LINK_PAGE_URL, on the port the server got. */
  confirmUrl: string;
  server: PageServer;
}

/**
 * Listens for the page: on the port after the tenant's when that was chosen (so printed commands stay the same), else on a
 * free one. The page is served there once its application exists (startDemoLinkPage); until then it answers 503.
 */
export async function listenForDemoLinkPage(tenantPort: number): Promise<DemoPageServer> {
  const wanted = tenantPort === 0 ? 0 : tenantPort + 1;
  const server = await listenForPage('127.0.0.1', wanted).catch((error: unknown) => {
    if ((error as { code?: string }).code !== 'EADDRINUSE') throw error;
    throw new CliError(`port ${wanted} on 127.0.0.1, the linking page's (--port + 1), is in use: stop that process or pick another --port`);
  });
  return { confirmUrl: `http://127.0.0.1:${server.port}/link`, server };
}

/** Serves the page on `listening` as the page's application `app`; LINK_SECRET is derived from its client secret, as deploy did. */
export async function startDemoLinkPage(input: { listening: DemoPageServer; tenantUrl: string; domain: string; app: Client }): Promise<DemoLinkPage> {
  const { confirmUrl, server } = input.listening;
  const settings = readSettings({
    AUTH0_DOMAIN: input.domain,
    AUTH0_BASE_URL: input.tenantUrl,
    LINK_PAGE_CLIENT_ID: input.app.client_id,
    LINK_PAGE_CLIENT_SECRET: input.app.client_secret,
    LINK_PAGE_URL: confirmUrl,
    PORT: String(server.port),
  });
  const logs: string[] = [];
  await server.serve(settings, { log: (line) => logs.push(line) });
  return { confirmUrl, accountsUrl: `${settings.baseUrl}/accounts`, logs, close: server.close };
}
