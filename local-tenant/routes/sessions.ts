// Management API sessions and refresh tokens of a user, Enterprise plans only (plan.ts): GET/DELETE /users/{id}/sessions,
// GET/DELETE /sessions/{id} (read:sessions, delete:sessions), GET/DELETE /users/{id}/refresh-tokens (read:refresh_tokens,
// delete:refresh_tokens). Status codes and shapes as real tenants answered (auth0/go-auth0 test/data/recordings):
// TestUserManager_ListUserSessions `{"sessions":[]}`, TestUserManager_DeleteUserSessions 202 `{}`, TestSessionManager_Read
// the session object, TestSessionManager_Delete 202 `{}` (for an id that named no session), TestUserManager_ListRefreshTokens
// `{"tokens":[…]}`, TestUserManager_DeleteRefreshTokens 202 `{}`. Auth0 runs these deletions asynchronously ("eventually
// consistent"); the local tenant ends them at once. Sessions and refresh tokens stay under the user they were made for:
// after that user is linked under another, the old id's user is gone (404 here) and the primary's id does not reach them:
// they must be ended before the link (a less forgiving guess: Auth0 does not say).
import { ApiError } from '../api-error.ts';
import type { Session, StoredRefreshToken } from '../auth/store.ts';
import { requireEnterprise } from '../plan.ts';
import { intParam } from '../request-input.ts';
import type { RouteGroup, RouteResult } from '../route.ts';
import type { TenantState } from '../state.ts';

/** Auth0's default session lifetimes: 3 days idle, 30 days in all (get-started/tenant-settings.mdx). */
const IDLE_MS = 4320 * 60_000;
const ABSOLUTE_MS = 43_200 * 60_000;

const ACCEPTED: RouteResult = { status: 202, body: {} };

export const sessionRoutes: RouteGroup = [
  {
    method: 'GET',
    path: '/api/v2/users/:id/sessions',
    scopes: ['read:sessions'],
    handle({ url, params, state }) {
      requireEnterprise(state.plan, 'Session management');
      state.requireUser(params.id!);
      return { body: paged(url, state.authentication.sessionsOf(params.id!).map(sessionBody), 'sessions') };
    },
  },
  {
    method: 'DELETE',
    path: '/api/v2/users/:id/sessions',
    scopes: ['delete:sessions'],
    handle({ params, state }) {
      requireEnterprise(state.plan, 'Session management');
      state.requireUser(params.id!);
      state.authentication.endSessionsOf(params.id!);
      return ACCEPTED;
    },
  },
  {
    method: 'GET',
    path: '/api/v2/sessions/:id',
    scopes: ['read:sessions'],
    handle({ params, state }) {
      requireEnterprise(state.plan, 'Session management');
      const session = state.authentication.session(params.id);
      if (!session) throw new ApiError(404, 'The session does not exist.', 'inexistent_session');
      return { body: sessionBody(session) };
    },
  },
  {
    method: 'DELETE',
    path: '/api/v2/sessions/:id',
    scopes: ['delete:sessions'],
    handle({ params, state }) {
      requireEnterprise(state.plan, 'Session management');
      state.authentication.endSession(params.id);
      return ACCEPTED;
    },
  },
  {
    method: 'GET',
    path: '/api/v2/users/:id/refresh-tokens',
    scopes: ['read:refresh_tokens'],
    handle({ url, params, state }) {
      requireEnterprise(state.plan, 'Refresh token management');
      state.requireUser(params.id!);
      return {
        body: paged(
          url,
          state.authentication.refreshTokensOf(params.id!).map((t) => refreshTokenBody(state, t)),
          'tokens',
        ),
      };
    },
  },
  {
    method: 'DELETE',
    path: '/api/v2/users/:id/refresh-tokens',
    scopes: ['delete:refresh_tokens'],
    handle({ params, state }) {
      requireEnterprise(state.plan, 'Refresh token management');
      state.requireUser(params.id!);
      state.authentication.deleteRefreshTokensOf(params.id!);
      return ACCEPTED;
    },
  },
];

/** Checkpoint paging (`from` an id, `take` default 50): `{[key]: items, next?}`. */
function paged<T extends { id: string }>(url: URL, items: T[], key: string): Record<string, unknown> {
  const take = intParam(url, 'take', 50, 1, 100);
  const from = url.searchParams.get('from');
  const start = from
    ? Math.max(
        0,
        items.findIndex((item) => item.id === from),
      )
    : 0;
  const page = items.slice(start, start + take);
  const next = items[start + take];
  return { [key]: page, ...(next ? { next: next.id } : {}) };
}

function sessionBody(session: Session) {
  const updated = Date.parse(session.updatedAt);
  return {
    id: session.id,
    user_id: session.userId,
    created_at: session.createdAt,
    updated_at: session.updatedAt,
    authenticated_at: new Date(session.authentication.authTime * 1000).toISOString(),
    idle_expires_at: new Date(updated + IDLE_MS).toISOString(),
    expires_at: new Date(Date.parse(session.createdAt) + ABSOLUTE_MS).toISOString(),
    last_interacted_at: session.updatedAt,
    device: {
      initial_user_agent: session.device.initialUserAgent,
      initial_ip: session.device.initialIp,
      last_user_agent: session.device.lastUserAgent,
      last_ip: session.device.lastIp,
    },
    clients: session.clients.map((client_id) => ({ client_id })),
    authentication: { methods: session.methods.map((m) => ({ name: m.name, timestamp: m.timestamp })) },
  };
}

function refreshTokenBody(state: TenantState, token: StoredRefreshToken) {
  const audience = state.authentication.listGrants().find((g) => g.id === token.grantId)?.audience ?? null;
  return {
    id: token.id,
    user_id: token.userId,
    created_at: token.createdAt,
    idle_expires_at: null,
    expires_at: null,
    client_id: token.login.clientId,
    session_id: token.login.sessionId ?? null,
    rotating: false,
    resource_servers: [{ audience, scopes: token.login.scopes.join(' ') }],
  };
}
