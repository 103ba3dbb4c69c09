// Response headers every view gets (a strict CSP, no caching, no framing, no referrer) and the CSRF check of every POST.
import { PageError } from './errors.ts';

/**
 * Nothing loads but the page's own stylesheet and script; forms post to the page only. The view that posts to /continue
 * cannot keep form-action: Chromium applies it to every redirect after the submission too, and /continue redirects to
 * whichever application started the login. That view gets `continueCsp`, which drops form-action and nothing else.
 */
const DIRECTIVES = ["default-src 'none'", "script-src 'self'", "style-src 'self'", "img-src 'self'", "base-uri 'none'", "frame-ancestors 'none'"];
export const PAGE_CSP = [...DIRECTIVES, "form-action 'self'"].join('; ');
export const CONTINUE_CSP = DIRECTIVES.join('; ');

export function securityHeaders(secure: boolean): Record<string, string> {
  return {
    'content-security-policy': PAGE_CSP,
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
    throw new PageError('csrf_refused', 'This form was sent from another site, so it was refused. Start again from this page.');
  }
  if (expected === undefined || typeof sent !== 'string' || !sameText(expected, sent)) {
    throw new PageError('csrf_refused', 'This form has expired or was not sent from this page, so it was refused. Start again.');
  }
}

/** Compares without stopping at the first difference. */
function sameText(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}
