// The hosted login pages: database email + password (and signup), a local stand-in identity provider for social and
// enterprise connections, passwordless email codes, email verification links, and the outbox where those mails land.
// Error texts as Auth0's Universal Login shows them where known ("Wrong email or password.", "The user already
// exists.", "Wrong email or verification code."); the stand-in IdP and the outbox exist only here and say so.
import type { Connection, User } from '../../actions/types.ts';
import { ApiError } from '../api-error.ts';
import type { Route, RouteContext, RouteGroup, RouteResult } from '../route.ts';
import type { TenantState } from '../state.ts';
import { connectionsOf } from './applications.ts';
import { completeLogin } from './complete-login.ts';
import { errorPage, hidden, html, lines, page, readForm, type Html } from './html.ts';
import { sendVerification } from './mails.ts';
import { signInWithoutPrompt, standInOwner } from './stand-in-idp.ts';
import { MIN_PASSWORD_LENGTH } from './passwords.ts';
import type { LoginTransaction } from './store.ts';

export const loginPageRoutes: RouteGroup = [
  transactionRoute('GET', '/u/login', (context, transaction) => loginPage(context.state, transaction)),
  transactionRoute('POST', '/u/login', (context, transaction, form) => {
    const connection = databaseConnection(context.state, transaction, form.connection);
    if (!connection) return loginPage(context.state, transaction, NO_DATABASE);
    const email = (form.username ?? '').trim().toLowerCase();
    const found = findByEmail(context.state, connection, email);
    const key = found ? `${found.provider}|${found.user_id}` : undefined;
    if (!found || !key || !context.state.authentication.checkPassword(key, form.password ?? '')) {
      return loginPage(context.state, transaction, 'Wrong email or password.', email);
    }
    if (found.owner.blocked) return loginPage(context.state, transaction, 'user is blocked', email);
    return authenticated(context, transaction, found, 'pwd', form);
  }),
  transactionRoute('POST', '/u/signup', (context, transaction, form) => {
    const { state } = context;
    const connection = databaseConnection(state, transaction, form.connection);
    if (!connection) return loginPage(state, transaction, NO_DATABASE);
    const email = (form.email ?? '').trim();
    const password = form.password ?? '';
    if (!email.includes('@')) return loginPage(state, transaction, 'Email is not valid.');
    if (password.length < MIN_PASSWORD_LENGTH) return loginPage(state, transaction, `Password is too weak (at least ${MIN_PASSWORD_LENGTH} characters).`);
    let user: User;
    try {
      user = state.createUser({ connection: connection.name, email, email_verified: false, password });
    } catch (error) {
      if (error instanceof ApiError) return loginPage(state, transaction, error.message);
      throw error;
    }
    sendVerification(state, user);
    const main = user.identities[0]!;
    return authenticated(context, transaction, { provider: main.provider, user_id: main.user_id, owner: user }, 'pwd', form);
  }),
  transactionRoute('GET', '/u/idp', (context, transaction) => {
    const connection = standInConnection(context.state, transaction, context.url.searchParams.get('connection'));
    if (!connection) return errorPage(400, 'invalid_request', 'the connection is not enabled');
    // A stand-in configured to sign in without prompting (an attacker-run IdP, stand-in-idp.ts) asserts its account at once.
    const automatic = signInWithoutPrompt(context.state, connection.name);
    if (automatic) {
      const owner = standInOwner(context.state, connection, automatic);
      return authenticated(context, transaction, { provider: connection.strategy, user_id: automatic.user_id, owner }, 'federated', {});
    }
    return idpPage(context.state, transaction, connection);
  }),
  transactionRoute('POST', '/u/idp', (context, transaction, form) => {
    const { state } = context;
    const connection = standInConnection(state, transaction, form.connection ?? null);
    if (!connection) return errorPage(400, 'invalid_request', 'the connection is not enabled');
    const id = (form.user_id ?? '').trim();
    if (!/^[A-Za-z0-9._@-]{1,64}$/.test(id)) return idpPage(state, transaction, connection, 'Give the identity an id (letters, digits, . _ @ -).');
    const email = (form.email ?? '').trim();
    // A first login through a social or enterprise connection creates the user with the IdP's profile.
    const owner = standInOwner(state, connection, {
      user_id: id,
      ...(email ? { email, email_verified: form.email_verified === 'true' } : {}),
      ...(form.name ? { name: form.name } : {}),
    });
    return authenticated(context, transaction, { provider: connection.strategy, user_id: id, owner }, 'federated', form);
  }),
  transactionRoute('GET', '/u/passwordless', (context, transaction) => loginPage(context.state, transaction)),
  transactionRoute('POST', '/u/passwordless', (context, transaction, form) => {
    const { state } = context;
    const connection = connectionsOf(state, state.client(transaction.request.clientId)!).find((c) => c.strategy === 'email');
    const email = (form.email ?? '').trim().toLowerCase();
    if (!connection) return loginPage(state, transaction, 'No passwordless connection is enabled for this application.');
    if (!email.includes('@')) return loginPage(state, transaction, 'Email is not valid.');
    if (form.code === undefined) {
      const code = state.authentication.newOtp(`${connection.name}|${email}`);
      state.authentication.send({ to: email, subject: 'Your verification code', text: `Your verification code is ${code}. It expires in 3 minutes.` });
      return codePage(transaction, email);
    }
    if (!state.authentication.checkOtp(`${connection.name}|${email}`, form.code.trim()))
      return codePage(transaction, email, 'Wrong email or verification code.');
    let found = findByEmail(state, connection, email);
    if (!found) {
      const user = state.createUser({ connection: connection.name, email, email_verified: true });
      found = { provider: 'email', user_id: user.identities[0]!.user_id, owner: user };
    }
    return authenticated(context, transaction, found, 'email', form);
  }),
  {
    method: 'GET',
    path: '/u/email-verification',
    scopes: 'none',
    handle({ url, state }) {
      const userId = state.authentication.takeVerificationTicket(url.searchParams.get('ticket') ?? '');
      const user = userId === undefined ? undefined : state.getUser(userId);
      if (!user) return page('Email verification', html`<p class="error" id="result">This link has expired or was already used.</p>`, 400);
      state.patchUser(user.user_id, { email_verified: true });
      return page('Email verification', html`<p id="result">Your email address was successfully verified.</p>`);
    },
  },
  {
    method: 'GET',
    path: '/local/outbox',
    scopes: 'none',
    handle({ state }) {
      const mails = [...state.authentication.outbox].reverse();
      const items = mails.map(
        (m) =>
          html`<li class="mail" data-to="${m.to}">
            <strong>${m.subject}</strong> to ${m.to} at ${m.sentAt}
            <p>${m.text}</p>
            ${m.link ? html`<a href="${m.link}">${m.link}</a>` : ''}
          </li>`,
      );
      return page(
        'Local outbox',
        html`<p>Mails the local tenant sent (newest first); none leaves this machine.</p>
          <ul>
            ${items.length > 0 ? items : html`<li>No mail yet.</li>`}
          </ul>`,
      );
    },
  },
];

