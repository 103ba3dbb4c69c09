// The local tenant's data and Auth0's semantics over it: users, connections, M2M clients, tokens, link and unlink.
// Every rule here follows Auth0's documentation as docs/auth0-behaviour.md cites it; where Auth0's docs are silent the choice is named in a comment.
import { createHash, randomBytes } from 'node:crypto';
import type { Connection, Identity, Metadata, User } from '../actions/types.ts';
import { isSocialStrategy } from '../actions/strategies.ts';
import { ApiError } from './api-error.ts';
import { checkPasswordPolicy, policyOf } from './auth/password-policy.ts';
import { SigningKeys } from './auth/signing-keys.ts';
import { AuthenticationStore } from './auth/store.ts';
import type { TenantPlan } from './plan.ts';
import { DEFAULT_SEARCH_INDEX_DELAY_MS, SearchIndex } from './search-index.ts';

/** An M2M application with its grant on the Management API. */
export interface Client {
  client_id: string;
  client_secret: string;
  name: string;
  /** Scopes granted on the Management API audience. */
  scopes: string[];
  /** Application settings a login application has (auth/applications.ts reads them); an M2M client leaves them out. */
  app_type?: 'regular_web' | 'spa' | 'native' | 'non_interactive';
  /** Allowed Callback URLs: /authorize refuses any other redirect_uri (exact match). */
  callbacks?: string[];
  /** Allowed Logout URLs for /v2/logout's returnTo. */
  allowed_logout_urls?: string[];
  /** Grants the token endpoint accepts from this client; default `client_credentials` only. */
  grant_types?: string[];
  /** `none` for a public client (SPA, native: PKCE instead of a secret). Default `client_secret_post` (basic also accepted). */
  token_endpoint_auth_method?: 'client_secret_post' | 'client_secret_basic' | 'none';
  /** Names of the connections enabled for the application; default every connection of the tenant. */
  connections?: string[];
  /** What the Management API answers about the application besides its settings. */
  description?: string;
  /**
   * Settings the Management API stores and answers but the tenant does not act on (`organization_usage`,
   * `jwt_configuration`, `refresh_token`, …), as the last POST or PATCH set them (routes/clients.ts ECHOED_SETTINGS).
   */
  settings?: Record<string, unknown>;
  /**
   * Created through the Management API without `app_type`: Auth0 gives it none and answers none (routes/clients.ts). A
   * client a seed or test adds without app_type is a machine-to-machine application, answered as `non_interactive`.
   */
  untyped?: true;
  created_at: string;
}

/** What an access token issued by the local tenant grants (not the Action's cached token: actions/token-cache.ts). */
export interface TokenGrant {
  /** The application the token was issued to (a JWT's `azp`). */
  clientId: string;
  scopes: ReadonlySet<string>;
  /** Epoch milliseconds. */
  expiresAt: number;
  /** The user a user access token acts for (`sub`); undefined for a client-credentials (M2M) token. */
  subject?: string;
  /** The APIs the token is for (`aud`): the Management API, and `https://{domain}/userinfo` when `openid` was granted. */
  audiences: readonly string[];
}

/** Whom a token is issued for beyond its client and scopes. */
export interface TokenOptions {
  subject?: string;
  /** Default: the Management API audience only, as a client-credentials token has. */
  audiences?: readonly string[];
  /** Default TOKEN_LIFETIME_SECONDS. */
  lifetimeSeconds?: number;
}

/** What creating a user takes: the connection by name and the profile; ids and times are filled in. */
export interface NewUser {
  connection: string;
  /** The identity's own id; generated when absent (24 hex characters for databases, digits for others). */
  id?: string;
  email?: string;
  email_verified?: boolean;
  created_at?: string;
  /** When its password was last reset, for a user seeded as it stands on a tenant (an import, a fixture). */
  last_password_reset?: string;
  name?: string;
  nickname?: string;
  picture?: string;
  given_name?: string;
  family_name?: string;
  username?: string;
  blocked?: boolean;
  app_metadata?: Metadata;
  user_metadata?: Metadata;
  /** A database user's password, stored hashed (auth/passwords.ts); refused for other connections. */
  password?: string;
}

