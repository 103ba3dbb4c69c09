// Where the browser and relying parties reach the tenant: its loopback origin when served over HTTP, https://{domain} in-process.
// Tokens always name `https://{domain}/` as issuer (Auth0's); only the endpoint URLs follow the transport.

const LOOPBACK_HOST = /^(127\.\d{1,3}\.\d{1,3}\.\d{1,3}|localhost|\[::1\])(:\d{1,5})?$/i;

/** `http://127.0.0.1:{port}` when the request came to a loopback server, else `https://{domain}`; never a host the request chose freely. */
export function publicOrigin(request: Request, domain: string): string {
  const host = request.headers.get('host') ?? '';
  return LOOPBACK_HOST.test(host) ? `http://${host}` : `https://${domain}`;
}
