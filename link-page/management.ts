// The Management API calls the page makes with the person's own token: read their user, write its user_metadata, link with, unlink.
// Auth0 lets such a token act on its own user only; the page never holds a machine-to-machine credential.
import type { Identity, Metadata, User } from '../actions/types.ts';
import { PageError, type ErrorKey } from './errors.ts';

export class UserApi {
  private readonly tenantHost: string;
  private readonly accessToken: string;
  private readonly fetcher: typeof fetch;

  constructor(tenantHost: string, accessToken: string, fetcher: typeof fetch = fetch) {
    this.tenantHost = tenantHost;
    this.accessToken = accessToken;
    this.fetcher = fetcher;
  }

  async getUser(userId: string): Promise<Pick<User, 'user_id' | 'email' | 'identities' | 'user_metadata'>> {
    const fields = new URLSearchParams({ fields: 'user_id,email,identities,user_metadata', include_fields: 'true' });
    return this.call('GET', `/users/${encodeURIComponent(userId)}?${fields}`, undefined, 'readAccounts');
  }

  /** PATCH merges user_metadata at the top level: only the given keys change. */
  async setUserMetadata(userId: string, metadata: Metadata, doing: ErrorKey = 'recordLink'): Promise<void> {
    // Auth0 removes ALL user_metadata when the object sent is empty: nothing to change is no request.
    if (Object.keys(metadata).length === 0) return;
    await this.call('PATCH', `/users/${encodeURIComponent(userId)}`, { user_metadata: metadata }, doing);
  }

  async linkWith(userId: string, idToken: string): Promise<Identity[]> {
    return this.call('POST', `/users/${encodeURIComponent(userId)}/identities`, { link_with: idToken }, 'linkAccount');
  }

  async unlink(userId: string, provider: string, identityUserId: string): Promise<Identity[]> {
    const path = `/users/${encodeURIComponent(userId)}/identities/${encodeURIComponent(provider)}/${encodeURIComponent(identityUserId)}`;
    return this.call('DELETE', path, undefined, 'unlinkAccount');
  }

  private async call<T>(method: string, path: string, body: unknown, doing: ErrorKey): Promise<T> {
    let response: Response;
    try {
      response = await this.fetcher(`https://${this.tenantHost}/api/v2${path}`, {
        method,
        headers: { authorization: `Bearer ${this.accessToken}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(10_000),
      });
    } catch (error) {
      throw new UserApiError(undefined, doing, `${method} users: no answer`, error);
    }
    if (response.ok) return (await response.json()) as T;
    // Auth0's message, not the body (bodies may echo what was sent), and for the log line only: the person reads `doing`.
    const message = await response
      .json()
      .then((b: { message?: unknown }) => (typeof b.message === 'string' ? b.message : ''))
      .catch(() => '');
    throw new UserApiError(response.status, doing, `${method} users: ${response.status}${message ? ` ${redact(message)}` : ''}`);
  }
}

/** A failed call of the person's own Management API token (UserApi); `status` is undefined when no answer came. */
export class UserApiError extends PageError {
  readonly httpStatus: number | undefined;
  constructor(status: number | undefined, key: ErrorKey, detail: string, cause?: unknown) {
    super('management_api', key, { detail, cause });
    this.httpStatus = status;
  }
}

/** Auth0 messages can quote an email or a token; neither may reach a page or a log. */
function redact(message: string): string {
  return message
    .replace(/[^\s@]+@[^\s@]+/g, '[email]')
    .replace(/eyJ[\w-]+\.[\w-]+\.[\w-]*/g, '[token]')
    .slice(0, 200);
}