/** `PATCH /api/v2/users/{id}` body, the parts the local tenant honours. */
export interface UserPatch {
  app_metadata?: Metadata | null;
  user_metadata?: Metadata | null;
  email?: string;
  email_verified?: boolean;
  name?: string;
  nickname?: string;
  picture?: string;
  blocked?: boolean;
  /** A new password for the user's database identity on `connection`; sets `last_password_reset`. */
  password?: string;
  /** The database connection whose identity `password` is for. */
  connection?: string;
}

/**
 * The profile fields that move into `identities[n].profileData` when a user becomes a secondary. Not `name`: a real
 * tenant's link answer leaves it out of both identities' profileData (auth0/go-auth0 test/data/recordings,
 * TestUserManager_Link.yaml: users created with a name get profileData without one).
 */
const PROFILE_FIELDS = ['email', 'email_verified', 'nickname', 'picture', 'given_name', 'family_name', 'username', 'phone_number', 'phone_verified'] as const;

const LOGIN_APP_FIELDS = new Set(['app_type', 'callbacks', 'allowed_logout_urls', 'grant_types', 'token_endpoint_auth_method', 'connections']);

/** A connection id as Auth0 makes and checks them (`con_` and 16 letters or digits). */
export const CONNECTION_ID = /^con_[A-Za-z0-9]{16}$/;

/** Management API token lifetime, as Auth0 issues it by default. */
export const TOKEN_LIFETIME_SECONDS = 86_400;

export class TenantState {
  readonly domain: string;
  private readonly connectionsByName = new Map<string, Connection>();
  private readonly connectionsById = new Map<string, Connection>();
  /** Each connection's `options`, as GET /api/v2/connections answers them (never part of event.connection). */
  private readonly optionsByName = new Map<string, ConnectionOptions>();
  private readonly clients = new Map<string, Client>();
  private readonly tokens = new Map<string, TokenGrant>();
  /** The RS256 key ID tokens are signed with (auth/signing-keys.ts). */
  readonly signingKeys: SigningKeys;
  /** The Authentication API's transactions, sessions, codes, refresh tokens, passwords and outbox (auth/store.ts). */
  readonly authentication = new AuthenticationStore(() => this.now().getTime());
  private readonly users = new Map<string, User>();
  /** Exact (case-sensitive) email → user ids, as `users-by-email` matches. A lone id is kept unwrapped to save memory. */
  private readonly byEmail = new Map<string, string | string[]>();
  /** Lower-cased email → user ids, for the case-insensitive `q=email:"…"` search. */
  private readonly byLowerEmail = new Map<string, string | string[]>();
  /** What `GET /users?q=` sees: changes show after a delay (search-index.ts). */
  readonly searchIndex: SearchIndex;
  /** The subscription plan: Enterprise-only endpoints (session and refresh-token management) refuse other plans (plan.ts). */
  plan: TenantPlan;
  /** Universal Login's branding, as GET /api/v2/branding answers it (routes/branding.ts); a new tenant has none set. */
  branding: { logo_url?: string; colors?: { primary?: string; page_background?: string | Record<string, unknown> } } = {};
  /** The tenant settings GET /api/v2/tenants/settings answers (only the fields the project reads). */
  tenantSettings: { friendly_name?: string; picture_url?: string; support_email?: string; support_url?: string } = {};
  /** Connections' display_name (Auth0 answers it with the connection when one is set). */
  private readonly displayNames = new Map<string, string>();
  private clock: () => Date;

  constructor(options: { domain?: string; now?: () => Date; searchIndexDelayMs?: number; plan?: TenantPlan } = {}) {
    this.domain = options.domain ?? 'tenant.local';
    this.plan = options.plan ?? 'enterprise';
    this.clock = options.now ?? (() => new Date());
    this.signingKeys = new SigningKeys({ domain: this.domain, now: () => this.now() });
    this.searchIndex = new SearchIndex(options.searchIndexDelayMs ?? DEFAULT_SEARCH_INDEX_DELAY_MS, () => this.now().getTime());
  }

  /** The tenant's current time (tests may freeze it). */
  now(): Date {
    return this.clock();
  }

