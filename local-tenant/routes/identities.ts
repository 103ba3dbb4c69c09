// Management API account linking: POST /users/{id}/identities links (provider/user_id, or link_with an ID token),
// DELETE /users/{id}/identities/{provider}/{user_id} unlinks; a user's own token reaches its own user only.
import { insufficientScope } from '../guard.ts';
import { linkWith } from '../link-with.ts';
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
    currentUserScopes: ['update:current_user_identities'],
    async handle({ request, params, state, grant }) {
      const body = await readJsonObject(request);
      if (body.link_with !== undefined) return { status: 201, body: await linkWith(state, grant!, params.id!, body) };
      // With update:current_user_identities "only the link_with param is required" (the endpoint's reference): naming
      // the secondary by provider/user_id is the update:users way, and a user's token cannot take it.
      if (grant?.subject !== undefined) throw insufficientScope(['update:users']);
      return { status: 201, body: state.link(params.id!, body) };
    },
  },
  {
    method: 'DELETE',
    path: '/api/v2/users/:id/identities/:provider/:user_id',
    scopes: ['update:users'],
    currentUserScopes: ['update:current_user_identities'],
    handle({ params, state }) {
      return { body: state.unlink(params.id!, params.provider!, params.user_id!) };
    },
  },
];
