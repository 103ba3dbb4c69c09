// Confirm-path benchmark: people with a Google and an Entra ID account of one email log in on Entra ID through the local
// tenant's real sign-in over loopback HTTP, with the linking page beside it, and prove the Google account or answer "Not now";
// those who answered "Not now" log in again; a silent first login of a Google + database pair is the yardstick for wall time.
import { ACTION_SCOPES } from '../../../actions/config.ts';
import { linkSecretFromClientSecret } from '../../../actions/link-page-tokens.ts';
import type { User } from '../../../actions/types.ts';
import { callbackUrl, readBaseUrl, signedOutUrl } from '../../../link-page/settings.ts';
import { buildAction } from '../build-action.ts';
import { routedFetch } from '../routed-fetch.cjs';
import {
  createActionsRuntime,
  createLocalTenant,
  DATABASE_CONNECTION,
  type HttpCall,
  type LocalTenant,
  serveHttp,
  useSignInRuntime,
} from '../../../local-tenant/index.ts';
import { listenForDemoLinkPage, startDemoLinkPage } from '../start/link-page.ts';
import { webLogin, type LinkPageChoice, type SignInAs, type WebLogin, type WebLoginInput } from '../web-login.ts';
import { countedBrowser, hops, type BrowserCounts } from './counted-browser.ts';
import { failureReason } from './login-path.ts';
import { runPool } from './pool.ts';
import { distribution, type Distribution } from './stats.ts';
import { watchExecutions, type Executions, type WatchedRuntime } from './watched-executions.ts';

export interface ConfirmPathOptions {
  /** People per kind of login: as many confirm, answer "Not now" (then log in again) and make a silent pair's first login. */
  people: number;
  /** Delay the tenant adds to every request (the browser's, the page's and the Action's), as in the login-path section. */
  latencyMs: number;
  /** Logins in flight at once (different people). */
  concurrency: number;
  seed: number;
  onProgress?: (phase: string, done: number, total: number) => void;
}

/**
 * The logins measured: an Entra ID login offered the link that proves the Google account; one that answers "Not now";
 * the same person's next Entra ID login while that holds; and a Google first login silently linked to a database account.
 * `decline` and `declined-later` are "Not now" (`later`) only: the names stay as docs/benchmarks.json records them, so that
 * runs of different commits compare.
 */
export const CONFIRM_KINDS = ['confirm', 'decline', 'declined-later', 'silent'] as const;
export type ConfirmKind = (typeof CONFIRM_KINDS)[number];

/** The Action's requests on one execution: /api/v2 and the token endpoint apart. */
export interface ExecutionCalls {
  apiCalls: Distribution;
  tokenCalls: Distribution;
}

export interface ConfirmKindSummary {
  logins: number;
  /** Logins that failed or did not complete, by reason (user ids replaced by `<user>`). */
  failures: number;
  failureReasons: Record<string, number>;
  /** Logins the Action sent to the linking page. */
  asked: number;
  /** Logins that ended as they should: on the primary with the other account linked (confirm, silent), or apart (the others). */
  asPlanned: number;
  /** The Action's executions: on the logins, on /continue, on the page's own sign-ins. */
  executions: { logins: number; continues: number; pageSignIns: number };
  /** The Action's execution on the login itself (for the `confirm` and `decline` kinds: the one that offers). */
  login: ExecutionCalls;
  /** The Action's onContinuePostLogin on /continue, when the page sent the person back. */
  continue: ExecutionCalls;
  /** The Action on the page's own sign-in to the other account: LINK_PAGE_CLIENT_ID, so it does nothing. */
  pageSignInCalls: Distribution;
  /** The Action's requests by phase, method and route (user ids as `:id`), over all logins of this kind. */
  actionCallsByRoute: Record<string, number>;
  /** Requests the scripted browser sent, and the answers that moved it on by themselves (see counted-browser.ts). */
  browser: Record<keyof BrowserCounts | 'hops', Distribution>;
  /** Requests the tenant's token endpoint answered during these logins, by who sent them. */
  tokenEndpoint: { all: number; action: number; page: number; app: number };
  /** The tenant's own count of what it answered during these logins. */
  tenantCounted: { managementApi: number; total: number };
  /** From the app's /authorize to its callback with the code redeemed and the ID token verified. */
  wallMs: Distribution;
}

