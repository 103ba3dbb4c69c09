// `npm start -- --keep`'s browser sign-in: the demo app started beside the tenant and registered on the demo web
// application, and what to open and whom to sign in as.
import { CLAIM_SUFFIX, DEFAULT_CLAIM_NAMESPACE } from '../../../actions/config.ts';
import { startDemoApp, type DemoApp } from './demo-app.ts';
import { CONFIRM_STORY } from './confirm-story.ts';
import type { KeepDetails } from './keep.ts';
import type { StartRun } from './run.ts';
import { DEMO_DOMAIN, DEMO_PASSWORD } from './tenant.ts';

interface SignInDemo {
  app: DemoApp;
  close(): Promise<void>;
}

/** Starts the demo app and lets the demo web application send people back to it. */
export async function startSignInDemo(run: StartRun, port = 0): Promise<SignInDemo> {
  const { webApp } = run.demo;
  const app = await startDemoApp({
    tenantUrl: run.server.url,
    domain: DEMO_DOMAIN,
    clientId: webApp.client_id,
    clientSecret: webApp.client_secret,
    // The demo deploys the Action without CLAIM_NAMESPACE, so it sets the default claim.
    linkedClaim: `${DEFAULT_CLAIM_NAMESPACE}${CLAIM_SUFFIX}`,
    accountsUrl: run.linkPage.accountsUrl,
    port,
  });
  webApp.callbacks = [app.callbackUrl];
  webApp.allowed_logout_urls = [app.url];
  return { app, close: () => app.close() };
}

export function signInInstructions(details: KeepDetails): string {
  const database = details.users.filter((user) => user.password !== undefined).map((user) => user.email);
  return [
    `Sign in with a browser: open ${details.demoAppUrl} and press "Sign in". It goes through ${details.baseUrl}/authorize and the post-login`,
    "Action, then shows the ID token's claims, the linked-accounts claim among them, and the account's identities.",
    `  Database users (password ${DEMO_PASSWORD}, a local stand-in): ${database.join(', ')}`,
    '  Google, GitHub, Entra ID and passwordless users: pick or enter the identity on the local stand-in pages.',
    `Confirmed linking: sign in with ${CONFIRM_STORY.entra.connection} (Entra ID) and pick ${CONFIRM_STORY.email}. The Action sends you to the linking page`,
    `(${details.linkPage.confirmUrl}): press "Sign in with Google to link" and pick the same person's Google identity. Back in the demo app,`,
    `the sub is ${CONFIRM_STORY.google.connection}|${CONFIRM_STORY.google.id}, the primary's, and the Entra ID account is one of its identities.`,
    `Connected accounts: ${details.linkPage.accountsUrl} lists a signed-in person's accounts, to link or unlink with their own token.`,
  ].join('\n');
}
