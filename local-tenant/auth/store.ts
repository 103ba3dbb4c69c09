// What the Authentication API keeps per tenant: login transactions, sessions (SSO), codes, refresh tokens, passwords, the outbox.
import { randomBytes, randomInt } from 'node:crypto';
import type { LoginIdentity } from '../login-identity.ts';
import type { Metadata } from '../../actions/types.ts';
import { checkPassword, hashPassword } from './passwords.ts';

/** An /authorize request that passed validation. */
export interface AuthorizeRequest {
  clientId: string;
  redirectUri: string;
  responseType: string;
  responseMode: string;
  scopes: string[];
  state?: string;
  nonce?: string;
  audience?: string;
  codeChallenge?: string;
  codeChallengeMethod?: 'S256' | 'plain';
  connection?: string;
  loginHint?: string;
  prompt: string[];
  /** Seconds. */
  maxAge?: number;
  /** The query as sent, for event.request.query. */
  query: Record<string, string>;
}

/** How the user proved who they are: the identity, the method (`pwd`, `federated`, `email`) and when (epoch seconds). */
export interface Authentication {
  identity: LoginIdentity;
  method: string;
  authTime: number;
}

/** One /authorize transaction from the login page to the callback; `id` is the `state` of the hosted pages. */
export interface LoginTransaction {
  id: string;
  request: AuthorizeRequest;
  /** The browser session it runs in, once the user has authenticated. */
  sessionId?: string;
  authentication?: Authentication;
  /**
   * The flow an Action suspended with api.redirect.sendUserTo, waiting for /continue. Opaque here: the store keeps it for
   * the sign-in that made it (complete-login.ts), and knows nothing of the Actions runtime.
   */
  suspended?: unknown;
  expiresAt: number;
}

/** The tenant session behind the `auth0` cookie (SSO). */
export interface Session {
  id: string;
  /**
   * The user the session was made for: the login identity's owner then, the login's user once it ends. It stays when that
   * identity is linked under another user later; a prompt=none login with the session still resolves the identity to
   * its owner now (the primary).
   */
  userId: string;
  createdAt: string;
  updatedAt: string;
  /** The applications the session logged in to, in order. */
  clients: string[];
  device: { initialUserAgent: string; initialIp: string; lastUserAgent: string; lastIp: string };
  /**
   * The browser the session lives in. A login in a browser that already holds a session keeps that browser's id: a nested
   * login (another account signed in with prompt=login while a redirect Action waits) is still the same browser.
   */
  browser: string;
  authentication: Authentication;
  /** Every method completed in the session, for event.authentication.methods. */
  methods: Array<{ name: string; timestamp: string }>;
}

/**
 * A grant: what a user authorised an application to do on an API, one per (user, application, audience), made at
 * authorisation. Every refresh token belongs to one; deleting the grant revokes its refresh tokens ("When a grant is
 * revoked, so are all tokens issued in the context of that grant", secure/tokens/refresh-tokens/revoke-refresh-tokens.mdx).
 * Shape as GET /api/v2/grants answers (auth0/go-auth0 test/data/recordings/TestGrantManager_List.yaml).
 */
export interface Grant {
  id: string;
  clientID: string;
  user_id: string;
  audience: string;
  scope: string[];
}

/** A refresh token as the tenant holds it: the login it renews, its grant, and the user and session it was issued to. */
export interface StoredRefreshToken {
  id: string;
  login: IssuedLogin;
  grantId: string;
  userId: string;
  createdAt: string;
}

/** What a code or a refresh token stands for: the tokens a login ended with. */
export interface IssuedLogin {
  clientId: string;
  subject: string;
  /** The identity the user logged in with, which a refresh-token exchange logs in with again. */
  identity: LoginIdentity;
  scopes: string[];
  audience?: string;
  nonce?: string;
  authTime: number;
  /** Whether the request asked for auth_time (max_age). */
  withAuthTime: boolean;
  sessionId?: string;
  idTokenClaims: Metadata;
  accessTokenClaims: Metadata;
}

export interface AuthorizationCode extends IssuedLogin {
  redirectUri: string;
  codeChallenge?: string;
  codeChallengeMethod?: 'S256' | 'plain';
  expiresAt: number;
}

/** A mail the tenant sent: passwordless codes and verification links land here instead of a mailbox. */
export interface OutboxMail {
  id: string;
  to: string;
  subject: string;
  text: string;
  /** A link to follow (email verification), relative to the tenant's origin. */
  link?: string;
  sentAt: string;
}

