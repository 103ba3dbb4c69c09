// The scripts' Management API client: the `auth0` SDK from environment credentials, routed to AUTH0_BASE_URL when set, with errors an admin can act on.
import { ManagementClient, ManagementError } from 'auth0';
import { normalizeDomain } from '../../../actions/config.ts';
import { CliError } from '../cli.ts';
import { requireEnv, type Env } from '../env.ts';
import { routedFetch, type Fetch } from '../../common/routed-fetch.ts';

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
  const domain = normalizeDomain(values.AUTH0_DOMAIN);
  if (domain === undefined) {
    throw new CliError(`AUTH0_DOMAIN "${values.AUTH0_DOMAIN}" is not a host name: use the tenant's domain, e.g. my-tenant.eu.auth0.com`);
  }
  const baseUrl = env.AUTH0_BASE_URL?.trim();
  if (baseUrl && !URL.canParse(baseUrl))
    throw new CliError(`AUTH0_BASE_URL "${baseUrl}" is not a URL: use e.g. http://127.0.0.1:4010, or unset it for a real tenant`);
  return { domain, clientId: values.AUTH0_CLIENT_ID, clientSecret: values.AUTH0_CLIENT_SECRET, ...(baseUrl ? { baseUrl } : {}) };
}

/** The fetch that reaches the tenant of these credentials. */
export function fetchFor(credentials: TenantCredentials, inner: Fetch = globalThis.fetch): Fetch {
  return credentials.baseUrl ? routedFetch(credentials.domain, credentials.baseUrl, inner) : inner;
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
  return error instanceof ManagementError || (error instanceof TypeError && error.message === 'fetch failed');
}

/**
 * One line an admin can act on for an SDK error: the status, Auth0's own message, and what to do.
 * Never includes request headers or bodies (they may hold a secret or a token).
 */
export function describeApiError(error: unknown, doing: string): string {
  if (!(error instanceof ManagementError)) {
    const cause = (error as { cause?: { code?: string } })?.cause?.code;
    return `${doing} failed: ${error instanceof Error ? error.message : String(error)}${cause ? ` (${cause})` : ''}; check AUTH0_DOMAIN and the network`;
  }
  const body = error.body as { message?: string; error_description?: string; error?: string } | undefined;
  const detail = body?.message ?? body?.error_description ?? body?.error ?? error.message;
  const hint = HINTS[error.statusCode ?? 0] ?? '';
  return `${doing} failed: Auth0 answered ${error.statusCode ?? 'with an error'}: ${detail}${hint ? `; ${hint}` : ''}`;
}

const HINTS: Record<number, string> = {
  401: 'check AUTH0_CLIENT_ID / AUTH0_CLIENT_SECRET (a wrong secret, or an application without a grant on the Management API)',
  403: 'grant the named scope to the application (Applications > APIs > Auth0 Management API)',
  429: 'the tenant rate limit was hit; run again later or lower the concurrency',
};
