// Runs a login through the Actions of a post-login flow and settles it the way Auth0 does: one transaction for the whole
// flow (one time limit, one setPrimaryUser, metadata written once at the end), an uncaught error or a deny stopping the
// flow, and the setPrimaryUser check against the tenant as it is when the last Action ends.
import { randomBytes } from 'node:crypto';
import type { Metadata, PostLoginEvent, PostLoginUser, User } from '../../actions/types.ts';
import { mergeTopLevel, type TenantState } from '../state.ts';
import { createPostLoginApi, newCommands, type Commands } from './api.ts';
import type { ActionsCache } from './cache.ts';
import { newExecutionContext, runIn, type HttpCall } from './context.ts';
import type { LoginIdentity } from '../login-identity.ts';
import { buildEvent, findIdentity, resolveLogin, type LoginRequest } from './event.ts';
import type { ActionInstance } from './load.ts';
import type { RedirectContext } from './redirect.ts';

/**
 * Why a login failed: an Action threw, denied, ran too long, named a wrong primary, left its user linked away, or
 * redirected where the login cannot follow (a refresh-token exchange, a password grant, prompt=none, a replay).
 */
export type FailureKind = 'error' | 'denied' | 'timeout' | 'setPrimaryUser' | 'userGone' | 'redirect';

/** What every login result tells, success or not. */
export interface ExecutionReport {
  /** The user the flow ran for (`event.user.user_id`): the owner of the login identity when the login began. */
  eventUserId: string;
  /** The Actions' console output as Auth0 keeps it: one entry a line, at most LOG_LIMIT (auth0-limits.ts) characters per Action execution. */
  logs: string[];
  /** Characters of console output Auth0 would have dropped, over the LOG_LIMIT per Action execution. */
  logCharsDropped: number;
  /** The requests the Actions made through the fetch they were given, in order. */
  httpCalls: HttpCall[];
  durationMs: number;
  /** The app_metadata keys written to the tenant user at the end (undefined when nothing was written). */
  appMetadataApplied: Metadata | undefined;
  userMetadataApplied: Metadata | undefined;
}

export interface LoginSuccess extends ExecutionReport {
  outcome: 'success';
  /** The user_id the tokens are issued for (`sub`). */
  subject: string;
  /** Custom claims the Actions set on the ID token and the access token. */
  idTokenClaims: Metadata;
  accessTokenClaims: Metadata;
  /** Scopes the Actions removed from the access token (api.accessToken.removeScope). */
  removedScopes: string[];
}

export interface LoginFailure extends ExecutionReport {
  outcome: 'failure';
  kind: FailureKind;
  /** `error: <message>`, `denied: <reason>`, `timeout`, `setPrimaryUser: …`, `user gone: …` or `redirect: …`. */
  reason: string;
}

export type LoginResult = LoginSuccess | LoginFailure;

/** One Action of a flow as it ran. */
export interface StepReport {
  action: string;
  logs: string[];
  logCharsDropped: number;
  httpCalls: HttpCall[];
  durationMs: number;
}

/** A login through several Actions: the login's result, each Action that ran, and the one that failed the login. */
export type FlowResult<Step extends StepReport = StepReport> = LoginResult & {
  steps: Step[];
  /** The Action that threw, denied, ran out of time, redirected or called setPrimaryUser with a wrong primary; absent on success and for userGone. */
  failedAction?: string;
};

/**
 * A flow an Action suspended with api.redirect.sendUserTo: the browser goes to `url` (which carries `state`), and
 * /continue?state=… resumes it with resumeFlow. Only a request with `canRedirect` suspends.
 */
export interface SuspendedFlow {
  outcome: 'redirect';
  url: string;
  /** The state Auth0 adds to the redirect URL; /continue must bring it back. */
  state: string;
  /** The Action that redirected: its onContinuePostLogin runs on /continue. */
  action: string;
  steps: StepReport[];
  /** The flow itself, for resumeFlow. */
  readonly run: FlowRun;
}

/** An Action of the flow: a warm instance with its secrets. */
export interface FlowAction {
  name: string;
  instance: ActionInstance;
  secrets: Readonly<Record<string, string>>;
}

/** What a login needs besides the Actions and the request. */
export interface LoginEnvironment {
  state: TenantState;
  cache: ActionsCache;
  /** The time limit of one execution of the flow (the first, and each resumption). */
  timeoutMs: number;
  now: () => Date;
}

