// The page's state in the browser: one cookie, encrypted and authenticated with jose (JWE dir/A256GCM), HttpOnly, SameSite=Lax.
// A tampered, foreign or expired cookie reads as no state at all: the person starts over, nothing is trusted from it.
import { EncryptJWT, jwtDecrypt } from 'jose';
import type { OfferClaims } from '../actions/link-page-tokens.ts';

/** What a sign-in attempt must remember until its callback. */
export interface Attempt {
  purpose: 'confirm' | 'sign-in' | 'link';
  codeVerifier: string;
  nonce: string;
  state: string;
  /** Epoch seconds when the attempt started: the ID token's auth_time must not be older. */
  startedAt: number;
  /** The connection asked for, when one was. */
  connection?: string;
}

export interface PageState {
  /** The CSRF token every form of this browser carries. */
  csrf: string;
  /** The offer this browser was sent with, and the Auth0 transaction to resume. */
  confirm?: PendingOffer;
  /**
   * A second offer that arrived while `confirm` was still open. A GET (which any site can cause) never replaces `confirm`:
   * the offer waits here until the person chooses it, or keeps the earlier one, with a POST of this page.
   */
  incoming?: PendingOffer;
  attempt?: Attempt;
  /**
   * The connected accounts view's sign-in: the person's own Management API token. It ends at `expiresAt`: at most
   * SESSION_TTL_SECONDS after the fresh authentication (auth_time), and never after the token.
   */
  session?: { sub: string; accessToken: string; expiresAt: number };
  /** The language asked for with ui_locales on one of the page's URLs, kept for the views after it (the query is dropped). */
  lang?: string;
}

/** An offer the page holds and the Auth0 transaction it resumes. */
export interface PendingOffer {
  offer: OfferClaims;
  state: string;
}

/** The connected accounts session lasts at most this long after the person signed in (their ID token's auth_time). */
export const SESSION_TTL_SECONDS = 600;

/** The cookie lives at most this long; a session inside it ends earlier when its token does. */
export const STATE_TTL_SECONDS = 3600;

export class PageStateCodec {
  private readonly key: Uint8Array;
  private readonly audience: string;

  constructor(key: Uint8Array, audience: string) {
    this.key = key;
    this.audience = audience;
  }

  async seal(state: PageState, nowSeconds: number): Promise<string> {
    return new EncryptJWT({ s: state })
      .setProtectedHeader({ alg: 'dir', enc: 'A256GCM' })
      .setAudience(this.audience)
      .setIssuedAt(nowSeconds)
      .setExpirationTime(nowSeconds + STATE_TTL_SECONDS)
      .encrypt(this.key);
  }

  /** The state, or undefined for a missing, tampered, foreign or expired cookie. */
  async open(value: string | undefined, nowSeconds: number): Promise<PageState | undefined> {
    if (!value) return undefined;
    try {
      const { payload } = await jwtDecrypt(value, this.key, {
        audience: this.audience,
        currentDate: new Date(nowSeconds * 1000),
        keyManagementAlgorithms: ['dir'],
        contentEncryptionAlgorithms: ['A256GCM'],
      });
      const state = payload.s as PageState | undefined;
      return typeof state?.csrf === 'string' && state.csrf.length >= 32 ? state : undefined;
    } catch {
      return undefined;
    }
  }
}
