// Management API grants: GET /api/v2/grants (read:grants), DELETE /api/v2/grants/{id} and DELETE /api/v2/grants?user_id=…
// (delete:grants), on every plan. Deleting a grant revokes the refresh tokens issued in it
// (secure/tokens/refresh-tokens/revoke-refresh-tokens.mdx). The list's shape, paged with include_totals, is a real
// tenant's (auth0/go-auth0 test/data/recordings/TestGrantManager_List.yaml). Grants stay under the user_id they were made
// for: one of a user since linked under another is still found, and deleted, by the old id. 204 for an unknown grant id
// is the local tenant's guess.
import { boolParam, pageParams, requiredParam } from '../request-input.ts';
import type { RouteGroup } from '../route.ts';

export const grantRoutes: RouteGroup = [
  {
    method: 'GET',
    path: '/api/v2/grants',
    scopes: ['read:grants'],
    handle({ url, state }) {
      const { perPage, start } = pageParams(url);
      const filter = Object.fromEntries(
        (['user_id', 'client_id', 'audience'] as const).flatMap((name) => {
          const value = url.searchParams.get(name);
          return value === null || value === '' ? [] : [[name, value]];
        }),
      );
      const all = state.authentication.listGrants(filter).map((grant) => structuredClone(grant));
      const grants = all.slice(start, start + perPage);
      if (!boolParam(url, 'include_totals', false)) return { body: grants };
      return { body: { total: all.length, start, limit: perPage, grants } };
    },
  },
  {
    method: 'DELETE',
    path: '/api/v2/grants/:id',
    scopes: ['delete:grants'],
    handle({ params, state }) {
      state.authentication.deleteGrant(params.id!);
      return { status: 204, body: null, text: '' };
    },
  },
  {
    method: 'DELETE',
    path: '/api/v2/grants',
    scopes: ['delete:grants'],
    handle({ url, state }) {
      const userId = requiredParam(url, 'user_id');
      for (const grant of state.authentication.listGrants({ user_id: userId })) state.authentication.deleteGrant(grant.id);
      return { status: 204, body: null, text: '' };
    },
  },
];
