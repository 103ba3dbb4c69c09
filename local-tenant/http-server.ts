// Serves a local tenant over real HTTP on loopback: each node:http request becomes a WHATWG Request answered by the
// tenant's own msw handlers (getResponse), so both ways of serving share one implementation.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import type { ReadableStream as NodeReadableStream } from 'node:stream/web';
import { pipeline } from 'node:stream/promises';
import { getResponse } from 'msw';
import type { LocalTenant } from './local-tenant.ts';

export interface TenantHttpServer {
  /** `http://127.0.0.1:{port}`: pass it to `routedFetch(tenant.domain, url)` or set it as AUTH0_BASE_URL. */
  url: string;
  /** Stops listening and drops open (keep-alive or hanging) connections; calling it again returns the same promise. */
  close(): Promise<void>;
}

export interface HttpServeOptions {
  /** Default 0: an ephemeral port. */
  port?: number;
  /** Default 127.0.0.1; the tenant is for this machine only. */
  host?: string;
}

export async function serveHttp(tenant: LocalTenant, options: HttpServeOptions = {}): Promise<TenantHttpServer> {
  const server = createServer({ keepAlive: true }, (req, res) => {
    answer(tenant, req, res).catch((error: unknown) => fail(res, error));
  });
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  let closed: Promise<void> | undefined;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  // Actions run by real logins reach the tenant's Management API here (auth/complete-login.ts).
  tenant.state.authentication.servedAt = url;
  return {
    url,
    close() {
      closed ??= new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      });
      return closed;
    },
  };
}

async function answer(tenant: LocalTenant, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const abort = new AbortController();
  // The client leaving before the answer is complete aborts the request, which releases a hanging route.
  res.on('close', () => {
    if (!res.writableFinished) abort.abort();
  });
  const response = await getResponse([...tenant.handlers], toRequest(tenant.domain, req, abort.signal));
  if (!response) throw new Error(`no handler answered ${req.method} ${req.url}`);
  if (res.destroyed) return;
  res.statusCode = response.status;
  response.headers.forEach((value, name) => res.setHeader(name, value));
  if (response.body === null) {
    res.end();
    return;
  }
  await pipeline(Readable.fromWeb(response.body as NodeReadableStream), res);
}

/** The request as the tenant's handlers expect it: addressed to https://{domain}, body streamed through. */
function toRequest(domain: string, req: IncomingMessage, signal: AbortSignal): Request {
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headersDistinct)) {
    for (const item of value ?? []) headers.append(name, item);
  }
  const method = req.method ?? 'GET';
  const hasBody = method !== 'GET' && method !== 'HEAD';
  return new Request(`https://${domain}${req.url ?? '/'}`, {
    method,
    headers,
    signal,
    ...(hasBody ? { body: Readable.toWeb(req) as ReadableStream, duplex: 'half' } : {}),
  } as RequestInit);
}

function fail(res: ServerResponse, error: unknown): void {
  if (res.headersSent || res.destroyed) {
    res.destroy();
    return;
  }
  const message = error instanceof Error ? error.message : String(error);
  res.writeHead(500, { 'content-type': 'application/json; charset=utf-8' });
  res.end(JSON.stringify({ statusCode: 500, error: 'Internal Server Error', message: `The local tenant's HTTP server failed: ${message}` }));
}
