// The end of an interactive login: the session, the post-login flow, then the callback with a code, an error, or an Action's redirect.
import type { TransactionProtocol } from '../../actions/types.ts';
import type { ActionsStore } from '../actions-store.ts';
import { startLoginThroughFlow } from '../login.ts';
import type { RouteResult } from '../route.ts';
import { createActionsRuntime, type ActionsRuntime, type FlowResult, type SuspendedFlow } from '../runtime/index.ts';
import type { TenantState } from '../state.ts';
import { readCookie, SESSION_COOKIE, sessionCookie } from './cookies.ts';
import { redirect } from './html.ts';
import type { Authentication, AuthorizeRequest, LoginTransaction, Session } from './store.ts';
import { grantAudience } from './token-response.ts';

/** Each tenant's sign-in runtime, kept here where it is made rather than in the tenant's state. */
const runtimes = new WeakMap<TenantState, ActionsRuntime>();

/** The runtime real logins run through: shared per tenant; its Actions reach the tenant over loopback when it is served so. */
export function signInRuntime(state: TenantState): ActionsRuntime {
  let runtime = runtimes.get(state);
  if (runtime === undefined) {
    runtime = createActionsRuntime({
      state,
      dropCacheOnResume: () => state.authentication.dropCacheOnResume,
      fetch: (input, init) => {
        const origin = state.authentication.servedAt;
        const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
        const prefix = `https://${state.domain}`;
        if (origin === undefined || !url.startsWith(prefix)) return globalThis.fetch(input, init);
        return globalThis.fetch(
          origin + url.slice(prefix.length),
          input instanceof Request ? { method: input.method, headers: input.headers, body: input.body, ...init } : init,
        );
      },
    });
    runtimes.set(state, runtime);
  }
  return runtime;
}

/** Shares a runtime (its api.cache, its warm instances) with other users of the tenant, e.g. npm start's replays. */
export function useSignInRuntime(state: TenantState, runtime: ActionsRuntime): void {
  runtimes.set(state, runtime);
}

/** The callback URL with the answer's parameters and the application's state. */
export function callback(request: AuthorizeRequest, params: Record<string, string>, headers: Record<string, string> = {}): RouteResult {
  const url = new URL(request.redirectUri);
  for (const [name, value] of Object.entries(params)) url.searchParams.set(name, value);
  if (request.state !== undefined) url.searchParams.set('state', request.state);
  return redirect(url.href, headers);
}

/** The session the request's cookie names, when it is still live. */
export function currentSession(state: TenantState, request: Request): Session | undefined {
  return state.authentication.session(readCookie(request, SESSION_COOKIE));
}

export interface HttpContext {
  /** The tenant's Actions: the bound ones run. */
  actions: ActionsStore;
  request: Request;
  url: URL;
  body: Record<string, unknown>;
}

/**
 * The user has authenticated (or has a session): the session is created first — Auth0 creates it before the Actions
 * run, so a failed flow still leaves one (redirect-with-actions.mdx) — then the post-login flow runs.
 */
export async function completeLogin(
  state: TenantState,
  transaction: LoginTransaction,
  authentication: Authentication,
  http: HttpContext,
  existing?: Session,
): Promise<RouteResult> {
  const timestamp = new Date(authentication.authTime * 1000).toISOString();
  const userAgent = http.request.headers.get('user-agent') ?? '';
  const owner = state.ownerOfIdentity(authentication.identity.provider, authentication.identity.user_id);
  const session =
    existing ??
    state.authentication.startSession(authentication, timestamp, state.authentication.browserOf(readCookie(http.request, SESSION_COOKIE)), {
      userId: owner?.user_id ?? `${authentication.identity.provider}|${authentication.identity.user_id}`,
      clientId: transaction.request.clientId,
      ip: '127.0.0.1',
      userAgent,
    });
  transaction.sessionId = session.id;
  transaction.authentication = authentication;
  const cookie: Record<string, string> = existing ? {} : { 'set-cookie': sessionCookie(session.id) };
  const { request } = transaction;
  const result = await startLoginThroughFlow(http.actions, signInRuntime(state), {
    identity: authentication.identity,
    clientId: request.clientId,
    protocol: 'oidc-basic-profile' satisfies TransactionProtocol,
    ip: '127.0.0.1',
    userAgent,
    transaction: {
      requested_scopes: request.scopes,
      prompt: request.prompt,
      redirect_uri: request.redirectUri,
      response_type: [request.responseType],
      response_mode: request.responseMode,
      ...(request.state === undefined ? {} : { state: request.state }),
      ...(request.loginHint === undefined ? {} : { login_hint: request.loginHint }),
    },
    http: { method: http.request.method, query: Object.fromEntries(http.url.searchParams), body: http.body },
    authenticationMethods: session.methods,
    canRedirect: !request.prompt.includes('none'),
  });
  return settle(state, transaction, result, cookie);
}

