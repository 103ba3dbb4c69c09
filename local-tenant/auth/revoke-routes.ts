// POST /oauth/revoke: revokes one refresh token, 200 with an empty body, also for a token that is unknown, already revoked
// or another application's (RFC 7009 §2.2; real tenants answered 200 and '' in auth0/go-auth0 test/data/recordings/
// authentication/TestRevokeRefreshToken). A confidential application authenticates with its secret, a public one (token
// endpoint auth method none) sends none (api/authentication/revoke-refresh-token). A failed client authentication is
// answered as the token endpoint answers it (401 access_denied "Unauthorized"): Auth0's revoke body for it is not
// published, only the 401.
import type { RouteGroup, RouteResult } from '../route.ts';
import { readTokenParams } from '../routes/token.ts';
import { clientAuthenticated } from './token-grants.ts';

const NO_STORE = { 'cache-control': 'no-store', pragma: 'no-cache' };

export const revokeRoutes: RouteGroup = [
  {
    method: 'POST',
    path: '/oauth/revoke',
    scopes: 'none',
    async handle({ request, state }) {
      const params = await readTokenParams(request);
      const client = state.client(params.get('client_id') ?? '');
      if (!client || !clientAuthenticated(client, params.get('client_secret'))) return error(401, 'access_denied', 'Unauthorized');
      const token = params.get('token');
      if (!token) return error(400, 'invalid_request', 'Missing required parameter: token');
      state.authentication.revokeRefreshToken(token, client.client_id);
      return { status: 200, body: null, text: '', headers: NO_STORE };
    },
  },
];

function error(status: number, code: string, description: string): RouteResult {
  return { status, body: { error: code, error_description: description }, headers: NO_STORE };
}
