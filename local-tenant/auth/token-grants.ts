// The user grants of POST /oauth/token: authorization_code (client authentication, PKCE), refresh_token (the post-login
// flow runs again as oauth2-refresh-token), password and password-realm (realm = connection), with Auth0's OAuth errors:
// 401 access_denied "Unauthorized" for a wrong client, 403 unauthorized_client for a grant the app does not allow,
// 403 invalid_grant "Invalid authorization code" / "Unknown or invalid refresh token." / "Wrong email or password.",
// 500 server_error "Authorization server not configured with default connection." for `password` without a Default
// Directory. "Failed to verify code verifier" is Auth0's PKCE text as SDKs report it; the redirect_uri and realm texts
// are the local tenant's guesses.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { TransactionProtocol } from '../../actions/types.ts';
import type { ActionsStore } from '../actions-store.ts';
import { loginThroughFlow } from '../login.ts';
import type { RouteResult } from '../route.ts';
import type { Client, TenantState } from '../state.ts';
import { allowsGrant, connectionsOf, isPublicClient } from './applications.ts';
import { signInRuntime } from './complete-login.ts';
import type { IssuedLogin } from './store.ts';
import { grantAudience, tokenResponse } from './token-response.ts';
import { managementAudienceOf } from './user-tokens.ts';

export const PASSWORD_REALM_GRANT = 'http://auth0.com/oauth/grant-type/password-realm';
export const USER_GRANTS: ReadonlySet<string> = new Set(['authorization_code', 'refresh_token', 'password', PASSWORD_REALM_GRANT]);

const NO_STORE = { 'cache-control': 'no-store', pragma: 'no-cache' };

export async function userGrant(state: TenantState, actions: ActionsStore, grantType: string, params: URLSearchParams): Promise<RouteResult> {
  const client = state.client(params.get('client_id') ?? '');
  if (!client || !clientAuthenticated(client, params.get('client_secret'))) return oauthError(401, 'access_denied', 'Unauthorized');
  if (!allowsGrant(client, grantType)) return oauthError(403, 'unauthorized_client', `Grant type '${grantType}' not allowed for the client.`);
  if (grantType === 'authorization_code') return authorizationCode(state, client, params);
  if (grantType === 'refresh_token') return refreshToken(state, actions, client, params);
  return passwordGrant(state, actions, client, params, grantType === PASSWORD_REALM_GRANT ? params.get('realm') : null);
}

/** A confidential client sends its secret (post or basic); a public one (token_endpoint_auth_method none) sends none. */
export function clientAuthenticated(client: Client, secret: string | null): boolean {
  if (isPublicClient(client)) return secret === null || secret === '';
  if (secret === null) return false;
  const a = Buffer.from(client.client_secret);
  const b = Buffer.from(secret);
  return a.length === b.length && timingSafeEqual(a, b);
}

async function authorizationCode(state: TenantState, client: Client, params: URLSearchParams): Promise<RouteResult> {
  const value = params.get('code');
  if (!value) return oauthError(400, 'invalid_request', 'Missing required parameter: code');
  const code = state.authentication.takeCode(value);
  if (!code || code.clientId !== client.client_id) return oauthError(403, 'invalid_grant', 'Invalid authorization code');
  if (params.get('redirect_uri') !== code.redirectUri)
    return oauthError(403, 'invalid_grant', 'The redirect_uri does not match the one of the authorization request.');
  if (code.codeChallenge !== undefined) {
    const verifier = params.get('code_verifier') ?? '';
    const computed = code.codeChallengeMethod === 'S256' ? createHash('sha256').update(verifier).digest('base64url') : verifier;
    if (!verifier || computed !== code.codeChallenge) return oauthError(403, 'invalid_grant', 'Failed to verify code verifier');
  }
  return { body: await tokenResponse(state, client, code), headers: NO_STORE };
}