/** A password reset link: for a database identity, used once, until `expiresAt`. */
export interface ResetTicket {
  /** The database identity whose password it resets (`auth0|…`), wherever it is linked by then. */
  identity: LoginIdentity;
  connection: string;
  /** Where the page sends the browser once the password is set (a ticket's result_url). */
  resultUrl?: string;
  /** A Management API ticket's mark_email_as_verified; the reset mail's link never verifies. */
  markEmailVerified: boolean;
  expiresAt: number;
}

/** Auth0's default life of a password reset link: the email templates' URL lifetime and a ticket's ttl_sec, 432 000 s (5 days). */
export const RESET_TICKET_LIFETIME_MS = 432_000 * 1000;

/** Authorization codes are single use and short-lived: RFC 6749 §4.1.2 recommends at most 10 minutes. */
export const CODE_LIFETIME_MS = 10 * 60 * 1000;
/** How long a login page may stay open before its transaction is forgotten. */
export const TRANSACTION_LIFETIME_MS = 60 * 60 * 1000;
/** Auth0's passwordless email code: 6 digits, valid 180 s, 3 wrong attempts (connection defaults). */
export const OTP_LIFETIME_MS = 180 * 1000;
export const OTP_ATTEMPTS = 3;

export class AuthenticationStore {
  private readonly transactions = new Map<string, LoginTransaction>();
  private readonly byRedirectState = new Map<string, string>();
  private readonly sessions = new Map<string, Session>();
  /** The browser of each ended session: /continue still knows the browser a login ran in after an Action ended its session. */
  private readonly endedSessionBrowsers = new Map<string, string>();
  private readonly grants = new Map<string, Grant>();
  private readonly codes = new Map<string, AuthorizationCode>();
  private readonly refreshTokens = new Map<string, StoredRefreshToken>();
  private readonly passwords = new Map<string, string>();
  private readonly otps = new Map<string, { code: string; expiresAt: number; attempts: number }>();
  private readonly tickets = new Map<string, { userId: string; expiresAt: number }>();
  private readonly resetTickets = new Map<string, ResetTicket>();
  readonly outbox: OutboxMail[] = [];
  /** The tenant's "Default Directory" setting: the connection the `password` grant uses; unset on a new tenant, as on Auth0. */
  defaultDirectory: string | undefined;
  /**
   * Whether a login resumed at /continue finds the Actions' api.cache empty, as Auth0 allows ("not guaranteed" after a
   * redirect: customize/actions/limitations.mdx). Off by default; tests turn it on to prove state survives a redirect
   * through api.transaction.setMetadata rather than the cache.
   */
  dropCacheOnResume = false;
  /**
   * The tenant setting "Refresh Token Revocation Deletes Grant": on, POST /oauth/revoke revokes every refresh token of the
   * token's grant; off, that token alone (secure/tokens/refresh-tokens/revoke-refresh-tokens.mdx). Off by default, the
   * less forgiving choice: one revoked token leaves its siblings working.
   */
  revocationDeletesGrant = false;
  /** Where the tenant is served over loopback HTTP, for the Actions' fetch and absolute page URLs. */
  servedAt: string | undefined;
  private readonly now: () => number;

  constructor(now: () => number) {
    this.now = now;
  }

  // --- transactions ---------------------------------------------------------------------------

  startTransaction(request: AuthorizeRequest): LoginTransaction {
    const transaction: LoginTransaction = { id: randomToken(), request, expiresAt: this.now() + TRANSACTION_LIFETIME_MS };
    this.transactions.set(transaction.id, transaction);
    return transaction;
  }

  transaction(id: string | null | undefined): LoginTransaction | undefined {
    if (!id) return undefined;
    const transaction = this.transactions.get(id);
    if (!transaction || transaction.expiresAt <= this.now()) return undefined;
    return transaction;
  }

  /** Keeps the suspended `flow` on the transaction until /continue brings back `redirectState`. */
  suspend(transaction: LoginTransaction, redirectState: string, flow: unknown): void {
    transaction.suspended = flow;
    this.byRedirectState.set(redirectState, transaction.id);
  }

