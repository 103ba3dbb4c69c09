// The scripts' Management API client: the `auth0` SDK from environment credentials, routed to AUTH0_BASE_URL when set, with errors an admin can act on.
import { ManagementClient, ManagementError } from 'auth0';
import { normalizeDomain } from '../../../actions/config.ts';
import { CliError } from '../cli.ts';
import { requireEnv, type Env } from '../env.ts';
import type { Fetch } from '../routed-fetch.cjs';
import { tenantFetch, tenantProblem } from './tenant-fetch.ts';

export interface TenantCredentials {
  domain: string;
  clientId: string;
  clientSecret: string;
  /** Where https://{domain} is really served (the local tenant); absent for a real tenant. */
  baseUrl?: string;
}

/** The admin's credentials from AUTH0_DOMAIN, AUTH0_CLIENT_ID, AUTH0_CLIENT_SECRET (and AUTH0_BASE_URL). */
export function credentialsFromEnv(env: Env, purpose: string): TenantCredentials {
  const values = requireEnv(env, ['AUTH0_DOMAIN', 'AUTH0_CLIENT_ID', 'AUTH0_CLIENT_SECRET'], purpose);
  const domain = domainFrom(values.AUTH0_DOMAIN);
  const baseUrl = baseUrlFrom(env.AUTH0_BASE_URL?.trim());
  return { domain, clientId: values.AUTH0_CLIENT_ID, clientSecret: values.AUTH0_CLIENT_SECRET, ...(baseUrl ? { baseUrl } : {}) };
}

/** AUTH0_DOMAIN reduced to the host name; http:// and a port are refused with what is accepted instead. */
function domainFrom(value: string): string {
  if (/^http:\/\//i.test(value)) {
    throw new CliError(
      `AUTH0_DOMAIN starts with http://: Auth0 is served over HTTPS only; give the host name (https:// in front is accepted), e.g. my-tenant.eu.auth0.com`,
    );
  }
  const domain = normalizeDomain(value);
  if (domain === undefined) throw new CliError(`AUTH0_DOMAIN "${value}" is not a host name: use the tenant's domain, e.g. my-tenant.eu.auth0.com`);
  if (domain.includes(':')) {
    throw new CliError(
      `AUTH0_DOMAIN "${domain}" has a port: an Auth0 domain has none (HTTPS on 443); for a local tenant set AUTH0_BASE_URL to where it is served`,
    );
  }
  return domain;
}

/** AUTH0_BASE_URL: an http(s) origin only, since every https://{domain}/… path is sent to it unchanged. */
function baseUrlFrom(value: string | undefined): string | undefined {
  if (!value) return undefined;
  const example = 'use an origin such as http://127.0.0.1:4010, or unset it for a real tenant';
  if (!URL.canParse(value)) throw new CliError(`AUTH0_BASE_URL "${value}" is not a URL: ${example}`);
  const url = new URL(value);
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new CliError(`AUTH0_BASE_URL must be http:// or https://, got ${url.protocol}//: ${example}`);
  if (url.pathname !== '/' || url.search !== '' || url.hash !== '' || url.username !== '' || url.password !== '') {
    throw new CliError(`AUTH0_BASE_URL must be an origin without a path, query or credentials (the tenant's paths are added to it): ${example}`);
  }
  return url.origin;
}

/** The fetch that reaches the tenant of these credentials: routed to AUTH0_BASE_URL, with its failures named (tenant-fetch.ts). */
export function fetchFor(credentials: TenantCredentials, inner: Fetch = globalThis.fetch): Fetch {
  return tenantFetch(credentials, inner);
}

/**
 * An SDK client. Retries are the caller's choice: the SDK retries 429/5xx itself (2 times, waits up to 60 s by default),
 * which a paced script must not stack on its own pacing.
 */
export function managementClient(
  credentials: TenantCredentials,
  options: { maxRetries?: number; timeoutInSeconds?: number; fetch?: Fetch } = {},
): ManagementClient {
  return new ManagementClient({
    domain: credentials.domain,
    clientId: credentials.clientId,
    clientSecret: credentials.clientSecret,
    fetch: fetchFor(credentials, options.fetch),
    maxRetries: options.maxRetries ?? 2,
    timeoutInSeconds: options.timeoutInSeconds ?? 30,
  });
}

/** True for what reaching the tenant can throw: an answer from Auth0 (ManagementError) or no answer at all (fetch failed). */
export function isTenantFailure(error: unknown): boolean {
  return error instanceof ManagementError || tenantProblem(error) !== undefined || (error instanceof TypeError && error.message === 'fetch failed');
}

/**
 * One line an admin can act on for an SDK error: the status, Auth0's own message, and what to do.
 * Never includes request headers or bodies (they may hold a secret or a token).
 */
export function describeApiError(error: unknown, doing: string): string {
  const problem = tenantProblem(error);
  if (problem) return `${doing} failed: ${problem.message}`;
  if (!(error instanceof ManagementError)) {
    const cause = (error as { cause?: { code?: string } })?.cause?.code;
    const message = `${doing} failed: ${(error instanceof Error ? error.message : String(error)).split('\n')[0]}${cause ? ` (${cause})` : ''}`;
    // Only a failed connection points at the domain and the network; any other error is named as it is.
    return cause !== undefined || (error instanceof TypeError && error.message === 'fetch failed') ? `${message}; check AUTH0_DOMAIN and the network` : message;
  }
  const body = error.body as { message?: string; error_description?: string; error?: string } | undefined;
  // One line: the SDK's own messages (a failed token request) run over several.
  const detail = String(body?.message ?? body?.error_description ?? body?.error ?? error.message)
    .split('\n')[0]!
    .trim();
  const hint = hintFor(error.statusCode, detail);
  return `${doing} failed: Auth0 answered ${error.statusCode ?? 'with an error'}: ${detail}${hint ? `; ${hint}` : ''}`;
}

/** What to do about an answer: the setting it points at, not a guess that sends the admin elsewhere. */
function hintFor(status: number | undefined, detail: string): string {
  if (status === 401) return 'check AUTH0_CLIENT_ID / AUTH0_CLIENT_SECRET (a wrong secret, or an application without a grant on the Management API)';
  if (status === 403 && /service not enabled within domain/i.test(detail)) {
    // The token endpoint's answer when the audience https://{AUTH0_DOMAIN}/api/v2/ is not this tenant's API.
    return "AUTH0_DOMAIN is not the canonical domain of the application's tenant (another tenant, or a custom domain): set it to the tenant's domain, e.g. my-tenant.eu.auth0.com";
  }
  if (status === 403) {
    const scope = /expected (?:any|all) of: ([\w:, ]+)/i.exec(detail)?.[1]?.trim();
    return scope
      ? `grant ${scope} to the application (Applications > APIs > Auth0 Management API)`
      : 'the application may not do this: check its grant on the Management API (Applications > APIs > Auth0 Management API)';
  }
  if (status === 429) return 'the tenant rate limit was hit; run again later or lower the concurrency';
  return '';
}