export interface ConfirmPathResult {
  parameters: { people: number; latencyMs: number; concurrency: number; seed: number };
  kinds: Record<ConfirmKind, ConfirmKindSummary>;
}

const DOMAIN = 'bench-confirm.tenant.local';
const GOOGLE = 'google-oauth2';
const ENTRA = 'entra';
/** The app's callback: nothing listens, the scripted login stops when the tenant sends the browser there. */
const CALLBACK = 'http://127.0.0.1:9/bench/callback';
/** Unmeasured confirmed logins before the measured ones: the page's discovery, the Action's instance and its token warm up. */
const WARM_UP_PEOPLE = 1;

/** One person of the bench: the account the login is on, and the older one it links to (the policy's primary). */
interface Person {
  login: User;
  primary: User;
}

interface LoginRecord {
  failure: string | undefined;
  asked: boolean;
  asPlanned: boolean;
  executions: Executions;
  pageSignIn: Executions;
  browser: BrowserCounts;
  wallMs: number;
  redeemed: boolean;
}

interface Setting {
  tenant: LocalTenant;
  watched: WatchedRuntime;
  web: Omit<WebLoginInput, 'as' | 'choice'>;
  options: ConfirmPathOptions;
}

export async function benchConfirmPath(options: ConfirmPathOptions): Promise<ConfirmPathResult> {
  const tenant = createLocalTenant({ domain: DOMAIN });
  const { state } = tenant;
  state.addConnection({ name: DATABASE_CONNECTION, strategy: 'auth0' });
  state.addConnection({ name: GOOGLE, strategy: GOOGLE });
  state.addConnection({ name: ENTRA, strategy: 'waad' });
  const actionClient = state.addClient({ name: 'auto-link Action', scopes: [...ACTION_SCOPES] });
  const app = state.addClient({
    name: 'bench web app',
    scopes: [],
    app_type: 'regular_web',
    callbacks: [CALLBACK],
    allowed_logout_urls: [],
    grant_types: ['authorization_code'],
    token_endpoint_auth_method: 'client_secret_post',
  });
  const server = await serveHttp(tenant);
  // The page listens first, on a free port, so its application's callback names the port it got.
  const pageServer = await listenForDemoLinkPage(0).catch(async (error: unknown) => {
    await server.close();
    throw error;
  });
  try {
    const linkPageUrl = pageServer.confirmUrl;
    // The page's application as the deploy creates it (scripts/lib/deploy/link-page-app.ts).
    const pageApp = state.addClient({
      name: 'auto-link linking page',
      scopes: [],
      app_type: 'regular_web',
      callbacks: [callbackUrl(readBaseUrl(linkPageUrl))],
      allowed_logout_urls: [signedOutUrl(readBaseUrl(linkPageUrl))],
      grant_types: ['authorization_code'],
      token_endpoint_auth_method: 'client_secret_post',
    });
    const pairs = (kind: string, count: number, login: string, primary: string): Person[] =>
      Array.from({ length: count }, (_, i) => makePerson(tenant, `${kind}-${options.seed}-${i}`, login, primary));
    const warmUp = pairs('warm-up', WARM_UP_PEOPLE, ENTRA, GOOGLE);
    const confirming = pairs('confirm', options.people, ENTRA, GOOGLE);
    const answeringLater = pairs('decline', options.people, ENTRA, GOOGLE);
    const silent = pairs('silent', options.people, GOOGLE, DATABASE_CONNECTION);
    bindAction(tenant, (await buildAction()).code, {
      AUTH0_DOMAIN: DOMAIN,
      AUTH0_CLIENT_ID: actionClient.client_id,
      AUTH0_CLIENT_SECRET: actionClient.client_secret,
      LINK_PAGE_URL: linkPageUrl,
      LINK_PAGE_CLIENT_ID: pageApp.client_id,
      LINK_SECRET: await linkSecretFromClientSecret(pageApp.client_secret),
    });
    await startDemoLinkPage({ listening: pageServer, tenantUrl: server.url, domain: DOMAIN, app: pageApp });
    const watched = watchExecutions(createActionsRuntime({ state, fetch: routedFetch(DOMAIN, server.url) }));
    useSignInRuntime(state, watched.runtime);
    tenant.faults.setLatency(options.latencyMs);
    const setting: Setting = { tenant, watched, web: { tenantUrl: server.url, domain: DOMAIN, app, callbackUrl: CALLBACK, linkPageUrl }, options };
    const prove = (person: Person): LinkPageChoice => ({ prove: { connection: GOOGLE, id: ownId(person.primary) } });
    await runKind(setting, 'warm-up', warmUp, prove, linkedOnPrimary);
    const kinds: Record<ConfirmKind, ConfirmKindSummary> = {
      confirm: await runKind(setting, 'confirm', confirming, prove, linkedOnPrimary),
      silent: await runKind(setting, 'silent', silent, undefined, linkedOnPrimary),
      decline: await runKind(setting, 'decline', answeringLater, () => ({ decline: 'later' }), keptApart),
      'declined-later': await runKind(setting, 'declined-later', answeringLater, undefined, keptApart),
    };
    return { parameters: { people: options.people, latencyMs: options.latencyMs, concurrency: options.concurrency, seed: options.seed }, kinds };
  } finally {
    await pageServer.server.close();
    await server.close();
  }
}

