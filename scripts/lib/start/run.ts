// `npm start`'s flow: a seeded local tenant on loopback HTTP, the Action deployed there by the deploy command itself, a series of logins replayed.
import { deployCommand } from '../deploy/command.ts';
import type { DeployReport } from '../deploy/report.ts';
import { routedFetch } from '../routed-fetch.cjs';
import { createActionsRuntime, serveHttp, type TenantHttpServer, useSignInRuntime } from '../../../local-tenant/index.ts';
import { listenForDemoLinkPage, startDemoLinkPage, type DemoLinkPage, type DemoPageServer } from './link-page.ts';
import { replayLogins, type LoginRow } from './logins.ts';
import { observeRuntime } from './observed-runtime.ts';
import { loginTable } from './table.ts';
import { createDemoTenant, DEMO_DELAYS, DEMO_DOMAIN, DEMO_PASSWORD, type DemoTenant } from './tenant.ts';

/** The demo web app's callback while the logins are replayed: nothing listens there, the replay stops when sent to it. */
const REPLAY_CALLBACK = 'http://127.0.0.1:9/replay/callback';

export interface StartOptions {
  /** Loopback port; 0 picks a free one. */
  port?: number;
  /** Where progress and the deploy's summary go while the demo runs; default stderr. */
  stream?: NodeJS.WriteStream;
  /** No progress output (with --json). */
  quiet?: boolean;
  /** Action build and deploy times on the demo tenant; default DEMO_DELAYS. */
  delays?: { buildDelayMs: number; deployDelayMs: number };
}

export interface StartRun {
  demo: DemoTenant;
  server: TenantHttpServer;
  /** The linking page, served beside the tenant on the application the deploy created. */
  linkPage: DemoLinkPage;
  deploy: DeployReport;
  rows: LoginRow[];
  /** Requests the deploy made to the tenant, and those the Action made during the logins (not the sign-in's own requests). */
  calls: { deploy: number; logins: number };
  users: { before: number; after: number };
  /** Stops the page and the tenant. */
  close(): Promise<void>;
}

/** Runs the demo; the tenant and the page are left running (the caller closes them, or keeps them with --keep). */
export async function runStart(options: StartOptions = {}): Promise<StartRun> {
  const stream = options.stream ?? process.stderr;
  const say = (text: string): void => {
    if (!options.quiet) stream.write(`${text}\n`);
  };
  const demo = await createDemoTenant(options.delays);
  const server = await serveHttp(demo.tenant, { port: options.port ?? 0 });
  let pageServer: DemoPageServer | undefined;
  const close = async (): Promise<void> => {
    await pageServer?.server.close();
    await server.close();
  };
  try {
    // The page listens first: the deploy names its URL, port included, in LINK_PAGE_URL and in its application's callback.
    pageServer = await listenForDemoLinkPage(options.port ?? 0);
    say(`Local tenant ${DEMO_DOMAIN} on ${server.url}: ${demo.accounts} accounts on ${demo.tenant.state.listConnections().length} connections.`);
    const delays = options.delays ?? DEMO_DELAYS;
    say(
      `Deploying the Action with the deploy command, over HTTP (this demo tenant builds in ${delays.buildDelayMs / 1000} s and takes a deploy live ${delays.deployDelayMs / 1000} s later; Auth0 takes longer)…`,
    );
    const env = {
      AUTH0_DOMAIN: DEMO_DOMAIN,
      AUTH0_BASE_URL: server.url,
      AUTH0_CLIENT_ID: demo.admin.client_id,
      AUTH0_CLIENT_SECRET: demo.admin.client_secret,
      ACTION_CLIENT_ID: demo.actionClient.client_id,
      ACTION_CLIENT_SECRET: demo.actionClient.client_secret,
      LINK_PAGE_URL: pageServer.confirmUrl,
    };
    const deployed = await deployCommand({ env, progressStream: stream })({ json: options.quiet ?? false });
    say(deployed.summary);
    const deploy = deployed.result as DeployReport;
    const deployCalls = demo.tenant.requests.total;
    const linkPage = await startDemoLinkPage({
      listening: pageServer,
      tenantUrl: server.url,
      domain: DEMO_DOMAIN,
      app: demo.tenant.state.client(deploy.linkPage!.clientId)!,
    });
    // The replayed logins and the tenant's real sign-in share one runtime: one api.cache, one warm instance of the Action.
    const observed = observeRuntime(createActionsRuntime({ state: demo.tenant.state, fetch: routedFetch(DEMO_DOMAIN, server.url) }));
    useSignInRuntime(demo.tenant.state, observed.runtime);
    demo.webApp.callbacks = [REPLAY_CALLBACK];
    const rows = await replayLogins({
      tenant: demo.tenant,
      observed,
      web: { tenantUrl: server.url, domain: DEMO_DOMAIN, app: demo.webApp, callbackUrl: REPLAY_CALLBACK, linkPageUrl: env.LINK_PAGE_URL },
      password: DEMO_PASSWORD,
    });
    return {
      demo,
      server,
      linkPage,
      deploy,
      rows,
      calls: { deploy: deployCalls, logins: rows.reduce((sum, row) => sum + row.httpCalls, 0) },
      users: { before: demo.accounts, after: demo.tenant.state.userCount() },
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}

/** The table and a few lines on what it shows. */
export function startSummary(run: StartRun, email?: (email: string) => string): string {
  const linked = run.rows.reduce((sum, row) => sum + row.linked.length, 0);
  const quiet = run.rows.filter((row) => /^returning|refresh/.test(row.note));
  const failed = run.rows.filter((row) => row.outcome !== 'ok');
  return [
    '',
    loginTable(run.rows, email),
    '',
    `${run.rows.length} logins: ${linked} accounts linked, ${run.users.before} accounts → ${run.users.after} users; ${failed.length} logins failed.`,
    `HTTP calls by the Action: ${run.calls.logins} in all, ${quiet.reduce((sum, row) => sum + row.httpCalls, 0)} on the ${quiet.length} returning logins and refreshes. The deploy made ${run.calls.deploy}.`,
    "Asked first on the linking page: Carla's Entra ID and Google accounts (enterprise IdPs are not trusted to link silently), linked once she proved the Google one by signing in with it there; Dana's Google and password accounts (a password never reset since signup may be someone else's), linked once she signed in with the password.",
    "Linked silently: Ana's accounts, her password reset since signup; her password account's sessions and refresh tokens were ended first.",
    'Not linked on purpose: the unverified database signup (a pre-hijack trap), the excluded account.',
  ].join('\n');
}
