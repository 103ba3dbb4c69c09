// Test support for the linking page: its settings for a tenant, the page served on loopback, a cookie-keeping HTTP client.
import { SignJWT } from 'jose';
import { deriveLinkKeys, OFFER_TYP, type OfferedAccount } from '../../actions/link-page-tokens.ts';
import { startLinkPage } from '../../link-page/main.ts';
import { readSettings, type Settings } from '../../link-page/settings.ts';

export const LINK_SECRET = 'test-link-secret-that-is-long-enough-0123456789';

export function pageSettings(input: { domain: string; localOrigin?: string; clientId?: string; clientSecret?: string; connections?: string }): Settings {
  return readSettings({
    AUTH0_DOMAIN: input.domain,
    LOCAL_TENANT_ORIGIN: input.localOrigin,
    LINK_PAGE_CLIENT_ID: input.clientId ?? 'page-client',
    LINK_PAGE_CLIENT_SECRET: input.clientSecret ?? 'page-client-secret',
    LINK_SECRET,
    // The port is replaced once the server listens; 0 lets the system pick one.
    LINK_PAGE_URL: 'http://127.0.0.1:1/link',
    LINK_PAGE_CONNECTIONS: input.connections,
    PORT: '0',
  });
}

export interface RunningPage {
  url: string;
  settings: Settings;
  logs: string[];
  close(): Promise<void>;
}

/** Serves the page on a free loopback port, its base URL set to where it listens. */
export async function servePage(settings: Settings, fetcher?: typeof fetch): Promise<RunningPage> {
  const logs: string[] = [];
  // The page must know its own public URL (callback, forms) before it listens: find a free port first.
  const port = await freePort();
  const served = { ...settings, port, baseUrl: `http://127.0.0.1:${port}` };
  const running = await startLinkPage(served, { log: (line) => logs.push(line), ...(fetcher ? { fetch: fetcher } : {}) });
  return { url: served.baseUrl, settings: served, logs, close: running.close };
}

async function freePort(): Promise<number> {
  const { createServer } = await import('node:net');
  return new Promise((resolve, reject) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/** An offer as the Action's api.redirect.encodeToken makes it. */
export async function offerToken(input: { issuer: string; sub: string; offers: OfferedAccount[]; secret?: string; exp?: number }): Promise<string> {
  const { offerKey } = await deriveLinkKeys(input.secret ?? LINK_SECRET);
  const exp = input.exp ?? Math.floor(Date.now() / 1000) + 600;
  return new SignJWT({ typ: OFFER_TYP, sub: input.sub, iss: input.issuer, exp, ip: '127.0.0.1', offers: input.offers })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .sign(new TextEncoder().encode(offerKey));
}

/** A browser-ish client: keeps cookies, never follows redirects, sends forms. */
export class PageClient {
  cookies = new Map<string, string>();

  async get(url: string): Promise<Response> {
    return this.send(url, { method: 'GET' });
  }

  async post(url: string, form: Record<string, string>, headers: Record<string, string> = {}): Promise<Response> {
    return this.send(url, { method: 'POST', body: new URLSearchParams(form), headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers } });
  }

  private async send(url: string, init: RequestInit): Promise<Response> {
    const cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    const response = await fetch(url, { ...init, redirect: 'manual', headers: { ...(init.headers as Record<string, string>), ...(cookie ? { cookie } : {}) } });
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const eq = pair!.indexOf('=');
      const value = pair!.slice(eq + 1);
      if (value === '' || /max-age=0/i.test(line)) this.cookies.delete(pair!.slice(0, eq));
      else this.cookies.set(pair!.slice(0, eq), value);
    }
    return response;
  }
}

/** The value of the hidden field `name` in a page's HTML. */
export function hiddenField(html: string, name: string): string | undefined {
  return new RegExp(`name="${name}" value="([^"]*)"`).exec(html)?.[1];
}