  /** The transaction waiting for /continue with this redirect state; taken once. */
  takeSuspended(redirectState: string): LoginTransaction | undefined {
    const id = this.byRedirectState.get(redirectState);
    const transaction = this.transaction(id);
    if (!transaction?.suspended) return undefined;
    this.byRedirectState.delete(redirectState);
    return transaction;
  }

  endTransaction(transaction: LoginTransaction): void {
    this.transactions.delete(transaction.id);
  }

  // --- sessions -------------------------------------------------------------------------------

  startSession(
    authentication: Authentication,
    timestamp: string,
    browser: string = randomToken(),
    made: { userId: string; clientId: string; ip: string; userAgent: string },
  ): Session {
    const now = new Date(this.now()).toISOString();
    const session: Session = {
      id: randomToken(),
      userId: made.userId,
      createdAt: now,
      updatedAt: now,
      clients: [made.clientId],
      device: { initialUserAgent: made.userAgent, initialIp: made.ip, lastUserAgent: made.userAgent, lastIp: made.ip },
      browser,
      authentication,
      methods: [{ name: authentication.method, timestamp }],
    };
    this.sessions.set(session.id, session);
    return session;
  }

  session(id: string | undefined): Session | undefined {
    return id === undefined ? undefined : this.sessions.get(id);
  }

  /** The browser a session ran in, also after it ended. */
  browserOf(id: string | undefined): string | undefined {
    if (id === undefined) return undefined;
    return this.sessions.get(id)?.browser ?? this.endedSessionBrowsers.get(id);
  }

  /** Ends a session: its cookie no longer signs anyone in. True when it was live. */
  endSession(id: string | undefined): boolean {
    const session = id === undefined ? undefined : this.sessions.get(id);
    if (!session) return false;
    this.sessions.delete(session.id);
    this.endedSessionBrowsers.set(session.id, session.browser);
    return true;
  }

  /** The live sessions made for `userId` (Session.userId), oldest first. */
  sessionsOf(userId: string): Session[] {
    return [...this.sessions.values()].filter((s) => s.userId === userId);
  }

  endSessionsOf(userId: string): void {
    for (const session of this.sessionsOf(userId)) this.endSession(session.id);
  }

  // --- grants -----------------------------------------------------------------------------------

  /** The grant of (user, application, audience), made on first authorisation; later ones add their scopes to it. */
  grantFor(userId: string, clientId: string, audience: string, scopes: readonly string[]): Grant {
    const found = [...this.grants.values()].find((g) => g.user_id === userId && g.clientID === clientId && g.audience === audience);
    if (found) {
      for (const scope of scopes) if (!found.scope.includes(scope)) found.scope.push(scope);
      return found;
    }
    const grant: Grant = { id: randomBytes(12).toString('hex'), clientID: clientId, user_id: userId, audience, scope: [...scopes] };
    this.grants.set(grant.id, grant);
    return grant;
  }

  listGrants(filter: { user_id?: string; client_id?: string; audience?: string } = {}): Grant[] {
    return [...this.grants.values()].filter(
      (g) =>
        (filter.user_id === undefined || g.user_id === filter.user_id) &&
        (filter.client_id === undefined || g.clientID === filter.client_id) &&
        (filter.audience === undefined || g.audience === filter.audience),
    );
  }

  /** Deletes a grant and revokes every refresh token issued in it. */
  deleteGrant(id: string): void {
    this.grants.delete(id);
    for (const [value, token] of this.refreshTokens) if (token.grantId === id) this.refreshTokens.delete(value);
  }

  // --- codes and refresh tokens -----------------------------------------------------------------

  issueCode(code: Omit<AuthorizationCode, 'expiresAt'>): string {
    const value = randomToken();
    this.codes.set(value, { ...code, expiresAt: this.now() + CODE_LIFETIME_MS });
    return value;
  }

  /** The code's login, once: a code is spent by its first use, right or wrong. */
  takeCode(value: string): AuthorizationCode | undefined {
    const code = this.codes.get(value);
    this.codes.delete(value);
    return code && code.expiresAt > this.now() ? code : undefined;
  }

  /** A refresh token for `login` in `grant`. */
  issueRefreshToken(login: IssuedLogin, grant: Grant): string {
    const value = randomBytes(36).toString('base64url');
    const token: StoredRefreshToken = {
      id: randomBytes(12).toString('hex'),
      login: structuredClone(login),
      grantId: grant.id,
      userId: login.subject,
      createdAt: new Date(this.now()).toISOString(),
    };
    this.refreshTokens.set(value, token);
    return value;
  }

