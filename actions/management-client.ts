// A small typed Management API client on the runtime's global fetch, for the Action: the few routes it needs, within a deadline.
// Each request is aborted when the execution's time budget runs out. A 429 is retried at most once per execution, and only
// when its reset (`x-ratelimit-reset`, UNIX seconds, or `Retry-After`) is at most MAX_RATE_LIMIT_WAIT_MS away and within
// the budget; otherwise the client gives up and leaves a "rate-limited until" note in api.cache for other executions. Errors carry status, route and Auth0's
// message, never the token or the client secret. The `auth0` SDK is not used: ~860 kB bundled, over the 100 kB limit.
import { maskEmails } from './email.ts';
import { noteRateLimit } from './rate-limit-note.ts';
import { cachedTokenSource, type IssuedToken } from './token-cache.ts';
import type { Identity, Metadata, PostLoginApi, TokenResponse, User } from './types.ts';

export type Failure = 'http' | 'network' | 'timeout' | 'rate-limited';

export class ManagementApiError extends Error {
  /** HTTP status, or undefined when no answer came (network error, timeout). */
  readonly status: number | undefined;
  /** Method and templated path, e.g. `POST /users/{id}/identities`: user ids stay out of the message. */
  readonly route: string;
  readonly failure: Failure;
  /** Auth0's own message (`message`, or `error_description` for /oauth/token). */
  readonly apiMessage: string | undefined;

  constructor(failure: Failure, route: string, status?: number, apiMessage?: string) {
    const what = failure === 'network' ? 'unreachable' : failure === 'timeout' ? 'timeout' : String(status);
    super(`Management API ${what} on ${route}${apiMessage ? `: ${apiMessage}` : failure === 'rate-limited' ? ': rate limited, not waited out' : ''}`);
    this.name = 'ManagementApiError';
    this.failure = failure;
    this.route = route;
    this.status = status;
    this.apiMessage = apiMessage;
  }
}

export interface ManagementClientOptions {
  domain: string;
  clientId: string;
  clientSecret: string;
  /** Epoch ms by which every request must have finished. */
  deadline: number;
  cache: PostLoginApi['cache'];
  fetch: typeof fetch;
  now: () => number;
  sleep: (ms: number) => Promise<void>;
}

export interface ManagementClient {
  /** `GET /api/v2/users-by-email` (exact, case-sensitive match), narrowed to `fields`. */
  usersByEmail(email: string, fields: readonly string[]): Promise<User[]>;
  /**
   * `GET /api/v2/users?q=email:"…"` (search engine v3): the users whose email equals `email` ignoring case. Eventually
   * consistent: a user changed in the last seconds may be missing or stale.
   */
  searchByEmail(email: string, fields: readonly string[]): Promise<User[]>;
  /** `GET /api/v2/users/{id}`; `graceMs` lets this one request run past the deadline (a check after an ambiguous failure). */
  getUser(userId: string, fields: readonly string[], options?: { graceMs?: number }): Promise<User>;
  /**
   * `POST /api/v2/users/{primaryId}/identities`: the primary's identities afterwards. `connectionId` names the
   * secondary's database connection, which Auth0 needs when the tenant has more than one.
   */
  link(primaryId: string, secondary: Pick<Identity, 'provider' | 'user_id'>, connectionId?: string): Promise<Identity[]>;
  /** `PATCH /api/v2/users/{id}` with app_metadata only (merged by Auth0 at the top level). */
  patchAppMetadata(userId: string, appMetadata: Metadata): Promise<void>;
  /** `DELETE /api/v2/users/{id}/sessions` (delete:sessions): every SSO session of the user ends. */
  deleteSessions(userId: string): Promise<void>;
  /** `DELETE /api/v2/grants?user_id=` (delete:grants): every grant of the user goes, and the refresh tokens issued in them. */
  deleteGrants(userId: string): Promise<void>;
}

