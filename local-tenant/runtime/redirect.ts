// `api.redirect`'s session tokens as redirect-with-actions.mdx documents them: HS256 JWTs signed with an Action secret.
// encodeToken: the payload plus `sub` (user_id), `iss` (the tenant's host name), `exp` (default 900 s), `iat` and `ip`;
// the tenant's claims win over same-named payload keys (the docs list them as what the token contains).
// validateToken: reads the token from the /continue request (body first, then query; parameter `session_token` unless
// named — Auth0's default name, a guess from its samples), checks the HS256 signature, the expiry and that its `state`
// claim equals the state Auth0 sent with the redirect; throws otherwise. The messages are the local tenant's own: Auth0
// publishes none.
import { createHmac, timingSafeEqual } from 'node:crypto';

/** `expiresInSeconds` when encodeToken is not given one: 15 minutes. */
export const SESSION_TOKEN_DEFAULT_SECONDS = 900;
export const DEFAULT_TOKEN_PARAMETER = 'session_token';

/** What the tokens of one execution are about. */
export interface RedirectContext {
  userId: string;
  /** The tenant's host name, the tokens' `iss`. */
  domain: string;
  ip: string;
  /** The state Auth0 adds to the redirect and expects back at /continue. */
  state: string;
  now: () => Date;
  /** The /continue request's parameters; undefined in onExecutePostLogin. */
  continueParams?: { query: Record<string, string>; body: Record<string, unknown> };
}

export function encodeSessionToken(context: RedirectContext, options: { secret: string; payload: Record<string, unknown>; expiresInSeconds?: number }): string {
  const { secret, payload, expiresInSeconds = SESSION_TOKEN_DEFAULT_SECONDS } = options ?? ({} as typeof options);
  if (typeof secret !== 'string' || secret === '')
    throw new TypeError('api.redirect.encodeToken: secret must be a non-empty string (read it from event.secrets)');
  if (payload === null || typeof payload !== 'object') throw new TypeError('api.redirect.encodeToken: payload must be an object');
  if (!Number.isFinite(expiresInSeconds) || expiresInSeconds <= 0) throw new TypeError('api.redirect.encodeToken: expiresInSeconds must be a positive number');
  const iat = Math.floor(context.now().getTime() / 1000);
  const claims = { ...payload, iat, sub: context.userId, iss: context.domain, exp: iat + Math.floor(expiresInSeconds), ip: context.ip };
  return signHs256(claims, secret);
}

export function validateSessionToken(context: RedirectContext, options: { secret: string; tokenParameterName?: string }): Record<string, unknown> {
  const { secret, tokenParameterName = DEFAULT_TOKEN_PARAMETER } = options ?? ({} as typeof options);
  if (typeof secret !== 'string' || secret === '') throw new TypeError('api.redirect.validateToken: secret must be a non-empty string');
  const params = context.continueParams;
  const raw = params ? (params.body[tokenParameterName] ?? params.query[tokenParameterName]) : undefined;
  if (typeof raw !== 'string' || raw === '') throw new Error(`api.redirect.validateToken: no ${tokenParameterName} parameter was sent to /continue`);
  const payload = verifyHs256(raw, secret);
  if (typeof payload.exp !== 'number' || payload.exp <= context.now().getTime() / 1000) throw new Error('api.redirect.validateToken: the token has expired');
  if (payload.state !== context.state) throw new Error("api.redirect.validateToken: the token's state claim does not match the transaction's state");
  return payload;
}

function signHs256(claims: Record<string, unknown>, secret: string): string {
  const header = base64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));
  const body = base64url(JSON.stringify(claims));
  return `${header}.${body}.${hmac(`${header}.${body}`, secret)}`;
}

function verifyHs256(token: string, secret: string): Record<string, unknown> {
  const parts = token.split('.');
  if (parts.length !== 3) throw new Error('api.redirect.validateToken: the token is not a JWT');
  const [header, body, signature] = parts as [string, string, string];
  let alg: unknown;
  let claims: unknown;
  try {
    alg = (JSON.parse(Buffer.from(header, 'base64url').toString('utf8')) as { alg?: unknown }).alg;
    claims = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
  } catch {
    throw new Error('api.redirect.validateToken: the token is not a JWT');
  }
  if (alg !== 'HS256') throw new Error('api.redirect.validateToken: the token must be signed with HS256');
  const expected = Buffer.from(hmac(`${header}.${body}`, secret));
  const given = Buffer.from(signature);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) throw new Error('api.redirect.validateToken: invalid token signature');
  if (claims === null || typeof claims !== 'object' || Array.isArray(claims)) throw new Error('api.redirect.validateToken: the token payload is not an object');
  return claims as Record<string, unknown>;
}

function hmac(input: string, secret: string): string {
  return createHmac('sha256', secret).update(input).digest('base64url');
}

function base64url(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64url');
}
