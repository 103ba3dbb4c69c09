// Test support for the linking page: its settings for a tenant, the page served on loopback, a cookie-keeping HTTP client.
import { SignJWT } from 'jose';
import { deriveLinkKeys, offerPayload, type LoginSide, type OfferInput } from '../../actions/link-page-tokens.ts';
import { startLinkPage } from '../../link-page/main.ts';
import { readSettings, type Settings } from '../../link-page/settings.ts';
import type { LocalTenant } from '../../scripts/local-tenant/local-tenant.ts';
import type { Client } from '../../scripts/local-tenant/state.ts';
import { loopbackPort } from '../../scripts/common/free-port.ts';

export const LINK_SECRET = 'test-link-secret-that-is-long-enough-0123456789';

/** The page's settings for a tenant; `baseUrl` from freeBaseUrl(), so the page's application can name its callback first. */
export function pageSettings(input: {
  domain: string;
  localOrigin?: string;
  baseUrl?: string;
  clientId?: string;
  clientSecret?: string;
  connections?: string;
}): Settings {
  const baseUrl = input.baseUrl ?? 'http://127.0.0.1:1';
  return readSettings({
    AUTH0_DOMAIN: input.domain,
    AUTH0_BASE_URL: input.localOrigin,
    LINK_PAGE_CLIENT_ID: input.clientId ?? 'page-client',
    LINK_PAGE_CLIENT_SECRET: input.clientSecret ?? 'page-client-secret',
    LINK_SECRET,
    LINK_PAGE_URL: `${baseUrl}/link`,
    LINK_PAGE_CONNECTIONS: input.connections,
    PORT: new URL(baseUrl).port,
  });
}

export interface RunningPage {
  url: string;
  settings: Settings;
  logs: string[];
  close(): Promise<void>;
}

/** Serves the page where its settings say; without a real base URL, on a free port. */
export async function servePage(settings: Settings, fetcher?: typeof fetch): Promise<RunningPage> {
  const logs: string[] = [];
  const served = settings.port === 1 ? { ...settings, ...portSettings(await freeBaseUrl()) } : settings;
  const running = await startLinkPage(served, { log: (line) => logs.push(line), ...(fetcher ? { fetch: fetcher } : {}) });
  return { url: served.baseUrl, settings: served, logs, close: running.close };
}

function portSettings(baseUrl: string): Pick<Settings, 'baseUrl' | 'port'> {
  return { baseUrl, port: Number(new URL(baseUrl).port) };
}

/** `http://127.0.0.1:{a free port}`: the page must know its public URL (callback, forms) before it listens. */
export async function freeBaseUrl(): Promise<string> {
  return `http://127.0.0.1:${await loopbackPort()}`;
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

/** The page's own application on a local tenant: a regular web app whose one callback is the page's. */
export function addPageApp(tenant: LocalTenant, baseUrl: string): Client {
  return tenant.state.addClient({
    name: 'Linking page',
    scopes: [],
    app_type: 'regular_web',
    callbacks: [`${baseUrl}/callback`],
    grant_types: ['authorization_code'],
    token_endpoint_auth_method: 'client_secret_post',
  });
}

/** A local tenant served over HTTP with the linking page in front of it, both on loopback. */
export async function pageOnTenant(tenant: LocalTenant, serverUrl: string, options: { connections?: string } = {}): Promise<RunningPage & { app: Client }> {
  const baseUrl = await freeBaseUrl();
  const app = addPageApp(tenant, baseUrl);
  const settings = pageSettings({
    domain: tenant.domain,
    localOrigin: serverUrl,
    baseUrl,
    clientId: app.client_id,
    clientSecret: app.client_secret,
    ...options,
  });
  return { ...(await servePage(settings)), app };
}
