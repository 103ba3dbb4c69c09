// The confirmed-linking token codec: derived keys, offers the page accepts, proofs the Action accepts, and what each refuses.
import { SignJWT, jwtVerify } from 'jose';
import { describe, expect, it } from 'vitest';
import {
  deriveLinkKeys,
  linkPageUrlProblem,
  linkSecretFromClientSecret,
  linkSecretProblem,
  LinkTokenError,
  PROOF_TTL_SECONDS,
  PROOF_TYP,
  offerPayload,
  offerRef,
  readProofClaims,
  sealOfferBox,
  type LinkKeys,
} from '../actions/link-page-tokens.ts';
import { PageError } from '../link-page/errors.ts';
import { signProof, verifyOffer } from '../link-page/tokens.ts';

const SECRET = 'a-link-secret-of-at-least-32-characters';
const ISSUER = 'tenant.local';
const NOW = 1_900_000_000;
const OFFERED = { user_id: 'google-oauth2|1234', provider: 'google-oauth2', connection: 'google-oauth2' };
const LOGIN = { provider: 'waad', connection: 'contoso-entra', hint: 'c•••@c•••.com' };

/** An offer as api.redirect.encodeToken makes it (HS256 over the UTF-8 bytes of the secret string), sealed with SECRET's keys. */
async function encodeOffer(secret: string, claims: Record<string, unknown>): Promise<string> {
  const sealed = await offerPayload(await deriveLinkKeys(SECRET), 'waad|entra-1', LOGIN, [OFFERED]);
  const payload = { ...sealed, sub: 'waad|entra-1', iss: ISSUER, exp: NOW + 600, ip: '127.0.0.1', ...claims };
  return new SignJWT(payload).setProtectedHeader({ alg: 'HS256', typ: 'JWT' }).sign(new TextEncoder().encode(secret));
}

/** `box` with one character of its ciphertext changed. */
function flipped(box: string): string {
  return `${box.slice(0, 20)}${box[20] === 'A' ? 'B' : 'A'}${box.slice(21)}`;
}

/** A box sealed for the offer's user as the Action would, holding `box` as it is. */
async function boxOf(box: unknown, sub = 'waad|entra-1'): Promise<string> {
  return sealOfferBox(await deriveLinkKeys(SECRET), sub, box);
}

/** The Action's side: validateToken's signature and expiry check, then the shared claim check. */
async function actionReadsProof(token: string, keys: LinkKeys, now = NOW) {
  const { payload } = await jwtVerify(token, new TextEncoder().encode(keys.proofKey), { algorithms: ['HS256'], currentDate: new Date(now * 1000) });
  return readProofClaims(payload, { issuer: ISSUER, user: 'waad|entra-1', nowSeconds: now });
}

describe('link keys', () => {
  it('derives the contract keys: base64url HMAC-SHA256 of the labels, distinct and stable', async () => {
    const keys = await deriveLinkKeys(SECRET);
    const { createHmac } = await import('node:crypto');
    expect(keys.offerKey).toBe(createHmac('sha256', SECRET).update('auto-link offer v1').digest('base64url'));
    expect(keys.proofKey).toBe(createHmac('sha256', SECRET).update('auto-link proof v1').digest('base64url'));
    expect(keys.offerKey).not.toBe(keys.proofKey);
  });

  it("derives LINK_SECRET from the page application's client secret: base64url HMAC-SHA256 under its own label, long enough", async () => {
    const { createHmac } = await import('node:crypto');
    const linkSecret = await linkSecretFromClientSecret('the-page-client-secret');
    expect(linkSecret).toBe(createHmac('sha256', 'the-page-client-secret').update('auto-link link secret v1').digest('base64url'));
    expect(linkSecretProblem(linkSecret)).toBeUndefined();
    expect(await linkSecretFromClientSecret('another-client-secret')).not.toBe(linkSecret);
  });

  it('refuses a short secret and a non-loopback http page, naming no value', () => {
    expect(linkSecretProblem('short')).toBe('is malformed: use at least 32 characters');
    expect(linkSecretProblem(undefined)).toBe('is missing');
    expect(linkSecretProblem(SECRET)).toBeUndefined();
    expect(linkPageUrlProblem('http://link.example.com/link')).toMatch(/use https/);
    expect(linkPageUrlProblem('http://127.0.0.1:3000/link')).toBeUndefined();
    expect(linkPageUrlProblem('https://link.example.com/link?x=1')).toMatch(/without query/);
  });
});

