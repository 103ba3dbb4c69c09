// GET /.well-known/openid-configuration and /.well-known/jwks.json: the OIDC discovery document and the tenant's public key.
// Fields as Auth0's discovery document has them (issuer with a trailing slash, code_challenge_methods S256 and plain,
// client_secret_basic/post, revocation at /oauth/revoke), narrowed to what the local tenant serves: no device flow, no /oidc/logout.
import type { RouteGroup } from '../route.ts';
import { publicOrigin } from './origin.ts';
import { issuerOf } from './signing-keys.ts';

const CACHEABLE = { 'cache-control': 'public, max-age=15, stale-while-revalidate=15, stale-if-error=86400' };

export const discoveryRoutes: RouteGroup = [
  {
    method: 'GET',
    path: '/.well-known/openid-configuration',
    scopes: 'none',
    handle({ request, state, domain }) {
      const origin = publicOrigin(request, domain);
      return {
        headers: CACHEABLE,
        body: {
          issuer: issuerOf(state),
          authorization_endpoint: `${origin}/authorize`,
          token_endpoint: `${origin}/oauth/token`,
          userinfo_endpoint: `${origin}/userinfo`,
          revocation_endpoint: `${origin}/oauth/revoke`,
          jwks_uri: `${origin}/.well-known/jwks.json`,
          scopes_supported: [
            'openid',
            'profile',
            'offline_access',
            'name',
            'given_name',
            'family_name',
            'nickname',
            'email',
            'email_verified',
            'picture',
            'created_at',
            'identities',
            'phone',
            'address',
          ],
          response_types_supported: ['code'],
          code_challenge_methods_supported: ['S256', 'plain'],
          response_modes_supported: ['query'],
          subject_types_supported: ['public'],
          token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
          claims_supported: [
            'aud',
            'auth_time',
            'created_at',
            'email',
            'email_verified',
            'exp',
            'family_name',
            'given_name',
            'iat',
            'identities',
            'iss',
            'name',
            'nickname',
            'phone_number',
            'picture',
            'sub',
          ],
          request_uri_parameter_supported: false,
          request_parameter_supported: false,
          id_token_signing_alg_values_supported: ['RS256'],
        },
      };
    },
  },
  {
    method: 'GET',
    path: '/.well-known/jwks.json',
    scopes: 'none',
    async handle({ state }) {
      return { headers: CACHEABLE, body: await state.signingKeys.jwks() };
    },
  },
];
