// The confirmed-linking tokens shared by the Action and the linking page: keys derived from LINK_SECRET, offer and proof claims.
// No I/O and no JWT library: the Action signs and checks with api.redirect, the page with jose; both read the claims here.

/** LINK_SECRET's minimum length; shorter secrets are refused by the Action's config and by the page's settings. */
export const MIN_LINK_SECRET_LENGTH = 32;
export const OFFER_TYP = 'auto-link/offer';
export const PROOF_TYP = 'auto-link/proof';
/** The offer's life (the Action's encodeToken expiresInSeconds): long enough to sign in to another account. */
export const OFFER_TTL_SECONDS = 600;
/** The proof's life: it is posted straight to /continue. */
export const PROOF_TTL_SECONDS = 120;
/** At most this many accounts in one offer; a longer list is not one the Action makes. */
export const MAX_OFFERS = 10;

const OFFER_LABEL = 'auto-link offer v1';
const PROOF_LABEL = 'auto-link proof v1';
const LINK_SECRET_LABEL = 'auto-link link secret v1';

export type Decision = 'link' | 'later' | 'never';
export const DECISIONS: readonly Decision[] = ['link', 'later', 'never'];

/** One account the person may prove. No email: the offer travels in a URL. */
export interface OfferedAccount {
  user_id: string;
  provider: string;
  connection: string;
}

/** The offer's claims: the payload the Action encodes plus what api.redirect.encodeToken adds. */
export interface OfferClaims {
  typ: typeof OFFER_TYP;
  /** The login user. */
  sub: string;
  /** The tenant host, as encodeToken sets it. */
  iss: string;
  exp: number;
  offers: OfferedAccount[];
}

/** The proof the page posts to /continue as `link_proof`. */
export interface ProofClaims {
  typ: typeof PROOF_TYP;
  /** The offer's sub: the login user. */
  sub: string;
  /** The transaction's state: validateToken binds the proof to it, so it is good for one resumption. */
  state: string;
  decision: Decision;
  /** The account the person signed in to; only with decision `link`. */
  proven?: string;
  iss: string;
  iat: number;
  exp: number;
  jti: string;
}

export interface LinkKeys {
  /** The `secret` string of the offer's encodeToken; HS256 over its UTF-8 bytes. */
  offerKey: string;
  /** The `secret` string of the proof's validateToken; HS256 over its UTF-8 bytes. */
  proofKey: string;
}

/** Why a token's claims were refused; the message never holds a claim value. */
export class LinkTokenError extends Error {
  readonly code: 'malformed' | 'wrong_typ' | 'wrong_issuer' | 'wrong_subject' | 'expired';
  constructor(code: LinkTokenError['code'], message: string) {
    super(message);
    this.name = 'LinkTokenError';
    this.code = code;
  }
}

/** The problem with a LINK_SECRET value, or undefined when it is usable. Never echoes the value. */
export function linkSecretProblem(secret: string | undefined): string | undefined {
  if (secret === undefined || secret === '') return 'is missing';
  if (secret.length < MIN_LINK_SECRET_LENGTH) return `is malformed: use at least ${MIN_LINK_SECRET_LENGTH} characters`;
  return undefined;
}

/** True for hosts a browser reaches only on this machine: 127.0.0.0/8, localhost, [::1]. */
export function isLoopbackHost(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || /^127(\.\d{1,3}){3}$/.test(hostname);
}

/** The problem with a LINK_PAGE_URL value (https, or http on a loopback host only), or undefined when it is usable. */
export function linkPageUrlProblem(value: string | undefined): string | undefined {
  if (value === undefined || value === '') return 'is missing';
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'is malformed: use an absolute URL such as https://link.example.com/link';
  }
  if (url.protocol === 'https:' || (url.protocol === 'http:' && isLoopbackHost(url.hostname))) {
    return url.search === '' && url.hash === '' && url.username === '' ? undefined : 'is malformed: use a URL without query, fragment or credentials';
  }
  return 'is malformed: use https (http only on 127.0.0.1, localhost or [::1])';
}

/** base64url(HMAC-SHA256(key = secret, data = label)): one key per purpose, so one token can never pass for the other. */
export async function deriveKey(secret: string, label: string): Promise<string> {
  return base64url(await deriveKeyBytes(secret, label));
}

