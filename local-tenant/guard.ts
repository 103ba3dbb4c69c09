// Bearer-token and scope check in front of every Management API route, answering with Auth0's 401 and 403 bodies;
// a user's own access token passes only on routes that take a current-user scope, and only for that user.
import { ApiError } from './api-error.ts';
import type { TenantState, TokenGrant } from './state.ts';

/**
 * The grant of the request's bearer token, when it holds one of the route's scopes; throws Auth0's errors otherwise.
 * Messages as the Management API sends them: `Missing authentication` (hapi's text for no credentials),
 * `Invalid token`, and the 403 `Insufficient scope, expected any of: …` with errorCode `insufficient_scope`
 * (recorded in auth0/auth0-cli internal/cli/api_test.go). Auth0 says `Expired token …` for an expired JWT; the
 * local tenant forgets expired tokens and answers `Invalid token`.
 *
 * A user access token (one with a subject) counts only the route's `currentUserScopes`, and only when the route's `:id`
 * is the token's own user: "issued in the context of the user who is currently signed in to Auth0 which limits updates
 * to only the logged-in user's data" (secure/tokens/access-tokens/management-api-access-tokens/
 * get-management-api-tokens-for-single-page-applications.mdx). An M2M token counts only `scopes`.
 */
export function authorize(
  request: Request,
  state: TenantState,
  route: { scopes: readonly string[]; currentUserScopes?: readonly string[] | undefined },
  params: Readonly<Record<string, string>>,
): TokenGrant {
  const header = request.headers.get('authorization');
  if (header === null || header.trim() === '') throw new ApiError(401, 'Missing authentication');
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (!match) throw new ApiError(401, 'Bad HTTP authentication header format');
  const grant = state.verifyToken(match[1]!);
  // A token for another API (a user token asked for without the Management API audience names only /userinfo) is
  // refused with 401 (community.auth0.com "Access Token Rejected When Calling Auth0 APIs"); Auth0's message is a guess.
  if (!grant || !grant.audiences.includes(`https://${state.domain}/api/v2/`)) throw new ApiError(401, 'Invalid token');
  if (grant.subject === undefined) {
    if (!route.scopes.some((scope) => grant.scopes.has(scope))) throw insufficientScope(route.scopes);
    return grant;
  }
  const own = route.currentUserScopes ?? [];
  if (!own.some((scope) => grant.scopes.has(scope))) throw insufficientScope([...route.scopes, ...own]);
  // Guess (no public record of Auth0's body for another user's id with a current-user token): the same 403
  // insufficient_scope, naming the scopes that reach any user, since the current-user scope cannot reach this one.
  if (params.id !== grant.subject) throw insufficientScope(route.scopes);
  return grant;
}

export function insufficientScope(scopes: readonly string[]): ApiError {
  return new ApiError(403, `Insufficient scope, expected any of: ${scopes.join(', ')}`, 'insufficient_scope');
}
