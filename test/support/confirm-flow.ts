// The confirm flow's cast on a local tenant served over HTTP: an Entra connection, the page and its application, an app
// that signs people in, and a post-login Action following the contract bound to the tenant (the fixture until the real one).
import { fileURLToPath } from 'node:url';
import * as oidc from 'openid-client';
import { buildAction } from '../../scripts/lib/build-action.ts';
import type { Client, LocalTenant } from '../../local-tenant/index.ts';
import { LINK_SECRET, pageOnTenant, type RunningPage } from './link-page.ts';
import { actionCode } from './action.ts';
import { bindAction, discoverOverLoopback } from './sign-in.ts';

export const ENTRA = 'entra';

const FIXTURE = fileURLToPath(new URL('../fixtures/confirm-link-action.ts', import.meta.url));
let fixtureCode: Promise<string> | undefined;

export interface ConfirmCast {
  page: RunningPage & { app: Client };
  /** The app's callback: a loopback server that answers "signed in" and nothing else. */
  appCallback: string;
  close(): Promise<void>;
  /** The application people sign in to. */
  app: Client;
  /** openid-client for `app`, reaching the tenant over loopback. */
  appConfig: oidc.Configuration;
}

/** An Entra ID (waad) connection, the enterprise login of the stories. */
export function addEntra(tenant: LocalTenant): void {
  tenant.state.addConnection({ name: ENTRA, strategy: 'waad' });
}

/** Which post-login Action is bound: the project's built bundle, or the contract's test fixture. */
export type ConfirmActionKind = 'bundle' | 'fixture';

/** What a story may change in the cast: more Action secrets, the page's connection labels, the app's grants. */
export interface CastOptions {
  /** Secrets besides the ones every cast gives the Action (e.g. END_SESSIONS). */
  secrets?: Record<string, string>;
  /** The page's LINK_PAGE_CONNECTION_LABELS. */
  connectionLabels?: string;
  /** The page's LINK_PAGE_CONNECTIONS. */
  connections?: string;
  /** The app's grant types; default the code grant only. */
  grantTypes?: string[];
}

/** Binds the Action (its M2M client `m2m` reads users-by-email and links) and serves the page in front. */
export async function confirmCast(
  tenant: LocalTenant,
  serverUrl: string,
  m2m: Client,
  kind: ConfirmActionKind = 'fixture',
  options: CastOptions = {},
): Promise<ConfirmCast> {
  const page = await pageOnTenant(tenant, serverUrl, {
    ...(options.connectionLabels ? { connectionLabels: options.connectionLabels } : {}),
    ...(options.connections ? { connections: options.connections } : {}),
  });
  const appServer = await serveAppCallback();
  const appCallback = `${appServer.url}/app-callback`;
  const app = tenant.state.addClient({
    name: 'Demo app',
    scopes: [],
    app_type: 'regular_web',
    callbacks: [appCallback],
    grant_types: options.grantTypes ?? ['authorization_code'],
    token_endpoint_auth_method: 'client_secret_post',
  });
  fixtureCode ??= buildAction({ entry: FIXTURE }).then((b) => b.code);
  const code = kind === 'bundle' ? await actionCode() : await fixtureCode;
  bindAction(tenant, kind === 'bundle' ? 'auto-link' : 'confirm-link-fixture', code, {
    AUTH0_DOMAIN: tenant.domain,
    AUTH0_CLIENT_ID: m2m.client_id,
    AUTH0_CLIENT_SECRET: m2m.client_secret,
    LINK_SECRET,
    LINK_PAGE_URL: `${page.url}/link`,
    LINK_PAGE_CLIENT_ID: page.app.client_id,
    ...options.secrets,
  });
  const appConfig = await discoverOverLoopback(tenant.domain, serverUrl, app);
  return {
    page,
    app,
    appConfig,
    appCallback,
    close: async () => {
      await page.close();
      await appServer.close();
    },
  };
}

async function serveAppCallback(): Promise<{ url: string; close(): Promise<void> }> {
  const { createServer } = await import('node:http');
  const server = createServer((_request, response) => response.writeHead(200, { 'content-type': 'text/html' }).end('<title>app</title>signed in'));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${address.port}`,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        // A socket Chromium opened ahead of a request is not idle to Node: without this, close waits for its 60 s timeout.
        server.closeAllConnections();
      }),
  };
}

/** The app's authorization request, and how to redeem what comes back to its callback. */
export async function appSignIn(cast: ConfirmCast): Promise<{ url: string; finish(callbackUrl: string): Promise<string> }> {
  const verifier = oidc.randomPKCECodeVerifier();
  const state = oidc.randomState();
  const url = oidc.buildAuthorizationUrl(cast.appConfig, {
    redirect_uri: cast.appCallback,
    scope: 'openid profile',
    code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    state,
    prompt: 'login',
  });
  return {
    url: url.href,
    async finish(callbackUrl) {
      const tokens = await oidc.authorizationCodeGrant(cast.appConfig, new URL(callbackUrl), { pkceCodeVerifier: verifier, expectedState: state });
      return tokens.claims()!.sub;
    },
  };
}
