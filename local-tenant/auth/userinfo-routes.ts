// GET /userinfo: the signed-in user's profile claims for an access token whose audience includes https://{domain}/userinfo.
// Auth0 answers a missing or unknown token with 401 and the plain text "Unauthorized".
import type { RouteGroup } from '../route.ts';
import { profileClaims } from './token-response.ts';
import { userinfoAudienceOf } from './user-tokens.ts';

export const userinfoRoutes: RouteGroup = [
  {
    method: 'GET',
    path: '/userinfo',
    scopes: 'none',
    handle({ request, state }) {
      const unauthorized = {
        status: 401,
        body: null,
        text: 'Unauthorized',
        headers: { 'content-type': 'text/plain; charset=utf-8', 'www-authenticate': 'Bearer error="invalid_token"' },
      };
      const match = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.get('authorization') ?? '');
      const grant = match ? state.verifyToken(match[1]!) : undefined;
      if (!grant || grant.subject === undefined || !grant.audiences.includes(userinfoAudienceOf(state))) return unauthorized;
      const user = state.getUser(grant.subject);
      if (!user) return unauthorized;
      return { body: { sub: user.user_id, ...profileClaims(user, [...grant.scopes]) } };
    },
  },
];
