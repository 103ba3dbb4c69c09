// The confirmed-linking tokens shared by the Action and the linking page: keys derived from LINK_SECRET, offer and proof claims.
// No I/O and no JWT library: the Action signs and checks with api.redirect, the page with jose; both read the claims here.
// The offer is opaque to whoever holds the login: its accounts travel sealed (AES-256-GCM) and name the other accounts only by
// a keyed hash (`ref`), so an attacker whose IdP asserts a victim's address learns none of the victim's user ids from the URL.

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
const OFFER_BOX_LABEL = 'auto-link offer box v1';
const OFFER_REF_LABEL = 'auto-link offer ref v1';
/** Characters of a `ref`: 132 bits of HMAC-SHA256, base64url. */
const REF_LENGTH = 22;
const LINK_SECRET_LABEL = 'auto-link link secret v1';

export type Decision = 'link' | 'later' | 'never';
export const DECISIONS: readonly Decision[] = ['link', 'later', 'never'];

/** One account the person may prove, as the page sees it: its connection, and its user_id only as a keyed hash. */
export interface OfferedAccount {
  /** offerRef(keys, user_id): the page compares it with the ref of the account the person signed in to. */
  ref: string;
  provider: string;
  connection: string;
}

/** The account signing in now, as the confirm view names it: its connection and a masked identifier (maskedEmail). */
export interface LoginSide {
  provider: string;
  connection: string;
  hint: string;
}

/** What the sealed box of an offer holds. */
export interface OfferBox {
  login: LoginSide;
  offers: OfferedAccount[];
}

