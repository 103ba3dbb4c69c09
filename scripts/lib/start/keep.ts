// What `npm start -- --keep --json` prints first, on one line, for scripts and tests to drive the kept tenant: its
// URL and domain, the demo web app, the linking page, the applications' credentials and the users. Local stand-ins, not secrets (see
// LOCAL_ADMIN).
import type { StartRun } from './run.ts';
import type { SignInDemo } from './sign-in.ts';
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

/**
 * The accounts the replayed logins leave for a person to link in a browser, on the confirmed path: Farah's Entra ID login
 * is sent to the linking page, where she proves her (older, so primary) Google account by signing in with it.
 */
export const CONFIRM_STORY = {
  email: 'farah.haddad@contoso.com',
  entra: { connection: 'contoso-entra', id: '3b9d7f21-6c4e-4f8a-b2d5-9e0a1c7f5d33' },
  google: { connection: 'google-oauth2', id: '108822446600113355779' },
} as const;

export function keepDetails(run: StartRun, signIn: SignInDemo): KeepDetails {
  const { admin, actionClient, webApp } = run.demo;
  return {
    baseUrl: run.server.url,
    domain: DEMO_DOMAIN,
    demoAppUrl: signIn.app.url,
    app: { clientId: webApp.client_id, clientSecret: webApp.client_secret, callbackUrl: signIn.app.callbackUrl },
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
