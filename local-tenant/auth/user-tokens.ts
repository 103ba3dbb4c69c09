// User access tokens: what a login grants a user on the Management API (its current_user scopes) and on /userinfo.
// Auth0 lets a user's own token reach the Management API with the current_user scopes only
// (secure/tokens/access-tokens/management-api-access-tokens/get-management-api-tokens-for-single-page-applications.mdx);
// a token asked for with `openid` also names https://{domain}/userinfo among its audiences.
import type { TenantState, TokenGrant } from '../state.ts';

/** The Management API scopes a user token may carry: the user's own profile, metadata and identities. */
export const CURRENT_USER_SCOPES: readonly string[] = [
  'read:current_user',
  'update:current_user_identities',
  'create:current_user_metadata',
  'update:current_user_metadata',
  'delete:current_user_metadata',
  'create:current_user_device_credentials',
  'delete:current_user_device_credentials',
];

/** OpenID Connect scopes: they go into the token's scope, never grant anything on an API. */
export const OIDC_SCOPES: readonly string[] = ['openid', 'profile', 'email', 'offline_access'];

export function managementAudienceOf(state: Pick<TenantState, 'domain'>): string {
  return `https://${state.domain}/api/v2/`;
}

export function userinfoAudienceOf(state: Pick<TenantState, 'domain'>): string {
  return `https://${state.domain}/userinfo`;
}

export interface UserTokenRequest {
  /** `sub`: the user the token acts for. */
  userId: string;
  /** `azp`: the application that asked. */
  clientId: string;
  /** The scopes asked for (space-separated in the request); only OIDC scopes and, for the Management API, its current_user scopes are granted. */
  scopes: readonly string[];
  /** The API asked for; undefined gives a token for /userinfo only, as Auth0 gives without an audience. */
  audience?: string;
}

export interface IssuedUserToken {
  token: string;
  grant: TokenGrant;
  /** The granted scopes, space-separated, as the token response's `scope`. */
  scope: string;
  expiresIn: number;
}

/** Auth0's default access token lifetime for an API ("Token Expiration", 86 400 s). */
export const USER_TOKEN_LIFETIME_SECONDS = 86_400;

/**
 * A user access token. The caller has checked that `audience`, when given, is the Management API: the local tenant
 * has no other API. Scopes outside OIDC's and the current_user set are dropped, as Auth0 drops scopes a user may not get.
 */
export async function issueUserAccessToken(state: TenantState, request: UserTokenRequest): Promise<IssuedUserToken> {
  const management = request.audience !== undefined && request.audience === managementAudienceOf(state);
  const granted = request.scopes.filter(
    (scope, index, all) => all.indexOf(scope) === index && (OIDC_SCOPES.includes(scope) || (management && CURRENT_USER_SCOPES.includes(scope))),
  );
  const audiences = [...(management ? [managementAudienceOf(state)] : []), ...(granted.includes('openid') || !management ? [userinfoAudienceOf(state)] : [])];
  const { token, issued } = await state.issueToken(
    request.clientId,
    granted.filter((s) => s !== 'offline_access'),
    {
      subject: request.userId,
      audiences,
      lifetimeSeconds: USER_TOKEN_LIFETIME_SECONDS,
    },
  );
  return { token, grant: issued, scope: granted.join(' '), expiresIn: USER_TOKEN_LIFETIME_SECONDS };
}
