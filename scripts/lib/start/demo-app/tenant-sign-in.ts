// The demo app's sign-in with openid-client: discovery, /authorize with PKCE, state and nonce, the code grant, identities.
import * as client from 'openid-client';
import { routedFetch } from '../../routed-fetch.cjs';

/** The scopes the app asks for: the profile, and reading the user's own identities from the Management API. */
export const DEMO_APP_SCOPES = 'openid profile email read:current_user';

export interface Tenant {
  /** Where the tenant really listens (http://127.0.0.1:port). */
  tenantUrl: string;
  domain: string;
  clientId: string;
  clientSecret: string;
}

/** A sign-in under way: what the callback must find again (RFC 6749 §10.12 state, PKCE verifier, OIDC nonce). */
export interface PendingSignIn {
  state: string;
  verifier: string;
  nonce: string;
}

export interface SignedIn {
  claims: client.IDToken;
  accessToken: string;
}

export interface Identity {
  provider: string;
  user_id: string | number;
  connection: string;
}

/** The tenant's configuration: discovery at https://{domain}/ (its tokens' issuer), every request routed to its loopback origin. */
export async function discoverTenant(tenant: Tenant): Promise<client.Configuration> {
  const routed = routedFetch(tenant.domain, tenant.tenantUrl);
  const fetcher: client.CustomFetch = (url, options) => routed(url, options as RequestInit);
  const config = await client.discovery(
    new URL(`https://${tenant.domain}/`),
    tenant.clientId,
    tenant.clientSecret,
    client.ClientSecretPost(tenant.clientSecret),
    {
      [client.customFetch]: fetcher,
      // The tenant's endpoints are its loopback origin over plain http, which openid-client refuses unless told.
      execute: [client.allowInsecureRequests],
    },
  );
  config[client.customFetch] = fetcher;
  // The page shows the ID token's claims as the tenant's word: check its signature against the tenant's keys too.
  client.enableNonRepudiationChecks(config);
  return config;
}

/** The tenant's /authorize URL for a new sign-in, and what its callback must find again. */
export async function beginSignIn(config: client.Configuration, redirectUri: string, domain: string): Promise<{ url: string; pending: PendingSignIn }> {
  const pending: PendingSignIn = { state: client.randomState(), verifier: client.randomPKCECodeVerifier(), nonce: client.randomNonce() };
  const url = client.buildAuthorizationUrl(config, {
    redirect_uri: redirectUri,
    scope: DEMO_APP_SCOPES,
    // The Management API's audience, so that the access token reads the user's own identities.
    audience: `https://${domain}/api/v2/`,
    state: pending.state,
    nonce: pending.nonce,
    code_challenge: await client.calculatePKCECodeChallenge(pending.verifier),
    code_challenge_method: 'S256',
  });
  return { url: url.href, pending };
}

/** The signed-in user of the callback at `callbackUrl`, or why the sign-in failed as one sentence. */
export async function finishSignIn(config: client.Configuration, callbackUrl: URL, pending: PendingSignIn): Promise<SignedIn | { failure: string }> {
  try {
    const tokens = await client.authorizationCodeGrant(config, callbackUrl, {
      pkceCodeVerifier: pending.verifier,
      expectedState: pending.state,
      expectedNonce: pending.nonce,
      idTokenExpected: true,
    });
    // idTokenExpected: the grant has already failed when there is no ID token.
    return { claims: tokens.claims()!, accessToken: tokens.access_token };
  } catch (error) {
    return { failure: failureOf(error) };
  }
}

/** The user's identities as the Management API answers them with the user's own token; undefined when it refuses. */
export async function identitiesOf(config: client.Configuration, domain: string, user: SignedIn): Promise<Identity[] | undefined> {
  const url = new URL(`https://${domain}/api/v2/users/${encodeURIComponent(user.claims.sub)}`);
  const response = await client.fetchProtectedResource(config, user.accessToken, url, 'GET');
  return response.ok ? ((await response.json()) as { identities: Identity[] }).identities : undefined;
}

function failureOf(error: unknown): string {
  if (error instanceof client.AuthorizationResponseError) {
    return `The tenant refused the sign-in: ${error.error}${error.error_description ? ` (${error.error_description})` : ''}.`;
  }
  if (error instanceof client.ResponseBodyError) return `The token exchange failed: ${error.error_description ?? error.error}.`;
  // openid-client's own message is generic ("invalid response encountered"); the check that failed is its cause's.
  const reason = error instanceof Error ? (error.cause instanceof Error ? error.cause : error).message : String(error);
  return `The sign-in failed: ${reason}.`;
}
