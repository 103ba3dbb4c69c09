// Login-path benchmark: the same mix of logins through this project's Action and through the usual approach, each in the
// local Actions runtime against its own copy of a generated tenant served over loopback HTTP with a modelled round trip.
// Counted per login: requests the Action made (token endpoint and /api/v2 apart) and the time it added to the login.
import { ACTION_SCOPES } from '../../../actions/config.ts';
import { readFile } from 'node:fs/promises';
import { buildAction } from '../build-action.ts';
import { routedFetch } from '../routed-fetch.cjs';
import { loadGenerated } from '../generator.ts';
import { createActionsRuntime, createLocalTenant, type LoadedAction, type LocalTenant, type LoginResult, serveHttp } from '../../../local-tenant/index.ts';
import { CATEGORIES, mixCounts, planLogins, type LoginCategory, type LoginMix, type MixCounts, type PlannedLogin } from './login-mix.ts';
import { runPool } from './pool.ts';
import { distribution, type Distribution } from './stats.ts';

export type { Distribution } from './stats.ts';

export interface LoginPathOptions {
  logins: number;
  mix: LoginMix;
  /** Delay the tenant adds to every request, modelling the round trip from Auth0's Actions to its API. */
  latencyMs: number;
  /** Logins in flight at once (different users). */
  concurrency: number;
  seed: number;
  onProgress?: (phase: string, done: number, total: number) => void;
}

/** The Actions compared: this project's bundle and the usual approach of public examples. */
export const SUBJECTS = ['auto-link', 'baseline'] as const;
export type Subject = (typeof SUBJECTS)[number];

const BASELINE_FILE = new URL('./baseline-action.js', import.meta.url);
const DOMAIN = 'bench.tenant.local';
/** A user id in a failure reason (`provider|id`, enterprise ids holding a second `|`). */
const USER_ID = /\b[\w-]+\|[^\s,;:)]+/g;
const REASON_LENGTH = 120;
/** Latency of the unmeasured warm-up (each returning user's earlier login): none, to keep the run short. */
const WARM_UP_LATENCY_MS = 0;

export interface CategorySummary {
  logins: number;
  failures: number;
  apiCalls: Distribution;
  httpCalls: Distribution;
  latencyMs: Distribution;
}

export interface SideSummary {
  subject: Subject;
  logins: number;
  /** Failed logins by kind (error, denied, timeout, setPrimaryUser, userGone). */
  failures: Record<string, number>;
  /** Failed logins by reason, user ids replaced by `<user>`: what made them fail. */
  failureReasons: Record<string, number>;
  /** /api/v2 requests per login: what the tenant's Management API rate limit counts. */
  apiCalls: Distribution;
  /** Every request per login: /api/v2 and the token endpoint. */
  httpCalls: Distribution;
  /** Time the Action added to the login (its execution in the runtime). */
  latencyMs: Distribution;
  byCategory: Record<LoginCategory, CategorySummary>;
  /** Requests made by returning and refreshing logins (the steady state). */
  steadyStateHttpCalls: number;
  /**
   * Requests that ended a password account's sessions and refresh tokens before its link (DELETE /users/{id}/sessions,
   * DELETE /grants): the price of never handing a session over with a link. Included in apiCalls.
   */
  sessionEndingCalls: number;
  /** The tenant's own count of what it answered during the measured logins, to cross-check the per-login counts. */
  tenantCounted: { managementApi: number; total: number };
  wallMs: number;
}

export interface LoginPathResult {
  parameters: { logins: number; counts: MixCounts; mix: LoginMix; latencyMs: number; concurrency: number; seed: number; population: number };
  sides: Record<Subject, SideSummary>;
}

interface LoginRecord {
  category: LoginCategory;
  failure: string | undefined;
  reason: string | undefined;
  apiCalls: number;
  httpCalls: number;
  sessionEndingCalls: number;
  durationMs: number;
}

export async function benchLoginPath(options: LoginPathOptions): Promise<LoginPathResult> {
  const counts = mixCounts(options.logins, options.mix);
  const population = counts.returning + counts.refresh;
  const code: Record<Subject, string> = {
    'auto-link': (await buildAction()).code,
    baseline: await readFile(BASELINE_FILE, 'utf8'),
  };
  const sides = {} as Record<Subject, SideSummary>;
  for (const subject of SUBJECTS) sides[subject] = await runSide(subject, code[subject], counts, population, options);
  return {
    parameters: {
      logins: options.logins,
      counts,
      mix: options.mix,
      latencyMs: options.latencyMs,
      concurrency: options.concurrency,
      seed: options.seed,
      population,
    },
    sides,
  };
}

