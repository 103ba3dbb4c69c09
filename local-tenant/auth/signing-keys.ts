// The tenant's RS256 signing key (one per tenant, named by a kid) and the ID tokens it signs: JWKS, sign, verify.
// Auth0 signs ID tokens with RS256 by default and publishes the public key at /.well-known/jwks.json with `kid`, `use`
// `sig`, `alg` RS256 and an `x5c` chain (tokens/json-web-tokens/json-web-key-sets.mdx). The local tenant publishes no
// certificate chain (x5c, x5t): relying parties that verify with `n`/`e` (openid-client, jose) do not need one.
import { calculateJwkThumbprint, exportJWK, generateKeyPair, jwtVerify, SignJWT, errors, type CryptoKey, type JWK, type JWTPayload } from 'jose';

/** Auth0's default ID token lifetime: 36 000 s (10 h), the application's "ID Token Expiration" setting. */
export const ID_TOKEN_LIFETIME_SECONDS = 36_000;

/** Claims a relying party needs that an Action's setCustomClaim must not replace. */
const REGISTERED_CLAIMS = new Set(['iss', 'sub', 'aud', 'exp', 'iat', 'nbf', 'jti', 'azp', 'nonce', 'auth_time', 'at_hash', 'c_hash', 'sid', 'acr', 'amr']);

interface KeyPair {
  kid: string;
  privateKey: CryptoKey;
  publicJwk: JWK;
}

/** What the signing key needs of its tenant: the domain its tokens are issued by, and the clock they expire by. */
export interface SigningTenant {
  readonly domain: string;
  now(): Date;
}

/**
 * One tenant's signing key, made on first use (an RSA key takes tens of milliseconds; most tenants never sign), and the ID
 * tokens it signs and verifies.
 */
export class SigningKeys {
  private pair: Promise<KeyPair> | undefined;
  private readonly tenant: SigningTenant;

  constructor(tenant: SigningTenant) {
    this.tenant = tenant;
  }

  private keyPair(): Promise<KeyPair> {
    this.pair ??= (async () => {
      const { privateKey, publicKey } = await generateKeyPair('RS256', { modulusLength: 2048, extractable: true });
      const exported = await exportJWK(publicKey);
      const kid = await calculateJwkThumbprint(exported);
      return { kid, privateKey, publicJwk: { ...exported, kid, use: 'sig', alg: 'RS256' } };
    })();
    return this.pair;
  }

  async jwks(): Promise<{ keys: JWK[] }> {
    return { keys: [(await this.keyPair()).publicJwk] };
  }

  async sign(payload: JWTPayload, typ?: string): Promise<string> {
    const { kid, privateKey } = await this.keyPair();
    return new SignJWT(payload).setProtectedHeader({ alg: 'RS256', kid, ...(typ ? { typ } : {}) }).sign(privateKey);
  }

  async publicKey(): Promise<JWK> {
    return (await this.keyPair()).publicJwk;
  }

  /**
   * An RS256 ID token signed by the tenant. Custom claims cannot overwrite the registered ones: Auth0 ignores a
   * setCustomClaim of `sub`, `aud`, `iss` and the like (a restricted claim), so does the local tenant.
   */
  async signIdToken(input: IdTokenInput): Promise<string> {
    const iat = Math.floor(this.tenant.now().getTime() / 1000);
    const custom = Object.fromEntries(Object.entries(input.claims ?? {}).filter(([name]) => !REGISTERED_CLAIMS.has(name)));
    const payload: JWTPayload = {
      ...custom,
      iss: issuerOf(this.tenant),
      sub: input.subject,
      aud: input.audience,
      iat,
      exp: iat + (input.expiresInSeconds ?? ID_TOKEN_LIFETIME_SECONDS),
      ...(input.authTime === undefined ? {} : { auth_time: input.authTime }),
      ...(input.sessionId === undefined ? {} : { sid: input.sessionId }),
      ...(input.nonce === undefined ? {} : { nonce: input.nonce }),
    };
    return this.sign(payload);
  }

  /**
   * The claims of an ID token this tenant signed (RS256, its kid, its issuer) that has not expired by the tenant's
   * clock; with `audience`, its `aud` must be that client id. Throws IdTokenError otherwise.
   */
  async verifyIdToken(token: string, options: { audience?: string } = {}): Promise<JWTPayload> {
    const key = await this.publicKey();
    try {
      const { payload } = await jwtVerify(token, key, {
        algorithms: ['RS256'],
        issuer: issuerOf(this.tenant),
        currentDate: this.tenant.now(),
        ...(options.audience === undefined ? {} : { audience: options.audience }),
      });
      return payload;
    } catch (error) {
      if (error instanceof errors.JWTExpired) throw new IdTokenError('expired', 'the ID token has expired');
      if (error instanceof errors.JWTClaimValidationFailed && error.claim === 'aud') {
        throw new IdTokenError('audience', 'the ID token was issued to another application');
      }
      throw new IdTokenError('invalid', 'the ID token was not signed by this tenant or is malformed');
    }
  }
}

/** What an ID token says beyond the registered claims the tenant fills in. */
export interface IdTokenInput {
  /** `sub`: the user id the login ended as (setPrimaryUser's choice when an Action made one). */
  subject: string;
  /** `aud`: the application's client id. */
  audience: string;
  nonce?: string;
  /** Epoch seconds of the authentication (`auth_time`); sent when the request asked for it (max_age) and on every Auth0 ID token. */
  authTime?: number;
  /** Profile claims the granted scopes release, and the custom claims Actions set (api.idToken.setCustomClaim). */
  claims?: Record<string, unknown>;
  sessionId?: string;
  expiresInSeconds?: number;
}

/** `https://{domain}/`: the issuer of every token the tenant signs, with the trailing slash Auth0 writes. */
export function issuerOf(tenant: { readonly domain: string }): string {
  return `https://${tenant.domain}/`;
}

/** Why an ID token was refused: not one of this tenant's (bad signature, malformed, other issuer), expired, or for another audience. */
export type IdTokenProblem = 'invalid' | 'expired' | 'audience';

export class IdTokenError extends Error {
  readonly code: IdTokenProblem;

  constructor(code: IdTokenProblem, message: string) {
    super(message);
    this.name = 'IdTokenError';
    this.code = code;
  }
}
