// The page's own OIDC sign-in with openid-client: a forced fresh login (prompt=login, max_age=0) with PKCE, nonce and state,
// and a callback that checks issuer, audience, nonce, signature and that auth_time is not older than the attempt.
import * as client from 'openid-client';
import { PageError } from './errors.ts';
import type { Attempt } from './page-state.ts';
import { callbackUrl, type Settings } from './settings.ts';

/** Clocks of the page and the tenant may differ by this much; auth_time is compared with the attempt's start. */
const AUTH_TIME_SKEW_SECONDS = 5;

export interface SignedIn {
  sub: string;
  idToken: string;
  accessToken: string;
  /** Epoch seconds when the access token ends. */
  expiresAt: number;
  /** Epoch seconds of the authentication (the ID token's auth_time), when the token has it; always on a fresh sign-in. */
  authTime?: number;
}

export interface StartOptions {
  purpose: Attempt['purpose'];
  connection?: string;
  /** Ask for a Management API token for the person's own user (the connected accounts view). */
  managementApi?: boolean;
  /** Force a fresh login of that account: every attempt that proves an account does. */
  fresh: boolean;
  /** The person's language, for Universal Login (`ui_locales`). */
  uiLocales?: string;
}

export class Oidc {
  private config: Promise<client.Configuration> | undefined;
  private readonly settings: Settings;
  private readonly fetcher: client.CustomFetch;

  constructor(settings: Settings, fetcher: typeof fetch = fetch) {
    this.settings = settings;
    this.fetcher = (url, options) => fetcher(url, options as RequestInit);
  }

  get redirectUri(): string {
    return callbackUrl(this.settings.baseUrl);
  }

  /** The authorization URL and what the callback needs to check it. */
  async start(options: StartOptions, nowSeconds: number): Promise<{ url: string; attempt: Attempt }> {
    const config = await this.configuration();
    const codeVerifier = client.randomPKCECodeVerifier();
    const attempt: Attempt = { purpose: options.purpose, codeVerifier, nonce: client.randomNonce(), state: client.randomState(), startedAt: nowSeconds };
    const scope = options.managementApi ? 'openid profile read:current_user update:current_user_identities update:current_user_metadata' : 'openid';
    const parameters: Record<string, string> = {
      redirect_uri: this.redirectUri,
      response_type: 'code',
      scope,
      code_challenge: await client.calculatePKCECodeChallenge(codeVerifier),
      code_challenge_method: 'S256',
      nonce: attempt.nonce,
      state: attempt.state,
    };
    if (options.managementApi) parameters.audience = this.settings.audience;
    if (options.fresh) Object.assign(parameters, { prompt: 'login', max_age: '0' });
    if (options.uiLocales) parameters.ui_locales = options.uiLocales;
    // No login_hint: it would put the email in the /authorize URL, and so in browser history and server logs.
    if (options.connection) {
      parameters.connection = options.connection;
      attempt.connection = options.connection;
    }
    return { url: client.buildAuthorizationUrl(config, parameters).href, attempt };
  }

  /**
   * The verified sign-in of `attempt`, or PageError sign_in_failed (also when the person cancelled or was refused). `fresh`:
   * the authentication must have happened during this attempt (auth_time), whatever the tenant or an edited URL did.
   */
  async finish(callbackUrl: URL, attempt: Attempt, fresh: boolean, nowSeconds: number): Promise<SignedIn> {
    const config = await this.configuration();
    let tokens: Awaited<ReturnType<typeof client.authorizationCodeGrant>>;
    try {
      tokens = await client.authorizationCodeGrant(config, callbackUrl, {
        pkceCodeVerifier: attempt.codeVerifier,
        expectedNonce: attempt.nonce,
        expectedState: attempt.state,
        idTokenExpected: true,
        ...(fresh ? { maxAge: 0 } : {}),
      });
    } catch (error) {
      throw new PageError('sign_in_failed', 'signInFailed', { detail: errorDetail(error), cause: error });
    }
    const claims = tokens.claims();
    if (!claims || typeof claims.sub !== 'string' || tokens.id_token === undefined) {
      throw new PageError('sign_in_failed', 'signInFailed', { detail: 'no ID token or sub' });
    }
    if (fresh && !(typeof claims.auth_time === 'number' && claims.auth_time >= attempt.startedAt - AUTH_TIME_SKEW_SECONDS)) {
      throw new PageError('sign_in_failed', 'signInNotFresh', { detail: 'auth_time older than the attempt' });
    }
    const expiresIn = tokens.expiresIn() ?? 0;
    const authTime = typeof claims.auth_time === 'number' ? { authTime: claims.auth_time } : {};
    return { sub: claims.sub, idToken: tokens.id_token, accessToken: tokens.access_token, expiresAt: nowSeconds + expiresIn, ...authTime };
  }

  private configuration(): Promise<client.Configuration> {
    this.config ??= this.discover().catch((error: unknown) => {
      this.config = undefined;
      throw new PageError('sign_in_failed', 'signInUnreachable', { detail: 'discovery failed', cause: error });
    });
    return this.config;
  }

  private async discover(): Promise<client.Configuration> {
    const { tenantOrigin, tenantHost, clientId, clientSecret } = this.settings;
    const insecure = tenantOrigin.startsWith('http:');
    const config = await client.discovery(new URL(`https://${tenantHost}/`), clientId, clientSecret, client.ClientSecretPost(clientSecret), {
      [client.customFetch]: this.fetcher,
      // Plain http is refused by openid-client; settings only allow it for a local tenant on loopback.
      ...(insecure ? { execute: [client.allowInsecureRequests] } : {}),
    });
    config[client.customFetch] = this.fetcher;
    client.enableNonRepudiationChecks(config);
    return config;
  }
}

/** The log line's reason for a failed callback: the OAuth error code or openid-client's check, never a description (it may quote anything). */
function errorDetail(error: unknown): string {
  const e = error as { error?: unknown; code?: unknown };
  const parts = [e.code, e.error].filter((v): v is string => typeof v === 'string' && /^[\w.:-]{1,64}$/.test(v));
  return parts.length > 0 ? parts.join(' ') : 'callback refused';
}