/** One Action through the whole mix on a fresh copy of the tenant: unmeasured warm-up, then the measured logins. */
async function runSide(subject: Subject, code: string, counts: MixCounts, population: number, options: LoginPathOptions): Promise<SideSummary> {
  const tenant = createLocalTenant({ domain: DOMAIN, latencyMs: WARM_UP_LATENCY_MS });
  const client = tenant.state.addClient({ name: 'auto-link', scopes: [...ACTION_SCOPES] });
  loadGenerated(tenant.state, { users: population, seed: options.seed });
  const { warmUp, window } = planLogins(tenant.state, counts, options.seed);
  const server = await serveHttp(tenant);
  try {
    const runtime = createActionsRuntime({ state: tenant.state, fetch: routedFetch(tenant.domain, server.url) });
    const action = runtime.load(code, {
      name: subject,
      secrets: { AUTH0_DOMAIN: tenant.domain, AUTH0_CLIENT_ID: client.client_id, AUTH0_CLIENT_SECRET: client.client_secret },
    });
    // Every returning user logged in once before: for this project's Action that login made the check it never repeats.
    await runPool(warmUp, options.concurrency, async (identity, i) => {
      await action.login({ identity });
      options.onProgress?.(`${subject} warm-up`, i + 1, warmUp.length);
    });
    tenant.requests.reset();
    tenant.faults.setLatency(options.latencyMs);
    const started = performance.now();
    let done = 0;
    const records = await runPool(window, options.concurrency, async (planned) => {
      const record = toRecord(planned.category, await loginOnce(tenant, action, planned));
      options.onProgress?.(`${subject} logins`, ++done, window.length);
      return record;
    });
    const wallMs = performance.now() - started;
    return summarise(subject, records, tenant, wallMs);
  } finally {
    await server.close();
  }
}

function loginOnce(tenant: LocalTenant, action: LoadedAction, planned: PlannedLogin): Promise<LoginResult> {
  if (planned.signup) {
    // A signup: Auth0 creates the account, then runs the post-login trigger for its first login.
    const user = tenant.state.createUser(planned.signup);
    const main = user.identities[0]!;
    return action.login({ identity: { provider: main.provider, user_id: String(main.user_id) } });
  }
  return action.login({ identity: planned.identity!, ...(planned.category === 'refresh' ? { protocol: 'oauth2-refresh-token' as const } : {}) });
}

/** The two requests that end an account's sessions and refresh tokens before its link. */
const SESSION_ENDING = /^\/api\/v2\/(users\/[^/]+\/sessions|grants)$/;

function toRecord(category: LoginCategory, result: LoginResult): LoginRecord {
  const paths = result.httpCalls.map((call) => new URL(call.url).pathname);
  return {
    category,
    failure: result.outcome === 'failure' ? result.kind : undefined,
    reason: result.outcome === 'failure' ? failureReason(result.reason) : undefined,
    apiCalls: paths.filter((path) => path.startsWith('/api/v2/')).length,
    httpCalls: paths.length,
    sessionEndingCalls: result.httpCalls.filter((call) => call.method === 'DELETE' && SESSION_ENDING.test(new URL(call.url).pathname)).length,
    durationMs: result.durationMs,
  };
}

/** A failure's reason as the report shows it: user ids replaced by `<user>`, cut short. */
export function failureReason(text: string): string {
  return text.replace(USER_ID, '<user>').slice(0, REASON_LENGTH);
}

function summarise(subject: Subject, records: LoginRecord[], tenant: LocalTenant, wallMs: number): SideSummary {
  const failures: Record<string, number> = {};
  const failureReasons: Record<string, number> = {};
  for (const r of records) {
    if (r.failure) failures[r.failure] = (failures[r.failure] ?? 0) + 1;
    if (r.reason) failureReasons[r.reason] = (failureReasons[r.reason] ?? 0) + 1;
  }
  const byCategory = {} as Record<LoginCategory, CategorySummary>;
  for (const category of CATEGORIES) {
    const own = records.filter((r) => r.category === category);
    byCategory[category] = { logins: own.length, failures: own.filter((r) => r.failure).length, ...distributions(own) };
  }
  const steady = records.filter((r) => r.category === 'returning' || r.category === 'refresh');
  return {
    subject,
    logins: records.length,
    failures,
    failureReasons,
    ...distributions(records),
    byCategory,
    steadyStateHttpCalls: steady.reduce((sum, r) => sum + r.httpCalls, 0),
    sessionEndingCalls: records.reduce((sum, r) => sum + r.sessionEndingCalls, 0),
    tenantCounted: { managementApi: tenant.requests.managementApiCalls(), total: tenant.requests.total },
    wallMs,
  };
}

function distributions(records: LoginRecord[]): Pick<CategorySummary, 'apiCalls' | 'httpCalls' | 'latencyMs'> {
  return {
    apiCalls: distribution(records.map((r) => r.apiCalls)),
    httpCalls: distribution(records.map((r) => r.httpCalls)),
    latencyMs: distribution(records.map((r) => r.durationMs)),
  };
}