  setClock(now: () => Date): void {
    this.clock = now;
  }

  // --- connections -------------------------------------------------------------------------

  /** `options` are merged over what Auth0 gives a new connection of that strategy (defaultConnectionOptions). */
  addConnection(input: { name: string; strategy: string; id?: string; options?: ConnectionOptions; display_name?: string }): Connection {
    if (this.connectionsByName.has(input.name)) throw new ApiError(409, `A connection with the same name already exists`, 'connection_conflict');
    const connection: Connection = { id: input.id ?? `con_${randomId(16)}`, name: input.name, strategy: input.strategy };
    this.connectionsByName.set(connection.name, connection);
    this.connectionsById.set(connection.id, connection);
    this.optionsByName.set(connection.name, { ...defaultConnectionOptions(input.strategy), ...structuredClone(input.options ?? {}) });
    if (input.display_name) this.displayNames.set(connection.name, input.display_name);
    return connection;
  }

  connectionOptions(name: string): ConnectionOptions | undefined {
    const options = this.optionsByName.get(name);
    return options === undefined ? undefined : structuredClone(options);
  }

  connection(name: string): Connection | undefined {
    return this.connectionsByName.get(name);
  }

  connectionById(id: string): Connection | undefined {
    return this.connectionsById.get(id);
  }

  /** The connection's display_name, when one was set. */
  connectionDisplayName(name: string): string | undefined {
    return this.displayNames.get(name);
  }

  listConnections(): Connection[] {
    return [...this.connectionsByName.values()];
  }

  // --- clients and tokens -----------------------------------------------------------------

  addClient(input: Omit<Client, 'client_id' | 'client_secret' | 'created_at'> & Partial<Pick<Client, 'client_id' | 'client_secret'>>): Client {
    const client: Client = {
      client_id: input.client_id ?? randomId(32),
      client_secret: input.client_secret ?? randomBytes(48).toString('base64url'),
      name: input.name,
      scopes: [...input.scopes],
      created_at: this.now().toISOString(),
      ...(input.description === undefined ? {} : { description: input.description }),
      ...(input.settings === undefined ? {} : { settings: structuredClone(input.settings) }),
      ...(input.untyped ? { untyped: true as const } : {}),
      ...structuredClone(Object.fromEntries(Object.entries(input).filter(([key]) => LOGIN_APP_FIELDS.has(key)))),
    };
    this.clients.set(client.client_id, client);
    return client;
  }

  client(clientId: string): Client | undefined {
    return this.clients.get(clientId);
  }

  listClients(): Client[] {
    return [...this.clients.values()];
  }

  /**
   * Issues an access token for a client (and a user, for a user token): an RS256 JWT signed with the tenant's key, with
   * the claims of Auth0's token profile (`iss`, `sub`, `aud`, `azp`, `exp`, `iat`, `scope`; `gty` for client credentials,
   * whose `sub` is `{client_id}@clients`: secure/tokens/access-tokens/access-token-profiles.mdx). The tenant also keeps what it granted, so a token it forgot is
   * refused although its signature holds.
   */
  async issueToken(clientId: string, scopes: readonly string[], options: TokenOptions = {}): Promise<{ token: string; issued: TokenGrant }> {
    const lifetime = options.lifetimeSeconds ?? TOKEN_LIFETIME_SECONDS;
    const now = this.now().getTime();
    const issued: TokenGrant = {
      clientId,
      scopes: new Set(scopes),
      expiresAt: now + lifetime * 1000,
      audiences: [...(options.audiences ?? [`https://${this.domain}/api/v2/`])],
      ...(options.subject === undefined ? {} : { subject: options.subject }),
    };
    const iat = Math.floor(now / 1000);
    const token = await this.signingKeys.sign(
      {
        iss: `https://${this.domain}/`,
        sub: options.subject ?? `${clientId}@clients`,
        aud: issued.audiences.length === 1 ? issued.audiences[0]! : [...issued.audiences],
        iat,
        exp: iat + lifetime,
        // Not in Auth0's token profile (secure/tokens/access-tokens/access-token-profiles.mdx): keeps every token distinct.
        jti: randomBytes(16).toString('base64url'),
        scope: scopes.join(' '),
        ...(options.subject === undefined ? { gty: 'client-credentials' } : {}),
        azp: clientId,
      },
      'JWT',
    );
    this.tokens.set(token, issued);
    return { token, issued };
  }

