// The demo web app `npm start -- --keep` serves beside the local tenant: it signs in through /authorize as a tenant's app would.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { getRequestListener } from '@hono/node-server';
import { demoAppRoutes } from './demo-app/routes.ts';
import { discoverTenant } from './demo-app/tenant-sign-in.ts';

export interface DemoAppOptions {
  /** Where the tenant really listens (http://127.0.0.1:port). */
  tenantUrl: string;
  /** The tenant's domain: its tokens' issuer is https://{domain}/ and its Management API https://{domain}/api/v2/. */
  domain: string;
  clientId: string;
  clientSecret: string;
  /** The claim the Action sets on the ID token with the accounts it linked. */
  linkedClaim: string;
  /** The linking page's connected-accounts view, where a signed-in person links and unlinks their own accounts. */
  accountsUrl?: string;
  /** Default 0: a free port. */
  port?: number;
}

export interface DemoApp {
  url: string;
  /** `{url}/callback`: register it among the application's callback URLs, and `url` among its logout URLs. */
  callbackUrl: string;
  close(): Promise<void>;
}

/** Starts the demo app on 127.0.0.1; its sessions live in memory and die with it. */
export async function startDemoApp(options: DemoAppOptions): Promise<DemoApp> {
  const config = await discoverTenant(options);
  // Listen first: the routes need the app's own URL (the callback's redirect_uri), and so the port it got.
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  server.on('request', getRequestListener(demoAppRoutes({ ...options, config, url }).fetch));
  return {
    url,
    callbackUrl: `${url}/callback`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        // Browsers keep connections open (keep-alive): without this, close waits for them to time out.
        server.closeAllConnections();
      }),
  };
}