/** The /continue request that resumes a flow: its method, query and body, and where it came from when known. */
export interface ContinueRequest {
  method: string;
  query: Record<string, string>;
  body: Record<string, unknown>;
  ip?: string;
  userAgent?: string;
}

type Settled = { type: 'resolved' } | { type: 'threw'; error: unknown } | { type: 'timeout' };

/** A flow in progress: one transaction whose Actions run in order, possibly across a redirect. */
export interface FlowRun {
  readonly actions: readonly FlowAction[];
  readonly request: LoginRequest;
  readonly user: User;
  readonly identity: LoginIdentity;
  readonly base: PostLoginEvent;
  readonly commands: Commands;
  readonly steps: StepReport[];
  readonly redirectState: string;
  primaryCalledBy: string | undefined;
  /** The index of the Action that redirected, while suspended. */
  suspendedAt: number | undefined;
}

/**
 * Runs `request` through `actions` in order as one transaction. Throws only for a request the tenant cannot serve
 * (unknown user or identity). The login counts once in logins_count, and every Action sees the same transaction.
 * A redirect fails the login here: use startFlow where the login can follow one.
 */
export async function executeFlow(actions: readonly FlowAction[], request: LoginRequest, env: LoginEnvironment): Promise<FlowResult> {
  const result = await startFlow(actions, { ...request, canRedirect: false }, env);
  if (result.outcome === 'redirect') throw new Error('a flow that cannot redirect was suspended');
  return result;
}

/** Like executeFlow, but a request with `canRedirect` suspends at an Action's sendUserTo instead of failing. */
export async function startFlow(actions: readonly FlowAction[], request: LoginRequest, env: LoginEnvironment): Promise<FlowResult | SuspendedFlow> {
  const { state } = env;
  const { user, identity } = resolveLogin(state, request);
  const run: FlowRun = {
    actions,
    request,
    user,
    identity,
    base: buildEvent(state, user, identity, request, {}, countLogin(user, request, env.now())),
    commands: newCommands(),
    steps: [],
    redirectState: randomBytes(24).toString('base64url'),
    primaryCalledBy: undefined,
    suspendedAt: undefined,
  };
  return runFrom(run, 0, env, undefined);
}

/**
 * Resumes a suspended flow on /continue: onContinuePostLogin of the Action that redirected, with `http` as
 * event.request's method, query and body, then the Actions after it. Throws when the flow is not suspended.
 */
export async function resumeFlow(suspended: SuspendedFlow, http: ContinueRequest, env: LoginEnvironment): Promise<FlowResult | SuspendedFlow> {
  const { run } = suspended;
  const at = run.suspendedAt;
  if (at === undefined) throw new Error('this flow is not suspended (it was resumed already)');
  run.suspendedAt = undefined;
  return runFrom(run, at, env, http);
}