/** The raw 32 bytes behind deriveKey, for keys that are not strings (the page's cookie key). */
export async function deriveKeyBytes(secret: string, label: string): Promise<Uint8Array> {
  const encoder = new TextEncoder();
  const key = await crypto.subtle.importKey('raw', encoder.encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  return new Uint8Array(await crypto.subtle.sign('HMAC', key, encoder.encode(label)));
}

/**
 * LINK_SECRET as `npm run deploy` sets it and the page derives it when LINK_SECRET is unset: base64url(HMAC-SHA256(key =
 * the page application's client secret, data = "auto-link link secret v1")), 43 characters. So the shared secret is never
 * printed or stored anywhere: it follows the client secret, and rotating that secret rotates it.
 */
export function linkSecretFromClientSecret(clientSecret: string): Promise<string> {
  return deriveKey(clientSecret, LINK_SECRET_LABEL);
}

export async function deriveLinkKeys(secret: string): Promise<LinkKeys> {
  const [offerKey, proofKey] = await Promise.all([deriveKey(secret, OFFER_LABEL), deriveKey(secret, PROOF_LABEL)]);
  return { offerKey, proofKey };
}

/** The offer's claims after its signature was checked, or a LinkTokenError. `issuer` is the tenant host. */
export function readOfferClaims(payload: unknown, expected: { issuer: string; nowSeconds: number }): OfferClaims {
  const claims = record(payload);
  if (claims.typ !== OFFER_TYP) throw new LinkTokenError('wrong_typ', `the token is not an offer (typ must be ${OFFER_TYP})`);
  if (claims.iss !== expected.issuer) throw new LinkTokenError('wrong_issuer', 'the offer was issued by another tenant');
  const sub = text(claims.sub, 'sub');
  const exp = expiry(claims.exp, expected.nowSeconds);
  const offers = claims.offers;
  if (!Array.isArray(offers) || offers.length === 0 || offers.length > MAX_OFFERS) {
    throw new LinkTokenError('malformed', `the offer must list 1 to ${MAX_OFFERS} accounts`);
  }
  return { typ: OFFER_TYP, sub, iss: expected.issuer, exp, offers: offers.map(offeredAccount) };
}

/**
 * The proof's claims after its signature, expiry and state were checked (validateToken), or a LinkTokenError.
 * `user` is the login user (event.user.user_id); `issuer` the tenant host.
 */
export function readProofClaims(payload: unknown, expected: { issuer: string; user: string; nowSeconds: number }): ProofClaims {
  const claims = record(payload);
  if (claims.typ !== PROOF_TYP) throw new LinkTokenError('wrong_typ', `the token is not a proof (typ must be ${PROOF_TYP})`);
  if (claims.iss !== expected.issuer) throw new LinkTokenError('wrong_issuer', 'the proof was issued for another tenant');
  if (claims.sub !== expected.user) throw new LinkTokenError('wrong_subject', 'the proof is for another user');
  const decision = claims.decision;
  if (typeof decision !== 'string' || !DECISIONS.includes(decision as Decision)) throw new LinkTokenError('malformed', 'the proof has no valid decision');
  const proof: ProofClaims = {
    typ: PROOF_TYP,
    sub: expected.user,
    state: text(claims.state, 'state'),
    decision: decision as Decision,
    iss: expected.issuer,
    iat: whole(claims.iat, 'iat'),
    exp: expiry(claims.exp, expected.nowSeconds),
    jti: text(claims.jti, 'jti'),
  };
  if (decision === 'link') proof.proven = text(claims.proven, 'proven');
  else if (claims.proven !== undefined) throw new LinkTokenError('malformed', 'only a link decision names a proven account');
  if (proof.exp - proof.iat > PROOF_TTL_SECONDS) throw new LinkTokenError('malformed', `the proof lives longer than ${PROOF_TTL_SECONDS} s`);
  return proof;
}

/** The claims of a proof made now; the page signs them with proofKey. */
export function proofClaims(input: { offer: OfferClaims; state: string; decision: Decision; proven?: string; nowSeconds: number; jti: string }): ProofClaims {
  const { offer, state, decision, proven, nowSeconds, jti } = input;
  const proof: ProofClaims = { typ: PROOF_TYP, sub: offer.sub, state, decision, iss: offer.iss, iat: nowSeconds, exp: nowSeconds + PROOF_TTL_SECONDS, jti };
  if (decision === 'link') {
    if (proven === undefined || !offer.offers.some((o) => o.user_id === proven)) throw new LinkTokenError('malformed', 'a link proof names an offered account');
    proof.proven = proven;
  }
  return proof;
}

function offeredAccount(value: unknown): OfferedAccount {
  const account = record(value);
  return {
    user_id: text(account.user_id, 'offers.user_id'),
    provider: text(account.provider, 'offers.provider'),
    connection: text(account.connection, 'offers.connection'),
  };
}

function record(value: unknown): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new LinkTokenError('malformed', 'the token has no claims object');
  return value as Record<string, unknown>;
}

function text(value: unknown, name: string): string {
  if (typeof value !== 'string' || value === '' || value.length > 512) throw new LinkTokenError('malformed', `the token's ${name} is missing or malformed`);
  return value;
}

function whole(value: unknown, name: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) throw new LinkTokenError('malformed', `the token's ${name} is missing or malformed`);
  return value;
}

/** Also checked here, not only by the JWT library: a caller that forgot its clock check still refuses a stale token. */
function expiry(value: unknown, nowSeconds: number): number {
  const exp = whole(value, 'exp');
  if (exp <= nowSeconds) throw new LinkTokenError('expired', 'the token has expired');
  return exp;
}

function base64url(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}
