// The page's side of the offer and the proof: jose checks the offer's HS256 signature and signs the proof, the claims are actions/'.
import { SignJWT, jwtVerify } from 'jose';
import { LinkTokenError, proofClaims, readOfferClaims, type Decision, type LinkKeys, type OfferClaims } from '../actions/link-page-tokens.ts';
import { PageError } from './errors.ts';

/** The offer's claims, or PageError offer_invalid for a forged, expired, foreign or malformed token. */
export async function verifyOffer(token: string, keys: LinkKeys, issuer: string, nowSeconds: number): Promise<OfferClaims> {
  try {
    const { payload } = await jwtVerify(token, new TextEncoder().encode(keys.offerKey), { algorithms: ['HS256'], currentDate: new Date(nowSeconds * 1000) });
    return await readOfferClaims(payload, keys, { issuer, nowSeconds });
  } catch (error) {
    // The person reads plain words; the reason (a forged, foreign, expired or malformed offer) goes to the log line.
    const why = error instanceof LinkTokenError ? error.message : "the offer is not signed by this tenant's Action or has expired";
    throw new PageError('offer_invalid', 'offerInvalid', { detail: why, cause: error });
  }
}

/** The signed `link_proof` for a decision on `offer`; `proven` only for `link`. */
export async function signProof(
  keys: LinkKeys,
  input: { offer: OfferClaims; state: string; decision: Decision; proven?: string; notMe?: boolean; nowSeconds: number },
): Promise<string> {
  const claims = await proofClaims(keys, { ...input, jti: crypto.randomUUID() });
  return new SignJWT({ ...claims }).setProtectedHeader({ alg: 'HS256', typ: 'JWT' }).sign(new TextEncoder().encode(keys.proofKey));
}