async function runFrom(run: FlowRun, from: number, env: LoginEnvironment, continued: ContinueRequest | undefined): Promise<FlowResult | SuspendedFlow> {
  const { state } = env;
  const { commands, steps, user, identity, request } = run;
  const started = performance.now();

  const report = (): Omit<ExecutionReport, keyof Applied> => ({
    eventUserId: user.user_id,
    logs: steps.flatMap((s) => s.logs),
    logCharsDropped: steps.reduce((sum, s) => sum + s.logCharsDropped, 0),
    httpCalls: steps.flatMap((s) => s.httpCalls),
    durationMs: performance.now() - started,
  });
  const fail = (kind: FailureKind, reason: string, failedAction: string | undefined, applied = noMetadata): FlowResult => ({
    outcome: 'failure',
    kind,
    reason,
    ...report(),
    ...applied,
    steps,
    ...(failedAction === undefined ? {} : { failedAction }),
  });
  // Written once at the end, to the user the login ends on: the new primary after a setPrimaryUser, whose own Action's
  // metadata is gone by then (see below).
  const settleMetadata = (): Applied => applyMetadata(state, commands.primaryUserId ?? user.user_id, commands);

  // "A new event.request object is issued anytime an Action trigger is suspended and then subsequently resumed"
  // (customize/actions/limitations.mdx): after /continue every Action of the flow sees the /continue request.
  const eventRequest = continued === undefined ? run.base.request : freshRequest(run.base.request, continued);
  for (let index = from; index < run.actions.length; index += 1) {
    const action = run.actions[index]!;
    const resuming = continued !== undefined && index === from;
    const liveMetadata = { ...commands.transactionMetadata };
    const event: PostLoginEvent = {
      ...run.base,
      transaction: { ...run.base.transaction, metadata: liveMetadata },
      request: structuredClone(eventRequest),
      user: userForStep(state, run.base.user, commands),
      secrets: action.secrets,
    };
    const context = newExecutionContext();
    const redirect: RedirectContext = {
      userId: event.user.user_id,
      domain: state.domain,
      ip: eventRequest.ip,
      state: run.redirectState,
      now: env.now,
      ...(resuming ? { continueParams: { query: continued.query, body: continued.body } } : {}),
    };
    const { api } = createPostLoginApi(env.cache, () => !context.closed, commands, redirect, liveMetadata);
    const stepStarted = performance.now();
    const metadataBefore = { app: structuredClone(commands.appMetadata), user: structuredClone(commands.userMetadata) };
    const execution = runIn(context, async () => {
      await action.instance.handler(resuming ? 'onContinuePostLogin' : 'onExecutePostLogin')(event, api);
    });
    // The limit is the execution's: what earlier Actions used is gone for later ones.
    const settled = await withTimeout(execution, Math.max(0, env.timeoutMs - (performance.now() - started)));
    context.closed = true;
    steps.push({
      action: action.name,
      logs: [...context.logs],
      logCharsDropped: context.logCharsDropped,
      httpCalls: [...context.httpCalls],
      durationMs: performance.now() - stepStarted,
    });
    if (run.primaryCalledBy === undefined && commands.primaryUserId !== undefined) {
      run.primaryCalledBy = action.name;
      // Metadata set with api.user in the Action that calls setPrimaryUser is discarded; later Actions of the flow write
      // to the new primary (customize/actions/limitations.mdx, "Account Linking"). The docs say nothing of earlier
      // Actions: their metadata is kept and goes to the new primary as well.
      commands.appMetadata = metadataBefore.app;
      commands.userMetadata = metadataBefore.user;
    }

    if (settled.type === 'timeout') return fail('timeout', 'timeout', action.name);
    if (settled.type === 'threw') return fail('error', `error: ${messageOf(settled.error)}`, action.name);
    // A deny does "NOT cancel other user-related side-effects (such as metadata changes)" and "no further Actions will
    // be executed" (post-login API reference).
    if (commands.denied !== undefined) return fail('denied', `denied: ${commands.denied}`, action.name, settleMetadata());
    const target = commands.redirectTo;
    if (target !== undefined) {
      commands.redirectTo = undefined;
      // redirect-with-actions.mdx, "Restrictions and limitations": no redirect on the Resource Owner endpoint, the
      // password exchange or a refresh-token exchange; with prompt=none "any redirection will result in an
      // error=interaction_required".
      if (!request.canRedirect) return fail('redirect', `redirect: ${action.name} called api.redirect.sendUserTo, which this login cannot follow`, action.name);
      const url = new URL(target);
      url.searchParams.set('state', run.redirectState);
      run.suspendedAt = index;
      return { outcome: 'redirect', url: url.href, state: run.redirectState, action: action.name, steps, run };
    }
  }

  if (commands.primaryUserId !== undefined) {
    const primary = state.getUser(commands.primaryUserId);
    const secondaries = primary ? primary.identities.slice(1) : [];
    if (!secondaries.some((i) => i.provider === identity.provider && String(i.user_id) === identity.user_id)) {
      return fail('setPrimaryUser', `setPrimaryUser: identity not among secondaries of ${commands.primaryUserId}`, run.primaryCalledBy);
    }
    return { ...success(commands.primaryUserId, commands, report(), settleMetadata()), steps };
  }

  // Without setPrimaryUser the login goes on as the event's user. If an Action linked that user away under another
  // primary, the user no longer exists and Auth0 fails the login ("Account Linking in Actions - How to Keep the User
  // Logged In", Auth0 support article: the user has to log in again).
  if (!state.getUser(user.user_id)) {
    const owner = ownerOf(state, identity);
    return fail(
      'userGone',
      `user gone: ${user.user_id} no longer exists${owner ? ` (its identity is now under ${owner})` : ''}; the Action must call api.authentication.setPrimaryUser`,
      undefined,
    );
  }
  return { ...success(user.user_id, commands, report(), settleMetadata()), steps };
}

