// Test support for the linking page: its settings for a tenant, the page served on loopback, a cookie-keeping HTTP client.
import { SignJWT } from 'jose';
import { deriveLinkKeys, offerPayload, type LoginSide, type OfferInput } from '../../actions/link-page-tokens.ts';
import type { Hono } from 'hono';
import { createLinkPage } from '../../link-page/app.ts';
import type { PageEnv } from '../../link-page/context.ts';
import { listenForPage, loadAssets, type PageServer } from '../../link-page/main.ts';
import { readSettings, signedOutUrl, type Settings } from '../../link-page/settings.ts';
import type { Client, LocalTenant } from '../../local-tenant/index.ts';

export const LINK_SECRET = 'test-link-secret-that-is-long-enough-0123456789';

/** The page's settings for a tenant; `baseUrl` where it listens (listenOnLoopback), so the page's application can name its callback first. */
export function pageSettings(input: {
  domain: string;
  localOrigin?: string;
  baseUrl?: string;
  clientId?: string;
  clientSecret?: string;
  connections?: string;
  connectionLabels?: string;
  /** More of the page's variables, e.g. the brand's (LINK_PAGE_BRAND_NAME, …). */
  env?: Record<string, string | undefined>;
}): Settings {
  // Without one, a placeholder nothing listens on: servePage replaces it with the port it got.
  const baseUrl = input.baseUrl ?? 'http://127.0.0.1:1';
  return readSettings({
    AUTH0_DOMAIN: input.domain,
    AUTH0_BASE_URL: input.localOrigin,
    LINK_PAGE_CLIENT_ID: input.clientId ?? 'page-client',
    LINK_PAGE_CLIENT_SECRET: input.clientSecret ?? 'page-client-secret',
    LINK_SECRET,
    LINK_PAGE_URL: `${baseUrl}/link`,
    LINK_PAGE_CONNECTIONS: input.connections,
    LINK_PAGE_CONNECTION_LABELS: input.connectionLabels,
    PORT: new URL(baseUrl).port,
    ...input.env,
  });
}

export interface RunningPage {
  url: string;
  settings: Settings;
  logs: string[];
  close(): Promise<void>;
}

/** A server for the page listening on a free loopback port, and its base URL: the page's URL (callback, forms) names that port. */
export async function listenOnLoopback(): Promise<{ server: PageServer; baseUrl: string }> {
  const server = await listenForPage('127.0.0.1', 0);
  return { server, baseUrl: `http://127.0.0.1:${server.port}` };
}

/** Serves the page on `listening` (default: a free port, its settings' base URL set to it). */
export async function servePage(
  settings: Settings,
  options: { fetch?: typeof fetch; listening?: { server: PageServer; baseUrl: string } } = {},
): Promise<RunningPage> {
  const { server, baseUrl } = options.listening ?? (await listenOnLoopback());
  const served: Settings = { ...settings, baseUrl, port: server.port };
  const logs: string[] = [];
  try {
    await server.serve(served, { log: (line) => logs.push(line), ...(options.fetch ? { fetch: options.fetch } : {}) });
  } catch (error) {
    await server.close();
    throw error;
  }
  return { url: baseUrl, settings: served, logs, close: server.close };
}

/** The login side an offer names when a test does not say: an Entra ID login. */
export const ENTRA_LOGIN: LoginSide = { provider: 'waad', connection: 'contoso-entra', hint: 'c•••@c•••.com' };

/** An offer as the Action's api.redirect.encodeToken makes it (offerPayload: the accounts sealed, named by ref). */
export async function offerToken(input: {
  issuer: string;
  sub: string;
  offers: OfferInput[];
  login?: LoginSide;
  secret?: string;
  exp?: number;
}): Promise<string> {
  const keys = await deriveLinkKeys(input.secret ?? LINK_SECRET);
  const exp = input.exp ?? Math.floor(Date.now() / 1000) + 600;
  const payload = await offerPayload(keys, input.sub, input.login ?? ENTRA_LOGIN, input.offers);
  return new SignJWT({ ...payload, sub: input.sub, iss: input.issuer, exp, ip: '127.0.0.1' })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .sign(new TextEncoder().encode(keys.offerKey));
}

