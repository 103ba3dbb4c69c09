// GET /authorize (code flow with PKCE, SSO, prompt and max_age), GET and POST /continue (redirect Actions), GET /v2/logout.
// Errors as Auth0 answers them: an unknown client or a redirect_uri outside Allowed Callback URLs gets an error page
// ("Callback URL mismatch. {url} is not in the list of allowed callback URLs.", Auth0 support article of that name),
// never a redirect; other errors go to the callback as `error`/`error_description`. prompt=none without a session is
// `login_required`; with an Action that redirects, `interaction_required` (redirect-with-actions.mdx). Texts Auth0
// does not publish (unsupported response_type, a bad code_challenge_method, an unknown audience) are the local tenant's.
import type { RouteContext, RouteGroup, RouteResult } from '../route.ts';
import { connectionsOf, isAllowedCallback } from './applications.ts';
import { callback, completeLogin, continueLogin, currentSession } from './complete-login.ts';
import { clearedSessionCookie, readCookie, SESSION_COOKIE } from './cookies.ts';
import { errorPage, readForm, redirect } from './html.ts';
import type { AuthorizeRequest } from './store.ts';
import { managementAudienceOf } from './user-tokens.ts';

const PROMPTS = new Set(['none', 'login', 'consent', 'select_account']);

export const authorizeRoutes: RouteGroup = [
  {
    method: 'GET',
    path: '/authorize',
    scopes: 'none',
    async handle(context) {
      const { url, state, request, actions } = context;
      const checked = parseAuthorize(context);
      if ('error' in checked) return checked.error;
      const parsed = checked.request;
      const transaction = state.authentication.startTransaction(parsed);
      const session = currentSession(state, request);
      const nowSeconds = Math.floor(state.now().getTime() / 1000);
      const fresh = session !== undefined && (parsed.maxAge === undefined || nowSeconds - session.authentication.authTime <= parsed.maxAge);
      const sameConnection =
        session !== undefined && (parsed.connection === undefined || connectionOfIdentity(context, session.authentication.identity) === parsed.connection);
      if (session && fresh && sameConnection && !parsed.prompt.includes('login')) {
        return completeLogin(state, transaction, session.authentication, { actions, request, url, body: {} }, session);
      }
      if (parsed.prompt.includes('none')) {
        state.authentication.endTransaction(transaction);
        return callback(parsed, { error: 'login_required', error_description: 'Login required' });
      }
      const connection = parsed.connection === undefined ? undefined : state.connection(parsed.connection);
      if (connection === undefined) return redirect(`/u/login?state=${encodeURIComponent(transaction.id)}`);
      const page = connection.strategy === 'auth0' ? '/u/login' : connection.strategy === 'email' ? '/u/passwordless' : '/u/idp';
      return redirect(`${page}?state=${encodeURIComponent(transaction.id)}&connection=${encodeURIComponent(connection.name)}`);
    },
  },
  ...(['GET', 'POST'] as const).map((method) => ({
    method,
    path: '/continue',
    scopes: 'none' as const,
    async handle({ request, url, state, actions }: RouteContext): Promise<RouteResult> {
      const body = method === 'POST' ? await readForm(request) : {};
      const redirectState = body.state ?? url.searchParams.get('state') ?? '';
      const transaction = state.authentication.takeSuspended(redirectState);
      // The state must come back to the browser that was redirected: a state from another browser finds nothing. The
      // session may have changed in between: a nested login for another account (the nested-transaction sample of an Auth0 engineer,
      // github.com/abbaspour/actions-gallery post-login/account-linking, signs in with prompt=login and then resumes at /continue).
      // Compared by browser, not by live session: an Action may have ended the session during the flow (DELETE …/sessions),
      // and Auth0 ties /continue to the transaction, not to the SSO session.
      const redirected = state.authentication.browserOf(transaction?.sessionId);
      const current = state.authentication.browserOf(readCookie(request, SESSION_COOKIE));
      if (!transaction || redirected === undefined || current === undefined || redirected !== current) {
        return errorPage(400, 'invalid_request', 'The transaction was not found: send the state parameter the redirect carried, from the same browser.');
      }
      return continueLogin(state, transaction, { actions, request, url, body });
    },
  })),
  {
    method: 'GET',
    path: '/v2/logout',
    scopes: 'none',
    handle({ request, url, state }) {
      state.authentication.endSession(readCookie(request, SESSION_COOKIE));
      const headers = { 'set-cookie': clearedSessionCookie() };
      const returnTo = url.searchParams.get('returnTo');
      if (returnTo === null) return { status: 200, body: null, text: 'OK', headers: { 'content-type': 'text/plain; charset=utf-8', ...headers } };
      const client = state.client(url.searchParams.get('client_id') ?? '');
      if (!client || !(client.allowed_logout_urls ?? []).includes(returnTo)) {
        const page = errorPage(
          400,
          'invalid_request',
          `The "returnTo" querystring parameter "${returnTo}" is not defined as a valid URL in "Allowed Logout URLs".`,
        );
        return { ...page, headers: { ...page.headers, ...headers } };
      }
      return redirect(returnTo, headers);
    },
  },
];