  /** The token's grant, or undefined when it is unknown or expired. */
  verifyToken(token: string): TokenGrant | undefined {
    const issued = this.tokens.get(token);
    if (!issued) return undefined;
    if (issued.expiresAt <= this.now().getTime()) {
      this.tokens.delete(token);
      return undefined;
    }
    return issued;
  }

  /** Number of tokens issued and still held (a measure of token churn). */
  tokenCount(): number {
    return this.tokens.size;
  }

  // --- users --------------------------------------------------------------------------------

  /** Creates a user on a connection, as a signup or a first social login would. */
  createUser(input: NewUser): User {
    const connection = this.connectionsByName.get(input.connection);
    if (!connection) throw new ApiError(400, `The connection does not exist.`, 'inexistent_connection');
    const provider = connection.strategy;
    const id = input.id ?? (provider === 'auth0' ? randomId(24) : randomDigits(21));
    const created = input.created_at ?? this.now().toISOString();
    const user: User = {
      user_id: `${provider}|${id}`,
      created_at: created,
      updated_at: created,
      identities: [{ provider, user_id: id, connection: connection.name, isSocial: isSocialStrategy(provider) }],
      app_metadata: { ...(input.app_metadata ?? {}) },
      user_metadata: { ...(input.user_metadata ?? {}) },
    };
    if (input.email !== undefined) {
      user.email = storedEmail(provider, input.email);
      if (connection.strategy === 'auth0' && this.hasEmailOn(connection.name, user.email)) {
        // A database connection holds one account per email (a signup with a taken email fails).
        throw new ApiError(409, 'The user already exists.', 'user_exists');
      }
    }
    if (input.email_verified !== undefined || input.email !== undefined) user.email_verified = input.email_verified ?? false;
    for (const key of ['name', 'nickname', 'picture', 'given_name', 'family_name', 'username', 'blocked', 'last_password_reset'] as const) {
      if (input[key] !== undefined) (user as unknown as Record<string, unknown>)[key] = input[key];
    }
    fillProfileDefaults(user);
    if (input.password !== undefined && provider !== 'auth0') {
      throw new ApiError(400, `Payload validation error: password is only for database connections, not ${connection.name}.`, 'invalid_body');
    }
    this.insertUser(user);
    if (input.password !== undefined) this.authentication.setPassword(user.user_id, input.password);
    return user;
  }

  /**
   * Stores a complete user (seeding, generator, unlink). Its user_id must be `provider|id` of its first identity.
   * `indexed: true` puts it in the search index at once: a user that existed long before (the generator's tenant).
   */
  insertUser(user: User, options: { indexed?: boolean } = {}): void {
    const main = user.identities[0];
    if (!main || user.user_id !== `${main.provider}|${main.user_id}`) {
      throw new ApiError(400, `user_id ${user.user_id} does not match its main identity`, 'invalid_body');
    }
    if (this.users.has(user.user_id)) throw new ApiError(409, 'The user already exists.', 'user_exists');
    user.app_metadata ??= {};
    user.user_metadata ??= {};
    if (options.indexed !== true) this.searchIndex.willChange(user.user_id, undefined);
    this.users.set(user.user_id, user);
    if (user.email !== undefined) this.indexEmail(user.email, user.user_id);
  }

  getUser(userId: string): User | undefined {
    return this.users.get(userId);
  }

  requireUser(userId: string): User {
    const user = this.users.get(userId);
    if (!user) throw new ApiError(404, 'The user does not exist.', 'inexistent_user');
    return user;
  }