/** The page's own application on a local tenant, as the deploy makes it: its one callback, and its signed-out view as the logout returnTo. */
export function addPageApp(tenant: LocalTenant, baseUrl: string): Client {
  return tenant.state.addClient({
    name: 'Linking page',
    scopes: [],
    app_type: 'regular_web',
    callbacks: [`${baseUrl}/callback`],
    allowed_logout_urls: [signedOutUrl(baseUrl)],
    grant_types: ['authorization_code'],
    token_endpoint_auth_method: 'client_secret_post',
  });
}

/** A local tenant served over HTTP with the linking page in front of it, both on loopback. */
export async function pageOnTenant(
  tenant: LocalTenant,
  serverUrl: string,
  options: { connections?: string; connectionLabels?: string; env?: Record<string, string> } = {},
): Promise<RunningPage & { app: Client }> {
  const listening = await listenOnLoopback();
  const { baseUrl } = listening;
  const app = addPageApp(tenant, baseUrl);
  const settings = pageSettings({
    domain: tenant.domain,
    localOrigin: serverUrl,
    baseUrl,
    clientId: app.client_id,
    clientSecret: app.client_secret,
    ...options,
  });
  return { ...(await servePage(settings, { listening })), app };
}

/** The page as a Hono app reached in memory (app.request), not over a socket; the test owns its clock. */
export interface PageInMemory {
  /** The page's base URL: https, so its cookie is the __Host- one. Nothing listens there. */
  url: string;
  app: Hono<PageEnv>;
  settings: Settings;
  logs: string[];
  /** fetch for a BrowserlessAgent: the page's URLs go to the app, the rest (the tenant) to the network. */
  fetch: typeof fetch;
}

export const IN_MEMORY_BASE_URL = 'https://link.example.test';

/** The page in memory with `settings`; `now` in epoch ms (default the real clock); `pageFetch` wraps the page's calls to the tenant. */
export async function pageInMemory(settings: Settings, options: { now?: () => number; pageFetch?: typeof fetch } = {}): Promise<PageInMemory> {
  const logs: string[] = [];
  const app = await createLinkPage(settings, {
    assets: await loadAssets(),
    log: (line) => logs.push(line),
    ...(options.now ? { now: options.now } : {}),
    ...(options.pageFetch ? { fetch: options.pageFetch } : {}),
  });
  const base = settings.baseUrl;
  const routed: typeof fetch = async (input, init) => {
    const url = input instanceof Request ? input.url : String(input);
    return url === base || url.startsWith(`${base}/`) ? app.request(url, init) : fetch(input, init);
  };
  return { url: base, app, settings, logs, fetch: routed };
}

/** The page in memory in front of a local tenant served over loopback HTTP, on its own application. */
export async function pageInMemoryOnTenant(
  tenant: LocalTenant,
  serverUrl: string,
  options: { connections?: string; connectionLabels?: string; now?: () => number; pageFetch?: typeof fetch } = {},
): Promise<PageInMemory & { client: Client }> {
  const client = addPageApp(tenant, IN_MEMORY_BASE_URL);
  const settings = pageSettings({
    domain: tenant.domain,
    localOrigin: serverUrl,
    baseUrl: IN_MEMORY_BASE_URL,
    clientId: client.client_id,
    clientSecret: client.client_secret,
    ...(options.connections ? { connections: options.connections } : {}),
    ...(options.connectionLabels ? { connectionLabels: options.connectionLabels } : {}),
  });
  return { ...(await pageInMemory(settings, options)), client };
}

/** A view's text as a person reads it: no tags, entities decoded, spaces collapsed. */
export function visibleText(html: string): string {
  return html
    .replace(/<(script|style)[^>]*>[\s\S]*?<\/\1>/g, ' ')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&#39;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ')
    .replace(/ ([.,?!:;])/g, '$1')
    .trim();
}