export interface FoundIdentity {
  provider: string;
  user_id: string;
  /** The user holding the identity now (itself, or the primary it is linked under). */
  owner: User;
}

const NO_DATABASE = 'No database connection is enabled for this application.';

/**
 * A page of a login in progress: finds its transaction (by the form's `state` on a POST, else the query's) or answers
 * that it was not found, then lets `handle` answer with it. A GET has no form: `handle` sees an empty one.
 */
function transactionRoute(
  method: 'GET' | 'POST',
  path: string,
  handle: (context: RouteContext, transaction: LoginTransaction, form: Record<string, string>) => RouteResult | Promise<RouteResult>,
): Route {
  return {
    method,
    path,
    scopes: 'none',
    async handle(context) {
      const form = method === 'POST' ? await readForm(context.request) : {};
      const transaction = context.state.authentication.transaction(form.state ?? context.url.searchParams.get('state'));
      if (!transaction) return errorPage(400, 'invalid_request', 'The login transaction was not found or has expired: start again from the application.');
      return handle(context, transaction, form);
    },
  };
}

async function authenticated(
  context: RouteContext,
  transaction: LoginTransaction,
  found: FoundIdentity,
  method: string,
  form: Record<string, string>,
): Promise<RouteResult> {
  const authTime = Math.floor(context.state.now().getTime() / 1000);
  return completeLogin(
    context.state,
    transaction,
    { identity: { provider: found.provider, user_id: found.user_id }, method, authTime },
    { actions: context.actions, request: context.request, url: context.url, body: withoutSecrets(form) },
  );
}

/** event.request.body without the password: an Action must never see it. */
function withoutSecrets(form: Record<string, string>): Record<string, unknown> {
  const { password: _password, code: _code, ...rest } = form;
  return rest;
}

/** Social and enterprise connections: the ones whose identity provider the stand-in page plays. */
function isStandIn(connection: Connection): boolean {
  return connection.strategy !== 'auth0' && connection.strategy !== 'email';
}

/** The named connection when the transaction's application enables it and it is one the stand-in page plays. */
function standInConnection(state: TenantState, transaction: LoginTransaction, name: string | null): Connection | undefined {
  const client = state.client(transaction.request.clientId);
  const connection = client ? connectionsOf(state, client).find((c) => c.name === name) : undefined;
  return connection && isStandIn(connection) ? connection : undefined;
}

function databaseConnection(state: TenantState, transaction: LoginTransaction, name: string | undefined): Connection | undefined {
  const client = state.client(transaction.request.clientId);
  if (!client) return undefined;
  const databases = connectionsOf(state, client).filter((c) => c.strategy === 'auth0');
  return name ? databases.find((c) => c.name === name) : databases[0];
}

