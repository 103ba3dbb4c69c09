// The Auth0 shapes this project uses, defined once: Management API users and identities, the post-login event and api.
// Written from Auth0's docs (actions/reference/post-login/*, Management API v2 reference); the official
// `@auth0/actions` types package is not available here.

export type Metadata = Record<string, unknown>;

/** One identity of a user, as in `user.identities[]` (the first one is the primary identity). */
export interface Identity {
  /** Connection strategy-ish provider: `auth0` (database), `google-oauth2`, `github`, `email`, `sms`, `waad`, `samlp`, … */
  provider: string;
  /** The identity's own id, without the `provider|` prefix. Social providers may use numbers. */
  user_id: string;
  /** Connection name. */
  connection: string;
  isSocial: boolean;
  /** The profile a linked (secondary) identity had as a user before it was linked. */
  profileData?: Metadata;
}

/** A user as the Management API returns it (`GET /api/v2/users/{id}`, `users-by-email`, exports). */
export interface User {
  user_id: string;
  email?: string;
  email_verified?: boolean;
  created_at: string;
  updated_at?: string;
  identities: Identity[];
  app_metadata?: Metadata;
  user_metadata?: Metadata;
  name?: string;
  nickname?: string;
  picture?: string;
  given_name?: string;
  family_name?: string;
  phone_number?: string;
  phone_verified?: boolean;
  username?: string;
  blocked?: boolean;
  last_login?: string;
  /** When the password was last reset (database users that ever reset it). */
  last_password_reset?: string;
  logins_count?: number;
}

/** A connection of the tenant (`GET /api/v2/connections`). Database connections have strategy `auth0`. */
export interface Connection {
  id: string;
  name: string;
  strategy: string;
}

/** Response of `POST /oauth/token` for client credentials. */
export interface TokenResponse {
  access_token: string;
  expires_in: number;
  scope: string;
  token_type: 'Bearer';
}

/** The Management API's error body. */
export interface ApiErrorBody {
  statusCode: number;
  error: string;
  message: string;
  errorCode?: string;
}

/** `event.user` in a post-login Action: a User whose metadata objects are always present. */
export interface PostLoginUser extends User {
  app_metadata: Metadata;
  user_metadata: Metadata;
}

/** `event.transaction.protocol` values; `oauth2-refresh-token` marks a refresh-token exchange. */
export type TransactionProtocol =
  | 'oidc-basic-profile'
  | 'oidc-implicit-profile'
  | 'oidc-hybrid-profile'
  | 'oauth2-access-token'
  | 'oauth2-refresh-token'
  | 'oauth2-resource-owner'
  | 'oauth2-resource-owner-jwt-bearer'
  | 'oauth2-password'
  | 'oauth2-device-code'
  | 'samlp'
  | 'wsfed'
  | 'wstrust-usernamemixed'
  | 'redirect-callback'
  | 'oauth2-token-exchange'
  | 'oidc-ciba';

/** `event.transaction`: the authorization request the login answers. */
export interface PostLoginTransaction {
  id?: string;
  protocol?: TransactionProtocol | string;
  requested_scopes?: string[];
  /** The application's `state` parameter (not the state Auth0 adds to a redirect). */
  state?: string;
  prompt?: string[];
  redirect_uri?: string;
  response_type?: string[];
  response_mode?: string;
  login_hint?: string;
  /**
   * What `api.transaction.setMetadata` stored in this transaction: kept across a redirect to /continue, gone when the
   * transaction ends (customize/actions/transaction-metadata.mdx).
   */
  metadata?: Record<string, TransactionMetadataValue>;
}

/** A transaction metadata value: a string, a number or a boolean (objects must be serialised). */
export type TransactionMetadataValue = string | number | boolean;

/** The post-login `event` (trigger post-login v3), the parts this project reads. */
export interface PostLoginEvent {
  user: PostLoginUser;
  connection: Connection & { metadata?: Record<string, string> };
  secrets: Readonly<Record<string, string | undefined>>;
  stats: { logins_count: number };
  transaction?: PostLoginTransaction;
  request: {
    ip: string;
    hostname?: string;
    user_agent?: string;
    language?: string;
    geoip?: Metadata;
    method?: string;
    query?: Record<string, string>;
    body?: Record<string, unknown>;
  };
  /** The methods the user completed in this session: `pwd`, `federated`, `email`, … with ISO timestamps. */
  authentication?: { methods: Array<{ name: string; timestamp: string }> };
  tenant: { id: string };
  client: { client_id: string; name: string; metadata?: Record<string, string> };
  authorization?: { roles: string[] };
}

/** A value read back from `api.cache`. */
export interface CacheEntry {
  value: string;
  /** Epoch milliseconds. */
  expires_at: number;
}

/** `api.cache.set` options: both in milliseconds (the docs' sample passing seconds is a mistake). */
export interface CacheSetOptions {
  ttl?: number;
  expires_at?: number;
}

export type CacheWriteResult = { type: 'success'; record: CacheEntry } | { type: 'error'; code: string };

/** The post-login `api`, the parts this project uses. */
export interface PostLoginApi {
  access: { deny(reason: string): PostLoginApi };
  authentication: { setPrimaryUser(primaryUserId: string): void };
  user: {
    setAppMetadata(key: string, value: unknown): PostLoginApi;
    setUserMetadata(key: string, value: unknown): PostLoginApi;
  };
  idToken: { setCustomClaim(name: string, value: unknown): PostLoginApi };
  accessToken: {
    setCustomClaim(name: string, value: unknown): PostLoginApi;
    /** Leaves `scope` out of the access token this login issues (post-login API: api.accessToken.removeScope). */
    removeScope(scope: string): PostLoginApi;
  };
  redirect: {
    /** Suspends the flow after this Action and sends the browser to `url` (with `query`, plus Auth0's `state`). */
    sendUserTo(url: string, options?: { query?: Record<string, string> }): PostLoginApi;
    /** An HS256 JWT with `sub`, `iss`, `exp` (default 900 s), `ip` and `payload`. */
    encodeToken(options: { secret: string; payload: Record<string, unknown>; expiresInSeconds?: number }): string;
    /** The payload of the token sent to /continue (query or body), once its signature, expiry and `state` claim check out. */
    validateToken(options: { secret: string; tokenParameterName?: string }): Record<string, unknown>;
  };
  transaction: {
    /**
     * Stores `value` under `key` for the rest of the transaction, visible at once in `event.transaction.metadata`; null
     * removes it. Within TRANSACTION_METADATA_LIMITS (auth0-limits.ts).
     */
    setMetadata(key: string, value: TransactionMetadataValue | null): void;
  };
  cache: {
    get(key: string): CacheEntry | undefined;
    set(key: string, value: string, options?: CacheSetOptions): CacheWriteResult;
    delete(key: string): CacheWriteResult;
  };
}

/** The exported handler of a post-login Action. */
export type OnExecutePostLogin = (event: PostLoginEvent, api: PostLoginApi) => Promise<void>;

/** The handler Auth0 calls on /continue, in the Action that redirected. */
export type OnContinuePostLogin = OnExecutePostLogin;