/**
 * Two verified accounts of one lower-case email; the primary an hour older, as the policy picks the oldest. A database
 * primary reset its password half an hour after signup: the evidence a silent link needs.
 */
function makePerson(tenant: LocalTenant, tag: string, loginConnection: string, primaryConnection: string): Person {
  const email = `person-${tag}@bench.example`;
  const hour = 3600_000;
  const now = tenant.state.now().getTime();
  const reset = primaryConnection === DATABASE_CONNECTION ? { last_password_reset: new Date(now - 1.5 * hour).toISOString() } : {};
  const primary = tenant.state.createUser({
    connection: primaryConnection,
    email,
    email_verified: true,
    created_at: new Date(now - 2 * hour).toISOString(),
    ...reset,
  });
  const login = tenant.state.createUser({ connection: loginConnection, email, email_verified: true, created_at: new Date(now - hour).toISOString() });
  return { login, primary };
}

/** Creates, deploys and binds the bundle as the only post-login Action; builds and deploys at once (their timing is not measured here). */
function bindAction(tenant: LocalTenant, code: string, secrets: Record<string, string>): void {
  const store = tenant.actions;
  store.setBuildDelay(0);
  store.setDeployDelay(0);
  const action = store.create({
    name: 'auto-link',
    code,
    runtime: 'node22',
    supported_triggers: [{ id: 'post-login', version: 'v3' }],
    secrets: Object.entries(secrets).map(([name, value]) => ({ name, value })),
  });
  store.deploy(action.id);
  store.setBindings('post-login', [{ ref: { type: 'action_id', value: action.id } }]);
}

type Planned = (tenant: LocalTenant, person: Person, login: WebLogin) => boolean;

const linkedOnPrimary: Planned = (tenant, person, login) =>
  login.outcome === 'success' &&
  login.subject === person.primary.user_id &&
  tenant.state.getUser(person.login.user_id) === undefined &&
  (tenant.state.getUser(person.primary.user_id)?.identities.some((i) => `${i.provider}|${i.user_id}` === person.login.user_id) ?? false);

const keptApart: Planned = (tenant, person, login) =>
  login.outcome === 'success' &&
  login.subject === person.login.user_id &&
  tenant.state.getUser(person.login.user_id)?.identities.length === 1 &&
  tenant.state.getUser(person.primary.user_id)?.identities.length === 1;

/** Every person of one kind logs in once, `concurrency` at a time, on a freshly reset request count. */
async function runKind(
  setting: Setting,
  kind: ConfirmKind | 'warm-up',
  people: Person[],
  choice: ((person: Person) => LinkPageChoice) | undefined,
  planned: Planned,
): Promise<ConfirmKindSummary> {
  const { tenant, watched, web, options } = setting;
  tenant.requests.reset();
  let done = 0;
  const records = await runPool(people, options.concurrency, async (person) => {
    const browser = countedBrowser();
    const as: SignInAs = { connection: person.login.identities[0]!.connection, id: ownId(person.login) };
    const started = performance.now();
    let login: WebLogin | undefined;
    let failure: string | undefined;
    try {
      login = await webLogin({ ...web, as, ...(choice ? { choice: choice(person) } : {}), browserFetch: browser.fetch });
      if (login.outcome === 'failure') failure = failureReason(login.reason);
    } catch (error) {
      failure = failureReason((error as Error).message);
    }
    const wallMs = performance.now() - started;
    const record: LoginRecord = {
      failure,
      asked: login?.askedToLink ?? false,
      asPlanned: login !== undefined && planned(tenant, person, login),
      executions: watched.take(person.login.user_id),
      pageSignIn: watched.take(person.primary.user_id),
      browser: browser.counts,
      wallMs,
      redeemed: login?.outcome === 'success',
    };
    options.onProgress?.(`confirm path: ${kind}`, ++done, people.length);
    return record;
  });
  return summarise(records, tenant);
}

