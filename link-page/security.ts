// Response headers every view gets (a strict CSP, no caching, no framing, no referrer) and the CSRF check of every POST.
import { PageError } from './errors.ts';

/**
 * Nothing loads but the page's own stylesheet and script; forms post to the page only. The view that posts to /continue
 * cannot keep form-action: Chromium applies it to every redirect after the submission too, and /continue redirects to
 * whichever application started the login. That view gets `continueCsp`, which drops form-action and nothing else.
 */
function directives(logoOrigin: string | undefined): string[] {
  // The brand's logo (LINK_PAGE_LOGO_URL, https only) is the one image from elsewhere: its origin, and only it, is allowed.
  const img = logoOrigin ? `img-src 'self' ${logoOrigin}` : "img-src 'self'";
  return ["default-src 'none'", "script-src 'self'", "style-src 'self'", img, "base-uri 'none'", "frame-ancestors 'none'"];
}

/** Every view's CSP; `logoOrigin` when the brand has a logo. */
export function pageCsp(logoOrigin?: string): string {
  return [...directives(logoOrigin), "form-action 'self'"].join('; ');
}

/** The CSP of the view posting to /continue: the page's without form-action. */
export function continueCsp(logoOrigin?: string): string {
  return directives(logoOrigin).join('; ');
}

export const PAGE_CSP = pageCsp();
export const CONTINUE_CSP = continueCsp();

export function securityHeaders(secure: boolean, logoOrigin?: string): Record<string, string> {
  return {
    'content-security-policy': pageCsp(logoOrigin),
    'x-content-type-options': 'nosniff',
    'x-frame-options': 'DENY',
    'referrer-policy': 'no-referrer',
    'cross-origin-opener-policy': 'same-origin',
    'cache-control': 'no-store',
    ...(secure ? { 'strict-transport-security': 'max-age=31536000' } : {}),
  };
}

/**
 * Refuses a POST whose form does not carry this browser's CSRF token, or that a browser says came from another site.
 * `expected` is undefined when the browser brought no valid state cookie: then no token can match.
 */
export function checkCsrf(input: { expected: string | undefined; sent: unknown; fetchSite: string | undefined }): void {
  const { expected, sent, fetchSite } = input;
  if (fetchSite !== undefined && fetchSite !== 'same-origin' && fetchSite !== 'none') {
    throw new PageError('csrf_refused', 'crossSite', { detail: `Sec-Fetch-Site ${fetchSite}` });
  }
  if (expected === undefined || typeof sent !== 'string' || !sameText(expected, sent)) {
    throw new PageError('csrf_refused', 'formExpired');
  }
}

/** Compares without stopping at the first difference. */
function sameText(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}