/** event.request for the Actions after /continue: the /continue request's own fields, nothing kept from the first one's. */
function freshRequest(first: PostLoginEvent['request'], continued: ContinueRequest): PostLoginEvent['request'] {
  return {
    ip: continued.ip ?? first.ip,
    ...(first.hostname === undefined ? {} : { hostname: first.hostname }),
    ...(continued.userAgent === undefined ? {} : { user_agent: continued.userAgent }),
    ...(first.language === undefined ? {} : { language: first.language }),
    method: continued.method,
    query: structuredClone(continued.query),
    body: structuredClone(continued.body),
  };
}

/**
 * `event.user` for the next Action of the flow: the tenant's user as it is now (a link an earlier Action made shows in
 * its identities), or the user as the flow began when an earlier Action linked it away, with the metadata the flow has
 * set so far merged in. Later Actions read what earlier ones set with api.user (Auth0's "How to Pass Transient Data
 * Between Actions", community.auth0.com/t/152115: "Action2 and subsequent executed actions can read the values in the
 * event.user object"); that they see Management API changes too is what users report ("When is event.user updated in
 * the Actions lifecycle", community.auth0.com/t/84051), not documented.
 */
function userForStep(state: TenantState, initial: PostLoginUser, commands: Commands): PostLoginUser {
  const current = state.getUser(initial.user_id);
  const user = structuredClone(current ?? initial) as PostLoginUser;
  user.app_metadata = mergeTopLevel(user.app_metadata ?? {}, commands.appMetadata);
  user.user_metadata = mergeTopLevel(user.user_metadata ?? {}, commands.userMetadata);
  return user;
}

type Applied = Pick<ExecutionReport, 'appMetadataApplied' | 'userMetadataApplied'>;
const noMetadata: Applied = { appMetadataApplied: undefined, userMetadataApplied: undefined };

function success(subject: string, commands: Commands, report: Omit<ExecutionReport, keyof Applied>, applied: Applied): LoginSuccess {
  return {
    outcome: 'success',
    subject,
    idTokenClaims: commands.idTokenClaims,
    accessTokenClaims: commands.accessTokenClaims,
    removedScopes: commands.removedScopes,
    ...report,
    ...applied,
  };
}

/** A login (not a refresh-token exchange) counts towards the user's logins_count before the Actions run, as on Auth0. */
function countLogin(user: { logins_count?: number; last_login?: string }, request: LoginRequest, now: Date): number {
  if (request.protocol === 'oauth2-refresh-token') return user.logins_count ?? 0;
  user.logins_count = (user.logins_count ?? 0) + 1;
  user.last_login = now.toISOString();
  return user.logins_count;
}

/** Writes the recorded metadata to the user in one top-level merge (null removes a key), as Auth0 does at the end of the flow. */
function applyMetadata(state: TenantState, userId: string, commands: Commands): Applied {
  const app = Object.keys(commands.appMetadata).length > 0 ? commands.appMetadata : undefined;
  const user = Object.keys(commands.userMetadata).length > 0 ? commands.userMetadata : undefined;
  if ((!app && !user) || !state.getUser(userId)) return noMetadata;
  state.patchUser(userId, { ...(app && { app_metadata: app }), ...(user && { user_metadata: user }) });
  return { appMetadataApplied: app, userMetadataApplied: user };
}

function ownerOf(state: TenantState, identity: LoginIdentity): string | undefined {
  const owner = state.ownerOfIdentity(identity.provider, identity.user_id);
  return owner && findIdentity(owner, identity) ? owner.user_id : undefined;
}

/** Races the Action against the limit with a timer; a late rejection of the abandoned run is absorbed, not left unhandled. */
async function withTimeout(run: Promise<void>, timeoutMs: number): Promise<Settled> {
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<Settled>((resolve) => {
    timer = setTimeout(() => resolve({ type: 'timeout' }), timeoutMs);
  });
  const outcome = run.then(
    (): Settled => ({ type: 'resolved' }),
    (error: unknown): Settled => ({ type: 'threw', error }),
  );
  try {
    return await Promise.race([outcome, limit]);
  } finally {
    clearTimeout(timer);
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