/** The offer's claims once opened: the payload the Action encodes, what api.redirect.encodeToken adds, and the box's content. */
export interface OfferClaims extends OfferBox {
  typ: typeof OFFER_TYP;
  /** The login user. */
  sub: string;
  /** The tenant host, as encodeToken sets it. */
  iss: string;
  exp: number;
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
  /**
   * Only with decision `never`: the person says they did not start this sign-in (a login CSRF: someone else's account
   * was signed in in their browser). The Action records Never and denies the login, so it does not end in that account.
   */
  not_me?: true;
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
  /** AES-256-GCM key of the offer's box. */
  boxKey: Uint8Array<ArrayBuffer>;
  /** HMAC-SHA256 key of the offered accounts' refs. */
  refKey: Uint8Array<ArrayBuffer>;
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
export async function deriveKeyBytes(secret: string, label: string): Promise<Uint8Array<ArrayBuffer>> {
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
  const [offerKey, proofKey, boxKey, refKey] = await Promise.all([
    deriveKey(secret, OFFER_LABEL),
    deriveKey(secret, PROOF_LABEL),
    deriveKeyBytes(secret, OFFER_BOX_LABEL),
    deriveKeyBytes(secret, OFFER_REF_LABEL),
  ]);
  return { offerKey, proofKey, boxKey, refKey };
}

/** The keyed hash that names an offered account: nobody without LINK_SECRET can tell which user_id it stands for. */
export async function offerRef(keys: Pick<LinkKeys, 'refKey'>, userId: string): Promise<string> {
  const key = await crypto.subtle.importKey('raw', keys.refKey, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  return base64url(new Uint8Array(await crypto.subtle.sign('HMAC', key, new TextEncoder().encode(userId)))).slice(0, REF_LENGTH);
}

/** An account to offer, as the Action knows it. */
export interface OfferInput {
  user_id: string;
  provider: string;
  connection: string;
}

/**
 * The payload of an offer for the login user `sub` (the Action passes it to api.redirect.encodeToken with the offer key):
 * `typ` and the sealed box, bound to `sub` (its additional data), so a box cannot be moved into another user's offer.
 */
export async function offerPayload(
  keys: LinkKeys,
  sub: string,
  login: LoginSide,
  accounts: readonly OfferInput[],
): Promise<{ typ: typeof OFFER_TYP; box: string }> {
  if (accounts.length === 0 || accounts.length > MAX_OFFERS) throw new LinkTokenError('malformed', `an offer lists 1 to ${MAX_OFFERS} accounts`);
  const offers = await Promise.all(accounts.map(async (a) => ({ ref: await offerRef(keys, a.user_id), provider: a.provider, connection: a.connection })));
  const box: OfferBox = { login, offers };
  return { typ: OFFER_TYP, box: await sealOfferBox(keys, sub, box) };
}

/** base64url(iv ‖ AES-256-GCM(box as JSON)), with `sub` as additional data. Exported for tests that seal a malformed box. */
export async function sealOfferBox(keys: Pick<LinkKeys, 'boxKey'>, sub: string, box: unknown): Promise<string> {
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const key = await crypto.subtle.importKey('raw', keys.boxKey, 'AES-GCM', false, ['encrypt']);
  const additionalData = new TextEncoder().encode(sub);
  const sealed = new Uint8Array(await crypto.subtle.encrypt({ name: 'AES-GCM', iv, additionalData }, key, new TextEncoder().encode(JSON.stringify(box))));
  const joined = new Uint8Array(iv.length + sealed.length);
  joined.set(iv);
  joined.set(sealed, iv.length);
  return base64url(joined);
}

/** The offer's claims after its signature was checked, its box opened, or a LinkTokenError. `issuer` is the tenant host. */
export async function readOfferClaims(
  payload: unknown,
  keys: Pick<LinkKeys, 'boxKey'>,
  expected: { issuer: string; nowSeconds: number },
): Promise<OfferClaims> {
  const claims = record(payload);
  if (claims.typ !== OFFER_TYP) throw new LinkTokenError('wrong_typ', `the token is not an offer (typ must be ${OFFER_TYP})`);
  if (claims.iss !== expected.issuer) throw new LinkTokenError('wrong_issuer', 'the offer was issued by another tenant');
  const sub = text(claims.sub, 'sub');
  const exp = expiry(claims.exp, expected.nowSeconds);
  const box = record(await openBox(keys, sub, claims.box));
  const login = record(box.login);
  const offers = box.offers;
  if (!Array.isArray(offers) || offers.length === 0 || offers.length > MAX_OFFERS) {
    throw new LinkTokenError('malformed', `the offer must list 1 to ${MAX_OFFERS} accounts`);
  }
  return {
    typ: OFFER_TYP,
    sub,
    iss: expected.issuer,
    exp,
    login: { provider: text(login.provider, 'login.provider'), connection: text(login.connection, 'login.connection'), hint: text(login.hint, 'login.hint') },
    offers: offers.map(offeredAccount),
  };
}

/** The box's JSON, or LinkTokenError malformed for a box that is not this secret's, not this user's, or tampered with. */
async function openBox(keys: Pick<LinkKeys, 'boxKey'>, sub: string, value: unknown): Promise<unknown> {
  const sealed = typeof value === 'string' && /^[A-Za-z0-9_-]{40,8000}$/.test(value) ? fromBase64url(value) : undefined;
  if (!sealed) throw new LinkTokenError('malformed', "the offer's box is missing or malformed");
  try {
    const key = await crypto.subtle.importKey('raw', keys.boxKey, 'AES-GCM', false, ['decrypt']);
    const plain = await crypto.subtle.decrypt(
      { name: 'AES-GCM', iv: sealed.slice(0, 12), additionalData: new TextEncoder().encode(sub) },
      key,
      sealed.slice(12),
    );
    return JSON.parse(new TextDecoder().decode(plain));
  } catch {
    throw new LinkTokenError('malformed', "the offer's box does not open with this secret for this user");
  }
}

/** The offered account the person signed in to (`userId`), or undefined when it is none of them. */
export async function offeredAccountOf(
  keys: Pick<LinkKeys, 'refKey'>,
  offer: Pick<OfferClaims, 'offers'>,
  userId: string,
): Promise<OfferedAccount | undefined> {
  const ref = await offerRef(keys, userId);
  return offer.offers.find((o) => o.ref === ref);
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
  if (claims.not_me === true && decision === 'never') proof.not_me = true;
  else if (claims.not_me !== undefined) throw new LinkTokenError('malformed', 'only a never decision says not_me, and only as true');
  if (proof.exp - proof.iat > PROOF_TTL_SECONDS) throw new LinkTokenError('malformed', `the proof lives longer than ${PROOF_TTL_SECONDS} s`);
  return proof;
}

/** The claims of a proof made now; the page signs them with proofKey. A link proof names an offered account (by its ref). */
export async function proofClaims(
  keys: Pick<LinkKeys, 'refKey'>,
  input: { offer: OfferClaims; state: string; decision: Decision; proven?: string; notMe?: boolean; nowSeconds: number; jti: string },
): Promise<ProofClaims> {
  const { offer, state, decision, proven, nowSeconds, jti } = input;
  const proof: ProofClaims = { typ: PROOF_TYP, sub: offer.sub, state, decision, iss: offer.iss, iat: nowSeconds, exp: nowSeconds + PROOF_TTL_SECONDS, jti };
  if (input.notMe === true) {
    if (decision !== 'never') throw new LinkTokenError('malformed', 'only a never decision says not_me');
    proof.not_me = true;
  }
  if (decision === 'link') {
    if (proven === undefined || !(await offeredAccountOf(keys, offer, proven))) throw new LinkTokenError('malformed', 'a link proof names an offered account');
    proof.proven = proven;
  }
  return proof;
}

function offeredAccount(value: unknown): OfferedAccount {
  const account = record(value);
  const ref = text(account.ref, 'offers.ref');
  if (ref.length !== REF_LENGTH) throw new LinkTokenError('malformed', "the offer's refs are malformed");
  return { ref, provider: text(account.provider, 'offers.provider'), connection: text(account.connection, 'offers.connection') };
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

function fromBase64url(value: string): Uint8Array<ArrayBuffer> {
  const binary = atob(value.replace(/-/g, '+').replace(/_/g, '/'));
  return Uint8Array.from(binary, (c) => c.charCodeAt(0));
}

function base64url(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}
