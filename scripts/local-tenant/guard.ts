// Bearer-token and scope check in front of every Management API route, answering with Auth0's 401 and 403 bodies.
import { ApiError } from './api-error.ts';
import type { TenantState, TokenGrant } from './state.ts';

/**
 * The grant of the request's bearer token, when it holds any one of `scopes`; throws Auth0's errors otherwise.
 * Messages as the Management API sends them: `Missing authentication` (hapi's text for no credentials),
 * `Invalid token`, and the 403 `Insufficient scope, expected any of: …` with errorCode `insufficient_scope`
 * (recorded in auth0/auth0-cli internal/cli/api_test.go). Auth0 says `Expired token …` for an expired JWT; the
 * local tenant forgets expired tokens and answers `Invalid token`.
 */
export function authorize(request: Request, state: TenantState, scopes: readonly string[]): TokenGrant {
  const header = request.headers.get('authorization');
  if (header === null || header.trim() === '') throw new ApiError(401, 'Missing authentication');
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (!match) throw new ApiError(401, 'Bad HTTP authentication header format');
  const grant = state.verifyToken(match[1]!);
  if (!grant) throw new ApiError(401, 'Invalid token');
  // A user token asked for without the Management API audience (one for /userinfo only) is not a Management API token.
  if (!grant.audiences.includes(`https://${state.domain}/api/v2/`)) throw new ApiError(401, 'Invalid token');
  if (!scopes.some((scope) => grant.scopes.has(scope))) {
    throw new ApiError(403, `Insufficient scope, expected any of: ${scopes.join(', ')}`, 'insufficient_scope');
  }
  return grant;
}
