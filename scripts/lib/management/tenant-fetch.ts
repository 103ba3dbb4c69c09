// The scripts' fetch to a tenant: routed onto AUTH0_BASE_URL when set, and a failure to connect or an answer that is not Auth0's named in one line.
import { routedFetch, type Fetch } from '../routed-fetch.cjs';

/** Where a tenant is reached, for messages: the setting to fix and its value. */
export interface TenantTarget {
  domain: string;
  baseUrl?: string;
}

/** The tenant could not be reached at all (refused, unknown host, TLS): the message names the setting to check. */
export class TenantUnreachableError extends Error {
  override name = 'TenantUnreachableError';
}

/** Something answered that is not Auth0 (HTML, a proxy's page): retrying cannot help, so the pacer does not. */
export class NotAuth0Error extends Error {
  override name = 'NotAuth0Error';
}

/** The TenantUnreachableError or NotAuth0Error behind `error` (the SDK wraps what fetch throws as a ManagementError's cause). */
export function tenantProblem(error: unknown): TenantUnreachableError | NotAuth0Error | undefined {
  for (let e = error, depth = 0; e instanceof Error && depth < 4; e = e.cause, depth++) {
    if (e instanceof TenantUnreachableError || e instanceof NotAuth0Error) return e;
  }
  return undefined;
}

/** `fetch` for the tenant: routed when `baseUrl` is set; Auth0's own endpoints must answer JSON. */
export function tenantFetch(target: TenantTarget, inner: Fetch = globalThis.fetch): Fetch {
  const routed = target.baseUrl ? routedFetch(target.domain, target.baseUrl, inner) : inner;
  const where = target.baseUrl ? `AUTH0_BASE_URL ${new URL(target.baseUrl).origin}` : `https://${target.domain} (AUTH0_DOMAIN)`;
  const apiPrefix = `https://${target.domain}/`;
  return async (input, init) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    const method = (init?.method ?? (input instanceof Request ? input.method : 'GET')).toUpperCase();
    let response: Response;
    try {
      response = await routed(input, init);
    } catch (error) {
      const code = connectionCode(error);
      if (code === undefined) throw error;
      throw new TenantUnreachableError(
        `could not connect to ${where}: ${code}; ${target.baseUrl ? 'is the local tenant running (npm start -- --keep)? or fix AUTH0_BASE_URL' : 'check AUTH0_DOMAIN and the network'}`,
        { cause: error },
      );
    }
    if (!url.startsWith(apiPrefix) || !isAuth0Endpoint(new URL(url).pathname)) return response;
    const type = response.headers.get('content-type') ?? '';
    const empty = response.status === 204 || response.headers.get('content-length') === '0';
    // Auth0 answers every error with a JSON body: an empty error (a bare 404 of some other server) is not Auth0's.
    if ((empty && response.ok) || /\bjson\b/i.test(type)) return response;
    await response.body?.cancel().catch(() => undefined);
    const server = response.headers
      .get('server')
      ?.replace(/[^\x20-\x7e]/g, '')
      .slice(0, 40);
    throw new NotAuth0Error(
      `${where} answered ${method} ${new URL(url).pathname} with HTTP ${response.status} ${type.split(';')[0] || (empty ? 'and no body' : 'without a content type')}` +
        `${server ? ` from "${server}"` : ''}, not Auth0's JSON: that is not an Auth0 tenant; ${target.baseUrl ? 'fix or unset AUTH0_BASE_URL' : 'check AUTH0_DOMAIN (the canonical domain, not a custom one)'}`,
    );
  };
}

/** The Management API and the token endpoint; an export file's download is not one of Auth0's JSON endpoints. */
function isAuth0Endpoint(path: string): boolean {
  return path.startsWith('/api/v2/') || path === '/oauth/token';
}

/** The system error code of a failed connection (ECONNREFUSED, ENOTFOUND, …), if that is what `error` is. */
function connectionCode(error: unknown): string | undefined {
  if (!(error instanceof TypeError) || error.message !== 'fetch failed') return undefined;
  const cause = error.cause as { code?: string; message?: string } | undefined;
  return cause?.code ?? cause?.message ?? 'the connection failed';
}