/** The /authorize request when it is valid; otherwise the error page or the callback with the error. */
function parseAuthorize({ url, state, domain }: RouteContext): { request: AuthorizeRequest } | { error: RouteResult } {
  const q = url.searchParams;
  const clientId = q.get('client_id') ?? '';
  const client = state.client(clientId);
  if (!clientId) return { error: errorPage(400, 'invalid_request', 'Missing required parameter: client_id') };
  if (!client || client.callbacks === undefined) return { error: errorPage(400, 'invalid_request', `Unknown client: ${clientId}`) };
  const redirectUri = q.get('redirect_uri') ?? '';
  if (!redirectUri || !isAllowedCallback(client, redirectUri)) {
    return { error: errorPage(400, 'invalid_request', `Callback URL mismatch. ${redirectUri} is not in the list of allowed callback URLs.`) };
  }
  const prompt = (q.get('prompt') ?? '').split(' ').filter((p) => p !== '');
  const request: AuthorizeRequest = {
    clientId,
    redirectUri,
    responseType: q.get('response_type') ?? '',
    responseMode: q.get('response_mode') ?? 'query',
    scopes: (q.get('scope') ?? '').split(' ').filter((s) => s !== ''),
    prompt,
    query: Object.fromEntries(q),
    ...optional('state', q.get('state')),
    ...optional('nonce', q.get('nonce')),
    ...optional('audience', q.get('audience')),
    ...optional('codeChallenge', q.get('code_challenge')),
    ...optional('connection', q.get('connection')),
    ...optional('loginHint', q.get('login_hint')),
  };
  const fail = (error: string, description: string): RouteResult => callback(request, { error, error_description: description });
  if (!request.responseType) return { error: fail('invalid_request', 'Missing required parameter: response_type') };
  if (request.responseType !== 'code')
    return { error: fail('unsupported_response_type', `Unsupported response type: ${request.responseType} (the local tenant serves the code flow only)`) };
  if (request.responseMode !== 'query')
    return { error: fail('invalid_request', `Unsupported response_mode: ${request.responseMode} (the local tenant answers in the query)`) };
  if (prompt.some((p) => !PROMPTS.has(p))) return { error: fail('invalid_request', `Unsupported prompt: ${q.get('prompt')}`) };
  if (prompt.includes('none') && prompt.length > 1) return { error: fail('invalid_request', 'prompt=none cannot be combined with other prompts') };
  const method = q.get('code_challenge_method');
  if (method !== null) {
    if (method !== 'S256' && method !== 'plain') return { error: fail('invalid_request', `Unsupported code_challenge_method: ${method}`) };
    if (request.codeChallenge === undefined) return { error: fail('invalid_request', 'code_challenge_method requires code_challenge') };
    request.codeChallengeMethod = method;
  } else if (request.codeChallenge !== undefined) {
    request.codeChallengeMethod = 'plain';
  }
  // A public client has no secret: without PKCE its code could be redeemed by whoever intercepts it.
  if (client.token_endpoint_auth_method === 'none' && request.codeChallenge === undefined)
    return { error: fail('invalid_request', 'Parameter code_challenge is required for public clients') };
  const maxAge = q.get('max_age');
  if (maxAge !== null) {
    if (!/^\d+$/.test(maxAge)) return { error: fail('invalid_request', 'max_age must be a number of seconds') };
    request.maxAge = Number(maxAge);
  }
  if (request.audience !== undefined && request.audience !== managementAudienceOf({ domain }))
    return { error: fail('access_denied', `Service not found: ${request.audience}`) };
  if (request.connection !== undefined && !connectionsOf(state, client).some((c) => c.name === request.connection)) {
    return { error: fail('invalid_request', 'the connection is not enabled') };
  }
  return { request };
}

function optional<K extends string>(key: K, value: string | null): { [P in K]?: string } {
  return (value === null || value === '' ? {} : { [key]: value }) as { [P in K]?: string };
}

function connectionOfIdentity({ state }: RouteContext, identity: { provider: string; user_id: string }): string | undefined {
  const owner = state.ownerOfIdentity(identity.provider, identity.user_id);
  return owner?.identities.find((i) => i.provider === identity.provider && String(i.user_id) === identity.user_id)?.connection;
}
