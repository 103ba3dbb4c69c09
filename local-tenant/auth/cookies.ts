// The tenant session cookie: `auth0`, HttpOnly, scoped to the tenant's origin.
// Auth0 sets `auth0` with SameSite=None; Secure (and `auth0_compat` for old browsers). The local tenant is plain-HTTP
// loopback, where a Secure cookie would not come back, so it uses SameSite=Lax: top-level navigations (the /authorize
// redirects, prompt=none included) still carry it; a hidden-iframe silent authentication from another site does not.
export const SESSION_COOKIE = 'auth0';

export function readCookie(request: Request, name: string): string | undefined {
  for (const part of (request.headers.get('cookie') ?? '').split(';')) {
    const [key, ...rest] = part.trim().split('=');
    if (key === name) return decodeURIComponent(rest.join('='));
  }
  return undefined;
}

export function sessionCookie(value: string): string {
  return `${SESSION_COOKIE}=${encodeURIComponent(value)}; Path=/; HttpOnly; SameSite=Lax`;
}

export function clearedSessionCookie(): string {
  return `${SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0`;
}