  /**
   * `GET /api/v2/users?q=email:"…"`: users whose email equals `email` ignoring case, as the search index shows them
   * (eventually consistent: a user changed within the index delay is seen as before, a new one not yet).
   */
  searchByEmail(email: string): User[] {
    const lower = email.toLowerCase();
    const live = this.byLowerEmail.get(lower) ?? [];
    const ids = new Set([...(typeof live === 'string' ? [live] : live), ...this.searchIndex.staleIds()]);
    const found: User[] = [];
    for (const id of ids) {
      const shown = this.searchIndex.view(id, this.users.get(id));
      if (shown?.email?.toLowerCase() === lower) found.push(shown);
    }
    return found;
  }

  /**
   * `GET /api/v2/users?q=field:"…"` on another field than email (search-index.ts SEARCHABLE_FIELDS): users whose field
   * equals `value` exactly, as the search index shows them. Linear in the tenant's size.
   */
  searchByField(field: string, value: string): User[] {
    if (field === 'email') return this.searchByEmail(value);
    const ids = new Set([...this.users.keys(), ...this.searchIndex.staleIds()]);
    const found: User[] = [];
    for (const id of ids) {
      const shown = this.searchIndex.view(id, this.users.get(id));
      if (shown !== undefined && (shown as unknown as Record<string, unknown>)[field] === value) found.push(shown);
    }
    return found;
  }

  /** Users whose email equals `email` exactly: the endpoint is case-sensitive. */
  usersByEmail(email: string): User[] {
    const ids = this.byEmail.get(email);
    if (ids === undefined) return [];
    return (typeof ids === 'string' ? [ids] : ids).map((id) => this.requireUser(id));
  }

  /**
   * Whether an identity on `connection` carries `email` (a main identity its user's email, a linked one its profileData's),
   * among the users the email index finds: a linked identity counts when its primary has that email too.
   */
  private hasEmailOn(connection: string, email: string): boolean {
    return this.usersByEmail(email).some((user) =>
      user.identities.some((identity, index) => identity.connection === connection && (index === 0 ? user.email : identity.profileData?.email) === email),
    );
  }

  /** Every user, in creation (insertion) order. */
  allUsers(): IterableIterator<User> {
    return this.users.values();
  }

  userCount(): number {
    return this.users.size;
  }

  /** The user owning an identity, as a main or a linked (secondary) identity. Linear: for the runtime harness, not for hot paths. */
  ownerOfIdentity(provider: string, identityUserId: string): User | undefined {
    const direct = this.users.get(`${provider}|${identityUserId}`);
    if (direct) return direct;
    for (const user of this.users.values()) {
      if (user.identities.some((i) => i.provider === provider && String(i.user_id) === identityUserId)) return user;
    }
    return undefined;
  }

  /**
   * `PATCH /api/v2/users/{id}`: metadata merged at the top level, a key set to null removed, and the object sent empty
   * (`"app_metadata": {}`) removing all of it (manage-users/user-accounts/metadata/manage-metadata-api.mdx).
   */
  patchUser(userId: string, patch: UserPatch): User {
    const user = this.requireUser(userId);
    this.searchIndex.willChange(userId, user);
    if (patch.app_metadata !== undefined) user.app_metadata = patchMetadata(user.app_metadata ?? {}, patch.app_metadata);
    if (patch.user_metadata !== undefined) user.user_metadata = patchMetadata(user.user_metadata ?? {}, patch.user_metadata);
    const email = patch.email === undefined ? undefined : storedEmail(user.identities[0]!.provider, patch.email);
    if (email !== undefined && email !== user.email) {
      if (user.email !== undefined) this.unindexEmail(user.email, user.user_id);
      user.email = email;
      this.indexEmail(email, user.user_id);
      // Auth0 marks a changed email unverified unless the same request says otherwise.
      user.email_verified = patch.email_verified ?? false;
    } else if (patch.email_verified !== undefined) {
      user.email_verified = patch.email_verified;
    }
    for (const key of ['name', 'nickname', 'picture', 'blocked'] as const) {
      if (patch[key] !== undefined) (user as unknown as Record<string, unknown>)[key] = patch[key];
    }
    if (patch.password !== undefined) this.changePassword(user, patch.connection, patch.password);
    user.updated_at = this.now().toISOString();
    return user;
  }