  /** The login a live refresh token renews; undefined when it is unknown, revoked, or its grant is gone. */
  refreshToken(value: string): IssuedLogin | undefined {
    const token = this.refreshTokens.get(value);
    if (!token || !this.grants.has(token.grantId)) return undefined;
    return token.login;
  }

  /**
   * POST /oauth/revoke: revokes the token when it was issued to `clientId` (with its grant when revocationDeletesGrant is
   * on). An unknown or another application's token is left alone; the endpoint answers the same (RFC 7009 §2.2).
   */
  revokeRefreshToken(value: string, clientId: string): void {
    const token = this.refreshTokens.get(value);
    if (!token || token.login.clientId !== clientId) return;
    if (this.revocationDeletesGrant) this.deleteGrant(token.grantId);
    else this.refreshTokens.delete(value);
  }

  /** The live refresh tokens issued to `userId` (the login's user then), oldest first. */
  refreshTokensOf(userId: string): StoredRefreshToken[] {
    return [...this.refreshTokens.values()].filter((t) => t.userId === userId && this.grants.has(t.grantId));
  }

  deleteRefreshTokensOf(userId: string): void {
    for (const [value, token] of this.refreshTokens) if (token.userId === userId) this.refreshTokens.delete(value);
  }

  // --- database passwords ---------------------------------------------------------------------

  /** Sets the password of a database identity (`auth0|…`), stored hashed. */
  setPassword(identityKey: string, password: string): void {
    this.passwords.set(identityKey, hashPassword(password));
  }

  hasPassword(identityKey: string): boolean {
    return this.passwords.has(identityKey);
  }

  checkPassword(identityKey: string, password: string): boolean {
    const stored = this.passwords.get(identityKey);
    return stored !== undefined && checkPassword(password, stored);
  }

  // --- passwordless codes and verification tickets ---------------------------------------------

  newOtp(key: string): string {
    const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
    this.otps.set(key, { code, expiresAt: this.now() + OTP_LIFETIME_MS, attempts: 0 });
    return code;
  }

  /** Whether `code` is the live code for `key`; a code is spent on success and after OTP_ATTEMPTS wrong tries. */
  checkOtp(key: string, code: string): boolean {
    const entry = this.otps.get(key);
    if (!entry || entry.expiresAt <= this.now()) return false;
    if (entry.code === code) {
      this.otps.delete(key);
      return true;
    }
    entry.attempts += 1;
    if (entry.attempts >= OTP_ATTEMPTS) this.otps.delete(key);
    return false;
  }

  newVerificationTicket(userId: string): string {
    const ticket = randomToken();
    // Auth0's verification links last 5 days by default (the email template's URL lifetime, 432 000 s).
    this.tickets.set(ticket, { userId, expiresAt: this.now() + 432_000_000 });
    return ticket;
  }

  takeVerificationTicket(ticket: string): string | undefined {
    const entry = this.tickets.get(ticket);
    this.tickets.delete(ticket);
    return entry && entry.expiresAt > this.now() ? entry.userId : undefined;
  }

  newResetTicket(ticket: Omit<ResetTicket, 'expiresAt'>, lifetimeMs: number = RESET_TICKET_LIFETIME_MS): string {
    const value = randomToken();
    this.resetTickets.set(value, { ...ticket, expiresAt: this.now() + lifetimeMs });
    return value;
  }

  /** The live reset ticket, left in place: opening the link (or a mail scanner fetching it) does not use it up. */
  resetTicket(value: string): ResetTicket | undefined {
    const ticket = this.resetTickets.get(value);
    if (ticket && ticket.expiresAt <= this.now()) this.resetTickets.delete(value);
    return ticket && ticket.expiresAt > this.now() ? ticket : undefined;
  }

  /** Uses the ticket up: a reset link sets a password once. */
  takeResetTicket(value: string): ResetTicket | undefined {
    const ticket = this.resetTicket(value);
    this.resetTickets.delete(value);
    return ticket;
  }

  send(mail: Omit<OutboxMail, 'id' | 'sentAt'>): OutboxMail {
    const sent: OutboxMail = { ...mail, id: randomToken().slice(0, 12), sentAt: new Date(this.now()).toISOString() };
    this.outbox.push(sent);
    return sent;
  }
}

function randomToken(): string {
  return randomBytes(24).toString('base64url');
}