function summarise(records: LoginRecord[], tenant: LocalTenant): ConfirmKindSummary {
  const failureReasons: Record<string, number> = {};
  for (const r of records) if (r.failure) failureReasons[r.failure] = (failureReasons[r.failure] ?? 0) + 1;
  const actionCallsByRoute: Record<string, number> = {};
  const tally = (phase: string, calls: HttpCall[][]): void => {
    for (const call of calls.flat()) {
      const key = `${phase} ${call.method.toUpperCase()} ${routeOf(call.url)}`;
      actionCallsByRoute[key] = (actionCallsByRoute[key] ?? 0) + 1;
    }
  };
  for (const r of records) {
    tally('login', r.executions.logins);
    tally('continue', r.executions.continues);
  }
  const executionCalls = (pick: (r: LoginRecord) => HttpCall[][]): ExecutionCalls => ({
    apiCalls: distribution(records.map((r) => pick(r).flat().filter(isManagementApi).length)),
    tokenCalls: distribution(records.map((r) => pick(r).flat().filter(isTokenEndpoint).length)),
  });
  const login = executionCalls((r) => r.executions.logins);
  const resumed = executionCalls((r) => r.executions.continues);
  const all = tenant.requests.count({ method: 'POST', route: '/oauth/token' });
  const action =
    login.tokenCalls.total + resumed.tokenCalls.total + records.reduce((sum, r) => sum + r.pageSignIn.logins.flat().filter(isTokenEndpoint).length, 0);
  const app = records.filter((r) => r.redeemed).length;
  const browserOf = (pick: (c: BrowserCounts) => number): Distribution => distribution(records.map((r) => pick(r.browser)));
  return {
    logins: records.length,
    failures: records.filter((r) => r.failure).length,
    failureReasons,
    asked: records.filter((r) => r.asked).length,
    asPlanned: records.filter((r) => r.asPlanned).length,
    executions: {
      logins: records.reduce((sum, r) => sum + r.executions.logins.length, 0),
      continues: records.reduce((sum, r) => sum + r.executions.continues.length, 0),
      pageSignIns: records.reduce((sum, r) => sum + r.pageSignIn.logins.length, 0),
    },
    login,
    continue: resumed,
    pageSignInCalls: distribution(records.map((r) => r.pageSignIn.logins.flat().length)),
    actionCallsByRoute,
    browser: {
      requests: browserOf((c) => c.requests),
      redirects: browserOf((c) => c.redirects),
      refreshes: browserOf((c) => c.refreshes),
      autoSubmits: browserOf((c) => c.autoSubmits),
      hops: browserOf(hops),
    },
    tokenEndpoint: { all, action, app, page: all - action - app },
    tenantCounted: { managementApi: tenant.requests.managementApiCalls(), total: tenant.requests.total },
    wallMs: distribution(records.map((r) => r.wallMs)),
  };
}

/** The identity's own id (without the provider), as the stand-in IdP page takes it. */
function ownId(user: User): string {
  return String(user.identities[0]!.user_id);
}

function isManagementApi(call: HttpCall): boolean {
  return new URL(call.url).pathname.startsWith('/api/v2/');
}

function isTokenEndpoint(call: HttpCall): boolean {
  return new URL(call.url).pathname === '/oauth/token';
}

/** The path with user ids as `:id`, so calls for different people count together (and no id is reported). */
function routeOf(url: string): string {
  return new URL(url).pathname.replace(/^\/api\/v2\/users\/[^/]+/, '/api/v2/users/:id');
}