/** A request would need at least this long to be worth starting after a rate-limit wait. */
const MIN_REQUEST_MS = 200;
/** How long to wait when a 429 says the bucket refills within the current second (reset ≤ now). */
const MIN_RATE_LIMIT_WAIT_MS = 100;
/** The longest a login waits on a 429 before its one retry: no multi-second stall of a person's login. */
const MAX_RATE_LIMIT_WAIT_MS = 1000;
/** Assumed life of a 429 that names no reset: the note keeps other executions off the API this long. */
const UNKNOWN_RESET_MS = 1000;
const MESSAGE_LIMIT = 120;

interface ApiRequest {
  route: string;
  /** Epoch ms by which this request must finish; default the client's deadline. */
  deadline?: number;
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  path: string;
  body?: unknown;
  token?: string;
}

export function createManagementClient(options: ManagementClientOptions): ManagementClient {
  const origin = `https://${options.domain}`;

  /** One retry after a 429 per execution, across all its requests: a sustained limit is not hammered. */
  let rateLimitRetries = 1;

  const send = async (request: ApiRequest): Promise<{ status: number; body: unknown }> => {
    const deadline = request.deadline ?? options.deadline;
    for (;;) {
      const left = deadline - options.now();
      if (left <= 0) throw new ManagementApiError('timeout', request.route);
      const headers: Record<string, string> = { accept: 'application/json' };
      if (request.body !== undefined) headers['content-type'] = 'application/json';
      if (request.token !== undefined) headers.authorization = `Bearer ${request.token}`;
      let response: Response;
      let body: unknown;
      try {
        response = await options.fetch(`${origin}${request.path}`, {
          method: request.method,
          headers,
          ...(request.body !== undefined ? { body: JSON.stringify(request.body) } : {}),
          signal: AbortSignal.timeout(left),
        });
        body = await readBody(response);
      } catch (error) {
        const name = (error as { name?: string } | null)?.name;
        throw new ManagementApiError(name === 'TimeoutError' || name === 'AbortError' ? 'timeout' : 'network', request.route);
      }
      if (response.status === 429) {
        const now = options.now();
        const wait = rateLimitWait(response.headers, now);
        if (wait === undefined || rateLimitRetries === 0 || wait > MAX_RATE_LIMIT_WAIT_MS || now + wait + MIN_REQUEST_MS > deadline) {
          noteRateLimit(options.cache, now + (wait ?? UNKNOWN_RESET_MS), now);
          throw new ManagementApiError('rate-limited', request.route, 429);
        }
        rateLimitRetries -= 1;
        await options.sleep(wait);
        continue;
      }
      if (response.status >= 400) throw new ManagementApiError('http', request.route, response.status, messageOf(body));
      return { status: response.status, body };
    }
  };

  const issue = async (): Promise<IssuedToken> => {
    const { body } = await send({
      route: 'POST /oauth/token',
      method: 'POST',
      path: '/oauth/token',
      body: { grant_type: 'client_credentials', client_id: options.clientId, client_secret: options.clientSecret, audience: `${origin}/api/v2/` },
    });
    const token = body as Partial<TokenResponse> | undefined;
    if (typeof token?.access_token !== 'string' || typeof token.expires_in !== 'number') {
      throw new ManagementApiError('http', 'POST /oauth/token', 200, 'the answer holds no access_token');
    }
    return { accessToken: token.access_token, expiresInSeconds: token.expires_in };
  };

  const tokens = cachedTokenSource({ clientId: options.clientId, clientSecret: options.clientSecret, cache: options.cache, now: options.now, issue });

  /** Tokens issued during this execution: a refusal of one of them is real (wrong grant), not staleness. */
  const issuedHere = new Set<string>();
  const token = async (): Promise<string> => {
    const got = await tokens.get();
    if (!got.reused) issuedHere.add(got.token);
    return got.token;
  };

  /** Sends with a token; a token from an earlier execution that the API refuses (revoked, or issued before a scope was granted) is replaced once. */
  const authorized = async (request: Omit<ApiRequest, 'token'>): Promise<unknown> => {
    const used = await token();
    try {
      return (await send({ ...request, token: used })).body;
    } catch (error) {
      if (issuedHere.has(used) || !(error instanceof ManagementApiError) || (error.status !== 401 && error.status !== 403)) throw error;
      tokens.invalidate(used);
      return (await send({ ...request, token: await token() })).body;
    }
  };

  const fieldsQuery = (fields: readonly string[]): string => `fields=${encodeURIComponent(fields.join(','))}&include_fields=true`;
  const userPath = (userId: string): string => `/api/v2/users/${encodeURIComponent(userId)}`;

  return {
    async usersByEmail(email, fields) {
      const body = await authorized({
        route: 'GET /users-by-email',
        method: 'GET',
        path: `/api/v2/users-by-email?email=${encodeURIComponent(email)}&${fieldsQuery(fields)}`,
      });
      return Array.isArray(body) ? (body as User[]) : [];
    },
    async searchByEmail(email, fields) {
      const q = `email:"${luceneEscape(email)}"`;
      const body = await authorized({
        route: 'GET /users?q',
        method: 'GET',
        path: `/api/v2/users?q=${encodeURIComponent(q)}&search_engine=v3&${fieldsQuery(fields)}`,
      });
      return Array.isArray(body) ? (body as User[]) : [];
    },
    async getUser(userId, fields, { graceMs = 0 } = {}) {
      const path = `${userPath(userId)}?${fieldsQuery(fields)}`;
      return (await authorized({ route: 'GET /users/{id}', method: 'GET', path, deadline: options.deadline + graceMs })) as User;
    },
    async link(primaryId, secondary, connectionId) {
      const body = await authorized({
        route: 'POST /users/{id}/identities',
        method: 'POST',
        path: `${userPath(primaryId)}/identities`,
        body: { provider: secondary.provider, user_id: String(secondary.user_id), ...(connectionId === undefined ? {} : { connection_id: connectionId }) },
      });
      return Array.isArray(body) ? (body as Identity[]) : [];
    },
    async patchAppMetadata(userId, appMetadata) {
      await authorized({ route: 'PATCH /users/{id}', method: 'PATCH', path: userPath(userId), body: { app_metadata: appMetadata } });
    },
    async deleteSessions(userId) {
      await authorized({ route: 'DELETE /users/{id}/sessions', method: 'DELETE', path: `${userPath(userId)}/sessions` });
    },
    async deleteGrants(userId) {
      await authorized({ route: 'DELETE /grants', method: 'DELETE', path: `/api/v2/grants?user_id=${encodeURIComponent(userId)}` });
    },
  };
}

