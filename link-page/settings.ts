// The page's settings read from the environment, each variable checked: a malformed one stops the page with one line naming it.
import { normalizeDomain } from '../actions/config.ts';
import { isLoopbackHost, linkPageUrlProblem, linkSecretProblem } from '../actions/link-page-tokens.ts';
import { BRAND_VARIABLES, readBrand, type Brand } from './brand.ts';
import { SettingsError } from './errors.ts';

export interface Settings {
  /** Where browsers and the page reach the tenant: `https://{AUTH0_DOMAIN}`, or AUTH0_BASE_URL for a local tenant. */
  tenantOrigin: string;
  /** The tenant's domain: the `iss` of the Action's offer and of the page's proof; the ID tokens' issuer is `https://{domain}/`. */
  tenantHost: string;
  /** The Management API audience, `https://{domain}/api/v2/`. */
  audience: string;
  clientId: string;
  clientSecret: string;
  /** LINK_SECRET when set; unset, the page derives it from clientSecret (linkSecretFromClientSecret), as `npm run deploy` does for the Action. */
  linkSecret: string | undefined;
  /** The page's public base URL without a trailing slash; its confirm view is `${baseUrl}/link`. */
  baseUrl: string;
  /** Connections offered on the connected accounts view; empty: one button that lets Universal Login ask. */
  connections: string[];
  /** Names people know connections by (LINK_PAGE_CONNECTION_LABELS), e.g. contoso-entra → "Contoso (work account)". */
  connectionLabels: Record<string, string>;
  /** The company's or application's name, logo and colours (LINK_PAGE_BRAND_NAME, …; see brand.ts). */
  brand: Brand;
  port: number;
  host: string;
}

type Env = Readonly<Record<string, string | undefined>>;

export const ENV_VARIABLES = [
  'AUTH0_DOMAIN',
  'AUTH0_BASE_URL',
  'LINK_PAGE_CLIENT_ID',
  'LINK_PAGE_CLIENT_SECRET',
  'LINK_SECRET',
  'LINK_PAGE_URL',
  'LINK_PAGE_CONNECTIONS',
  'LINK_PAGE_CONNECTION_LABELS',
  ...BRAND_VARIABLES,
  'PORT',
  'HOST',
] as const;

/** Reads and checks every variable; throws a SettingsError for the first one that is missing or malformed. */
export function readSettings(env: Env): Settings {
  const tenant = readTenant(required(env, 'AUTH0_DOMAIN'), env.AUTH0_BASE_URL?.trim());
  const linkSecret = env.LINK_SECRET === undefined || env.LINK_SECRET === '' ? undefined : env.LINK_SECRET;
  const secretProblem = linkSecret === undefined ? undefined : linkSecretProblem(linkSecret);
  if (secretProblem) throw new SettingsError('LINK_SECRET', secretProblem);
  return {
    ...tenant,
    clientId: required(env, 'LINK_PAGE_CLIENT_ID'),
    clientSecret: required(env, 'LINK_PAGE_CLIENT_SECRET'),
    linkSecret,
    baseUrl: readBaseUrl(env.LINK_PAGE_URL?.trim()),
    connections: readConnections(env.LINK_PAGE_CONNECTIONS),
    connectionLabels: readConnectionLabels(env.LINK_PAGE_CONNECTION_LABELS),
    brand: readBrand(env),
    port: readPort(env.PORT),
    host: env.HOST?.trim() || '127.0.0.1',
  };
}

function required(env: Env, name: string): string {
  const value = env[name]?.trim();
  if (!value) throw new SettingsError(name, 'is missing');
  return value;
}

function readTenant(domainValue: string, localOrigin: string | undefined): Pick<Settings, 'tenantOrigin' | 'tenantHost' | 'audience'> {
  const host = normalizeDomain(domainValue);
  if (host === undefined) throw new SettingsError('AUTH0_DOMAIN', 'is malformed: use the tenant host name, e.g. my-tenant.eu.auth0.com');
  return { tenantOrigin: localOrigin ? readLocalOrigin(localOrigin) : `https://${host}`, tenantHost: host, audience: `https://${host}/api/v2/` };
}

/** The project's local tenant keeps Auth0's names (issuer https://{domain}/) but is served over plain http on loopback. */
function readLocalOrigin(value: string): string {
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    url = undefined;
  }
  if (!url || url.protocol !== 'http:' || !isLoopbackHost(url.hostname) || url.pathname !== '/' || url.search !== '') {
    throw new SettingsError(
      'AUTH0_BASE_URL',
      "is malformed: use the local tenant's http origin on loopback, e.g. http://127.0.0.1:4000, or unset it for a real tenant",
    );
  }
  return url.origin;
}

/** The page's one OIDC callback, which its application must allow (`npm run deploy` sets it). */
export function callbackUrl(baseUrl: string): string {
  return `${baseUrl}/callback`;
}

/** The page's view after the tenant's /v2/logout: its returnTo, which its application's Allowed Logout URLs must hold (`npm run deploy` adds it). */
export function signedOutUrl(baseUrl: string): string {
  return `${baseUrl}/signed-out`;
}

/** The page's base URL from LINK_PAGE_URL (its confirm view, ending in /link); a SettingsError names what is wrong. */
export function readBaseUrl(value: string | undefined): string {
  const problem = linkPageUrlProblem(value);
  if (problem) throw new SettingsError('LINK_PAGE_URL', problem);
  const url = new URL(value!);
  if (!url.pathname.endsWith('/link')) throw new SettingsError('LINK_PAGE_URL', 'is malformed: use the page URL ending in /link, as the Action is given it');
  return `${url.origin}${url.pathname.slice(0, -'/link'.length)}`;
}

function readConnections(value: string | undefined): string[] {
  if (value === undefined || value.trim() === '') return [];
  const names = value.split(',').map((name) => name.trim());
  if (names.some((name) => !/^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$/.test(name))) {
    throw new SettingsError('LINK_PAGE_CONNECTIONS', 'is malformed: list connection names separated by commas');
  }
  return names;
}

/** `name=Label` pairs separated by commas, e.g. `contoso-entra=Contoso (work account),github=GitHub`. */
function readConnectionLabels(value: string | undefined): Record<string, string> {
  const labels: Record<string, string> = {};
  if (value === undefined || value.trim() === '') return labels;
  for (const pair of value.split(',')) {
    const eq = pair.indexOf('=');
    const name = pair.slice(0, eq).trim();
    const label = pair.slice(eq + 1).trim();
    if (eq < 0 || !/^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$/.test(name) || label === '' || label.length > 80) {
      throw new SettingsError('LINK_PAGE_CONNECTION_LABELS', 'is malformed: list connection=Label pairs separated by commas');
    }
    labels[name] = label;
  }
  return labels;
}

function readPort(value: string | undefined): number {
  if (value === undefined || value.trim() === '') return 3000;
  const port = /^\d+$/.test(value.trim()) ? Number(value) : NaN;
  if (!(port >= 0 && port <= 65535)) throw new SettingsError('PORT', 'is malformed: use a port number from 0 to 65535');
  return port;
}