  /**
   * Sets the password of the user's database identity on `connection` and stamps `last_password_reset`, as a real tenant
   * did for `PATCH /api/v2/users/{id}` with `{"connection":…,"password":…}` (auth0/go-auth0 test/data/recordings,
   * TestUserManager_Update: 200 and `last_password_reset`). Auth0 asks for `connection` with a password change of a
   * secondary identity; the local tenant asks for it always (stricter: the recorded call sends it). The error texts are
   * the local tenant's. Sessions and refresh tokens live on: a password change does not end them (they are ended apart:
   * DELETE …/sessions, grants, refresh-tokens). Auth0's session-layers.mdx says checkSession stops renewing after such a
   * PATCH; not modelled, so a test never credits Auth0 with ending a session the Action should end itself.
   */
  changePassword(user: User, connection: string | undefined, password: string, identityUserId?: string): void {
    if (connection === undefined) throw new ApiError(400, 'Payload validation error: connection is required to change a password.', 'invalid_body');
    const identity = user.identities.find(
      (i) => i.connection === connection && i.provider === 'auth0' && (identityUserId === undefined || String(i.user_id) === identityUserId),
    );
    if (!identity) throw new ApiError(400, `The user has no database identity on the connection ${connection}.`, 'invalid_body');
    // Guess at the Management API's wording for a password its policy refuses (the Authentication API's body is recorded).
    if (checkPasswordPolicy(password, policyOf(this.connectionOptions(connection)))) {
      throw new ApiError(400, 'PasswordStrengthError: Password is too weak', 'invalid_body');
    }
    this.authentication.setPassword(`auth0|${identity.user_id}`, password);
    user.last_password_reset = this.now().toISOString();
    user.updated_at = user.last_password_reset;
  }

  /** Removes a user and every identity it holds. */
  deleteUser(userId: string): void {
    const user = this.requireUser(userId);
    this.searchIndex.willChange(userId, user);
    this.users.delete(userId);
    if (user.email !== undefined) this.unindexEmail(user.email, userId);
  }

  // --- link and unlink ------------------------------------------------------------------------

  /**
   * `POST /api/v2/users/{primaryId}/identities`: every identity of the secondary moves to the primary, the secondary
   * user disappears, its metadata is discarded and its profile becomes its identity's `profileData`.
   * Returns the primary's identities.
   */
  link(primaryId: string, body: { provider?: unknown; user_id?: unknown; connection_id?: unknown }): Identity[] {
    if (typeof body.provider !== 'string' || (typeof body.user_id !== 'string' && typeof body.user_id !== 'number')) {
      throw new ApiError(400, 'Payload validation error: provider and user_id are required.', 'invalid_body');
    }
    if (body.connection_id !== undefined && typeof body.connection_id !== 'string') {
      throw new ApiError(
        400,
        `Payload validation error: 'Expected type string but found type ${typeof body.connection_id}' on property connection_id.`,
        'invalid_body',
      );
    }
    if (typeof body.connection_id === 'string' && !CONNECTION_ID.test(body.connection_id)) {
      throw new ApiError(
        400,
        `Payload validation error: 'String does not match pattern ${CONNECTION_ID.source}: ${body.connection_id}' on property connection_id.`,
        'invalid_body',
      );
    }
    const primary = this.requireUser(primaryId);
    const secondaryId = this.secondaryIdOf(body.provider, String(body.user_id));
    if (secondaryId === primaryId) throw new ApiError(400, 'Main identity and the new one are the same.', 'invalid_body');
    const ownId = secondaryId.slice(body.provider.length + 1);
    if (primary.identities.some((i) => i.provider === body.provider && String(i.user_id) === ownId)) {
      throw new ApiError(409, 'Specified identity already exists.', 'identity_conflict');
    }
    const secondary = this.users.get(secondaryId);
    if (!secondary) throw new ApiError(400, 'Provided secondary account not found.', 'invalid_body');
    // connection_id picks the secondary's database connection among several; one that is not the secondary's finds no account.
    if (typeof body.connection_id === 'string') {
      const connection = this.connectionsById.get(body.connection_id);
      if (!connection || connection.name !== secondary.identities[0]?.connection) {
        throw new ApiError(400, 'Provided secondary account not found.', 'invalid_body');
      }
    }
    this.searchIndex.willChange(primaryId, primary);
    this.searchIndex.willChange(secondaryId, secondary);
    const [main, ...alreadyLinked] = secondary.identities;
    const moved: Identity = { ...main!, profileData: profileOf(secondary) };
    primary.identities.push(moved, ...alreadyLinked);
    this.users.delete(secondaryId);
    if (secondary.email !== undefined) this.unindexEmail(secondary.email, secondaryId);
    primary.updated_at = this.now().toISOString();
    return identitiesJson(primary);
  }