/** `value` for a Lucene phrase ("…"): inside quotes only the backslash and the quote itself are special. */
export function luceneEscape(value: string): string {
  return value.replace(/[\\"]/g, '\\$&');
}

async function readBody(response: Response): Promise<unknown> {
  const text = await response.text();
  if (text === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

function messageOf(body: unknown): string | undefined {
  const fields = typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {};
  const message = [fields.message, fields.error_description, fields.error].find((v): v is string => typeof v === 'string' && v !== '');
  // Auth0 may echo a queried value (an email) in a validation message: masked here too, before it is cut short.
  return message === undefined ? undefined : maskEmails(message).slice(0, MESSAGE_LIMIT);
}

/** Milliseconds until a 429 clears: Retry-After (seconds or an HTTP date), else x-ratelimit-reset (UNIX seconds). */
function rateLimitWait(headers: Headers, now: number): number | undefined {
  const retryAfter = headers.get('retry-after')?.trim();
  if (retryAfter) {
    const at = /^\d+$/.test(retryAfter) ? now + Number(retryAfter) * 1000 : Date.parse(retryAfter);
    if (!Number.isNaN(at)) return Math.max(MIN_RATE_LIMIT_WAIT_MS, at - now);
  }
  const reset = headers.get('x-ratelimit-reset')?.trim();
  if (reset && /^\d+$/.test(reset)) return Math.max(MIN_RATE_LIMIT_WAIT_MS, Number(reset) * 1000 - now);
  return undefined;
}