async function refreshToken(state: TenantState, actions: ActionsStore, client: Client, params: URLSearchParams): Promise<RouteResult> {
  const login = state.authentication.refreshToken(params.get('refresh_token') ?? '');
  if (!login || login.clientId !== client.client_id) return oauthError(403, 'invalid_grant', 'Unknown or invalid refresh token.');
  const requested = (params.get('scope') ?? '').split(' ').filter((s) => s !== '');
  // A refresh may narrow the scopes, never widen them.
  if (requested.some((s) => !login.scopes.includes(s)))
    return oauthError(403, 'invalid_scope', 'The requested scope exceeds the scope granted by the resource owner.');
  const flow = await runFlow(state, actions, client, login.identity, 'oauth2-refresh-token');
  if ('error' in flow) return flow.error;
  const refreshed: IssuedLogin = {
    ...login,
    subject: flow.subject,
    scopes: requested.length > 0 ? requested : login.scopes,
    idTokenClaims: flow.idTokenClaims,
    accessTokenClaims: flow.accessTokenClaims,
  };
  return { body: await tokenResponse(state, client, refreshed, { refreshing: true }), headers: NO_STORE };
}

async function passwordGrant(state: TenantState, actions: ActionsStore, client: Client, params: URLSearchParams, realm: string | null): Promise<RouteResult> {
  const name = realm ?? state.authentication.defaultDirectory;
  if (name === undefined) return oauthError(500, 'server_error', 'Authorization server not configured with default connection.');
  const connection = connectionsOf(state, client).find((c) => c.name === name && c.strategy === 'auth0');
  if (!connection) return oauthError(400, 'invalid_request', `The connection ${name} is not a database connection enabled for this application.`);
  const audience = params.get('audience') ?? undefined;
  if (audience !== undefined && audience !== managementAudienceOf(state)) return oauthError(403, 'access_denied', `Service not found: ${audience}`);
  const username = (params.get('username') ?? '').trim().toLowerCase();
  const identity = databaseIdentity(state, connection.name, username);
  if (!identity || !state.authentication.checkPassword(`auth0|${identity}`, params.get('password') ?? '')) {
    return oauthError(403, 'invalid_grant', 'Wrong email or password.');
  }
  const login = { provider: 'auth0', user_id: identity };
  const requested = (params.get('scope') ?? '').split(' ').filter((s) => s !== '');
  const flow = await runFlow(state, actions, client, login, 'oauth2-password', requested);
  if ('error' in flow) return flow.error;
  const scopes = requested.filter((s) => !flow.removedScopes.includes(s));
  state.authentication.grantFor(flow.subject, client.client_id, grantAudience(state, audience), scopes);
  const issued: IssuedLogin = {
    clientId: client.client_id,
    subject: flow.subject,
    identity: login,
    scopes,
    ...(audience === undefined ? {} : { audience }),
    authTime: Math.floor(state.now().getTime() / 1000),
    withAuthTime: false,
    idTokenClaims: flow.idTokenClaims,
    accessTokenClaims: flow.accessTokenClaims,
  };
  return { body: await tokenResponse(state, client, issued), headers: NO_STORE };
}

/** The post-login flow for a back-channel grant: no redirect can be followed, a failure is Auth0's 403 access_denied. */
async function runFlow(
  state: TenantState,
  actions: ActionsStore,
  client: Client,
  identity: { provider: string; user_id: string },
  protocol: TransactionProtocol,
  requestedScopes?: string[],
): Promise<
  { subject: string; idTokenClaims: Record<string, unknown>; accessTokenClaims: Record<string, unknown>; removedScopes: string[] } | { error: RouteResult }
> {
  if (!state.ownerOfIdentity(identity.provider, identity.user_id)) return { error: oauthError(403, 'invalid_grant', 'Unknown or invalid refresh token.') };
  const transaction = requestedScopes ? { transaction: { requested_scopes: requestedScopes } } : {};
  const result = await loginThroughFlow(actions, signInRuntime(state), { identity, clientId: client.client_id, protocol, ...transaction });
  if (result.outcome === 'failure') {
    const description = result.kind === 'denied' ? result.reason.replace(/^denied: /, '') : result.reason;
    return { error: oauthError(403, 'access_denied', description) };
  }
  return { subject: result.subject, idTokenClaims: result.idTokenClaims, accessTokenClaims: result.accessTokenClaims, removedScopes: result.removedScopes };
}

/** The database identity id on `connection` whose email is `email`, linked or not. */
function databaseIdentity(state: TenantState, connection: string, email: string): string | undefined {
  for (const user of state.allUsers()) {
    for (const [index, identity] of user.identities.entries()) {
      if (identity.connection !== connection) continue;
      const identityEmail = index === 0 ? user.email : identity.profileData?.email;
      if (identityEmail === email) return String(identity.user_id);
    }
  }
  return undefined;
}

function oauthError(status: number, error: string, description: string): RouteResult {
  return { status, body: { error, error_description: description }, headers: NO_STORE };
}