describe('the offer, read by the page', () => {
  it('accepts the Action offer and returns its accounts', async () => {
    const keys = await deriveLinkKeys(SECRET);
    const offer = await verifyOffer(await encodeOffer(keys.offerKey, {}), keys, ISSUER, NOW);
    const ref = await offerRef(keys, OFFERED.user_id);
    expect(offer).toMatchObject({ sub: 'waad|entra-1', iss: ISSUER, login: LOGIN, offers: [{ ref, provider: 'google-oauth2', connection: 'google-oauth2' }] });
  });

  it('is opaque: the token names no other account, no email and no connection, and its box opens for its own user only', async () => {
    const keys = await deriveLinkKeys(SECRET);
    const token = await encodeOffer(keys.offerKey, {});
    const readable = Buffer.from(token.split('.')[1]!, 'base64url').toString('utf8');
    expect(readable).not.toContain('1234');
    expect(readable).not.toContain('google');
    expect(readable).not.toContain('contoso');
    expect(Object.keys(JSON.parse(readable)).sort()).toEqual(['box', 'exp', 'ip', 'iss', 'sub', 'typ']);
    // A box lifted into an offer for another login user does not open: it is bound to its sub.
    const moved = await encodeOffer(keys.offerKey, { sub: 'waad|attacker' });
    await expect(verifyOffer(moved, keys, ISSUER, NOW)).rejects.toThrow(/does not open/);
    // A ref is a keyed hash: another secret's ref of the same user differs, so nobody without LINK_SECRET can test a guess.
    expect(await offerRef(await deriveLinkKeys(`${SECRET}-other`), OFFERED.user_id)).not.toBe(await offerRef(keys, OFFERED.user_id));
  });

  it.each([
    ['forged with another secret', async () => encodeOffer((await deriveLinkKeys(`${SECRET}-other`)).offerKey, {}), 'not signed'],
    ['signed with LINK_SECRET itself, not the offer key', async () => encodeOffer(SECRET, {}), 'not signed'],
    ['expired', async (keys: LinkKeys) => encodeOffer(keys.offerKey, { exp: NOW - 1 }), 'not signed'],
    ['of another typ', async (keys: LinkKeys) => encodeOffer(keys.offerKey, { typ: PROOF_TYP }), 'not an offer'],
    ['of another tenant', async (keys: LinkKeys) => encodeOffer(keys.offerKey, { iss: 'other.local' }), 'another tenant'],
    ['without accounts', async (keys: LinkKeys) => encodeOffer(keys.offerKey, { box: await boxOf({ login: LOGIN, offers: [] }) }), '1 to 10'],
    [
      'with a malformed account',
      async (keys: LinkKeys) => encodeOffer(keys.offerKey, { box: await boxOf({ login: LOGIN, offers: [{ user_id: 'x' }] }) }),
      'offers.ref',
    ],
    ['without its login side', async (keys: LinkKeys) => encodeOffer(keys.offerKey, { box: await boxOf({ offers: [] }) }), 'no claims object'],
    ['with a tampered box', async (keys: LinkKeys) => encodeOffer(keys.offerKey, { box: flipped(await boxOf({ login: LOGIN })) }), 'does not open'],
  ])('refuses an offer %s', async (_name, make, why) => {
    const keys = await deriveLinkKeys(SECRET);
    const refused = await verifyOffer(await make(keys), keys, ISSUER, NOW).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(PageError);
    expect((refused as PageError).code).toBe('offer_invalid');
    expect((refused as PageError).message).toContain(why);
  });
});