  /**
   * The secondary's user id from a link body: `user_id` is the identity's own id (`provider|` + it), or the full id, which
   * a real tenant also accepts (auth0/go-auth0 test/data/recordings, TestUserManager_Link: `"user_id":"auth0|63d1…"`
   * answered 201). The own id is tried first, for ids that themselves hold a `|`.
   */
  private secondaryIdOf(provider: string, userId: string): string {
    const own = `${provider}|${userId}`;
    if (this.users.has(own) || !userId.startsWith(`${provider}|`)) return own;
    return userId;
  }

  /**
   * `DELETE /api/v2/users/{primaryId}/identities/{provider}/{userId}`: the identity becomes a standalone user again,
   * with the profile it had (profileData) and no metadata. Returns the primary's remaining identities.
   * The re-created user's created_at is the time of the unlink: Auth0 makes a new user record.
   */
  unlink(primaryId: string, provider: string, identityUserId: string): Identity[] {
    const primary = this.requireUser(primaryId);
    const index = primary.identities.findIndex((i) => i.provider === provider && String(i.user_id) === identityUserId);
    if (index === 0) throw new ApiError(400, 'Main identity cannot be removed.', 'operation_not_supported');
    if (index < 0) throw new ApiError(400, 'The identity does not exist in the user.', 'invalid_uri');
    this.searchIndex.willChange(primaryId, primary);
    const [identity] = primary.identities.splice(index, 1);
    const { profileData, ...rest } = identity!;
    const now = this.now().toISOString();
    const restored: User = {
      ...(profileData ?? {}),
      user_id: `${provider}|${identityUserId}`,
      created_at: now,
      updated_at: now,
      identities: [rest],
      app_metadata: {},
      user_metadata: {},
    };
    fillProfileDefaults(restored);
    this.insertUser(restored);
    primary.updated_at = now;
    return identitiesJson(primary);
  }

  // --- email index ----------------------------------------------------------------------------

  private indexEmail(email: string, userId: string): void {
    addId(this.byEmail, email, userId);
    addId(this.byLowerEmail, email.toLowerCase(), userId);
  }

  private unindexEmail(email: string, userId: string): void {
    removeId(this.byEmail, email, userId);
    removeId(this.byLowerEmail, email.toLowerCase(), userId);
  }
}

/** Adds `userId` under `key` of an index that keeps a lone id unwrapped to save memory. */
function addId(index: Map<string, string | string[]>, key: string, userId: string): void {
  const ids = index.get(key);
  if (ids === undefined) index.set(key, userId);
  else if (typeof ids === 'string') index.set(key, [ids, userId]);
  else ids.push(userId);
}

function removeId(index: Map<string, string | string[]>, key: string, userId: string): void {
  const ids = index.get(key);
  if (ids === undefined) return;
  if (typeof ids === 'string') {
    if (ids === userId) index.delete(key);
    return;
  }
  const rest = ids.filter((id) => id !== userId);
  if (rest.length === 0) index.delete(key);
  else index.set(key, rest.length === 1 ? rest[0]! : rest);
}

/** An email as Auth0 stores it: lowercased for its own connections (database, passwordless email); social and enterprise keep the IdP's case. */
function storedEmail(provider: string, email: string): string {
  return provider === 'auth0' || provider === 'email' ? email.toLowerCase() : email;
}

/** Top-level merge: keys of `patch` replace those of `base`; a null value removes the key. A null patch clears all. */
export function mergeTopLevel(base: Metadata, patch: Metadata | null): Metadata {
  if (patch === null) return {};
  const merged: Metadata = { ...base };
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete merged[key];
    else merged[key] = value;
  }
  return merged;
}

