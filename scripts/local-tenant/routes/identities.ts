// Management API account linking: POST /users/{id}/identities links, DELETE /users/{id}/identities/{provider}/{user_id} unlinks.
import { ApiError } from '../api-error.ts';
import { readJsonObject } from '../request-input.ts';
import type { RouteGroup } from '../route.ts';

// Errors are state.link/state.unlink's. Auth0's reference (and the auth0 SDK 7.1.0 IdentitiesClient, which types only
// 400/401/403/429 for unlink and adds 409 for link) documents no 404 here; answering 404 for an unknown primary user and
// 400 for unlinking an identity the user does not hold are the local tenant's choices, as no public record shows Auth0's.
export const identityRoutes: RouteGroup = [
  {
    method: 'POST',
    path: '/api/v2/users/:id/identities',
    scopes: ['update:users'],
    async handle({ request, params, state }) {
      const body = await readJsonObject(request);
      if (body.link_with !== undefined) {
        throw new ApiError(400, 'The local tenant does not verify link_with tokens: send provider and user_id (the update:users way).', 'invalid_body');
      }
      return { status: 201, body: state.link(params.id!, body) };
    },
  },
  {
    method: 'DELETE',
    path: '/api/v2/users/:id/identities/:provider/:user_id',
    scopes: ['update:users'],
    handle({ params, state }) {
      return { body: state.unlink(params.id!, params.provider!, params.user_id!) };
    },
  },
];
