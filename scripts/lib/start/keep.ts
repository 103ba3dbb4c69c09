// What `npm start -- --keep --json` prints first, on one line, for scripts and tests to drive the kept tenant: its
// URL and domain, the demo web app, the linking page, the applications' credentials and the users. Local stand-ins, not secrets (see
// LOCAL_ADMIN).
import type { DemoApp } from './demo-app.ts';
import type { StartRun } from './run.ts';
import { DEMO_DOMAIN, DEMO_PASSWORD } from './tenant.ts';

export interface KeepUser {
  user_id: string;
  email?: string;
  /** The connection of the user's main identity. */
  connection: string;
  /** Database users sign in with it; the others on the tenant's stand-in identity-provider or passwordless pages. */
  password?: string;
}

export interface KeepDetails {
  baseUrl: string;
  domain: string;
  /** The demo app to open in a browser. */
  demoAppUrl: string;
  /** The demo web application (code flow, refresh, password grants) the demo app signs in with. */
  app: { clientId: string; clientSecret: string; callbackUrl: string };
  deployer: { clientId: string; clientSecret: string };
  action: { clientId: string; clientSecret: string };
  /** The linking page beside the tenant: its confirm view (the Action's LINK_PAGE_URL) and its connected-accounts view. */
  linkPage: { confirmUrl: string; accountsUrl: string };
  users: KeepUser[];
}

/** The details of the kept tenant, with the demo app `app` started beside it. */
export function keepDetails(run: StartRun, app: Pick<DemoApp, 'url' | 'callbackUrl'>): KeepDetails {
  const { admin, actionClient, webApp } = run.demo;
  return {
    baseUrl: run.server.url,
    domain: DEMO_DOMAIN,
    demoAppUrl: app.url,
    app: { clientId: webApp.client_id, clientSecret: webApp.client_secret, callbackUrl: app.callbackUrl },
    deployer: { clientId: admin.client_id, clientSecret: admin.client_secret },
    action: { clientId: actionClient.client_id, clientSecret: actionClient.client_secret },
    linkPage: { confirmUrl: run.linkPage.confirmUrl, accountsUrl: run.linkPage.accountsUrl },
    users: keepUsers(run),
  };
}

/** The tenant's users as they are now (after the replayed logins linked some), by their main identity. */
function keepUsers(run: StartRun): KeepUser[] {
  return [...run.demo.tenant.state.allUsers()].map((user) => {
    const main = user.identities[0]!;
    return {
      user_id: user.user_id,
      ...(user.email === undefined ? {} : { email: user.email }),
      connection: main.connection,
      ...(main.provider === 'auth0' ? { password: DEMO_PASSWORD } : {}),
    };
  });
}