/** Every identity on `connection`, with its email (a main identity's is its user's, a linked one's in its profileData). */
function* identitiesOn(state: TenantState, connection: Connection): Generator<FoundIdentity & { email: string | undefined }> {
  for (const user of state.allUsers()) {
    for (const [index, identity] of user.identities.entries()) {
      if (identity.connection !== connection.name) continue;
      const email = index === 0 ? user.email : (identity.profileData?.email as string | undefined);
      yield { provider: identity.provider, user_id: String(identity.user_id), owner: user, email };
    }
  }
}

/** The identity on `connection` with this email. */
export function findByEmail(state: TenantState, connection: Connection, email: string): FoundIdentity | undefined {
  for (const { email: identityEmail, ...found } of identitiesOn(state, connection)) if (identityEmail === email) return found;
  return undefined;
}

function loginPage(state: TenantState, transaction: LoginTransaction, error?: string, email?: string): RouteResult {
  const client = state.client(transaction.request.clientId)!;
  const connections = connectionsOf(state, client);
  const hint = email ?? transaction.request.loginHint ?? '';
  const parts: Html[] = [];
  if (error) parts.push(html`<p class="error" id="error">${error}</p>`);
  const database = connections.find((c) => c.strategy === 'auth0');
  if (database) {
    parts.push(
      html`<form method="post" action="/u/login" id="login">
          ${hidden('state', transaction.id)}${hidden('connection', database.name)}
          <label>Email <input name="username" type="email" autocomplete="username" value="${hint}" /></label>
          <label>Password <input name="password" type="password" autocomplete="current-password" /></label>
          <button type="submit">Continue</button>
        </form>
        <form method="post" action="/u/signup" id="signup">
          ${hidden('state', transaction.id)}${hidden('connection', database.name)}
          <p>No account? Sign up:</p>
          <label>Email <input name="email" type="email" value="${hint}" /></label>
          <label>Password <input name="password" type="password" autocomplete="new-password" /></label>
          <button type="submit">Sign up</button>
        </form>`,
    );
  }
  for (const c of connections.filter(isStandIn)) {
    parts.push(
      html`<p>
        <a class="idp" data-connection="${c.name}" href="/u/idp?state=${encodeURIComponent(transaction.id)}&amp;connection=${encodeURIComponent(c.name)}"
          >Continue with ${c.name}</a
        >
      </p>`,
    );
  }
  if (connections.some((c) => c.strategy === 'email')) {
    parts.push(
      html`<form method="post" action="/u/passwordless" id="passwordless">
        ${hidden('state', transaction.id)}
        <label>Email me a code <input name="email" type="email" value="${hint}" /></label>
        <button type="submit">Send code</button>
      </form>`,
    );
  }
  return page(`Log in to ${client.name}`, lines(parts), error ? 400 : 200);
}

function codePage(transaction: LoginTransaction, email: string, error?: string): RouteResult {
  return page(
    'Enter your code',
    html`${error ? html`<p class="error" id="error">${error}</p>` : ''}
      <p>We sent a code to ${email} (see <a href="/local/outbox" target="_blank">the local outbox</a>).</p>
      <form method="post" action="/u/passwordless" id="code">
        ${hidden('state', transaction.id)}${hidden('email', email)} <label>Code <input name="code" inputmode="numeric" autocomplete="one-time-code" /></label
        ><button type="submit">Continue</button>
      </form>`,
    error ? 400 : 200,
  );
}

function idpPage(state: TenantState, transaction: LoginTransaction, connection: Connection, error?: string): RouteResult {
  const known = [...identitiesOn(state, connection)].map(
    (identity) =>
      html`<form method="post" action="/u/idp" class="known">
        ${hidden('state', transaction.id)}${hidden('connection', connection.name)}${hidden('user_id', identity.user_id)}
        <button type="submit">${identity.email ?? identity.user_id} (${identity.provider}|${identity.user_id})</button>
      </form>`,
  );
  return page(
    `Local stand-in for ${connection.name}`,
    html`<p class="local">
        This page stands in for the identity provider of the connection <strong>${connection.name}</strong> (${connection.strategy}). Nothing is sent to it:
        pick the identity it would assert.
      </p>
      ${error ? html`<p class="error" id="error">${error}</p>` : ''}${lines(known)}
      <form method="post" action="/u/idp" id="new-identity">
        ${hidden('state', transaction.id)}${hidden('connection', connection.name)}
        <p>Or a new identity:</p>
        <label>Id at the provider <input name="user_id" /></label>
        <label>Email <input name="email" type="email" /></label>
        <label><input name="email_verified" type="checkbox" value="true" style="width:auto" /> the provider says the email is verified</label>
        <label>Name <input name="name" /></label>
        <button type="submit">Sign in as this identity</button>
      </form>`,
    error ? 400 : 200,
  );
}
