// What a route of the local tenant is: method, path pattern, required scopes and a handler; groups of them make up the API.
import type { ActionsStore } from './actions-store.ts';
import type { JobsStore } from './jobs-store.ts';
import type { TenantState, TokenGrant } from './state.ts';

export type RouteMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** What a handler sees of one request. */
export interface RouteContext {
  request: Request;
  url: URL;
  /** Path parameters, already percent-decoded (`auth0%7C1` arrives as `auth0|1`). */
  params: Readonly<Record<string, string>>;
  state: TenantState;
  /** The tenant's Actions, versions and bindings. */
  actions: ActionsStore;
  /** The tenant's users-export jobs. */
  jobs: JobsStore;
  domain: string;
  /** The bearer token's grant; undefined on routes whose `scopes` is 'none'. A user token's has `subject`. */
  grant: TokenGrant | undefined;
}

/** A handler's answer; the body is sent as JSON. Errors are thrown as ApiError instead. */
export interface RouteResult {
  status?: number;
  body: unknown;
  headers?: Record<string, string>;
  /** Sent as the body instead of `body`, unbuffered (a file download; `headers` should name its content-type). */
  stream?: ReadableStream<Uint8Array>;
  /** Sent as the body instead of `body`: an HTML page or a plain text answer (`headers` name its content-type). */
  text?: string;
}

export interface Route {
  method: RouteMethod;
  /** Path pattern in msw syntax, e.g. `/api/v2/users/:id`; it also names the route in faults and the request log. */
  path: string;
  /** The bearer token needs any one of these scopes; 'none' for routes that take no bearer token (POST /oauth/token). */
  scopes: readonly string[] | 'none';
  /**
   * Scopes a user's own access token may use here, for the user the path's `:id` names only (read:current_user,
   * update:current_user_identities, update:current_user_metadata). Absent: user tokens are refused.
   */
  currentUserScopes?: readonly string[];
  handle(context: RouteContext): RouteResult | Promise<RouteResult>;
}

/** One file's worth of routes (users, identities, actions, …), added to a tenant as a unit. */
export type RouteGroup = readonly Route[];

/** Paths under this prefix are Management API calls: the ones Auth0's Management API rate limit counts. */
export function isManagementApiPath(path: string): boolean {
  return path.startsWith('/api/v2/');
}
