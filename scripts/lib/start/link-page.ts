// `npm start`'s linking page: served on loopback beside the local tenant, signed in as the application the deploy made for it.
import { startLinkPage } from '../../../link-page/main.ts';
import { readSettings } from '../../../link-page/settings.ts';
import { loopbackPort } from '../free-port.ts';
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

/**
 * The page's confirm URL, chosen before the deploy names it in the Action's LINK_PAGE_URL and the page's callback: the
 * port after the tenant's when that was chosen (so printed commands stay the same), else a free one.
 */
export async function demoLinkPageUrl(tenantPort: number): Promise<string> {
  const wanted = tenantPort === 0 ? 0 : tenantPort + 1;
  const port = await loopbackPort(wanted).catch((error: unknown) => {
    if ((error as { code?: string }).code !== 'EADDRINUSE') throw error;
    throw new CliError(`port ${wanted} on 127.0.0.1, the linking page's (--port + 1), is in use: stop that process or pick another --port`);
  });
  return `http://127.0.0.1:${port}/link`;
}

/** Starts the page at `confirmUrl` on the page's application `app`; LINK_SECRET is derived from its client secret, as deploy did. */
export async function startDemoLinkPage(input: { confirmUrl: string; tenantUrl: string; domain: string; app: Client }): Promise<DemoLinkPage> {
  const settings = readSettings({
    AUTH0_DOMAIN: input.domain,
    AUTH0_BASE_URL: input.tenantUrl,
    LINK_PAGE_CLIENT_ID: input.app.client_id,
    LINK_PAGE_CLIENT_SECRET: input.app.client_secret,
    LINK_PAGE_URL: input.confirmUrl,
    PORT: new URL(input.confirmUrl).port,
  });
  const logs: string[] = [];
  const running = await startLinkPage(settings, { log: (line) => logs.push(line) });
  return { confirmUrl: input.confirmUrl, accountsUrl: `${settings.baseUrl}/accounts`, logs, close: running.close };
}