describe('the proof, read by the Action', () => {
  it('accepts the page proof of a link, bound to the transaction state, valid for two minutes', async () => {
    const keys = await deriveLinkKeys(SECRET);
    const offer = await verifyOffer(await encodeOffer(keys.offerKey, {}), keys, ISSUER, NOW);
    const token = await signProof(keys, { offer, state: 'tx-state', decision: 'link', proven: OFFERED.user_id, nowSeconds: NOW });
    const proof = await actionReadsProof(token, keys);
    expect(proof).toMatchObject({ typ: PROOF_TYP, sub: 'waad|entra-1', state: 'tx-state', decision: 'link', proven: OFFERED.user_id, iss: ISSUER });
    expect(proof.exp - proof.iat).toBe(PROOF_TTL_SECONDS);
    expect(await actionReadsProof(token, keys, NOW + PROOF_TTL_SECONDS).catch((e: Error) => e.name)).toBe('JWTExpired');
  });

  it('declines name no account', async () => {
    const keys = await deriveLinkKeys(SECRET);
    const offer = await verifyOffer(await encodeOffer(keys.offerKey, {}), keys, ISSUER, NOW);
    const proof = await actionReadsProof(await signProof(keys, { offer, state: 's', decision: 'never', nowSeconds: NOW }), keys);
    expect(proof.decision).toBe('never');
    expect(proof.proven).toBeUndefined();
  });

  it('"This is not me" rides only on a never decision, as not_me: true', async () => {
    const keys = await deriveLinkKeys(SECRET);
    const offer = await verifyOffer(await encodeOffer(keys.offerKey, {}), keys, ISSUER, NOW);
    const proof = await actionReadsProof(await signProof(keys, { offer, state: 's', decision: 'never', notMe: true, nowSeconds: NOW }), keys);
    expect(proof).toMatchObject({ decision: 'never', not_me: true });
    await expect(signProof(keys, { offer, state: 's', decision: 'later', notMe: true, nowSeconds: NOW })).rejects.toThrow(LinkTokenError);
    const forgedLater = await new SignJWT({
      typ: PROOF_TYP,
      sub: 'waad|entra-1',
      iss: ISSUER,
      state: 's',
      decision: 'later',
      not_me: true,
      iat: NOW,
      exp: NOW + 60,
      jti: 'j',
    })
      .setProtectedHeader({ alg: 'HS256' })
      .sign(new TextEncoder().encode(keys.proofKey));
    await expect(actionReadsProof(forgedLater, keys)).rejects.toThrow(/not_me/);
  });

  it('the page cannot make a link proof for an account that was not offered', async () => {
    const keys = await deriveLinkKeys(SECRET);
    const offer = await verifyOffer(await encodeOffer(keys.offerKey, {}), keys, ISSUER, NOW);
    await expect(signProof(keys, { offer, state: 's', decision: 'link', proven: 'auth0|attacker', nowSeconds: NOW })).rejects.toThrow(LinkTokenError);
  });

  it('the offer sent straight back as a proof fails the signature, and its typ even under the proof key', async () => {
    const keys = await deriveLinkKeys(SECRET);
    const offerToken = await encodeOffer(keys.offerKey, { state: 'tx-state', decision: 'link', proven: OFFERED.user_id });
    await expect(actionReadsProof(offerToken, keys)).rejects.toThrow(/signature verification failed/);
    const sameClaimsUnderProofKey = await encodeOffer(keys.proofKey, { state: 'tx-state', decision: 'link', proven: OFFERED.user_id, iat: NOW, jti: 'j' });
    await expect(actionReadsProof(sameClaimsUnderProofKey, keys)).rejects.toThrow(/not a proof/);
  });

  it.each([
    ['for another user', { sub: 'auth0|someone-else' }, 'another user'],
    ['with an unknown decision', { decision: 'maybe' }, 'no valid decision'],
    ['of a link naming no account', { decision: 'link', proven: undefined }, 'proven'],
    ['of a decline naming an account', { decision: 'later', proven: OFFERED.user_id }, 'only a link decision'],
    ['without state', { state: undefined }, 'state'],
    ['living longer than two minutes', { exp: NOW + 3600 }, 'lives longer'],
  ])('refuses a proof %s', async (_name, change, why) => {
    const keys = await deriveLinkKeys(SECRET);
    const claims = {
      typ: PROOF_TYP,
      sub: 'waad|entra-1',
      state: 's',
      decision: 'link',
      proven: OFFERED.user_id,
      iss: ISSUER,
      iat: NOW,
      exp: NOW + 60,
      jti: 'j',
      ...change,
    };
    const token = await new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).sign(new TextEncoder().encode(keys.proofKey));
    const refused = await actionReadsProof(token, keys).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(LinkTokenError);
    expect((refused as Error).message).toContain(why);
  });
});
