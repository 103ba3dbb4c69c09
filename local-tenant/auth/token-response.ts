// The tokens a login ends with, as /oauth/token answers them: access token, ID token (with `openid`), refresh token (with `offline_access`).
import type { Metadata, User } from '../../actions/types.ts';
import type { Client, TenantState } from '../state.ts';
import { allowsGrant } from './applications.ts';
import type { IssuedLogin } from './store.ts';
import { issueUserAccessToken, managementAudienceOf, userinfoAudienceOf } from './user-tokens.ts';

export interface TokenResponseBody {
  access_token: string;
  id_token?: string;
  refresh_token?: string;
  scope: string;
  expires_in: number;
  token_type: 'Bearer';
}

/** The OIDC standard claims each scope releases (OpenID Connect Core §5.4), from the user as the tenant holds it now. */
export function profileClaims(user: User | undefined, scopes: readonly string[]): Metadata {
  if (!user) return {};
  const claims: Metadata = {};
  const pick = (names: readonly string[]): void => {
    for (const name of names) {
      const value = (user as unknown as Record<string, unknown>)[name];
      if (value !== undefined) claims[name] = value;
    }
  };
  if (scopes.includes('profile')) pick(['name', 'nickname', 'picture', 'given_name', 'family_name', 'updated_at']);
  if (scopes.includes('email')) pick(['email', 'email_verified']);
  return claims;
}

/**
 * Issues the tokens for `login`. A refresh token is issued with `offline_access` to a client allowed the refresh_token
 * grant, and not again on a refresh (Auth0 without rotation keeps the one refresh token).
 */
export async function tokenResponse(
  state: TenantState,
  client: Client,
  login: IssuedLogin,
  options: { refreshing?: boolean } = {},
): Promise<TokenResponseBody> {
  const access = await issueUserAccessToken(state, {
    userId: login.subject,
    clientId: client.client_id,
    scopes: login.scopes,
    ...(login.audience ? { audience: login.audience } : {}),
  });
  const body: TokenResponseBody = { access_token: access.token, scope: access.scope, expires_in: access.expiresIn, token_type: 'Bearer' };
  if (login.scopes.includes('openid')) {
    body.id_token = await state.signingKeys.signIdToken({
      subject: login.subject,
      audience: client.client_id,
      ...(login.nonce === undefined ? {} : { nonce: login.nonce }),
      ...(login.withAuthTime ? { authTime: login.authTime } : {}),
      claims: { ...profileClaims(state.getUser(login.subject), login.scopes), ...login.idTokenClaims },
    });
  }
  if (!options.refreshing && offersRefreshToken(state, client, login)) {
    const grant = state.authentication.grantFor(login.subject, client.client_id, grantAudience(state, login.audience), login.scopes);
    body.refresh_token = state.authentication.issueRefreshToken(login, grant);
  }
  return body;
}

/**
 * A refresh token needs `offline_access`, an application allowed the refresh_token grant, and an API that allows offline
 * access ("Allow Offline Access", get-started/apis/api-settings.mdx). Without an audience the token is for /userinfo and a
 * refresh token is issued; the Management API answers `"allow_offline_access": false` (auth0/go-auth0
 * test/data/recordings/TestResourceServer_ExpressConfiguration.yaml), so a login for it gets none.
 */
export function offersRefreshToken(state: TenantState, client: Client, login: Pick<IssuedLogin, 'scopes' | 'audience'>): boolean {
  if (!login.scopes.includes('offline_access') || !allowsGrant(client, 'refresh_token')) return false;
  return login.audience === undefined || login.audience !== managementAudienceOf(state);
}

/** The audience a grant is recorded under: the API asked for, or `https://{domain}/userinfo` without one (TestGrantManager_List). */
export function grantAudience(state: TenantState, audience: string | undefined): string {
  return audience ?? userinfoAudienceOf(state);
}
