// Builds the post-login `event` for a login by one identity: the user now owning that identity, the identity's connection,
// and the request around it. Shapes from actions/reference/post-login/post-login-event-object.mdx.
import { randomBytes } from 'node:crypto';
import type { Identity, PostLoginEvent, PostLoginTransaction, PostLoginUser, TransactionProtocol, User } from '../../actions/types.ts';
import type { LoginIdentity } from '../login-identity.ts';
import type { TenantState } from '../state.ts';

/** The request around a login: who logs in and from where. */
export interface LoginRequest {
  /** The user logging in; without `identity`, by its main identity. */
  userId?: string;
  /** The identity used to log in; the event's user is whoever owns it now (its primary when it is linked). */
  identity?: LoginIdentity;
  /** `event.transaction.protocol`; `oauth2-refresh-token` is a refresh-token exchange. Default `oidc-basic-profile`. */
  protocol?: TransactionProtocol;
  /** The application logging the user in; its name is looked up among the tenant's clients. */
  clientId?: string;
  ip?: string;
  userAgent?: string;
  /** `event.authorization.roles`. */
  roles?: string[];
  /** The authorization request's fields for `event.transaction` (state, prompt, requested_scopes, redirect_uri, …). */
  transaction?: Omit<PostLoginTransaction, 'id' | 'protocol'>;
  /** `event.request.method`, `query` and `body`: the HTTP request that ended the authentication. */
  http?: { method: string; query: Record<string, string>; body: Record<string, unknown> };
  /** `event.authentication.methods`: what the user completed in this session (`pwd`, `federated`, `email`). */
  authenticationMethods?: Array<{ name: string; timestamp: string }>;
  /**
   * Whether an Action may suspend the login with api.redirect.sendUserTo: only an interactive /authorize login without
   * prompt=none. Refresh-token exchanges, password grants and replays cannot follow a redirect: the login fails.
   */
  canRedirect?: boolean;
}

const DEFAULT_CLIENT_ID = 'local-login-application';

/** Who logs in: the user owning the login identity, and that identity. Throws a clear error when either is unknown. */
export function resolveLogin(state: TenantState, request: LoginRequest): { user: User; identity: LoginIdentity } {
  if (request.identity) {
    const { provider, user_id } = request.identity;
    const user = state.ownerOfIdentity(provider, String(user_id));
    if (!user) throw new Error(`login: no user has the identity ${provider}|${user_id}; create it first (state.createUser)`);
    if (request.userId !== undefined && request.userId !== user.user_id) {
      throw new Error(`login: the identity ${provider}|${user_id} belongs to ${user.user_id}, not to ${request.userId}; pass one of userId or identity`);
    }
    return { user, identity: { provider, user_id: String(user_id) } };
  }
  if (request.userId === undefined) throw new Error('login: say who logs in with userId or identity');
  const user = state.getUser(request.userId);
  if (!user)
    throw new Error(`login: the user ${request.userId} does not exist in the local tenant (a linked secondary logs in with identity: {provider, user_id})`);
  const main = user.identities[0]!;
  return { user, identity: { provider: main.provider, user_id: String(main.user_id) } };
}

/** The identity entry of `user` matching `identity`. */
export function findIdentity(user: User, identity: LoginIdentity): Identity | undefined {
  return user.identities.find((i) => i.provider === identity.provider && String(i.user_id) === identity.user_id);
}

/** The `event.authentication.methods` name of a fresh sign-in on a connection of `strategy`. */
function methodOf(strategy: string): string {
  return strategy === 'auth0' ? 'pwd' : strategy === 'email' || strategy === 'sms' ? 'passwordless' : 'federated';
}

/**
 * The event for `user` logging in with `identity`. The user is a deep copy: the Action cannot change the tenant through it.
 * `loginsCount` is the user's count including this login.
 */
export function buildEvent(
  state: TenantState,
  user: User,
  identity: LoginIdentity,
  request: LoginRequest,
  secrets: Readonly<Record<string, string>>,
  loginsCount: number,
): PostLoginEvent {
  const used = findIdentity(user, identity)!;
  const connection = state.connection(used.connection);
  if (!connection)
    throw new Error(
      `login: the connection ${used.connection} of ${identity.provider}|${identity.user_id} is not in the local tenant; add it (state.addConnection)`,
    );
  const copy = structuredClone(user) as PostLoginUser;
  copy.app_metadata ??= {};
  copy.user_metadata ??= {};
  const clientId = request.clientId ?? DEFAULT_CLIENT_ID;
  return {
    user: copy,
    connection: { id: connection.id, name: connection.name, strategy: connection.strategy, metadata: {} },
    secrets,
    stats: { logins_count: loginsCount },
    transaction: {
      requested_scopes: ['openid', 'profile', 'email'],
      ...structuredClone(request.transaction ?? {}),
      id: randomBytes(16).toString('base64url'),
      protocol: request.protocol ?? 'oidc-basic-profile',
    },
    request: {
      ip: request.ip ?? '127.0.0.1',
      hostname: state.domain,
      user_agent: request.userAgent ?? 'auth0-auto-link local runtime',
      language: 'en',
      ...(request.http ? structuredClone(request.http) : {}),
    },
    // Auth0 gives every login the methods its session completed; a login replayed without them authenticated just now.
    authentication: {
      methods: structuredClone(request.authenticationMethods ?? [{ name: methodOf(connection.strategy), timestamp: state.now().toISOString() }]),
    },
    tenant: { id: state.domain.split('.')[0]! },
    client: { client_id: clientId, name: state.client(clientId)?.name ?? 'Local application', metadata: {} },
    authorization: { roles: [...(request.roles ?? [])] },
  };
}