/** /continue: resumes the flow the transaction holds with the request's query and body. */
export async function continueLogin(state: TenantState, transaction: LoginTransaction, http: HttpContext): Promise<RouteResult> {
  // settle() below is what suspends a transaction, always with the runtime's SuspendedFlow.
  const suspended = transaction.suspended as SuspendedFlow;
  transaction.suspended = undefined;
  const result = await signInRuntime(state).continueLogin(suspended, {
    method: http.request.method,
    query: Object.fromEntries(http.url.searchParams),
    body: http.body,
    ip: '127.0.0.1',
    userAgent: http.request.headers.get('user-agent') ?? '',
  });
  return settle(state, transaction, result, {});
}

function settle(state: TenantState, transaction: LoginTransaction, result: FlowResult | SuspendedFlow, headers: Record<string, string>): RouteResult {
  const { request } = transaction;
  if (result.outcome === 'redirect') {
    state.authentication.suspend(transaction, result.state, result);
    return redirect(result.url, headers);
  }
  state.authentication.endTransaction(transaction);
  if (result.outcome === 'failure') {
    // prompt=none and an Action that redirects: "any redirection will result in an error=interaction_required"
    // (redirect-with-actions.mdx). A deny shows its reason ("may be presented directly in end-user interfaces");
    // other failures are access_denied with the runtime's reason (Auth0's texts for them are not published).
    if (result.kind === 'redirect') return callback(request, { error: 'interaction_required', error_description: 'Interaction required' }, headers);
    const description = result.kind === 'denied' ? result.reason.replace(/^denied: /, '') : result.reason;
    return callback(request, { error: 'access_denied', error_description: description }, headers);
  }
  const authentication = transaction.authentication!;
  // What the Actions removed with api.accessToken.removeScope is not granted.
  const scopes = request.scopes.filter((s) => !result.removedScopes.includes(s));
  // The grant is made at authorisation, for the user the login ends as (the primary after setPrimaryUser).
  state.authentication.grantFor(result.subject, request.clientId, grantAudience(state, request.audience), scopes);
  // Guess (Auth0 does not publish it): the session now belongs to the user the login ended as. A session an Action ended
  // during the flow stays ended: the code is still issued (Auth0 issues it at the end of the flow), the cookie signs no one in.
  const session = state.authentication.session(transaction.sessionId);
  if (session) {
    session.userId = result.subject;
    session.updatedAt = state.now().toISOString();
    if (!session.clients.includes(request.clientId)) session.clients.push(request.clientId);
  }
  const code = state.authentication.issueCode({
    clientId: request.clientId,
    subject: result.subject,
    identity: authentication.identity,
    scopes,
    ...(request.audience === undefined ? {} : { audience: request.audience }),
    ...(request.nonce === undefined ? {} : { nonce: request.nonce }),
    authTime: authentication.authTime,
    withAuthTime: request.maxAge !== undefined,
    ...(transaction.sessionId === undefined ? {} : { sessionId: transaction.sessionId }),
    idTokenClaims: result.idTokenClaims,
    accessTokenClaims: result.accessTokenClaims,
    redirectUri: request.redirectUri,
    ...(request.codeChallenge === undefined ? {} : { codeChallenge: request.codeChallenge, codeChallengeMethod: request.codeChallengeMethod ?? 'plain' }),
  });
  return callback(request, { code }, headers);
}
