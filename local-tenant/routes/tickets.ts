// POST /api/v2/tickets/password-change (scope create:user_tickets): a reset link for a user's database identity, answered
// 201 {"ticket": "https://{domain}/u/reset-password?ticket=…#"} as a real tenant did (auth0/go-auth0 test/data/recordings,
// TestTicketManager_ChangePassword, which sent result_url, user_id, ttl_sec, mark_email_as_verified). ttl_sec unset or 0
// is 432 000 s (5 days). The error texts are the local tenant's.
import { ApiError } from '../api-error.ts';
import { resetPath } from '../auth/mails.ts';
import { readJsonObject } from '../request-input.ts';
import type { RouteGroup } from '../route.ts';

export const ticketRoutes: RouteGroup = [
  {
    method: 'POST',
    path: '/api/v2/tickets/password-change',
    scopes: ['create:user_tickets'],
    async handle({ request, state, domain }) {
      const body = await readJsonObject(request);
      if (typeof body.user_id !== 'string')
        throw new ApiError(400, 'Payload validation error: user_id is required (the local tenant does not take email + connection_id).', 'invalid_body');
      for (const [name, type] of [
        ['result_url', 'string'],
        ['ttl_sec', 'number'],
        ['mark_email_as_verified', 'boolean'],
      ] as const) {
        if (body[name] !== undefined && typeof body[name] !== type) {
          throw new ApiError(400, `Payload validation error: 'Expected type ${type} but found type ${typeof body[name]}' on property ${name}.`, 'invalid_body');
        }
      }
      const user = state.requireUser(body.user_id);
      const identity = user.identities.find((i) => i.provider === 'auth0');
      if (!identity) throw new ApiError(400, 'The user has no database identity: a password can only be set on a database connection.', 'invalid_body');
      const ttl = typeof body.ttl_sec === 'number' && body.ttl_sec > 0 ? body.ttl_sec : 432_000;
      const ticket = state.authentication.newResetTicket(
        {
          identity: { provider: 'auth0', user_id: String(identity.user_id) },
          connection: identity.connection,
          markEmailVerified: body.mark_email_as_verified === true,
          ...(typeof body.result_url === 'string' ? { resultUrl: body.result_url } : {}),
        },
        ttl * 1000,
      );
      return { status: 201, body: { ticket: `https://${domain}${resetPath(ticket)}#` } };
    },
  },
];