/** A PATCH of one metadata object: an empty object or null clears it, anything else merges at the top level. */
function patchMetadata(base: Metadata, patch: Metadata | null): Metadata {
  return patch === null || Object.keys(patch).length === 0 ? {} : mergeTopLevel(base, patch);
}

/**
 * A user as the Management API answers it: a metadata object that is empty is left out, as a real tenant leaves out
 * `app_metadata` / `user_metadata` of a user that has none (auth0/go-auth0 test/data/recordings,
 * TestJobManager_ImportUsers.yaml, users-by-email; TestUserManager_Create.yaml). The tenant keeps `{}` inside, as the
 * post-login event has them (PostLoginUser).
 */
export function userJson(user: User): User {
  const empty = (value: Metadata | undefined): boolean => value === undefined || Object.keys(value).length === 0;
  if (!empty(user.app_metadata) && !empty(user.user_metadata)) return user;
  const { app_metadata, user_metadata, ...rest } = user;
  return { ...rest, ...(empty(app_metadata) ? {} : { app_metadata }), ...(empty(user_metadata) ? {} : { user_metadata }) };
}

/**
 * The identities a link or unlink answers: the primary's own identity carries the primary's profile as `profileData`
 * there, as the moved one does (auth0/go-auth0 test/data/recordings, TestUserManager_Link.yaml and
 * TestUserManager_Unlink.yaml). Only in these answers: `GET /users/{id}` shows the main identity without it.
 */
function identitiesJson(primary: User): Identity[] {
  return primary.identities.map((identity, index) =>
    index === 0 && identity.profileData === undefined ? { ...identity, profileData: profileOf(primary) } : identity,
  );
}

/**
 * What Auth0 fills in on a user created without them: `name` is the email, `nickname` its local part, `picture` the
 * Gravatar of the email with Auth0's initials fallback (auth0/go-auth0 test/data/recordings, TestUserManager_Create.yaml:
 * `chuck@example.com` gets name `chuck@example.com`, nickname `chuck`, picture `https://s.gravatar.com/avatar/<md5>?s=480&r=pg&d=…/ch.png`).
 */
function fillProfileDefaults(user: User): void {
  if (user.email === undefined) return;
  const local = user.email.split('@')[0]!;
  user.name ??= user.email;
  user.nickname ??= local;
  if (user.picture === undefined) {
    const hash = createHash('md5').update(user.email.trim().toLowerCase()).digest('hex');
    const initials = encodeURIComponent(`https://cdn.auth0.com/avatars/${local.slice(0, 2).toLowerCase()}.png`);
    user.picture = `https://s.gravatar.com/avatar/${hash}?s=480&r=pg&d=${initials}`;
  }
}

/** The profile a user carries into `identities[n].profileData` when it is linked as a secondary. */
export function profileOf(user: User): Metadata {
  const profile: Metadata = {};
  for (const field of PROFILE_FIELDS) {
    if (user[field] !== undefined) profile[field] = user[field];
  }
  return profile;
}

function randomId(length: number): string {
  return randomBytes(Math.ceil(length / 2))
    .toString('hex')
    .slice(0, length);
}

function randomDigits(length: number): string {
  let out = String(1 + (randomBytes(1)[0]! % 9));
  while (out.length < length) out += String(randomBytes(1)[0]! % 10);
  return out;
}

/** A connection's `options` object; for a custom database `enabledDatabaseCustomization: true` and its `customScripts`. */
export type ConnectionOptions = Record<string, unknown>;

/**
 * The options Auth0 answered for a database connection created with none (auth0/go-auth0,
 * test/data/recordings/TestConnectionManager_List.yaml); no `enabledDatabaseCustomization` key unless it is a custom
 * database. Other strategies carry their IdP's settings, which the local tenant has none of.
 */
function defaultConnectionOptions(strategy: string): ConnectionOptions {
  if (strategy !== 'auth0') return {};
  return { mfa: { active: true, return_enroll_settings: true }, passwordPolicy: 'good', strategy_version: 2, brute_force_protection: true };
}
