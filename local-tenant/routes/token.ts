// POST /oauth/token: the client-credentials grant that gives Management API tokens, with the OAuth errors Auth0 answers;
// the user grants (authorization_code, refresh_token, password, password-realm) are auth/token-grants.ts's.
import { timingSafeEqual } from 'node:crypto';
import type { TokenResponse } from '../../actions/types.ts';
import { allowsGrant } from '../auth/applications.ts';
import { USER_GRANTS, userGrant } from '../auth/token-grants.ts';
import type { RouteGroup, RouteResult } from '../route.ts';
import { TOKEN_LIFETIME_SECONDS } from '../state.ts';

/** Grant types Auth0 knows; asking one of them for an M2M client is `unauthorized_client`, anything else `unsupported_grant_type`. */
const KNOWN_GRANTS = new Set([
  'authorization_code',
  'password',
  'refresh_token',
  'implicit',
  'http://auth0.com/oauth/grant-type/password-realm',
  'http://auth0.com/oauth/grant-type/passwordless/otp',
  'http://auth0.com/oauth/grant-type/mfa-otp',
  'urn:ietf:params:oauth:grant-type:device_code',
  'urn:ietf:params:oauth:grant-type:token-exchange',
  'urn:ietf:params:oauth:grant-type:jwt-bearer',
]);

export const tokenRoutes: RouteGroup = [
  {
    method: 'POST',
    path: '/oauth/token',
    scopes: 'none',
    async handle({ request, state, domain, actions }) {
      const params = await readTokenParams(request);
      const grantType = params.get('grant_type');
      if (!grantType) return oauthError(400, 'invalid_request', 'Missing required parameter: grant_type');
      if (grantType !== 'client_credentials' && !KNOWN_GRANTS.has(grantType)) {
        return oauthError(400, 'unsupported_grant_type', `Unsupported grant type: ${grantType}`);
      }
      if (USER_GRANTS.has(grantType)) return userGrant(state, actions, grantType, params);
      const client = state.client(params.get('client_id') ?? '');
      const secret = params.get('client_secret') ?? '';
      // Unknown client and wrong secret get the same answer, so the endpoint does not reveal which client ids exist.
      if (!client || !sameSecret(client.client_secret, secret)) return oauthError(401, 'access_denied', 'Unauthorized');
      if (grantType !== 'client_credentials' || !allowsGrant(client, grantType)) {
        return oauthError(403, 'unauthorized_client', `Grant type '${grantType}' not allowed for the client.`);
      }
      const managementAudience = `https://${domain}/api/v2/`;
      const audience = params.get('audience');
      if (!audience) return oauthError(403, 'access_denied', 'No audience parameter was provided, and no default audience has been configured');
      if (audience !== managementAudience) return oauthError(403, 'access_denied', `Service not enabled within domain: ${audience}`);
      if (client.scopes.length === 0) {
        return oauthError(403, 'access_denied', `Client "${client.client_id}" is not authorized to access resource server "${managementAudience}".`);
      }
      const { token } = await state.issueToken(client.client_id, client.scopes);
      const body: TokenResponse = { access_token: token, expires_in: TOKEN_LIFETIME_SECONDS, scope: client.scopes.join(' '), token_type: 'Bearer' };
      return { body, headers: { 'cache-control': 'no-store', pragma: 'no-cache' } };
    },
  },
];

/**
 * The request's parameters, form-encoded or JSON as Auth0 accepts both; client credentials may also come as HTTP Basic
 * (`client_secret_basic`).
 */
export async function readTokenParams(request: Request): Promise<URLSearchParams> {
  const text = await request.text();
  const type = request.headers.get('content-type') ?? '';
  let params: URLSearchParams;
  if (type.includes('application/json')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = undefined;
    }
    params = new URLSearchParams();
    if (parsed !== null && typeof parsed === 'object') {
      for (const [key, value] of Object.entries(parsed)) if (typeof value === 'string') params.set(key, value);
    }
  } else {
    params = new URLSearchParams(text);
  }
  const basic = /^Basic\s+(\S+)$/i.exec(request.headers.get('authorization') ?? '');
  if (basic) {
    const decoded = Buffer.from(basic[1]!, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon > 0) {
      params.set('client_id', decodeURIComponent(decoded.slice(0, colon)));
      params.set('client_secret', decodeURIComponent(decoded.slice(colon + 1)));
    }
  }
  return params;
}

function sameSecret(expected: string, given: string): boolean {
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}

function oauthError(status: number, error: string, description: string): RouteResult {
  return { status, body: { error, error_description: description } };
}
